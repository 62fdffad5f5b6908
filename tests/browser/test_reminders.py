"""A member answers a reminder email as a person would: RSVP from the link, turn reminders
off from the link, then finds the email on the Notifications page."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from sets import services
from sets.models import Notification, NotificationPreference, Rsvp
from sets.notifications import notifications_sweep
from sets.schedule import SeriesPlan
from tests.factories import PASSWORD, MembershipFactory, SetFacilitatorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _link(body: str, label: str, live_server) -> str:
    url = re.search(rf"{re.escape(label)}: (\S+)", body).group(1)
    return re.sub(r"^https?://[^/]+", live_server.url, url)


def _reminder_sent_to(person) -> mail.EmailMessage:
    learning_set = SetFacilitatorFactory().learning_set
    MembershipFactory(learning_set=learning_set, person=person)
    plan = SeriesPlan(
        first_day=timezone.localdate() + datetime.timedelta(days=8),
        start_time=datetime.time(10, 0),
        count=2,
        every_weeks=4,
        minutes=120,
        place="Room 2, Town Hall, Leeds",
    )
    first, _ = services.meeting_series_plan(learning_set=learning_set, plan=plan)
    week_before = (
        Notification.objects.filter(
            recipient=person, kind=Notification.Kind.MEETING_REMINDER, meeting=first
        )
        .order_by("due_at")
        .first()
    )
    # Only the sweep travels to the reminder's hour; the browser stays in the present.
    with time_machine.travel(week_before.due_at + datetime.timedelta(seconds=30), tick=False):
        notifications_sweep()
    (email,) = [m for m in mail.outbox if m.to == [person.email]]
    return email


def test_member_answers_a_reminder_turns_reminders_off_and_finds_it_listed(
    page, live_server, accessible
):
    ana = UserFactory(email="ana@example.org", full_name="Ana Adopter")
    email = _reminder_sent_to(ana)
    assert "Will you come? Answer with one click:" in email.body

    page.goto(_link(email.body, "- Going", live_server))
    page.get_by_role("heading", name=re.compile(r"^Will you come to")).wait_for()
    accessible()
    assert not Rsvp.objects.filter(person=ana).exists()  # opening the link changes nothing
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="Thank you: Going").wait_for()
    accessible()
    assert Rsvp.objects.get(person=ana).response == Rsvp.Response.GOING

    page.goto(_link(email.body, "Stop meeting reminders", live_server))
    page.get_by_role("heading", name="Stop meeting reminders?").wait_for()
    accessible()
    page.get_by_role("button", name="Stop meeting reminders").click()
    page.get_by_role("heading", name="Meeting reminders: off").wait_for()
    accessible()
    assert NotificationPreference.objects.get(person=ana, kind="meeting_reminder").enabled is False

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("heading", name="Notifications").wait_for()
    accessible()
    assert page.get_by_role("cell", name=email.subject).is_visible()
