import json

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from actionlearning.accounts.models import User

pytestmark = pytest.mark.django_db


def _signup(client, **overrides):
    data = {
        "email": "amara@example.org",
        "full_name": "Amara Nwosu",
        "time_zone": "Europe/London",
        "password1": "a-long-walk-by-the-river",
        "password2": "a-long-walk-by-the-river",
    } | overrides
    return client.post(reverse("account_signup"), data)


def test_signup_creates_an_unverified_user_with_name_and_zone(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(client, time_zone="America/New_York")
    assert response.status_code == 302
    user = User.objects.get(email="amara@example.org")
    assert (user.full_name, user.time_zone) == ("Amara Nwosu", "America/New_York")
    assert EmailAddress.objects.get(user=user).verified is False


def test_signup_email_waits_for_the_commit_and_goes_through_the_worker(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _signup(client)
    assert mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert [message.to for message in mail.outbox] == [["amara@example.org"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_signup_refuses_a_short_password_and_keeps_what_was_typed(client):
    response = _signup(client, password1="river-walk", password2="river-walk")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in page
    assert 'value="Amara Nwosu"' in page
    assert 'value="amara@example.org"' in page
    assert not User.objects.exists()


def test_signup_refuses_a_common_password(client):
    response = _signup(client, password1="password1234", password2="password1234")
    assert "This password is too common." in response.content.decode()


def test_signup_accepts_a_long_password_without_digits_or_symbols(client):
    response = _signup(
        client, password1="correcthorsebatterystaple", password2="correcthorsebatterystaple"
    )
    assert response.status_code == 302
    assert User.objects.filter(email="amara@example.org").exists()


def test_signup_refuses_an_unknown_time_zone_beside_the_field(client):
    response = _signup(client, time_zone="Mars/Olympus")
    page = response.content.decode()
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in page
    assert 'id="id_time_zone_error"' in page
    assert 'href="#id_time_zone"' in page  # the error summary links to the field
    assert 'value="Amara Nwosu"' in page


def test_unverified_person_cannot_sign_in_until_they_confirm(client):
    _signup(client)
    client.logout()
    response = client.post(
        reverse("account_login"),
        {"login": "amara@example.org", "password": "a-long-walk-by-the-river"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_email_payload_for_the_worker_is_json_and_keeps_every_part():
    from django.core.mail import EmailMultiAlternatives

    from actionlearning.mail import email_from_payload, email_to_payload

    message = EmailMultiAlternatives(
        "Subject", "Plain", "from@example.org", ["to@example.org"], headers={"X-Test": "1"}
    )
    message.attach_alternative("<p>Rich</p>", "text/html")
    message.attach("meeting.ics", "BEGIN:VCALENDAR", "text/calendar")

    payload = json.loads(json.dumps(email_to_payload(message)))
    rebuilt = email_from_payload(payload)

    assert (rebuilt.subject, rebuilt.body, rebuilt.to) == ("Subject", "Plain", ["to@example.org"])
    assert rebuilt.alternatives[0][0] == "<p>Rich</p>"
    assert rebuilt.attachments[0][0] == "meeting.ics"
    assert rebuilt.extra_headers == {"X-Test": "1"}
