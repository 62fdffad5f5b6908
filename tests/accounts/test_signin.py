import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _current_code() -> str:
    import time

    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def _sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_with_email_reaches_the_signed_in_home(client):
    user = UserFactory(full_name="Tom Okafor")
    response = _sign_in(client, user.email)
    assert response["Location"] == reverse("home")
    assert "Welcome, Tom" in client.get(reverse("home")).content.decode()


def test_sign_in_with_two_factor_asks_for_the_code(client):
    user = UserFactory()
    TOTP.activate(user, SECRET)

    response = _sign_in(client, user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "Welcome" not in client.get(reverse("home")).content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code()})
    assert response["Location"] == reverse("home")
    assert "Welcome" in client.get(reverse("home")).content.decode()


def test_failed_sign_ins_are_rate_limited_per_address(client):
    user = UserFactory()
    for _ in range(5):
        _sign_in(client, user.email, password="wrong-password-here")
    response = _sign_in(client, user.email)  # even the right password is refused now
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_email_lets_the_person_choose_a_new_password(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    assert [m.to for m in mailoutbox] == [[user.email]]
    link = next(word for word in mailoutbox[0].body.split() if "/password/reset/key/" in word)
    path = link.split("testserver", 1)[1]

    form_url = client.get(path)["Location"]  # allauth moves the key into the session
    response = client.post(
        form_url, {"password1": "a-brand-new-long-one", "password2": "a-brand-new-long-one"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-long-one")


def test_password_change_needs_the_current_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not-it", "password1": "another-long-one", "password2": "another-long-one"},
    )
    assert "Please type your current password." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
