import datetime
import smtplib

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sets import services
from sets.models import Attendance, Membership, Notification, NotificationKind, Rsvp
from sets.notifications import (
    notifications_claim,
    notifications_plan,
    notifications_retry,
    notifications_sweep,
)
from tests.factories import ReflectionFactory
from tests.notifications.conftest import UTC, a_stranger, row_of, sweep_at

Kind = NotificationKind
WEEK_BEFORE_FIRST = datetime.datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


def test_sweep_sends_nothing_before_it_is_due(team, frozen):
    assert sweep_at(frozen, WEEK_BEFORE_FIRST - datetime.timedelta(minutes=1)) == []


def test_sweep_sends_the_week_before_reminder_to_each_member_in_their_own_zone(team, frozen):
    sent = sweep_at(frozen, WEEK_BEFORE_FIRST)
    by_person = {message.to[0]: message for message in sent}
    assert sorted(by_person) == sorted([team.facilitator.email, team.ana.email, team.ben.email])
    ana, ben = by_person[team.ana.email], by_person[team.ben.email]
    assert "When: Tue 12 Jan 2027, 10:00 GMT (Europe/London) to 13:00 GMT" in ana.body
    assert "When: Tue 12 Jan 2027, 05:00 EST (America/New_York) to 08:00 EST" in ben.body
    assert ben.subject.endswith("Meeting 1, Tue 12 Jan, 05:00 EST")
    assert "Where: Room 2, Town Hall, Leeds" in ana.body
    assert "- Check-in (20 min)" in ana.body


def test_sweep_email_has_both_parts_unsubscribe_headers_ics_and_a_stable_message_id(team, frozen):
    message = next(m for m in sweep_at(frozen, WEEK_BEFORE_FIRST) if m.to == [team.ana.email])
    row = row_of(message)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Tue 12 Jan 2027, 10:00 GMT (Europe/London)" in html
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@127.0.0.1>"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/notifications/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        "Stop meeting reminders: http://127.0.0.1:8000/notifications/unsubscribe/" in message.body
    )
    filename, ics, mimetype = message.attachments[0]
    assert (filename, mimetype) == ("meeting-1.ics", "text/calendar; charset=utf-8; method=PUBLISH")
    assert "DTSTART;TZID=Europe/London:20270112T100000" in ics
    assert message.body.count("/notifications/rsvp/") == 3
    assert (row.state, row.sent_at, row.attempts) == ("sent", WEEK_BEFORE_FIRST, 1)


def test_sweep_lists_the_members_own_open_actions_in_a_reminder(team, frozen):
    from sets.between_services import action_create

    action_create(
        learning_set=team.learning_set,
        owner=team.ana,
        created_by=team.ana,
        text="Try the handover sheet on ward 4",
        due_on=datetime.date(2027, 1, 11),
    )
    message = next(m for m in sweep_at(frozen, WEEK_BEFORE_FIRST) if m.to == [team.ana.email])
    assert "- Try the handover sheet on ward 4 (due Mon 11 Jan 2027)" in message.body


def test_sweep_chases_only_those_who_have_not_answered(team, frozen):
    frozen.move_to(datetime.datetime(2027, 1, 8, tzinfo=UTC), tick=False)
    services.rsvp_record(meeting=team.meetings[0], person=team.ana, response=Rsvp.Response.GOING)
    sent = sweep_at(frozen, datetime.datetime(2027, 1, 9, 10, 0, tzinfo=UTC))
    chased = sorted(
        m.to[0] for m in sent if m.extra_headers["X-Notification-Kind"] == Kind.RSVP_CHASE
    )
    assert chased == sorted([team.facilitator.email, team.ben.email])
    skipped = Notification.objects.get(
        kind=Kind.RSVP_CHASE, recipient=team.ana, meeting=team.meetings[0]
    )
    assert (skipped.state, skipped.skip_reason) == ("skipped", "Already answered.")


def test_sweep_twice_sends_nothing_twice(team, frozen):
    first = sweep_at(frozen, WEEK_BEFORE_FIRST)
    again = sweep_at(frozen, WEEK_BEFORE_FIRST + datetime.timedelta(minutes=1))
    assert len(first) == 3
    assert again == []


