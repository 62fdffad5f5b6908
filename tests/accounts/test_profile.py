import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from actionlearning.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_profile_saves_name_and_time_zone(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Aled Morgan", "time_zone": "Europe/Dublin"},
        follow=True,
    )
    assert "Your details are saved." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.time_zone) == ("Aled Morgan", "Europe/Dublin")


def test_profile_refuses_an_unknown_zone_and_keeps_the_name_typed(client):
    user = UserFactory(full_name="Before")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "After", "time_zone": "Nowhere/Land"}
    )
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a valid choice. Nowhere/Land is not one of the available choices." in page
    assert 'value="After"' in page
    user.refresh_from_db()
    assert user.full_name == "Before"


def test_user_model_refuses_an_unknown_time_zone():
    user = User(email="x@example.org", full_name="X", time_zone="Atlantis/Capital")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "is not a time zone we know" in str(error.value)


def test_email_addresses_are_unique_whatever_their_case():
    User.objects.create_user("Amara@Example.org", "a-long-password-1", full_name="A")
    with pytest.raises(IntegrityError):
        User.objects.create_user("amara@example.org", "a-long-password-2", full_name="B")


def test_signed_in_pages_name_the_viewers_time_zone(client):
    client.force_login(UserFactory(full_name="Grace Bennett", time_zone="Asia/Kolkata"))
    page = client.get(reverse("home")).content.decode()
    assert "Signed in as Grace Bennett · times in Asia/Kolkata" in page
