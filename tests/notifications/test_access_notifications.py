"""Who may open the reminder pages, and what a stale or forged link does."""

import datetime

import pytest
from django.urls import reverse

from sets.models import Notification
from sets.notification_links import rsvp_token, unsubscribe_token
from tests.factories import MembershipFactory, SetFacilitatorFactory, UserFactory


@pytest.fixture
def others(team):
    """A stranger, and the facilitator of another set."""
    return UserFactory(), SetFacilitatorFactory().person


def test_set_reminders_refuse_a_stranger_and_another_sets_facilitator_with_404(
    client, team, others
):
    url = reverse("notifications:set_reminders", args=[team.learning_set.pk])
    for person in others:
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_set_reminders_refuse_a_member_who_does_not_facilitate_with_403(client, team):
    client.force_login(team.ana)
    assert (
        client.get(reverse("notifications:set_reminders", args=[team.learning_set.pk])).status_code
        == 403
    )


def test_set_reminders_send_a_signed_out_visitor_to_sign_in(client, team):
    response = client.get(reverse("notifications:set_reminders", args=[team.learning_set.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_set_retry_refuses_anyone_but_the_facilitator(client, team, others):
    row = Notification.objects.filter(learning_set=team.learning_set).first()
    Notification.objects.filter(pk=row.pk).update(state="failed", last_error="refused")
    url = reverse("notifications:set_retry", args=[team.learning_set.pk, row.pk])
    expected = [(others[0], 404), (others[1], 404), (team.ana, 403)]
    for person, status in expected:
        client.force_login(person)
        assert client.post(url).status_code == status
    row.refresh_from_db()
    assert row.state == "failed"


def test_set_retry_of_another_sets_row_is_404(client, team):
    other = MembershipFactory().learning_set
    row = Notification.objects.create(
        learning_set=other,
        recipient=team.ana,
        kind="meeting_reminder",
        dedupe_key="x",
        due_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC),
        state="failed",
    )
    client.force_login(team.facilitator)
    assert (
        client.post(
            reverse("notifications:set_retry", args=[team.learning_set.pk, row.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["notifications:rsvp", "notifications:unsubscribe"])
def test_links_with_a_bad_signature_say_they_no_longer_work(client, team, name):
    good = rsvp_token(meeting_id=team.meetings[0].pk, person_id=team.ana.pk)
    if name == "notifications:unsubscribe":
        good = unsubscribe_token(person_id=team.ana.pk, kind="meeting_reminder")
    for token in ["not-a-token", good[:-2] + "xx"]:
        for method in (client.get, client.post):
            response = method(reverse(name, args=[token]))
            assert response.status_code == 404
            assert "This link no longer works" in response.content.decode()


def test_an_unsubscribe_token_is_not_an_rsvp_token(client, team):
    token = unsubscribe_token(person_id=team.ana.pk, kind="meeting_reminder")
    assert client.get(reverse("notifications:rsvp", args=[token])).status_code == 404


def test_an_rsvp_link_stops_working_when_the_person_leaves(client, team):
    from sets import services

    token = rsvp_token(meeting_id=team.meetings[0].pk, person_id=team.ben.pk)
    services.membership_leave(membership=team.membership(team.ben))
    response = client.get(reverse("notifications:rsvp", args=[token]))
    assert response.status_code == 404
    assert "has since left" in response.content.decode()