def test_claim_is_exclusive_until_it_goes_stale(team, frozen, settings):
    frozen.move_to(WEEK_BEFORE_FIRST, tick=False)
    taken = notifications_claim(limit=10)
    assert len(taken) == 3
    assert notifications_claim(limit=10) == []
    # The worker holding them died: after the timeout another sweep takes them back.
    frozen.move_to(
        WEEK_BEFORE_FIRST + datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT + 1)
    )
    notifications_sweep()
    rows = Notification.objects.filter(pk__in=[row.pk for row in taken])
    assert {(row.state, row.attempts) for row in rows} == {("sent", 2)}
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        row.message_id for row in rows
    )


def test_sweep_of_nothing_due_is_one_query(team, frozen):
    frozen.move_to(WEEK_BEFORE_FIRST - datetime.timedelta(hours=1), tick=False)
    with CaptureQueriesContext(connection) as queries:
        notifications_sweep()
    assert len(queries) == 1


def _sweep_queries() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        result = notifications_sweep(max_batches=1)
    return result.sent, len(queries)


def test_sweep_queries_per_batch_do_not_grow_with_the_batch(team, frozen):
    from tests.factories import MembershipFactory

    frozen.move_to(WEEK_BEFORE_FIRST, tick=False)
    few = _sweep_queries()
    for _ in range(30):
        MembershipFactory(learning_set=team.learning_set)
    notifications_plan(learning_set=team.learning_set)  # newcomers: their reminder is due now
    many = _sweep_queries()
    assert (few, many) == ((3, 13), (30, 13))


class RefusingConnection:
    """An SMTP connection whose server refuses one address."""

    refused: set[str] = set()
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 No such user")})
            self.sent.append(message)
        return len(messages)


def test_sweep_fails_only_the_refused_recipient_and_sends_the_rest(team, frozen, monkeypatch):
    RefusingConnection.refused = {team.ben.email}
    RefusingConnection.sent = []
    monkeypatch.setattr("sets.notifications.get_connection", RefusingConnection)
    frozen.move_to(WEEK_BEFORE_FIRST, tick=False)
    result = notifications_sweep()
    assert sorted(m.to[0] for m in RefusingConnection.sent) == sorted(
        [team.facilitator.email, team.ana.email]
    )
    failed = Notification.objects.get(state="failed")
    assert failed.recipient == team.ben
    assert failed.last_error == f"The mail server refused {team.ben.email}: 550 5.1.1 No such user"
    assert (result.sent, result.failed) == (2, 1)
    # Fixed on file, sent again: it goes.
    RefusingConnection.refused = set()
    assert notifications_retry(notification_ids=[failed.pk]) == 1
    notifications_sweep()
    failed.refresh_from_db()
    assert failed.state == "sent"


def test_sweep_fails_an_invalid_address_on_file_and_sends_the_rest(team, frozen):
    type(team.ben).objects.filter(pk=team.ben.pk).update(email="ben at example")
    sent = sweep_at(frozen, WEEK_BEFORE_FIRST)
    assert len(sent) == 2
    failed = Notification.objects.get(state="failed")
    assert (
        failed.last_error
        == "The address on file for Ben Bridge, “ben at example”, is not a valid email address."
    )


class DownConnection(RefusingConnection):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_sweep_retries_a_passing_failure_with_backoff_then_gives_up(team, frozen, monkeypatch):
    monkeypatch.setattr("sets.notifications.get_connection", DownConnection)
    notifications_plan_only_one(team)
    now = WEEK_BEFORE_FIRST
    waits = []
    for _ in range(5):
        frozen.move_to(now, tick=False)
        notifications_sweep()
        row = Notification.objects.get(
            recipient=team.ana, dedupe_key__endswith=":7d", meeting=team.meetings[0]
        )
        if row.state != "pending":
            break
        waits.append(row.due_at - now)
        now = row.due_at
    assert waits == [datetime.timedelta(minutes=m) for m in (1, 5, 25, 125)]
    assert row.state == "failed"
    assert row.last_error.startswith("Sending failed: SMTPServerDisconnected")


def notifications_plan_only_one(team):
    """Leave only Ana's week-before reminder of meeting 1 to be sent."""
    Notification.objects.exclude(
        recipient=team.ana, dedupe_key__endswith=":7d", meeting=team.meetings[0]
    ).delete()
    Notification.objects.update(expires_at=None)


