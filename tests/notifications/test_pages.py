import datetime

import pytest
from django.core import mail
from django.urls import reverse

from sets.models import Notification, NotificationPreference, Rsvp
from sets.notification_links import rsvp_token, unsubscribe_token
from tests.notifications.conftest import UTC, sweep_at

WEEK_BEFORE_FIRST = datetime.datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


def _rsvp_url(team, person, answer="going"):
    token = rsvp_token(meeting_id=team.meetings[0].pk, person_id=person.pk)
    return reverse("notifications:rsvp", args=[token]) + f"?answer={answer}"


def test_rsvp_link_opened_changes_nothing_and_the_post_records_the_answer(client, team):
    url = _rsvp_url(team, team.ben, "not_going")
    page = client.get(url)
    assert page.status_code == 200
    assert "Tue 12 Jan 2027, 05:00 EST (America/New_York)" in page.content.decode()
    assert (
        'value="not_going" checked' in page.content.decode().replace("\n", " ").replace("  ", " ")
        or "checked" in page.content.decode()
    )
    assert not Rsvp.objects.exists()
    done = client.post(url, {"response": "not_going"})
    assert done.status_code == 200
    assert "Thank you: Not going (with apologies)" in done.content.decode()
    assert Rsvp.objects.get().response == "not_going"


def test_rsvp_link_from_an_email_works_until_the_meeting_is_over(client, team, frozen):
    message = next(m for m in sweep_at(frozen, WEEK_BEFORE_FIRST) if m.to == [team.ana.email])
    link = next(line for line in message.body.splitlines() if line.startswith("- Going: "))
    path = link.removeprefix("- Going: http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    frozen.move_to(team.meetings[0].ends_at)
    response = client.get(path)
    assert response.status_code == 404
    assert "This meeting is over or cancelled" in response.content.decode()


def test_unsubscribe_page_asks_first_and_the_post_turns_that_kind_off(client, team):
    url = reverse(
        "notifications:unsubscribe",
        args=[unsubscribe_token(person_id=team.ana.pk, kind="rsvp_chase")],
    )
    page = client.get(url)
    assert "Stop reminders to answer an rsvp?" in page.content.decode()
    assert not NotificationPreference.objects.exists()
    # A mail program's one-click POST (RFC 8058): no cookie, no CSRF token.
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(person=team.ana).enabled is False
    assert not Notification.objects.filter(
        recipient=team.ana, kind="rsvp_chase", state="pending"
    ).exists()


def test_preferences_page_turns_kinds_off_and_on(client, team):
    client.force_login(team.ana)
    url = reverse("notifications:preferences")
    kinds = [k for k in Notification.Kind.values if k != "check_in_nudge"]
    response = client.post(url, dict.fromkeys(kinds, "on"), follow=True)
    assert "Your email choices are saved." in response.content.decode()
    assert list(NotificationPreference.objects.values_list("kind", "enabled")) == [
        ("check_in_nudge", False)
    ]
    assert not Notification.objects.filter(
        recipient=team.ana, kind="check_in_nudge", state="pending"
    ).exists()
    client.post(url, dict.fromkeys(Notification.Kind.values, "on"))
    assert Notification.objects.filter(
        recipient=team.ana, kind="check_in_nudge", state="pending"
    ).exists()


def test_profile_links_to_the_email_choices(client, team):
    client.force_login(team.ana)
    assert (
        reverse("notifications:preferences")
        in client.get(reverse("accounts:profile")).content.decode()
    )


def _sent_to(person, count):
    rows = Notification.objects.filter(recipient=person).order_by("due_at")[:count]
    for index, row in enumerate(rows):
        Notification.objects.filter(pk=row.pk).update(
            state="sent", sent_at=row.due_at, subject=f"Email {index}"
        )


@pytest.mark.parametrize("count", [1, 30])
def test_notifications_page_lists_what_was_sent_newest_first_in_fixed_queries(
    client, team, count, django_assert_num_queries
):
    _sent_to(team.ana, count)
    client.force_login(team.ana)
    with django_assert_num_queries(4):
        response = client.get(reverse("notifications:list"))
    body = response.content.decode()
    assert body.count("<tr>") == count + 1
    if count > 1:
        assert body.index(f"Email {count - 1}") < body.index("Email 0")


def test_notifications_page_shows_only_your_own(client, team):
    _sent_to(team.ben, 3)
    client.force_login(team.ana)
    assert (
        "We have not sent you any reminders yet."
        in client.get(reverse("notifications:list")).content.decode()
    )


def test_set_reminders_page_shows_offset_errors_beside_the_field_and_keeps_what_was_typed(
    client, team
):
    client.force_login(team.facilitator)
    url = reverse("notifications:set_reminders", args=[team.learning_set.pk])
    data = {
        "first_reminder_days": "40",
        "second_reminder_days": "0",
        "rsvp_chase_days": "3",
        "check_in_prompt": "on",
        "check_in_nudge_days": "2",
        "reflection_prompt_hours": "2",
        "digest_days": "2",
        "overdue_action_nudge": "on",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Meetings are 28 days apart, so 40 days before one would be before the meeting ahead of it."
        in body
    )
    assert 'value="40"' in body
    assert "There is a problem" in body


def test_set_reminders_page_saves_and_lists_failed_emails_to_send_again(client, team):
    row = Notification.objects.filter(recipient=team.ben).first()
    Notification.objects.filter(pk=row.pk).update(
        state="failed", last_error="The mail server refused ben: 550"
    )
    client.force_login(team.facilitator)
    url = reverse("notifications:set_reminders", args=[team.learning_set.pk])
    assert "The mail server refused ben: 550" in client.get(url).content.decode()
    client.post(reverse("notifications:set_retry", args=[team.learning_set.pk, row.pk]))
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)
    assert not mail.outbox
