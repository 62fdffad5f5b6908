import re

import pytest
from django.core import mail

from actionlearning.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-long-walk-by-the-river"


def _verification_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_signup_verify_signin_reaches_signed_in_home(page, live_server, accessible):
    page.goto("/")
    accessible()
    page.get_by_role("link", name="Create an account").first.click()
    accessible()

    page.get_by_label("Email").fill("amara@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password (again)").fill("short")
    page.get_by_label("Full name").fill("Amara Nwosu")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Sign Up").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_label("Full name").input_value() == "Amara Nwosu"
    accessible()

    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    accessible()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["amara@example.org"]
    page.goto(_verification_link(mail.outbox[0]).replace("http://testserver", live_server.url))
    accessible()
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Welcome, Amara").wait_for()
    accessible()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Spread what works, together").wait_for()

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("amara@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Amara").wait_for()
    assert page.locator(".signed-in-as").inner_text() == (
        "Signed in as Amara Nwosu · times in Europe/London"
    )
    accessible()
    assert User.objects.get(email="amara@example.org").full_name == "Amara Nwosu"
