"""Who may open each route of the between-meetings pages (tests/security/routes_between.py).

- Anonymous people are sent to sign in.
- A signed-in stranger and an active member of another set get 404 on every set page and
  every item (staff are not special).
- A private reflection is a 404 to everyone but its author, the set's facilitator included.
- Facilitator pages answer 403 to the set's other members.
- An innovator's question page is for the innovation's innovators only.
"""

import pytest
from django.urls import reverse

from sets.models import Reflection
from tests.factories import (
    ActionFactory,
    QuestionFactory,
    ReflectionFactory,
    SetBarrierFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

SET_PAGES = [
    "between:reflection_list",
    "between:reflection_new",
    "between:action_list",
    "between:action_new",
    "between:question_list",
    "between:question_new",
    "between:barrier_list",
    "between:barrier_new",
    "between:check_in",
    "between:progress",
]
MEETING_PAGES = ["between:airtime", "between:actions_review"]
MEETING_POSTS = ["between:airtime_order"]
REFLECTION_PAGES = [
    "between:reflection_detail",
    "between:reflection_edit",
    "between:reflection_history",
]
ITEM_PAGES = {
    "between:action_detail": "action",
    "between:question_detail": "question",
    "between:barrier_resolve": "barrier",
    "between:innovator_question": "innovator_question",
}
ITEM_POSTS = {"between:question_support": "question", "between:question_answer": "question"}


@pytest.fixture
def items(midway):
    return {
        "reflection": ReflectionFactory(
            learning_set=midway.learning_set, author=midway.alice, visibility="set"
        ),
        "private": ReflectionFactory(learning_set=midway.learning_set, author=midway.alice),
        "action": ActionFactory(learning_set=midway.learning_set, owner=midway.alice),
        "question": QuestionFactory(learning_set=midway.learning_set, asked_by=midway.alice),
        "barrier": SetBarrierFactory(learning_set=midway.learning_set, raised_by=midway.alice),
        "innovator_question": QuestionFactory(
            learning_set=midway.learning_set, asked_by=midway.alice, addressed_to="innovator"
        ),
    }


def _urls(midway, items) -> dict[str, tuple[str, str]]:
    """name -> (url, method)"""
    set_id, meeting_id = midway.learning_set.pk, midway.next.pk
    urls = {name: (reverse(name, args=[set_id]), "get") for name in SET_PAGES}
    urls |= {name: (reverse(name, args=[set_id, meeting_id]), "get") for name in MEETING_PAGES}
    urls |= {name: (reverse(name, args=[set_id, meeting_id]), "post") for name in MEETING_POSTS}
    urls |= {
        name: (reverse(name, args=[items["reflection"].pk]), "get") for name in REFLECTION_PAGES
    }
    urls |= {name: (reverse(name, args=[items[key].pk]), "get") for name, key in ITEM_PAGES.items()}
    urls |= {
        name: (reverse(name, args=[items[key].pk]), "post") for name, key in ITEM_POSTS.items()
    }
    return urls


def test_every_object_route_is_checked_here():
    from tests.security.routes_between import BETWEEN, ROUTES

    declared = {name for name, rule in ROUTES.items() if rule == BETWEEN}
    checked = set(SET_PAGES + MEETING_PAGES + MEETING_POSTS + REFLECTION_PAGES)
    assert declared == checked | set(ITEM_PAGES) | set(ITEM_POSTS)


def test_anonymous_people_are_sent_to_sign_in(client, midway, items):
    for name, (url, method) in _urls(midway, items).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name


@pytest.mark.parametrize("who", ["stranger", "outsider", "staff"])
def test_strangers_and_members_of_another_set_get_404(client, midway, items, who):
    person = StaffFactory() if who == "staff" else getattr(midway, who)
    client.force_login(person)
    for name, (url, method) in _urls(midway, items).items():
        assert getattr(client, method)(url).status_code == 404, name


def test_members_open_the_set_pages(client, midway, items):
    client.force_login(midway.bob)
    for name, (url, method) in _urls(midway, items).items():
        status = getattr(client, method)(url).status_code
        if name in ("between:progress", "between:airtime_order"):
            assert status == 403, name
        elif name in ("between:reflection_edit", "between:reflection_history"):
            assert status == 404, name  # someone else's reflection: only its author edits it
        elif name in ("between:barrier_resolve", "between:innovator_question"):
            assert status == 404, name  # Alice's barrier; a question for the innovator
        else:
            assert status in (200, 302, 400), name


def test_facilitators_open_the_progress_page_and_order_airtime(client, midway, items):
    client.force_login(midway.facilitator)
    urls = _urls(midway, items)

    assert client.get(urls["between:progress"][0]).status_code == 200
    assert client.post(urls["between:airtime_order"][0]).status_code in (302, 400)


@pytest.mark.parametrize("name", REFLECTION_PAGES)
def test_private_reflection_of_another_member_is_404_even_for_the_facilitator(
    client, midway, items, name
):
    url = reverse(name, args=[items["private"].pk])
    for person in (midway.facilitator, midway.bob, midway.innovator):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
    client.force_login(midway.alice)
    assert client.get(url).status_code == 200


def test_reflection_shared_with_facilitators_is_404_to_other_members(client, midway):
    reflection = ReflectionFactory(
        learning_set=midway.learning_set,
        author=midway.alice,
        visibility=Reflection.Visibility.FACILITATORS,
    )
    url = reverse("between:reflection_detail", args=[reflection.pk])

    client.force_login(midway.bob)
    assert client.get(url).status_code == 404
    client.force_login(midway.facilitator)
    assert client.get(url).status_code == 200


def test_innovator_question_is_for_the_innovations_innovators(client, midway, items):
    url = reverse("between:innovator_question", args=[items["innovator_question"].pk])

    client.force_login(midway.innovator)
    assert client.get(url).status_code == 200
    client.force_login(midway.facilitator)
    assert client.get(url).status_code == 404


def test_a_member_who_left_keeps_their_own_reflection(client, midway, items):
    midway.learning_set.memberships.filter(person=midway.alice).update(
        state="left", left_at="2026-01-01T00:00Z"
    )
    client.force_login(midway.alice)

    detail = reverse("between:reflection_detail", args=[items["private"].pk])
    assert client.get(detail).status_code == 200
    assert (
        client.get(reverse("between:reflection_list", args=[midway.learning_set.pk])).status_code
        == 404
    )


def test_a_member_who_left_no_longer_opens_the_sets_questions(client, midway, items):
    midway.learning_set.memberships.filter(person=midway.bob).update(
        state="left", left_at="2026-01-01T00:00Z"
    )
    client.force_login(midway.bob)

    response = client.get(reverse("between:question_detail", args=[items["question"].pk]))

    assert response.status_code == 404
