"""Staff run the service; private reflections stay private in the admin too."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from sets import between_services as services
from tests.factories import ReflectionFactory, StaffFactory

pytestmark = pytest.mark.django_db

SECRET = "A private thought about my manager."


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(staff)
    client.force_login(staff)
    return client


@pytest.fixture
def private(midway):
    return ReflectionFactory(
        learning_set=midway.learning_set, author=midway.alice, title="My manager", what=SECRET
    )


def test_admin_reflection_list_shows_no_private_text_or_title(staff_client, private):
    page = staff_client.get(reverse("admin:sets_reflection_changelist")).content.decode()

    assert "(private)" in page
    assert SECRET not in page
    assert "My manager" not in page


def test_admin_reflection_search_does_not_look_in_the_text(staff_client, private):
    url = reverse("admin:sets_reflection_changelist")

    page = staff_client.get(url, {"q": "manager"}).content.decode()

    assert "0 reflections" in page


def test_admin_private_reflection_page_hides_the_text_from_staff(staff_client, private):
    page = staff_client.get(
        reverse("admin:sets_reflection_change", args=[private.pk])
    ).content.decode()

    assert SECRET not in page
    assert private.author.full_name in page


def test_admin_shared_reflection_page_shows_the_text(staff_client, midway):
    shared = ReflectionFactory(
        learning_set=midway.learning_set, author=midway.alice, visibility="set", what="Shared"
    )

    page = staff_client.get(reverse("admin:sets_reflection_change", args=[shared.pk])).content

    assert b"Shared" in page


def test_admin_versions_and_drafts_never_show_text(staff_client, midway):
    reflection = services.reflection_create(
        author=midway.alice,
        learning_set=midway.learning_set,
        template="what_so_what",
        stages={"what": SECRET},
    )
    services.reflection_draft_save(
        author=midway.alice,
        learning_set=midway.learning_set,
        template="what_so_what",
        fields={"what": SECRET},
    )
    version = reflection.versions.get()
    draft = midway.alice.reflection_drafts.get()

    for url in (
        reverse("admin:sets_reflectionversion_changelist"),
        reverse("admin:sets_reflectionversion_change", args=[version.pk]),
        reverse("admin:sets_reflectiondraft_changelist"),
        reverse("admin:sets_reflectiondraft_change", args=[draft.pk]),
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url


@pytest.mark.parametrize(
    "model",
    [
        "reflection",
        "reflectionversion",
        "reflectiondraft",
        "action",
        "actionupdate",
        "question",
        "questionsupport",
        "barrier",
        "airtimebid",
        "checkin",
    ],
)
def test_admin_lists_every_model(staff_client, midway, model):
    assert staff_client.get(reverse(f"admin:sets_{model}_changelist")).status_code == 200
