"""An organisation's adoption journey: starting it, its stage, profile, ledger and barriers."""

import re

import pytest
from django.urls import reverse

from innovations.models import Adoption
from tests.factories import (
    AdoptionFactory,
    BarrierFactory,
    ComponentFactory,
    InnovationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def member(client):
    """A signed-in person from an organisation adopting an innovation."""
    adoption = AdoptionFactory(organisation=OrganisationFactory(name="Northshire NHS FT"))
    person = UserFactory(organisation=adoption.organisation, full_name="Aled Morgan")
    client.force_login(person)
    return person, adoption


def test_a_member_starts_their_organisations_journey(client):
    organisation = OrganisationFactory(name="Maple Lodge")
    innovation = InnovationFactory(title="Red Bag pathway")
    client.force_login(UserFactory(organisation=organisation))
    response = client.post(
        reverse("innovations:adopt", args=[innovation.slug]),
        {"organisation": organisation.pk},
        follow=True,
    )
    adoption = Adoption.objects.get()
    assert (adoption.organisation, adoption.innovation, adoption.stage) == (
        organisation,
        innovation,
        "exploring",
    )
    assert "Maple Lodge is now exploring this innovation." in _text(response)


def test_a_duplicate_adoption_is_refused_beside_the_field(client, member):
    _, adoption = member
    response = client.post(
        reverse("innovations:adopt", args=[adoption.innovation.slug]),
        {"organisation": adoption.organisation.pk},
    )
    message = f"Northshire NHS FT is already on a journey with {adoption.innovation}."
    assert f'<a href="#id_organisation">Organisation: {message}</a>' in response.content.decode()
    assert 'id="id_organisation_error"' in response.content.decode()
    assert Adoption.objects.count() == 1


def test_someone_with_no_organisation_is_asked_to_set_it_first(client):
    client.force_login(UserFactory())
    response = client.get(reverse("innovations:adopt", args=[InnovationFactory().slug]))
    assert "Set your organisation in your account first" in _text(response)


def test_a_member_moves_the_stage_and_the_timeline_shows_it(client, member):
    person, adoption = member
    response = client.post(
        reverse("innovations:adoption_stage", args=[adoption.pk]),
        {"stage": "planning", "note": "Board agreed to six care homes."},
        follow=True,
    )
    adoption.refresh_from_db()
    assert adoption.stage == "planning"
    assert "The stage is now planning." in _text(response)
    assert "Planning" in _text(response)
    assert "Board agreed to six care homes." in _text(response)
    assert f"by {person.full_name}" in _text(response)


def test_an_unknown_stage_is_refused_beside_the_field_keeping_the_note(client, member):
    _, adoption = member
    response = client.post(
        reverse("innovations:adoption_stage", args=[adoption.pk]),
        {"stage": "dreaming", "note": "Keep this note"},
    )
    page = response.content.decode()
    assert '<a href="#id_stage">New stage: Choose a stage from the list.</a>' in page
    assert "Keep this note</textarea>" in page
    adoption.refresh_from_db()
    assert adoption.stage == "exploring"


def test_a_member_records_the_context_profile(client, member):
    _, adoption = member
    profile = {
        "people_served": "420,000 people; 96 care homes.",
        "current_practice": "Phone calls and faxes.",
        "why_now": "Winter pressures.",
        "sponsor": "Dr Helen Ward, Director of Integrated Care",
        "resources_and_capacity": "Half a post for a year.",
        "stakeholders": "Care home managers, ambulance service.",
    }
    response = client.post(
        reverse("innovations:adoption_profile", args=[adoption.pk]), profile, follow=True
    )
    adoption.refresh_from_db()
    assert adoption.people_served == "420,000 people; 96 care homes."
    assert adoption.profile_updated_at is not None
    assert "Sponsor Dr Helen Ward, Director of Integrated Care" in _text(response)


def test_a_member_marks_a_component_adapted_with_how_and_why(client, member):
    _, adoption = member
    component = ComponentFactory(innovation=adoption.innovation, name="Paper forms")
    url = reverse("innovations:ledger_entry", args=[adoption.pk, component.pk])
    refused = client.post(url, {"status": "adapted", "how": "", "why": "Shared records"})
    assert "How it was adapted: Say how it was adapted." in _text(refused)
    assert "Shared records</textarea>" in refused.content.decode()
    response = client.post(
        url, {"status": "adapted", "how": "Sent by NHS mail", "why": "Shared records"}, follow=True
    )
    assert "Paper forms Core Adapted How: Sent by NHS mail Why: Shared records" in _text(response)


def test_the_ledger_lists_components_not_yet_recorded(client, member):
    _, adoption = member
    ComponentFactory(innovation=adoption.innovation, name="Independent coordinator")
    response = client.get(reverse("innovations:adoption", args=[adoption.pk]))
    assert "Independent coordinator Core Not yet in place" in _text(response)


def test_a_member_records_a_barrier_and_resolves_it(client, member):
    _, adoption = member
    client.post(
        reverse("innovations:barrier_add", args=[adoption.pk]),
        {"domain": "inner_setting", "description": "Bags go missing on the ward."},
    )
    barrier = adoption.barriers.get()
    assert (barrier.domain, barrier.status) == ("inner_setting", "open")
    response = client.post(
        reverse("innovations:barrier_resolve", args=[adoption.pk, barrier.pk]),
        {"resolution": "Ward clerks log each bag."},
        follow=True,
    )
    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolution) == ("resolved", "Ward clerks log each bag.")
    assert "Resolved: Ward clerks log each bag." in _text(response)


