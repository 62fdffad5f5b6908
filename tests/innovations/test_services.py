import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from innovations import services
from innovations.models import (
    Adoption,
    Component,
    ComponentKind,
    EvidenceLink,
    Innovation,
    LedgerStatus,
    Resource,
    ResourceKind,
    StageChange,
)
from tests.factories import (
    AdoptionFactory,
    BarrierFactory,
    ComponentFactory,
    FacilitatorFactory,
    InnovationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _create(title="Red Bag hospital transfer pathway", **extra) -> Innovation:
    details = {
        "created_by": FacilitatorFactory(),
        "title": title,
        "summary": "A red bag travels with the resident.",
        "problem": "Information is lost between care home and hospital.",
        "how_it_works": "Staff pack a standard form, medicines and belongings.",
        "source_organisation": OrganisationFactory(),
    }
    return services.innovation_create(**details | extra)


def test_innovation_create_saves_its_parts_sectors_and_innovators():
    innovator = UserFactory(email="grace@example.org")
    innovation = _create(
        sectors=["health", "adult_social_care"],
        innovators=[innovator],
        parts=[
            Component(name="Standard form", kind=ComponentKind.CORE, why_it_matters="Same info"),
            Component(name="Bag design", kind=ComponentKind.ADAPTABLE, why_it_matters="Any bag"),
            Resource(title="Quick guide", kind=ResourceKind.GUIDE, url="https://example.org/g"),
            EvidenceLink(title="Evaluation", url="https://example.org/e"),
        ],
    )
    assert innovation.slug == "red-bag-hospital-transfer-pathway"
    assert innovation.status == "draft"
    assert [(c.name, c.kind, c.position) for c in innovation.components.all()] == [
        ("Standard form", "core", 1),
        ("Bag design", "adaptable", 2),
    ]
    assert [r.title for r in innovation.resources.all()] == ["Quick guide"]
    assert [e.title for e in innovation.evidence_links.all()] == ["Evaluation"]
    assert sorted(s.sector for s in innovation.sectors.all()) == ["adult_social_care", "health"]
    assert list(innovation.innovators.all()) == [innovator]


def test_innovation_create_gives_each_title_its_own_slug_and_never_new():
    assert _create(title="Red Bag").slug == "red-bag"
    assert _create(title="Red bag").slug == "red-bag-2"
    assert _create(title="New").slug == "new-2"


def test_innovation_update_changes_parts_and_keeps_the_slug():
    innovation = _create(sectors=["health"])
    kept = ComponentFactory(innovation=innovation, name="Coordinator")
    gone = ComponentFactory(innovation=innovation, name="Leaflet")
    kept.why_it_matters = "Independence"
    services.innovation_update(
        innovation=innovation,
        title="Red Bag pathway",
        summary=innovation.summary,
        problem=innovation.problem,
        how_it_works=innovation.how_it_works,
        source_organisation=innovation.source_organisation,
        status="published",
        sectors=["adult_social_care"],
        parts=[kept, Component(name="Bag", kind="adaptable", why_it_matters="Any")],
        removed_parts=[gone],
    )
    innovation.refresh_from_db()
    assert (innovation.title, innovation.slug, innovation.status) == (
        "Red Bag pathway",
        "red-bag-hospital-transfer-pathway",
        "published",
    )
    assert [(c.name, c.why_it_matters) for c in innovation.components.all()] == [
        ("Coordinator", "Independence"),
        ("Bag", "Any"),
    ]
    assert [s.sector for s in innovation.sectors.all()] == ["adult_social_care"]


def test_facilitator_grant_gives_the_permission_through_the_group():
    person = UserFactory()
    services.facilitator_grant(user=person)
    person = type(person).objects.get(pk=person.pk)
    assert person.has_perm("innovations.facilitate")
    assert [g.name for g in person.groups.all()] == ["Facilitators"]


@time_machine.travel(datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_adoption_start_begins_the_journey_at_exploring():
    person, organisation, innovation = UserFactory(), OrganisationFactory(), InnovationFactory()
    adoption = services.adoption_start(
        organisation=organisation, innovation=innovation, started_by=person
    )
    assert adoption.stage == "exploring"
    assert [(c.stage, c.changed_at, c.changed_by) for c in adoption.stage_changes.all()] == [
        ("exploring", datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC), person)
    ]


def test_adoption_start_refuses_a_second_journey_for_the_same_pair():
    adoption = AdoptionFactory(organisation=OrganisationFactory(name="Northshire NHS FT"))
    with pytest.raises(ValidationError) as error:
        services.adoption_start(
            organisation=adoption.organisation,
            innovation=adoption.innovation,
            started_by=UserFactory(),
        )
    assert error.value.message_dict == {
        "organisation": [f"Northshire NHS FT is already on a journey with {adoption.innovation}."]
    }
    assert Adoption.objects.count() == 1


def test_adoption_stage_change_keeps_every_move_with_who_and_why():
    person = UserFactory()
    adoption = services.adoption_start(
        organisation=OrganisationFactory(), innovation=InnovationFactory(), started_by=person
    )
    services.adoption_stage_change(
        adoption=adoption, stage="planning", changed_by=person, note="Board agreed."
    )
    services.adoption_stage_change(adoption=adoption, stage="stopped", changed_by=person)
    adoption.refresh_from_db()
    assert adoption.stage == "stopped"
    assert [(c.stage, c.note) for c in adoption.stage_changes.all()] == [
        ("exploring", "Started exploring."),
        ("planning", "Board agreed."),
        ("stopped", ""),
    ]


def test_adoption_stage_change_refuses_an_unknown_or_unchanged_stage():
    adoption = AdoptionFactory(stage="planning")
    with pytest.raises(ValidationError) as unknown:
        services.adoption_stage_change(adoption=adoption, stage="dreaming", changed_by=None)
    with pytest.raises(ValidationError) as same:
        services.adoption_stage_change(adoption=adoption, stage="planning", changed_by=None)
    assert unknown.value.message_dict == {"stage": ["Choose a stage from the list."]}
    assert same.value.message_dict == {
        "stage": ["It is already at planning: choose another stage."]
    }
    assert not StageChange.objects.exists()


def test_ledger_entry_record_keeps_one_entry_per_component_and_asks_how_and_why():
    adoption = AdoptionFactory()
    component = ComponentFactory(innovation=adoption.innovation)
    person = UserFactory()
    with pytest.raises(ValidationError) as error:
        services.ledger_entry_record(
            adoption=adoption, component=component, status="adapted", recorded_by=person
        )
    assert error.value.message_dict == {
        "how": ["Say how it was adapted."],
        "why": ["Say why it was adapted."],
    }
    services.ledger_entry_record(
        adoption=adoption, component=component, status="kept", recorded_by=person
    )
    services.ledger_entry_record(
        adoption=adoption,
        component=component,
        status=LedgerStatus.ADAPTED,
        how="Sent by NHS mail",
        why="Records are shared already",
        recorded_by=person,
    )
    assert [(e.status, e.how, e.updated_by) for e in adoption.ledger_entries.all()] == [
        ("adapted", "Sent by NHS mail", person)
    ]


def test_ledger_entry_record_refuses_another_innovations_component():
    adoption = AdoptionFactory()
    with pytest.raises(ValidationError):
        services.ledger_entry_record(
            adoption=adoption, component=ComponentFactory(), status="kept", recorded_by=None
        )
    assert not adoption.ledger_entries.exists()


def test_barrier_resolve_records_how_and_when():
    barrier = BarrierFactory()
    with pytest.raises(ValidationError):
        services.barrier_resolve(barrier=barrier, resolution="  ")
    services.barrier_resolve(barrier=barrier, resolution="Trained at shift change.")
    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolution) == ("resolved", "Trained at shift change.")
    assert barrier.resolved_at is not None
