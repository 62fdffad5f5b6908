import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.factories import PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_staff_member_sets_up_two_factor_and_enters_the_admin(page, accessible):
    staff = StaffFactory(full_name="Sam Admin")
    _sign_in(page, staff.email)
    page.get_by_role("heading", name="Welcome, Sam").wait_for()

    page.get_by_role("link", name="Admin").click()
    assert page.get_by_text(
        "Set up two-factor authentication before you open the administration site."
    ).is_visible()
    page.get_by_role("heading", name="Confirm Access").wait_for()  # allauth asks again
    accessible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Activate Authenticator App").wait_for()
    accessible()

    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery Codes").wait_for()
    accessible()
    recovery_code = page.locator("#recovery_codes").input_value().split()[0]

    page.get_by_role("button", name="Sign out").click()
    _sign_in(page, staff.email)
    page.get_by_role("heading", name="Two-Factor Authentication").wait_for()
    accessible()
    page.get_by_label("Code").fill(recovery_code)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Sam").wait_for()

    page.get_by_role("link", name="Admin").click()
    page.get_by_role("heading", name="Run the service").wait_for()
    assert page.get_by_role("link", name="Users").is_visible()
