"""A set's whole life, walked with the clock: six meetings from January to June 2027.

Fay facilitates (London); Ana (London) answers every RSVP and checks in each time she is
asked; Ben (New York) never answers and never checks in, and lets an action go overdue;
Cat (London) leaves after the first meeting. Meeting 3 moves from 9 to 23 March, the week
New York is already on summer time and London is not; meeting 5 is cancelled. The clocks
go forward in London on 28 March. At each moment something is due, the sweep runs; the
test then reads back exactly which emails went to whom, and when.
"""

import datetime
from collections import Counter

from django.core import mail
from django.utils import timezone

from sets import between_services, services
from sets.models import Notification, Rsvp
from sets.notifications import notifications_sweep
from tests.factories import MembershipFactory
from tests.notifications.conftest import UTC, row_of

Z = UTC


def at(month, day, hour=0, minute=0) -> datetime.datetime:
    return datetime.datetime(2027, month, day, hour, minute, tzinfo=Z)


class Walk:
    def __init__(self, time_machine, capture):
        self.clock = time_machine
        self.capture = capture
        self.log: list[tuple[datetime.datetime, str, str, str]] = []

    def until(self, moment: datetime.datetime) -> None:
        """Sweeps at each moment something falls due, up to `moment`."""
        while True:
            due = Notification.objects.pending().order_by("due_at").first()
            if due is None or due.due_at > moment:
                break
            self.clock.move_to(max(due.due_at, timezone.now()), tick=False)
            self.sweep()
        self.clock.move_to(moment, tick=False)

    def sweep(self) -> None:
        before = len(mail.outbox)
        with self.capture(execute=True):
            notifications_sweep()
        for message in mail.outbox[before:]:
            row = row_of(message)
            about = f"M{row.meeting.number}" if row.meeting else row.action.text
            self.log.append((timezone.now(), row.recipient.first_name, row.kind, about))

    def do(self, moment: datetime.datetime, change) -> None:
        self.until(moment)
        with self.capture(execute=True):
            change()

    def of(self, name: str) -> list[tuple[str, str, str]]:
        return [
            (f"{when:%a %d %b %H:%M}", kind, about)
            for when, who, kind, about in self.log
            if who == name
        ]


