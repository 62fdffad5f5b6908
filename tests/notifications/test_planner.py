import datetime

import pytest
from django.core.exceptions import ValidationError

from sets import services
from sets.models import Notification, NotificationKind
from sets.notifications import (
    UNPLANNED,
    notifications_plan,
    preference_set,
    reminder_settings_update,
)
from tests.notifications.conftest import UTC

Kind = NotificationKind


def _pending(learning_set, **filters):
    return Notification.objects.filter(learning_set=learning_set, state="pending", **filters)


def test_plan_gives_each_member_the_default_emails_before_a_meeting(team):
    first = team.meetings[0]
    rows = _pending(team.learning_set, meeting=first).exclude(
        kind__in=[Kind.REFLECTION_PROMPT, Kind.CHECK_IN_PROMPT, Kind.CHECK_IN_NUDGE]
    )
    planned = sorted((row.kind, row.recipient.full_name, row.due_at) for row in rows)
    seven, one, three, two = (
        datetime.datetime(2027, 1, day, 10, 0, tzinfo=UTC) for day in (5, 11, 9, 10)
    )
    assert planned == [
        (Kind.FACILITATOR_DIGEST, "Fay Facilitator", two),
        (Kind.MEETING_REMINDER, "Ana Adopter", seven),
        (Kind.MEETING_REMINDER, "Ana Adopter", one),
        (Kind.MEETING_REMINDER, "Ben Bridge", seven),
        (Kind.MEETING_REMINDER, "Ben Bridge", one),
        (Kind.MEETING_REMINDER, "Fay Facilitator", seven),
        (Kind.MEETING_REMINDER, "Fay Facilitator", one),
        (Kind.RSVP_CHASE, "Ana Adopter", three),
        (Kind.RSVP_CHASE, "Ben Bridge", three),
        (Kind.RSVP_CHASE, "Fay Facilitator", three),
    ]


def test_plan_twice_changes_nothing(team):
    before = list(Notification.objects.values_list("dedupe_key", "due_at", "state"))
    result = notifications_plan(learning_set=team.learning_set)
    assert result.changed == 0
    assert list(Notification.objects.values_list("dedupe_key", "due_at", "state")) == before


def test_plan_keeps_local_time_across_the_clock_change(team):
    # Meeting 4 is on Tue 6 April 2027 at 10:00 BST (09:00 UTC); a week before it is
    # Tue 30 March, also BST, and three days before is Sat 3 April.
    fourth = team.meetings[3]
    assert fourth.starts_at == datetime.datetime(2027, 4, 6, 9, 0, tzinfo=UTC)
    week_before = _pending(team.learning_set, meeting=fourth, dedupe_key__endswith=":7d").first()
    assert week_before.due_at == datetime.datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    # Meeting 3 (9 March, GMT): a week before is 2 March 10:00 GMT.
    third = team.meetings[2]
    week_before = _pending(team.learning_set, meeting=third, dedupe_key__endswith=":7d").first()
    assert week_before.due_at == datetime.datetime(2027, 3, 2, 10, 0, tzinfo=UTC)


def test_plan_check_ins_halfway_and_nudges_only_participants(team):
    first, second = team.meetings[:2]
    rows = _pending(
        team.learning_set, meeting=first, kind__in=[Kind.CHECK_IN_PROMPT, Kind.CHECK_IN_NUDGE]
    )
    planned = sorted((row.kind, row.recipient.full_name, row.due_at) for row in rows)
    halfway = first.ends_at + (second.starts_at - first.ends_at) / 2
    nudge = datetime.datetime(2027, 2, 7, 10, 0, tzinfo=UTC)
    assert planned == [
        (Kind.CHECK_IN_NUDGE, "Ana Adopter", nudge),
        (Kind.CHECK_IN_NUDGE, "Ben Bridge", nudge),
        (Kind.CHECK_IN_PROMPT, "Ana Adopter", halfway),
        (Kind.CHECK_IN_PROMPT, "Ben Bridge", halfway),
    ]


