"""Who may open each innovations route (declared in tests/security/routes_innovations.py)."""

import pytest
from django.urls import reverse

from innovations.models import InnovationStatus
from tests.factories import (
    AdoptionFactory,
    BarrierFactory,
    ComponentFactory,
    FacilitatorFactory,
    InnovationFactory,
    OrganisationFactory,
    ResourceFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey():
    """A published innovation, an organisation adopting it, and one of its people."""
    adoption = AdoptionFactory(innovation=InnovationFactory(status=InnovationStatus.PUBLISHED))
    ComponentFactory(innovation=adoption.innovation)
    BarrierFactory(adoption=adoption)
    member = UserFactory(organisation=adoption.organisation)
    return adoption, member


def _innovation_urls(innovation, resource) -> dict[str, str]:
    slug = innovation.slug
    return {
        "detail": reverse("innovations:detail", args=[slug]),
        "edit": reverse("innovations:edit", args=[slug]),
        "adopt": reverse("innovations:adopt", args=[slug]),
        "resource_file": reverse("innovations:resource_file", args=[slug, resource.pk]),
    }


def _adoption_change_urls(adoption) -> dict[str, str]:
    pk = adoption.pk
    component = adoption.innovation.components.first()
    barrier = adoption.barriers.first()
    return {
        "stage": reverse("innovations:adoption_stage", args=[pk]),
        "profile": reverse("innovations:adoption_profile", args=[pk]),
        "ledger": reverse("innovations:ledger_entry", args=[pk, component.pk]),
        "barrier_add": reverse("innovations:barrier_add", args=[pk]),
        "barrier_resolve": reverse("innovations:barrier_resolve", args=[pk, barrier.pk]),
        "enabler_add": reverse("innovations:enabler_add", args=[pk]),
    }


def _every_url(journey) -> list[str]:
    adoption, _ = journey
    resource = ResourceFactory(innovation=adoption.innovation)
    return [
        reverse("innovations:catalogue"),
        reverse("innovations:create"),
        *_innovation_urls(adoption.innovation, resource).values(),
        reverse("innovations:organisation", args=[adoption.organisation.pk]),
        reverse("innovations:adoption", args=[adoption.pk]),
        *_adoption_change_urls(adoption).values(),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, journey):
    for url in _every_url(journey):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_a_draft_is_404_to_a_signed_in_stranger_on_every_page(client):
    draft = InnovationFactory(status=InnovationStatus.DRAFT)
    resource = ResourceFactory(innovation=draft)
    adoption = AdoptionFactory(innovation=draft)
    client.force_login(UserFactory())
    for url in _innovation_urls(draft, resource).values():
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("innovations:adoption", args=[adoption.pk])).status_code == 404


def test_a_draft_opens_for_its_innovator_its_creator_and_staff(client):
    innovator, creator = UserFactory(), FacilitatorFactory()
    draft = InnovationFactory(status=InnovationStatus.DRAFT, created_by=creator)
    draft.innovators.add(innovator)
    for person in (innovator, creator, StaffFactory()):
        client.force_login(person)
        assert client.get(reverse("innovations:detail", args=[draft.slug])).status_code == 200
        assert client.get(reverse("innovations:edit", args=[draft.slug])).status_code == 200


def test_a_published_innovation_opens_for_any_signed_in_person_but_edits_for_none(client):
    innovation = InnovationFactory(status=InnovationStatus.PUBLISHED)
    client.force_login(UserFactory())
    assert client.get(reverse("innovations:detail", args=[innovation.slug])).status_code == 200
    assert client.get(reverse("innovations:edit", args=[innovation.slug])).status_code == 403
    response = client.post(reverse("innovations:edit", args=[innovation.slug]), {"title": "X"})
    assert response.status_code == 403
    innovation.refresh_from_db()
    assert innovation.title != "X"


def test_creating_an_innovation_needs_the_facilitator_permission(client):
    client.force_login(UserFactory())
    assert client.get(reverse("innovations:create")).status_code == 403
    client.force_login(FacilitatorFactory())
    assert client.get(reverse("innovations:create")).status_code == 200
    client.force_login(StaffFactory())
    assert client.get(reverse("innovations:create")).status_code == 200


def test_a_stranger_sees_an_adoptions_stage_but_not_its_details(client, journey):
    adoption, _ = journey
    adoption.people_served = "Residents of 96 care homes"
    adoption.save()
    client.force_login(UserFactory(organisation=OrganisationFactory()))
    response = client.get(reverse("innovations:adoption", args=[adoption.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'Stage: <strong class="tag">Exploring</strong>' in page
    assert "Residents of 96 care homes" not in page
    assert "Nobody has time to train the night staff." not in page
    assert adoption.innovation.components.first().name not in page


def test_a_stranger_is_refused_every_change_to_an_adoption(client, journey):
    adoption, _ = journey
    client.force_login(UserFactory(organisation=OrganisationFactory()))
    for name, url in _adoption_change_urls(adoption).items():
        assert client.get(url).status_code == 403, name
        assert client.post(url, {"stage": "planning", "description": "x"}).status_code == 403
    adoption.refresh_from_db()
    assert adoption.stage == "exploring"
    assert adoption.barriers.count() == 1


def test_the_organisations_people_and_staff_open_every_adoption_page(client, journey):
    adoption, member = journey
    for person in (member, StaffFactory()):
        client.force_login(person)
        page = client.get(reverse("innovations:adoption", args=[adoption.pk])).content.decode()
        assert "Nobody has time to train the night staff." in page
        for name, url in _adoption_change_urls(adoption).items():
            assert client.get(url).status_code == 200, name


def test_an_organisation_page_opens_for_any_signed_in_person(client, journey):
    adoption, _ = journey
    client.force_login(UserFactory())
    response = client.get(reverse("innovations:organisation", args=[adoption.organisation.pk]))
    assert response.status_code == 200
    assert adoption.innovation.title in response.content.decode()


def test_an_organisation_page_hides_adoptions_of_drafts_from_strangers(client):
    adoption = AdoptionFactory(innovation=InnovationFactory(status=InnovationStatus.DRAFT))
    client.force_login(UserFactory())
    response = client.get(reverse("innovations:organisation", args=[adoption.organisation.pk]))
    assert adoption.innovation.title not in response.content.decode()


def test_starting_an_adoption_is_only_for_ones_own_organisation(client, journey):
    adoption, member = journey
    other = OrganisationFactory()
    client.force_login(member)
    url = reverse("innovations:adopt", args=[InnovationFactory().slug])
    response = client.post(url, {"organisation": other.pk})
    assert "Choose an organisation from the list." in response.content.decode()
    assert not other.adoptions.exists()
