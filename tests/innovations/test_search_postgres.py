"""Searching the catalogue on PostgreSQL uses the GIN index, not a scan of every row."""

import pytest
from django.db import connection

from innovations.models import Innovation, InnovationStatus
from innovations.services import innovation_search_refresh
from tests.factories import InnovationFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _many_innovations(number: int) -> None:
    source = OrganisationFactory()
    Innovation.objects.bulk_create(
        Innovation(
            title=f"Idea {n}",
            slug=f"idea-{n}",
            summary="Community nursing for people at home.",
            problem="Too many admissions.",
            how_it_works="Visits.",
            source_organisation=source,
            status=InnovationStatus.PUBLISHED,
        )
        for n in range(number)
    )
    innovation_search_refresh(innovation_ids=Innovation.objects.values_list("pk", flat=True))


def test_catalogue_search_finds_word_forms_and_ranks_titles_first():
    InnovationFactory(title="Hospital at Home", summary="Acute care at home.")
    InnovationFactory(title="Red Bag", summary="Residents travel to hospitals with a bag.")
    InnovationFactory(title="Family Group Conferencing", summary="Families plan.")
    found = Innovation.objects.visible_to(UserFactory()).search("hospital")
    assert [innovation.title for innovation in found] == ["Hospital at Home", "Red Bag"]


def test_catalogue_search_uses_the_gin_index():
    _many_innovations(500)
    user = UserFactory()
    query = Innovation.objects.visible_to(user).listed().search("hospital")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE innovations_innovation")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "innovation_search_idx" in plan
    assert "Seq Scan on innovations_innovation" not in plan