def test_plan_moves_pending_reminders_when_a_meeting_moves(team):
    second = team.meetings[1]
    new_start = datetime.datetime(2027, 2, 16, 14, 0, tzinfo=UTC)
    services.meeting_reschedule(
        meeting=second, starts_at=new_start, ends_at=new_start + datetime.timedelta(hours=3)
    )
    reminder = _pending(
        team.learning_set, meeting=second, recipient=team.ana, dedupe_key__endswith=":1d"
    ).get()
    assert reminder.due_at == datetime.datetime(2027, 2, 15, 14, 0, tzinfo=UTC)
    notices = Notification.objects.filter(meeting=second, kind=Kind.MEETING_CHANGED)
    assert sorted(n.recipient.full_name for n in notices) == [
        "Ana Adopter",
        "Ben Bridge",
        "Fay Facilitator",
    ]


def test_plan_skips_pending_rows_when_a_meeting_is_cancelled(team):
    third = team.meetings[2]
    services.meeting_cancel(meeting=third)
    assert (
        not _pending(team.learning_set, meeting=third).exclude(kind=Kind.MEETING_CANCELLED).exists()
    )
    skipped = Notification.objects.filter(meeting=third, kind=Kind.MEETING_REMINDER)
    assert {row.skip_reason for row in skipped} == {UNPLANNED}
    # The gap now runs from meeting 2 to meeting 4: one prompt, halfway through it.
    second, fourth = team.meetings[1], team.meetings[3]
    prompt = _pending(
        team.learning_set, meeting=second, kind=Kind.CHECK_IN_PROMPT, recipient=team.ana
    ).get()
    assert prompt.due_at == second.ends_at + (fourth.starts_at - second.ends_at) / 2


def test_plan_revives_reminders_when_a_cancelled_meeting_is_reinstated(team):
    third = team.meetings[2]
    services.meeting_cancel(meeting=third)
    services.meeting_reschedule(meeting=third, starts_at=third.starts_at, ends_at=third.ends_at)
    assert _pending(team.learning_set, meeting=third, kind=Kind.MEETING_REMINDER).count() == 6


def test_plan_skips_everything_pending_for_a_member_who_leaves(team):
    services.membership_leave(membership=team.membership(team.ben))
    assert not _pending(team.learning_set, recipient=team.ben).exists()
    assert _pending(team.learning_set, recipient=team.ana).exists()


def test_plan_never_touches_a_sent_row(team, time_machine):
    row = _pending(team.learning_set, recipient=team.ana).order_by("due_at").first()
    Notification.objects.filter(pk=row.pk).update(state="sent", sent_at=row.due_at)
    services.membership_leave(membership=team.membership(team.ana))
    row.refresh_from_db()
    assert (row.state, row.skip_reason) == ("sent", "")


def test_plan_leaves_out_what_a_person_turned_off(team):
    preference_set(person=team.ana, kind=Kind.MEETING_REMINDER, enabled=False)
    assert not _pending(team.learning_set, recipient=team.ana, kind=Kind.MEETING_REMINDER).exists()
    assert _pending(team.learning_set, recipient=team.ana, kind=Kind.RSVP_CHASE).exists()


def test_plan_gives_invited_and_declined_people_nothing(team):
    from tests.factories import MembershipFactory

    invited = MembershipFactory(
        learning_set=team.learning_set,
        state="invited",
        ground_rules=None,
        consented_at=None,
        joined_at=None,
    ).person
    notifications_plan(learning_set=team.learning_set)
    assert not Notification.objects.filter(recipient=invited).exists()


def test_reminder_settings_follow_the_facilitators_choice(team):
    reminder_settings_update(
        learning_set=team.learning_set, first_reminder_days=5, second_reminder_days=None
    )
    first = team.meetings[0]
    reminders = _pending(
        team.learning_set, meeting=first, kind=Kind.MEETING_REMINDER, recipient=team.ana
    )
    assert [row.due_at for row in reminders] == [datetime.datetime(2027, 1, 7, 10, 0, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"first_reminder_days": 0}, "first_reminder_days", "Choose at least 1 day"),
        (
            {"first_reminder_days": 30},
            "first_reminder_days",
            "Meetings are 28 days apart, so 30 days before one would be before the meeting "
            "ahead of it. Choose 1 to 27 days.",
        ),
        ({"reflection_prompt_hours": 0}, "reflection_prompt_hours", "Choose 1 to 671 hours"),
    ],
)
def test_reminder_settings_refuse_a_zero_or_too_long_offset(team, values, field, message):
    with pytest.raises(ValidationError) as refused:
        reminder_settings_update(learning_set=team.learning_set, **values)
    assert message in refused.value.message_dict[field][0]
