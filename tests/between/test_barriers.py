import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from innovations.models import CfirDomain
from sets import between_services as services
from sets.models import Barrier
from tests.factories import AdoptionFactory, SetBarrierFactory

pytestmark = pytest.mark.django_db


def _raise(midway, person=None, **extra):
    return services.barrier_raise(
        learning_set=midway.learning_set,
        raised_by=person or midway.alice,
        category=CfirDomain.INNER_SETTING,
        description="No protected time for training.",
        **extra,
    )


def test_barrier_is_linked_to_the_members_organisations_adoption(midway):
    adoption = AdoptionFactory(
        organisation=midway.alice_organisation, innovation=midway.learning_set.innovation
    )

    barrier = _raise(midway, help_wanted=True)

    assert (barrier.adoption, barrier.help_wanted, barrier.status) == (adoption, True, "open")


def test_barrier_without_an_adoption_has_no_link(midway):
    assert _raise(midway, person=midway.bob).adoption is None


def test_barrier_is_seen_by_its_raiser_and_the_facilitators_only(midway):
    barrier = _raise(midway)

    assert list(Barrier.objects.visible_to(midway.alice)) == [barrier]
    assert list(Barrier.objects.visible_to(midway.facilitator)) == [barrier]
    assert not Barrier.objects.visible_to(midway.bob).exists()
    assert not Barrier.objects.visible_to(midway.innovator).exists()


def test_barrier_resolved_says_how(client, midway):
    barrier = _raise(midway)
    client.force_login(midway.facilitator)

    client.post(
        reverse("between:barrier_resolve", args=[barrier.pk]),
        {"resolution": "The ward manager gave an hour a week."},
    )

    barrier.refresh_from_db()
    assert (barrier.status, barrier.resolution) == (
        "resolved",
        "The ward manager gave an hour a week.",
    )
    assert barrier.resolved_by == midway.facilitator


def test_barrier_resolved_without_saying_how_is_refused(client, midway):
    barrier = _raise(midway)
    client.force_login(midway.alice)

    response = client.post(
        reverse("between:barrier_resolve", args=[barrier.pk]), {"resolution": ""}
    )

    assert "Say how it was resolved." in response.content.decode()
    barrier.refresh_from_db()
    assert barrier.status == "open"


def test_barrier_resolved_without_a_date_is_refused_by_the_database(midway):
    with pytest.raises(IntegrityError):
        SetBarrierFactory(learning_set=midway.learning_set, status="resolved", resolution="Done")


def test_barrier_raised_from_a_reflection_must_be_the_authors(midway):
    from tests.factories import ReflectionFactory

    reflection = ReflectionFactory(learning_set=midway.learning_set, author=midway.bob)

    with pytest.raises(ValidationError):
        _raise(midway, reflection=reflection)


def test_barrier_page_raises_one_from_a_reflection(client, midway):
    from tests.factories import ReflectionFactory

    reflection = ReflectionFactory(learning_set=midway.learning_set, author=midway.alice)
    client.force_login(midway.alice)

    client.post(
        reverse("between:barrier_new", args=[midway.learning_set.pk])
        + f"?reflection={reflection.pk}",
        {"category": "process", "description": "Sign-off takes months"},
    )

    barrier = Barrier.objects.get()
    assert (barrier.reflection, barrier.category) == (reflection, "process")


def test_barrier_raiser_who_left_the_set_cannot_resolve_it(client, midway):
    barrier = SetBarrierFactory(learning_set=midway.learning_set, raised_by=midway.alice)
    midway.learning_set.memberships.filter(person=midway.alice).update(
        state="left", left_at="2026-01-01T00:00Z"
    )
    client.force_login(midway.alice)

    response = client.post(
        reverse("between:barrier_resolve", args=[barrier.pk]), {"resolution": "Gone now"}
    )

    assert response.status_code == 200
    barrier.refresh_from_db()
    assert barrier.status == Barrier.Status.OPEN
    with pytest.raises(ValidationError):
        services.barrier_resolve(barrier=barrier, resolved_by=midway.alice, resolution="Gone")
