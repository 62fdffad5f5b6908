"""Staff run innovations, organisations and adoptions in Django admin."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from innovations.models import Adoption, StageChange
from tests.factories import (
    AdoptionFactory,
    BarrierFactory,
    ComponentFactory,
    InnovationFactory,
    OrganisationFactory,
    ResourceFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [
    "organisation",
    "innovation",
    "innovationsector",
    "component",
    "resource",
    "evidencelink",
    "adoption",
    "stagechange",
    "ledgerentry",
    "barrier",
    "enabler",
]


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(staff)
    return client


def test_admin_lists_every_innovations_model_with_search_and_filters(staff_client):
    BarrierFactory()
    for model in MODELS:
        url = reverse(f"admin:innovations_{model}_changelist")
        response = staff_client.get(url, {"q": "a"})
        assert response.status_code == 200, model


def test_admin_innovation_page_has_inlines_for_components_and_resources(staff_client):
    innovation = InnovationFactory()
    ComponentFactory(innovation=innovation, name="Independent coordinator")
    ResourceFactory(innovation=innovation, title="Practice guide")
    response = staff_client.get(
        reverse("admin:innovations_innovation_change", args=[innovation.pk])
    )
    page = response.content.decode()
    assert "Independent coordinator" in page
    assert "Practice guide" in page


def test_admin_adoption_page_shows_the_stage_history(staff_client):
    adoption = AdoptionFactory()
    StageChange.objects.create(adoption=adoption, stage="exploring", note="Heard at the network")
    response = staff_client.get(reverse("admin:innovations_adoption_change", args=[adoption.pk]))
    assert "Heard at the network" in response.content.decode()


def test_admin_adding_an_adoption_starts_its_timeline(staff_client):
    organisation, innovation = OrganisationFactory(), InnovationFactory()
    staff_client.post(
        reverse("admin:innovations_adoption_add"),
        {
            "organisation": organisation.pk,
            "innovation": innovation.pk,
            **{f"{prefix}-TOTAL_FORMS": "0" for prefix in _inline_prefixes()},
            **{f"{prefix}-INITIAL_FORMS": "0" for prefix in _inline_prefixes()},
        },
    )
    adoption = Adoption.objects.get()
    assert [change.stage for change in adoption.stage_changes.all()] == ["exploring"]


def test_admin_adding_a_stage_change_moves_the_adoption(staff_client):
    adoption = AdoptionFactory()
    staff_client.post(
        reverse("admin:innovations_stagechange_add"),
        {"adoption": adoption.pk, "stage": "piloting", "note": "Corrected by staff"},
    )
    adoption.refresh_from_db()
    assert adoption.stage == "piloting"
    assert [(c.stage, c.note) for c in adoption.stage_changes.all()] == [
        ("piloting", "Corrected by staff")
    ]


def _inline_prefixes() -> list[str]:
    return ["stage_changes", "ledger_entries", "barriers", "enablers"]
