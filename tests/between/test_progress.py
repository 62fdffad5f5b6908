import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sets.models import Reflection
from tests.factories import (
    ActionFactory,
    CheckInFactory,
    MembershipFactory,
    QuestionFactory,
    ReflectionFactory,
    SetBarrierFactory,
)

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "Only I should ever read this sentence."


def _progress(client, midway):
    client.force_login(midway.facilitator)
    return client.get(reverse("between:progress", args=[midway.learning_set.pk]))


def test_progress_shows_check_ins_done_and_missing_per_member(client, midway):
    CheckInFactory(after_meeting=midway.held, person=midway.alice, confidence=4)

    page = _progress(client, midway).content.decode()

    alice_row = page.split("Alice Adeyemi")[1].split("</tr>")[0]
    bob_row = page.split(midway.bob.full_name)[1].split("</tr>")[0]
    assert "Done</span> confidence 4 of 5" in alice_row
    assert "Missing" in bob_row


def test_progress_shows_blocked_and_overdue_actions(client, midway):
    ActionFactory(
        learning_set=midway.learning_set, owner=midway.alice, text="Blocked one", status="blocked"
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ActionFactory(
        learning_set=midway.learning_set,
        owner=midway.bob,
        text="Overdue one",
        made_on=yesterday,
        due_on=yesterday,
    )
    ActionFactory(learning_set=midway.learning_set, owner=midway.bob, text="Fine one")

    page = _progress(client, midway).content.decode()

    assert "Blocked one" in page
    assert "Overdue one" in page
    assert "Fine one" not in page


def test_progress_shows_open_barriers_by_category_and_questions(client, midway):
    SetBarrierFactory(learning_set=midway.learning_set, raised_by=midway.alice, category="process")
    SetBarrierFactory(
        learning_set=midway.learning_set,
        raised_by=midway.bob,
        category="process",
        description="Resolved one",
        status="resolved",
        resolution="Sorted",
        resolved_at=timezone.now(),
    )
    QuestionFactory(learning_set=midway.learning_set, asked_by=midway.alice, text="Open question")
    QuestionFactory(
        learning_set=midway.learning_set,
        asked_by=midway.alice,
        text="Answered question",
        status="answered",
        answer="Here",
        answered_at=timezone.now(),
        answered_by=midway.innovator,
    )

    page = _progress(client, midway).content.decode()

    assert "The process (1)" in page
    assert "Resolved one" not in page
    assert "Open question" in page
    assert "Answered question" in page


def test_progress_shows_shared_reflections_never_a_private_one(client, midway):
    ReflectionFactory(
        learning_set=midway.learning_set,
        author=midway.alice,
        title="Shared with the set",
        visibility=Reflection.Visibility.SET,
    )
    ReflectionFactory(
        learning_set=midway.learning_set,
        author=midway.bob,
        title="Shared with facilitators",
        visibility=Reflection.Visibility.FACILITATORS,
    )
    ReflectionFactory(
        learning_set=midway.learning_set,
        author=midway.alice,
        title="Private title",
        what=PRIVATE_TEXT,
    )

    page = _progress(client, midway).content.decode()

    assert "Shared with the set" in page
    assert "Shared with facilitators" in page
    assert "Private title" not in page
    assert PRIVATE_TEXT not in page


def test_progress_is_for_facilitators(client, midway):
    client.force_login(midway.alice)

    response = client.get(reverse("between:progress", args=[midway.learning_set.pk]))

    assert response.status_code == 403


def _items(midway, count):
    for n in range(count):
        member = MembershipFactory(learning_set=midway.learning_set).person
        CheckInFactory(after_meeting=midway.held, person=member)
        ActionFactory(learning_set=midway.learning_set, owner=member, status="blocked")
        SetBarrierFactory(learning_set=midway.learning_set, raised_by=member)
        QuestionFactory(learning_set=midway.learning_set, asked_by=member)
        ReflectionFactory(
            learning_set=midway.learning_set,
            author=member,
            visibility="set" if n % 2 else "facilitators",
        )


@pytest.mark.parametrize("count", [1, 100])
def test_progress_queries_do_not_grow_with_items(client, midway, django_assert_num_queries, count):
    _items(midway, count)
    client.force_login(midway.facilitator)
    url = reverse("between:progress", args=[midway.learning_set.pk])

    # session, user, membership and set, meetings, members, check-ins, actions, barriers,
    # questions, reflections
    with django_assert_num_queries(10):
        page = client.get(url).content.decode()

    assert page.count("confidence 3 of 5") == count
