"""A private reflection never reaches the facilitator: not on any page they can open, not in
an export, not in an admin list. The facilitator here is also staff, the worst case."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.urls import reverse

from sets import between_services as services
from sets import between_urls
from tests.factories import ActionFactory, QuestionFactory, SetBarrierFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Thoughts about my manager"
SECRET_TEXT = "I do not think my manager wants this to work."
SECRET_DRAFT = "Half-written worry about the pilot."


@pytest.fixture
def secrets(midway):
    private = services.reflection_create(
        author=midway.alice,
        learning_set=midway.learning_set,
        template="gibbs",
        stages={"feelings": SECRET_TEXT},
        title=SECRET_TITLE,
    )
    shared = services.reflection_create(
        author=midway.alice,
        learning_set=midway.learning_set,
        template="what_so_what",
        stages={"what": "Shared learning"},
        visibility="facilitators",
    )
    services.reflection_draft_save(
        author=midway.alice,
        learning_set=midway.learning_set,
        template="what_so_what",
        fields={"what": SECRET_DRAFT},
    )
    return {
        "private": private,
        "shared": shared,
        "action": ActionFactory(learning_set=midway.learning_set, owner=midway.alice),
        "question": QuestionFactory(learning_set=midway.learning_set, asked_by=midway.alice),
        "barrier": SetBarrierFactory(
            learning_set=midway.learning_set, raised_by=midway.alice, reflection=private
        ),
    }


def _between_pages(midway, secrets) -> list[str]:
    """Every between-meetings page, with this set's ids (and the private reflection's)."""
    samples = {
        "set_id": midway.learning_set.pk,
        "meeting_id": midway.next.pk,
        "action_id": secrets["action"].pk,
        "question_id": secrets["question"].pk,
        "barrier_id": secrets["barrier"].pk,
    }
    urls = []
    for pattern in between_urls.urlpatterns:
        for reflection in (secrets["private"], secrets["shared"]):
            kwargs = {p: samples.get(p, reflection.pk) for p in pattern.pattern.converters}
            urls.append(reverse(f"between:{pattern.name}", kwargs=kwargs))
    return sorted(set(urls))


def _admin_pages(secrets) -> list[str]:
    lists = [
        reverse(f"admin:sets_{model._meta.model_name}_changelist")
        for model in apps.get_app_config("sets").get_models()
    ]
    private = secrets["private"]
    return [
        *lists,
        reverse("admin:sets_reflection_changelist") + "?q=manager",
        reverse("admin:sets_reflection_change", args=[private.pk]),
        reverse("admin:sets_reflectionversion_change", args=[private.versions.get().pk]),
        reverse(
            "admin:sets_reflectiondraft_change", args=[private.author.reflection_drafts.get().pk]
        ),
        reverse("admin:sets_barrier_change", args=[secrets["barrier"].pk]),
    ]


def test_private_reflection_is_on_no_page_export_or_admin_list_a_facilitator_opens(
    client, midway, secrets
):
    facilitator = midway.facilitator
    facilitator.is_staff = facilitator.is_superuser = True
    facilitator.save()
    TOTP.activate(facilitator, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(facilitator)
    client.force_login(facilitator)
    pages = [
        reverse("home"),
        reverse("sets:detail", args=[midway.learning_set.pk]),
        *_between_pages(midway, secrets),
        *_admin_pages(secrets),
    ]

    opened = 0
    for url in pages:
        response = client.get(url)
        page = response.content.decode()
        for secret in (SECRET_TITLE, SECRET_TEXT, SECRET_DRAFT):
            assert secret not in page, url
        opened += response.status_code == 200

    assert opened > 25
    progress = client.get(reverse("between:progress", args=[midway.learning_set.pk]))
    assert (
        "Shared learning"
        in client.get(
            reverse("between:reflection_detail", args=[secrets["shared"].pk])
        ).content.decode()
    )
    assert progress.status_code == 200
