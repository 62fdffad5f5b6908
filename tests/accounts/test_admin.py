import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_without_two_factor_are_sent_to_set_it_up(client):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:index"), follow=True)
    assert reverse("mfa_activate_totp") in [url for url, _ in response.redirect_chain]
    assert "Set up two-factor authentication before you open the administration site." in (
        response.content.decode()
    )


def test_staff_with_two_factor_enter_the_admin(client):
    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Action learning administration" in response.content.decode()


def test_people_who_are_not_staff_are_refused_the_admin(client):
    user = UserFactory()
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert "You cannot open this page" in response.content.decode()


def test_admin_lists_users_with_their_zone(client):
    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    UserFactory(email="amara@example.org", time_zone="Asia/Kolkata")
    client.force_login(staff)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "amara@example.org" in page
    assert "Asia/Kolkata" in page
