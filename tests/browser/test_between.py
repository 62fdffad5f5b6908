"""Between meetings, clicked through in Chromium, with axe-core on every page visited."""

import datetime
import re

import pytest
from django.utils import timezone

from sets.models import AgendaItem, Meeting, Role
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PRIVATE = "My manager does not believe in this yet."
SHARED = "The night staff changed the form and now they own it."


@pytest.fixture
def team(db):
    facilitation = MembershipFactory(
        role=Role.FACILITATOR, person=FacilitatorFactory(full_name="Fay Facilitator")
    )
    learning_set = facilitation.learning_set
    organisation = OrganisationFactory(name="Riverside NHS Trust")
    alice = UserFactory(full_name="Alice Adeyemi", organisation=organisation)
    MembershipFactory(learning_set=learning_set, person=alice, organisation=organisation)
    bob = MembershipFactory(
        learning_set=learning_set, person=UserFactory(full_name="Bob Brown")
    ).person
    innovator = UserFactory(full_name="Ivy Innovator")
    learning_set.innovation.innovators.add(innovator)
    now = timezone.now()
    MeetingFactory(
        learning_set=learning_set,
        number=1,
        starts_at=now - datetime.timedelta(days=14),
        status=Meeting.Status.HELD,
    )
    upcoming = MeetingFactory(
        learning_set=learning_set, number=2, starts_at=now + datetime.timedelta(days=14)
    )
    AgendaItemFactory(meeting=upcoming, kind=AgendaItem.Kind.AIRTIME, position=1, minutes=90)
    return {
        "set": learning_set,
        "facilitator": facilitation.person,
        "alice": alice,
        "bob": bob,
        "innovator": innovator,
    }


def _sign_in(page, person, accessible):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name=f"Welcome, {person.first_name}").wait_for()
    accessible()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()


def _write_reflection(page, accessible, *, text: str, share: bool):
    page.get_by_role("link", name="Write a reflection: What? So what? Now what?").click()
    page.get_by_role("heading", name="Write a reflection").wait_for()
    page.get_by_label(re.compile(r"^What\?")).fill(text)
    if share:
        page.get_by_label("Everyone in the set").check()
    page.get_by_role("button", name="Save reflection").click()
    page.get_by_text("Your reflection is saved.").wait_for()
    accessible()


def _record_action(page, accessible, set_id: int, text: str):
    page.goto(f"/sets/{set_id}/actions/")
    page.get_by_role("link", name="Record an action").click()
    page.get_by_role("heading", name="Record an action").wait_for()
    accessible()
    page.get_by_label("What will you do?").fill(text)
    page.get_by_role("button", name="Record the action").click()
    page.get_by_text("Action recorded, due by").wait_for()
    accessible()


