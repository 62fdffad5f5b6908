import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sets.models import Reflection
from tests.factories import ActionFactory, QuestionFactory, ReflectionFactory, RsvpFactory

pytestmark = pytest.mark.django_db


def test_home_shows_the_next_meeting_with_the_rsvp_given(client, midway):
    RsvpFactory(meeting=midway.next, person=midway.alice, response="going")
    client.force_login(midway.alice)

    page = client.get(reverse("home")).content.decode()

    assert midway.next.title in page
    assert 'value="going" id="rsvp-going" checked' in page


def test_home_lists_open_actions_by_due_date(client, midway):
    later = ActionFactory(learning_set=midway.learning_set, owner=midway.alice, text="Later one")
    sooner = ActionFactory(
        learning_set=midway.learning_set,
        owner=midway.alice,
        text="Sooner one",
        due_on=later.due_on.replace(day=1) if later.due_on.day > 1 else later.due_on,
    )
    ActionFactory(learning_set=midway.learning_set, owner=midway.alice, text="Done", status="done")
    ActionFactory(learning_set=midway.learning_set, owner=midway.bob, text="Bob's")
    client.force_login(midway.alice)

    page = client.get(reverse("home")).content.decode()

    assert page.index(sooner.text) <= page.index(later.text)
    assert "Done" not in page.split("Your open actions")[1].split("Your recent reflections")[0]
    assert "Bob's" not in page


def test_home_shows_recent_reflections_and_waiting_questions(client, midway):
    ReflectionFactory(learning_set=midway.learning_set, author=midway.alice, title="My huddle")
    QuestionFactory(learning_set=midway.learning_set, asked_by=midway.bob, text="Who has a rota?")
    QuestionFactory(
        learning_set=midway.learning_set,
        asked_by=midway.bob,
        text="Answered already",
        status="answered",
        answer="Yes",
        answered_at="2026-01-01T00:00Z",
    )
    client.force_login(midway.alice)

    page = client.get(reverse("home")).content.decode()

    assert "My huddle" in page
    assert "Who has a rota?" in page
    assert "Answered already" not in page


def test_home_shows_an_innovator_the_questions_for_their_innovation(client, midway):
    QuestionFactory(
        learning_set=midway.learning_set,
        asked_by=midway.alice,
        asker_organisation=midway.alice_organisation,
        addressed_to="innovator",
        text="How long did the pilot take?",
    )
    client.force_login(midway.innovator)

    page = client.get(reverse("home")).content.decode()

    assert "How long did the pilot take?" in page
    assert "for you as innovator, from Alice, Riverside NHS Trust" in page


INBOX_LINK = "Questions for innovations you speak for"


def test_home_hides_the_innovator_inbox_link_from_a_participant(client, midway):
    client.force_login(midway.alice)

    page = client.get(reverse("home")).content.decode()

    assert "Your learning log" in page
    assert INBOX_LINK not in page


def test_home_links_a_member_who_speaks_for_an_innovation_to_their_inbox(client, midway):
    midway.learning_set.innovation.innovators.add(midway.alice)
    client.force_login(midway.alice)

    page = client.get(reverse("home")).content.decode()

    assert INBOX_LINK in page


def test_home_links_an_innovator_outside_every_set_to_their_inbox(client, midway):
    QuestionFactory(
        learning_set=midway.learning_set, asked_by=midway.alice, addressed_to="innovator"
    )
    client.force_login(midway.innovator)

    page = client.get(reverse("home")).content.decode()

    assert INBOX_LINK in page


def _items(midway, count):
    for n in range(count):
        ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
        ReflectionFactory(
            learning_set=midway.learning_set,
            author=midway.alice,
            visibility=Reflection.Visibility.SET if n % 2 else Reflection.Visibility.PRIVATE,
        )
        QuestionFactory(learning_set=midway.learning_set, asked_by=midway.bob)


def test_home_queries_do_not_grow_with_items(client, midway, django_assert_num_queries):
    client.force_login(midway.alice)
    _items(midway, 1)
    with CaptureQueriesContext(connection) as one_item:
        client.get(reverse("home"))
    _items(midway, 99)

    with django_assert_num_queries(len(one_item)):
        page = client.get(reverse("home")).content.decode()

    assert len(one_item) <= 10
    assert page.count("/actions/") >= 20


def test_set_and_meeting_pages_link_to_between_meetings_pages(client, midway):
    client.force_login(midway.alice)

    set_page = client.get(reverse("sets:detail", args=[midway.learning_set.pk])).content.decode()
    meeting_page = client.get(
        reverse("sets:meeting", args=[midway.learning_set.pk, midway.next.pk])
    ).content.decode()

    assert reverse("between:check_in", args=[midway.learning_set.pk]) in set_page
    assert reverse("between:progress", args=[midway.learning_set.pk]) not in set_page
    assert reverse("between:airtime", args=[midway.learning_set.pk, midway.next.pk]) in meeting_page


def test_set_page_links_a_facilitator_to_the_progress_page(client, midway):
    client.force_login(midway.facilitator)

    page = client.get(reverse("sets:detail", args=[midway.learning_set.pk])).content.decode()

    assert reverse("between:progress", args=[midway.learning_set.pk]) in page
