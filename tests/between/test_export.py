import json

import pytest
from django.urls import reverse

from sets import between_services as services
from sets.models import Reflection
from tests.factories import ActionFactory, ActionUpdateFactory, CheckInFactory, ReflectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_log(midway):
    ReflectionFactory(
        learning_set=midway.learning_set, author=midway.alice, title="Alice private", what="Mine"
    )
    ReflectionFactory(
        learning_set=midway.learning_set,
        author=midway.bob,
        title="Bob shared",
        visibility=Reflection.Visibility.SET,
    )
    action = ActionFactory(learning_set=midway.learning_set, owner=midway.alice, text="Call IT")
    ActionUpdateFactory(action=action, text="Left a message")
    CheckInFactory(after_meeting=midway.held, person=midway.alice, confidence=4, note="Busy")
    services.question_ask(
        learning_set=midway.learning_set,
        asked_by=midway.alice,
        text="Any templates?",
        addressed_to="set",
    )
    return midway


def test_learning_log_markdown_has_all_my_own_items_and_nobody_elses(client, alices_log):
    client.force_login(alices_log.alice)

    response = client.get(reverse("between:learning_log_markdown"))

    text = response.content.decode()
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert text.startswith("# Learning log of Alice Adeyemi")
    assert "### Alice private" in text
    assert "Call IT" in text
    assert "Left a message" in text
    assert "confidence 4 of 5" in text
    assert "Any templates?" in text
    assert "Bob shared" not in text


def test_learning_log_json_has_the_same_items(client, alices_log):
    client.force_login(alices_log.alice)

    log = json.loads(client.get(reverse("between:learning_log_json")).content)

    assert [r["title"] for r in log["reflections"]] == ["Alice private"]
    assert log["reflections"][0]["who_can_read_it"] == "Only me"
    assert [a["text"] for a in log["actions"]] == ["Call IT"]
    assert [u["text"] for u in log["actions"][0]["updates"]] == ["Left a message"]
    assert [(c["confidence"], c["note"]) for c in log["check_ins"]] == [(4, "Busy")]
    assert [q["text"] for q in log["questions"]] == ["Any templates?"]


def test_learning_log_of_someone_else_has_none_of_alices(client, alices_log):
    client.force_login(alices_log.facilitator)

    log = json.loads(client.get(reverse("between:learning_log_json")).content)

    assert (log["reflections"], log["actions"], log["check_ins"], log["questions"]) == (
        [],
        [],
        [],
        [],
    )