def test_between_meetings_from_reflection_to_the_facilitators_progress_page(page, team, accessible):
    set_id = team["set"].pk
    alice, bob, innovator = team["alice"], team["bob"], team["innovator"]

    # Alice: a private reflection whose draft survives a reload, then a shared one.
    _sign_in(page, alice, accessible)
    assert page.get_by_role("heading", name=re.compile("Time to check in")).is_visible()
    page.goto(f"/sets/{set_id}/reflections/")
    accessible()
    page.get_by_role("link", name="Write a reflection: What? So what? Now what?").click()
    page.get_by_label(re.compile(r"^What\?")).fill(PRIVATE)
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("status").get_by_text(re.compile("^Draft saved at ")).wait_for()
    # Saved by the page's script: no page load, so no "kept until you save" message.
    assert not page.get_by_text("It is kept until you save the reflection.").count()
    accessible()
    page.reload()
    assert page.get_by_label(re.compile(r"^What\?")).input_value() == PRIVATE
    page.get_by_role("button", name="Save reflection").click()
    page.get_by_text("Your reflection is saved.").wait_for()
    assert page.get_by_text("Only me").is_visible()
    accessible()
    page.goto(f"/sets/{set_id}/reflections/")
    _write_reflection(page, accessible, text=SHARED, share=True)

    # Two actions, then a check-in that marks one blocked with a barrier.
    _record_action(page, accessible, set_id, "Get the app installed on ward PCs")
    _record_action(page, accessible, set_id, "Run a huddle with the night staff")
    page.goto("/")
    page.get_by_role("link", name=re.compile("^Check in")).click()
    page.get_by_role("heading", name="Check in").wait_for()
    accessible()
    blocked = page.get_by_role("group", name=re.compile("Get the app installed"))
    blocked.get_by_label("Status").select_option("blocked")
    blocked.get_by_label("Progress").fill("IT will not install it without a business case.")
    page.get_by_label("2", exact=True).check()
    page.get_by_label("Is anything in the way?").select_option("inner_setting")
    page.get_by_label(re.compile(r"^What is in the way\?")).fill("IT needs a business case first")
    page.get_by_label("I would like help with this barrier").check()
    page.get_by_role("button", name="Send your check-in").click()
    page.get_by_text("Thank you: your check-in is saved.").wait_for()
    assert not page.get_by_role("heading", name=re.compile("Time to check in")).count()
    accessible()

    # A question for the innovator.
    page.goto(f"/sets/{set_id}/questions/")
    accessible()
    page.get_by_role("link", name="Ask a question").click()
    accessible()
    page.get_by_label("Your question").fill("How did you get IT to install the app?")
    page.get_by_label("The innovator").check()
    page.get_by_role("button", name="Ask the question").click()
    page.get_by_text("Your question is asked.").wait_for()
    question_url = page.url
    accessible()
    _sign_out(page)

    # Bob supports it.
    _sign_in(page, bob, accessible)
    page.goto(question_url)
    page.get_by_role("button", name="I want to know too").click()
    page.get_by_text("You support this question.").first.wait_for()
    accessible()
    _sign_out(page)

    # The innovator sees the asker's first name and organisation, and answers.
    _sign_in(page, innovator, accessible)
    page.get_by_role("link", name="Questions for innovations you speak for").click()
    page.get_by_role("heading", name="Questions for your innovation").wait_for()
    accessible()
    assert page.get_by_text(re.compile("asked by Alice, Riverside NHS Trust")).is_visible()
    assert not page.get_by_text("Adeyemi").count()
    page.get_by_role("link", name="How did you get IT to install the app?").click()
    accessible()
    page.get_by_label("Your answer").fill("We wrote the business case with them.")
    page.get_by_role("button", name="Send the answer").click()
    page.get_by_text("Your answer is sent to the set.").wait_for()
    accessible()
    _sign_out(page)

    # The facilitator's progress page: shared, blocked, barrier, answered; never private.
    _sign_in(page, team["facilitator"], accessible)
    page.goto(f"/sets/{set_id}/progress/")
    page.get_by_role("heading", name=re.compile("^Progress in ")).wait_for()
    accessible()
    content = page.content()
    assert "Reflection of" in content
    assert page.get_by_role("link", name="Get the app installed on ward PCs").is_visible()
    assert page.get_by_text("IT needs a business case first").is_visible()
    assert page.get_by_role("link", name="How did you get IT to install the app?").is_visible()
    assert "answered by Ivy Innovator" in content
    assert PRIVATE not in content
    page.get_by_role("link", name=re.compile("^Reflection of")).click()
    assert page.get_by_text(SHARED).is_visible()
    assert PRIVATE not in page.content()
    accessible()


def test_between_reflection_typed_when_the_sign_in_expired_comes_back(page, team, accessible):
    set_id = team["set"].pk
    _sign_in(page, team["alice"], accessible)
    page.goto(f"/sets/{set_id}/reflections/new/")
    page.get_by_label(re.compile(r"^So what\?")).fill("What I learnt before my session ran out")
    page.context.clear_cookies(name="sessionid")  # the sign-in expires; the rest stays

    page.get_by_role("button", name="Save reflection").click()
    page.get_by_label("Email").fill(team["alice"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Write a reflection").wait_for()
    page.get_by_text(re.compile("^We put back what you typed in this browser")).wait_for()
    field = page.get_by_label(re.compile(r"^So what\?"))
    assert field.input_value() == "What I learnt before my session ran out"
    accessible()
    page.get_by_role("button", name="Save reflection").click()
    page.get_by_text("Your reflection is saved.").wait_for()
    assert page.get_by_text("What I learnt before my session ran out").is_visible()