def test_reflection_prompt_waits_for_attendance_then_goes_to_those_present(team, frozen):
    first = team.meetings[0]
    two_hours_after = first.ends_at + datetime.timedelta(hours=2)
    prompts = lambda sent: sorted(m.to[0] for m in sent if "reflection" in m.subject.lower())  # noqa: E731
    assert prompts(sweep_at(frozen, two_hours_after)) == []
    services.attendance_record(
        meeting=first,
        recorded_by=team.facilitator,
        statuses={
            team.facilitator.pk: "present",
            team.ana.pk: "present",
            team.ben.pk: Attendance.Status.APOLOGIES,
        },
    )
    sent = sweep_at(frozen, two_hours_after + datetime.timedelta(hours=1))
    assert prompts(sent) == sorted([team.facilitator.email, team.ana.email])
    ben = Notification.objects.get(kind=Kind.REFLECTION_PROMPT, recipient=team.ben, meeting=first)
    assert (ben.state, ben.skip_reason) == ("skipped", "Not marked present at the meeting.")


def test_digest_tells_facilitators_where_the_set_stands_but_never_a_reflection(team, frozen):
    from sets.between_services import action_create, question_ask

    ReflectionFactory(
        learning_set=team.learning_set, author=team.ana, what="SECRET-REFLECTION", visibility="set"
    )
    frozen.move_to(datetime.datetime(2027, 1, 3, tzinfo=UTC), tick=False)
    action_create(
        learning_set=team.learning_set,
        owner=team.ben,
        created_by=team.ben,
        text="Book the training room",
        due_on=datetime.date(2027, 1, 4),
    )
    question_ask(
        learning_set=team.learning_set,
        asked_by=team.ana,
        text="Who signs off the new form?",
        addressed_to="set",
    )
    services.rsvp_record(meeting=team.meetings[0], person=team.ana, response=Rsvp.Response.GOING)
    sent = sweep_at(frozen, datetime.datetime(2027, 1, 10, 10, 0, tzinfo=UTC))
    digest = next(
        m for m in sent if m.extra_headers["X-Notification-Kind"] == Kind.FACILITATOR_DIGEST
    )
    assert digest.to == [team.facilitator.email]
    assert "- Ben Bridge: Book the training room (due Mon 4 Jan)" in digest.body
    assert "- Who signs off the new form?" in digest.body
    assert "- Ana Adopter: going" in digest.body
    assert "- Ben Bridge: no answer yet" in digest.body
    assert "SECRET-REFLECTION" not in digest.body
    assert "SECRET-REFLECTION" not in digest.alternatives[0][0]


@pytest.mark.parametrize("kind", [Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED])
def test_change_notices_carry_the_updated_or_cancelled_calendar_file(team, frozen, kind):
    second = team.meetings[1]
    if kind == Kind.MEETING_CANCELLED:
        services.meeting_cancel(meeting=second)
    else:
        later = second.starts_at + datetime.timedelta(days=1)
        services.meeting_reschedule(
            meeting=second, starts_at=later, ends_at=later + datetime.timedelta(hours=3)
        )
    sent = sweep_at(frozen, frozen_now(frozen))
    notices = [m for m in sent if m.extra_headers["X-Notification-Kind"] == kind]
    assert len(notices) == 3
    ben = next(m for m in notices if m.to == [team.ben.email])
    _, ics, mimetype = ben.attachments[0]
    if kind == Kind.MEETING_CANCELLED:
        assert mimetype.endswith("method=CANCEL")
        assert "STATUS:CANCELLED" in ics
        assert "Tue 9 Feb 2027, 05:00 EST (America/New_York)" in ben.body
    else:
        assert "SEQUENCE:1" in ics
        assert "When: Wed 10 Feb 2027, 05:00 EST (America/New_York)" in ben.body


def frozen_now(frozen):
    from django.utils import timezone

    return timezone.now()


def test_digest_is_not_sent_to_a_facilitator_who_is_now_a_participant(team, frozen):
    """A role changed in the admin plans nothing anew: the sweep checks the role itself."""
    co_facilitator = services.membership_add(
        learning_set=team.learning_set, person=a_stranger(), role=Membership.Role.FACILITATOR
    ).person
    Membership.objects.filter(learning_set=team.learning_set, person=co_facilitator).update(
        role=Membership.Role.PARTICIPANT
    )

    sent = sweep_at(frozen, datetime.datetime(2027, 1, 10, 10, 0, tzinfo=UTC))

    digests = [m for m in sent if m.extra_headers["X-Notification-Kind"] == Kind.FACILITATOR_DIGEST]
    assert [m.to for m in digests] == [[team.facilitator.email]]
    row = Notification.objects.get(
        kind=Kind.FACILITATOR_DIGEST, recipient=co_facilitator, meeting=team.meetings[0]
    )
    assert (row.state, row.skip_reason) == ("skipped", "Not a facilitator of the set any more.")
