"""Invariants the database itself keeps, whatever code writes to it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from innovations.models import (
    Adoption,
    Barrier,
    BarrierStatus,
    Component,
    Innovation,
    LedgerEntry,
    LedgerStatus,
    Resource,
    ResourceKind,
    Stage,
    is_facilitator,
)
from tests.factories import (
    AdoptionFactory,
    BarrierFactory,
    ComponentFactory,
    FacilitatorFactory,
    InnovationFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _refused(model, fields: dict) -> bool:
    """Whether the database refuses to store this row."""
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_adoption_is_one_per_organisation_and_innovation():
    adoption = AdoptionFactory()
    pair = {"organisation": adoption.organisation, "innovation": adoption.innovation}
    assert _refused(Adoption, pair)
    assert Adoption.objects.count() == 1


def test_adoption_refuses_an_unknown_stage():
    pair = {"organisation": OrganisationFactory(), "innovation": InnovationFactory()}
    assert _refused(Adoption, {**pair, "stage": "dreaming"})


def test_component_refuses_an_empty_name_and_a_repeated_one():
    innovation = InnovationFactory()
    ComponentFactory(innovation=innovation, name="Private family time")
    fields = {"innovation": innovation, "kind": "core", "why_it_matters": "x"}
    assert _refused(Component, {**fields, "name": ""})
    assert _refused(Component, {**fields, "name": "private family time"})
    assert _refused(Component, {**fields, "name": "Coordinator", "kind": "optional"})


def test_resource_holds_a_link_or_a_file_never_both_nor_neither():
    innovation = InnovationFactory()
    fields = {"innovation": innovation, "title": "Guide", "kind": ResourceKind.GUIDE}
    assert _refused(Resource, {**fields, "url": "", "file": ""})
    assert _refused(Resource, {**fields, "url": "https://example.org", "file": "a.pdf"})
    assert not _refused(Resource, {**fields, "url": "https://example.org"})


def test_ledger_entry_adapted_says_how_and_why_and_dropped_says_why():
    adoption = AdoptionFactory()
    component = ComponentFactory(innovation=adoption.innovation)
    fields = {"adoption": adoption, "component": component}
    assert _refused(LedgerEntry, {**fields, "status": LedgerStatus.ADAPTED, "how": "Online"})
    assert _refused(LedgerEntry, {**fields, "status": LedgerStatus.DROPPED})
    adapted = {"status": "adapted", "how": "Online", "why": "Rural area"}
    assert not _refused(LedgerEntry, {**fields, **adapted})
    assert _refused(LedgerEntry, {**fields, "status": LedgerStatus.KEPT})  # one per component


def test_barrier_is_resolved_only_with_how_and_when():
    barrier = BarrierFactory()
    barrier.status = BarrierStatus.RESOLVED
    with pytest.raises(IntegrityError), transaction.atomic():
        barrier.save()
    barrier.resolution, barrier.resolved_at = "Trained at shift change", timezone.now()
    barrier.save()
    assert Barrier.objects.get().status == "resolved"


def test_innovation_refuses_an_unknown_status():
    innovation = InnovationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Innovation.objects.filter(pk=innovation.pk).update(status="secret")


def test_stage_reached_counts_later_stages_but_not_stopped():
    assert Stage.reached("piloting") == ["piloting", "implementing", "sustaining"]
    assert Stage.reached("stopped") == ["stopped"]


def test_facilitators_are_staff_or_hold_the_permission():
    assert is_facilitator(FacilitatorFactory())
    assert is_facilitator(StaffFactory())
    assert not is_facilitator(UserFactory())