def test_a_sets_whole_life_sends_each_email_once_on_time_and_in_the_right_zone(
    team, time_machine, django_capture_on_commit_callbacks
):
    learning_set, fay, ana, ben = team.learning_set, team.facilitator, team.ana, team.ben
    cat = MembershipFactory(learning_set=learning_set, person__full_name="Cat Carer").person
    with django_capture_on_commit_callbacks(execute=True):
        services.set_update(
            learning_set=learning_set
        )  # re-plan for Cat, as invitation_accept would
    m1, m2, m3, m4, m5, m6 = team.meetings
    walk = Walk(time_machine, django_capture_on_commit_callbacks)

    def answer(meeting, *people):
        return lambda: [
            services.rsvp_record(meeting=meeting, person=p, response=Rsvp.Response.GOING)
            for p in people
        ]

    def held(meeting, *present):
        def record():
            members = learning_set.memberships.active().values_list("person_id", flat=True)
            here = {p.pk for p in present}
            statuses = {pk: "present" if pk in here else "absent" for pk in members}
            services.attendance_record(
                meeting=meeting, recorded_by=fay, statuses=statuses, mark_held=True
            )

        return record

    def ana_checks_in():
        between_services.check_in_submit(
            learning_set=learning_set, person=ana, confidence=4, progress={}
        )

    def move_m3():
        start = at(3, 23, 10)  # 10:00 GMT; New York is on EDT already
        services.meeting_reschedule(
            meeting=m3, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
        )

    def ben_commits():
        between_services.action_create(
            learning_set=learning_set,
            owner=ben,
            created_by=fay,
            text="Share the audit results",
            due_on=datetime.date(2027, 2, 2),
            meeting=m1,
        )

    script = [
        (at(1, 5, 11), answer(m1, fay, ana, cat)),
        (at(1, 12, 13, 30), held(m1, fay, ana, ben, cat)),
        (at(1, 12, 14), ben_commits),
        (at(1, 20), lambda: services.membership_leave(membership=team.membership(cat))),
        (at(1, 27, 12), ana_checks_in),
        (at(2, 1), move_m3),
        (at(2, 2, 11), answer(m2, fay, ana)),
        (at(2, 9, 13, 30), held(m2, fay, ana, ben)),
        (at(3, 16, 11), answer(m3, fay, ana)),
        (at(3, 23, 13, 30), held(m3, fay, ana)),
        (at(3, 30, 10), answer(m4, fay, ana)),
        (at(4, 6, 12, 30), held(m4, fay, ana, ben)),
        (at(4, 15), lambda: services.meeting_cancel(meeting=m5)),
        (at(5, 25, 11), answer(m6, fay, ana)),
        (at(6, 1, 12, 30), held(m6, fay, ana, ben)),
    ]
    gap_check_ins = [at(3, 3, 12), at(3, 31, 12), at(5, 6, 12)]
    for moment, change in sorted(
        script + [(t, ana_checks_in) for t in gap_check_ins], key=lambda e: e[0]
    ):
        walk.do(moment, change)
    walk.until(at(7, 1))

    assert walk.of("Cat") == [
        ("Tue 05 Jan 10:00", "meeting_reminder", "M1"),
        ("Mon 11 Jan 10:00", "meeting_reminder", "M1"),
        ("Tue 12 Jan 15:00", "reflection_prompt", "M1"),
    ]
    assert walk.of("Ben") == [
        ("Tue 05 Jan 10:00", "meeting_reminder", "M1"),
        ("Sat 09 Jan 10:00", "rsvp_chase", "M1"),
        ("Mon 11 Jan 10:00", "meeting_reminder", "M1"),
        ("Tue 12 Jan 15:00", "reflection_prompt", "M1"),
        ("Tue 26 Jan 11:30", "check_in_prompt", "M1"),
        ("Mon 01 Feb 00:00", "meeting_changed", "M3"),
        ("Tue 02 Feb 10:00", "meeting_reminder", "M2"),
        ("Wed 03 Feb 14:00", "action_overdue", "Share the audit results"),
        ("Sat 06 Feb 10:00", "rsvp_chase", "M2"),
        ("Sun 07 Feb 10:00", "check_in_nudge", "M1"),
        ("Mon 08 Feb 10:00", "meeting_reminder", "M2"),
        ("Tue 09 Feb 15:00", "reflection_prompt", "M2"),
        ("Tue 02 Mar 11:30", "check_in_prompt", "M2"),
        ("Tue 16 Mar 10:00", "meeting_reminder", "M3"),
        ("Sat 20 Mar 10:00", "rsvp_chase", "M3"),
        ("Sun 21 Mar 10:00", "check_in_nudge", "M2"),
        ("Mon 22 Mar 10:00", "meeting_reminder", "M3"),
        ("Tue 30 Mar 09:00", "meeting_reminder", "M4"),
        ("Tue 30 Mar 11:00", "check_in_prompt", "M3"),
        ("Sat 03 Apr 09:00", "rsvp_chase", "M4"),
        ("Sun 04 Apr 09:00", "check_in_nudge", "M3"),
        ("Mon 05 Apr 09:00", "meeting_reminder", "M4"),
        ("Tue 06 Apr 14:00", "reflection_prompt", "M4"),
        ("Thu 15 Apr 00:00", "meeting_cancelled", "M5"),
        ("Tue 04 May 10:30", "check_in_prompt", "M4"),
        ("Tue 25 May 09:00", "meeting_reminder", "M6"),
        ("Sat 29 May 09:00", "rsvp_chase", "M6"),
        ("Sun 30 May 09:00", "check_in_nudge", "M4"),
        ("Mon 31 May 09:00", "meeting_reminder", "M6"),
        ("Tue 01 Jun 14:00", "reflection_prompt", "M6"),
    ]
    # Ana answered and checked in, so she is never chased or nudged; she gets the rest.
    ana_kinds = Counter(kind for _, kind, _ in walk.of("Ana"))
    assert ana_kinds == {
        "meeting_reminder": 10,
        "reflection_prompt": 5,
        "check_in_prompt": 4,
        "meeting_changed": 1,
        "meeting_cancelled": 1,
    }
    # Fay gets the digest before each of the five meetings held, and no check-in prompts.
    fay_digests = [when for when, kind, _ in walk.of("Fay") if kind == "facilitator_digest"]
    assert fay_digests == [
        "Sun 10 Jan 10:00",
        "Sun 07 Feb 10:00",
        "Sun 21 Mar 10:00",
        "Sun 04 Apr 09:00",
        "Sun 30 May 09:00",
    ]
    assert not any(kind.startswith("check_in") for _, kind, _ in walk.of("Fay"))

    # Each email went once, at exactly its due time.
    sent = Notification.objects.sent()
    assert sent.count() == len(walk.log) == len(mail.outbox)
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == len(mail.outbox)
    assert all(row.sent_at == row.due_at for row in sent)
    # Nothing due is left unsent.
    assert not Notification.objects.filter(
        state__in=["pending", "sending"], due_at__lte=at(7, 1)
    ).exists()

    # The hours, as each reader reads them.
    def body(person, kind, meeting):
        row = sent.get(recipient=person, kind=kind, meeting=meeting, dedupe_key__endswith=":1d")
        return next(m.body for m in mail.outbox if m.extra_headers["Message-ID"] == row.message_id)

    assert "When: Tue 23 Mar 2027, 06:00 EDT (America/New_York) to 09:00 EDT" in body(
        ben, "meeting_reminder", m3
    )
    assert "When: Tue 23 Mar 2027, 10:00 GMT (Europe/London) to 13:00 GMT" in body(
        ana, "meeting_reminder", m3
    )
    assert "When: Tue 6 Apr 2027, 05:00 EDT (America/New_York) to 08:00 EDT" in body(
        ben, "meeting_reminder", m4
    )
    assert "When: Tue 6 Apr 2027, 10:00 BST (Europe/London) to 13:00 BST" in body(
        ana, "meeting_reminder", m4
    )
