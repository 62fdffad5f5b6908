"""The demo set's reminders: some already sent, most planned, and a few due right away.

Loaded by `manage.py demo_data` after the sets demo; running it twice changes nothing.
The story: the week before meeting 3 everyone got their reminders (history); this
morning the facilitator gave the next meeting a new joining link, so each member has a
"meeting changed" notice due now, which the worker sends within a minute of `make run`.
"""

import datetime

from django.db import transaction

from actionlearning.accounts.models import User
from sets import demo as sets_demo
from sets import services
from sets.models import LearningSet, Meeting, Notification, NotificationKind
from sets.notifications import dedupe_key, notifications_plan

NEW_LINK = "https://meet.example.org/red-bag-north-east-2"


def load(*, people: dict[str, User]) -> None:
    learning_set = LearningSet.objects.filter(name=sets_demo.NAME).first()
    if learning_set is None:
        return
    notifications_plan(learning_set=learning_set)
    meetings = list(learning_set.meetings.order_by("number"))
    _history(learning_set, meetings[sets_demo.HELD - 1])
    upcoming = meetings[sets_demo.HELD]
    if upcoming.joining_link != NEW_LINK:
        services.meeting_reschedule(
            meeting=upcoming,
            starts_at=upcoming.starts_at,
            ends_at=upcoming.ends_at,
            joining_link=NEW_LINK,
        )
        from sets.tasks import sweep_notifications

        # Sent as soon as a worker is up, rather than at beat's first tick.
        transaction.on_commit(sweep_notifications.delay)


def _history(learning_set: LearningSet, meeting: Meeting) -> None:
    """The reminders a week and a day before the last meeting held, as sent."""
    members = learning_set.memberships.active().select_related("person")
    rows = []
    for days in (7, 1):
        sent_at = meeting.starts_at - datetime.timedelta(days=days)
        for member in members:
            rows.append(
                Notification(
                    learning_set=learning_set,
                    recipient=member.person,
                    kind=NotificationKind.MEETING_REMINDER,
                    meeting=meeting,
                    dedupe_key=dedupe_key(
                        NotificationKind.MEETING_REMINDER,
                        f"meeting-{meeting.pk}",
                        member.person_id,
                        f"{days}d",
                    ),
                    due_at=sent_at,
                    state=Notification.State.SENT,
                    sent_at=sent_at,
                    attempts=1,
                    subject=f"[Action learning] Reminder: {learning_set.name}, {meeting.title}",
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
