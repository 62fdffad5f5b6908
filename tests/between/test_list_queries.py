"""The set's reflection, action and barrier lists and the innovator's inbox: the same number
of queries for 1 item as for 100 (a page shows at most 50)."""

import pytest
from django.urls import reverse

from sets.models import Question, Reflection
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    QuestionFactory,
    ReflectionFactory,
    SetBarrierFactory,
)


def _shared_reflections(midway, count):
    for _ in range(count):
        ReflectionFactory(
            learning_set=midway.learning_set,
            author=midway.alice,
            visibility=Reflection.Visibility.SET,
        )
    return midway.bob, reverse("between:reflection_list", args=[midway.learning_set.pk])


def _actions(midway, count):
    for _ in range(count):
        ActionUpdateFactory(
            action=ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
        )
    return midway.bob, reverse("between:action_list", args=[midway.learning_set.pk])


def _barriers(midway, count):
    for _ in range(count):
        SetBarrierFactory(learning_set=midway.learning_set, raised_by=midway.alice)
    return midway.facilitator, reverse("between:barrier_list", args=[midway.learning_set.pk])


def _questions_for_the_innovator(midway, count):
    for _ in range(count):
        QuestionFactory(
            learning_set=midway.learning_set,
            asked_by=midway.alice,
            addressed_to=Question.Addressee.INNOVATOR,
        )
    return midway.innovator, reverse("between:innovator_inbox")


@pytest.mark.parametrize(
    ("seed", "queries", "shown"),
    [
        # session and user, then the page's own reads, however many items there are
        (_shared_reflections, 6, "Alice Adeyemi"),
        (_actions, 5, "talk to the ward manager"),
        (_barriers, 5, "No protected time for training."),
        (_questions_for_the_innovator, 4, "how did you win over the night staff?"),
    ],
)
@pytest.mark.parametrize("count", [1, 100])
def test_list_page_queries_do_not_grow_with_items(
    client, midway, django_assert_num_queries, seed, queries, shown, count
):
    viewer, url = seed(midway, count)
    client.force_login(viewer)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert shown in response.content.decode()