def test_a_barrier_with_no_category_is_refused_keeping_the_description(client, member):
    _, adoption = member
    response = client.post(
        reverse("innovations:barrier_add", args=[adoption.pk]),
        {"domain": "weather", "description": "Snow closes the roads."},
    )
    assert "Where the barrier lies: Choose a category from the list." in _text(response)
    assert "Snow closes the roads.</textarea>" in response.content.decode()
    assert not adoption.barriers.exists()


def test_a_resolved_barrier_cannot_be_resolved_again(client, member):
    _, adoption = member
    barrier = BarrierFactory(adoption=adoption)
    url = reverse("innovations:barrier_resolve", args=[adoption.pk, barrier.pk])
    client.post(url, {"resolution": "Done."})
    assert client.get(url).status_code == 404


def test_a_member_records_an_enabler(client, member):
    _, adoption = member
    response = client.post(
        reverse("innovations:enabler_add", args=[adoption.pk]),
        {"domain": "outer_setting", "description": "The ambulance service knows the bags."},
        follow=True,
    )
    assert "Outer setting" in _text(response)
    assert "The ambulance service knows the bags." in _text(response)


def test_the_organisation_page_lists_its_journeys_and_innovations(client, member):
    person, adoption = member
    InnovationFactory(title="Home First", source_organisation=adoption.organisation)
    response = client.get(reverse("innovations:organisation", args=[adoption.organisation.pk]))
    text = _text(response)
    assert "Innovations it created Home First" in text
    assert f"{adoption.innovation.title} Exploring" in text
    assert "You work here, so you can update its adoption journeys." in text


def test_the_profile_page_shows_but_never_changes_a_persons_organisation(client):
    """Belonging to an organisation grants editing of its journeys: only admins set it."""
    home = OrganisationFactory(name="Eastbrook Borough Council")
    other = OrganisationFactory(name="Northshire NHS FT")
    person = UserFactory(organisation=home)
    client.force_login(person)
    assert "You work for Eastbrook Borough Council" in _text(
        client.get(reverse("accounts:profile"))
    )
    client.post(
        reverse("accounts:profile"),
        {"full_name": "Tom Okafor", "time_zone": "Europe/London", "organisation": other.pk},
    )
    person.refresh_from_db()
    assert (person.full_name, person.organisation) == ("Tom Okafor", home)
