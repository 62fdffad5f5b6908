"""The catalogue and an innovation's page cost the same number of queries for 1 or 50 rows."""

import pytest
from django.urls import reverse

from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    InnovationFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# session, user, the count, the page of innovations, their sectors, their organisations
# per stage, the user's own and group permissions (for "Add an innovation")
CATALOGUE_QUERIES = 8
# session, user, the innovation, its sectors, components, resources, evidence links,
# innovators (with their organisations), may the viewer edit, its adoptions
INNOVATION_QUERIES = 10
# session, user, the adoption, may the viewer edit, its timeline, ledger entries,
# components, barriers, enablers
ADOPTION_QUERIES = 9


def _innovations_with_adoptions(number: int) -> None:
    for _ in range(number):
        innovation = InnovationFactory()
        ComponentFactory(innovation=innovation)
        AdoptionFactory(innovation=innovation, stage="piloting")


@pytest.mark.parametrize("number", [1, 50])
def test_catalogue_queries_do_not_grow_with_innovations(client, django_assert_num_queries, number):
    _innovations_with_adoptions(number)
    client.force_login(UserFactory())
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get(reverse("innovations:catalogue"))
    assert len(response.context["entries"]) == min(number, 20)


@pytest.mark.parametrize("number", [1, 50])
def test_catalogue_search_queries_do_not_grow_with_innovations(
    client, django_assert_num_queries, number
):
    _innovations_with_adoptions(number)
    client.force_login(UserFactory())
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get(
            reverse("innovations:catalogue"), {"q": "summary", "stage": "planning"}
        )
    assert len(response.context["entries"]) == min(number, 20)


@pytest.mark.parametrize("number", [1, 50])
def test_innovation_page_queries_do_not_grow_with_its_parts(
    client, django_assert_num_queries, number
):
    innovation = InnovationFactory()
    for _ in range(number):
        ComponentFactory(innovation=innovation)
        ResourceFactory(innovation=innovation)
        AdoptionFactory(innovation=innovation)
        innovation.innovators.add(UserFactory())
    client.force_login(UserFactory())
    with django_assert_num_queries(INNOVATION_QUERIES):
        response = client.get(reverse("innovations:detail", args=[innovation.slug]))
    assert len(response.context["adoptions"]) == number


@pytest.mark.parametrize("number", [1, 50])
def test_adoption_page_queries_do_not_grow_with_its_journey(
    client, django_assert_num_queries, number
):
    adoption = AdoptionFactory()
    member = UserFactory(organisation=adoption.organisation)
    for _ in range(number):
        ComponentFactory(innovation=adoption.innovation)
    client.force_login(member)
    with django_assert_num_queries(ADOPTION_QUERIES):
        response = client.get(reverse("innovations:adoption", args=[adoption.pk]))
    assert len(response.context["ledger"]) == number
