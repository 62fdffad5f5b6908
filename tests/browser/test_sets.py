"""A facilitator creates a set, plans its meetings and invites two people; one joins, RSVPs
and takes the calendar file; the other declines; the facilitator sees both."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from icalendar import Calendar

from sets.models import LearningSet, Membership
from tests.factories import (
    PASSWORD,
    FacilitatorFactory,
    InnovationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Tuesday 1 December 2026, London on GMT; the clocks go forward on 28 March 2027.
NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
NEW_PASSWORD = "a-long-walk-by-the-river"


@pytest.fixture(autouse=True)
def _december_2026(time_machine, settings, live_server):
    time_machine.move_to(NOW, tick=True)
    settings.SITE_URL = live_server.url


def _sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()


def _invitation_link(email: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [email]]
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


def _facilitator_creates_the_set(page, accessible):
    page.get_by_role("link", name="Create a learning set").click()
    page.get_by_role("heading", name="Create a learning set").wait_for()
    accessible()
    page.get_by_label("Innovation").select_option(label="Red Bag hospital transfer pathway")
    page.get_by_label("Name of the set").fill("Red Bag North")
    page.get_by_label("Purpose").fill("Adopt the Red Bag pathway in our care homes and wards.")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Date of the first meeting").fill("2027-01-12")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Length of each meeting in minutes").fill("180")
    page.get_by_label("Number of meetings to plan").fill("6")
    page.get_by_label("Weeks between meetings").fill("4")
    page.get_by_label("The first meeting is a visit to the innovator").check()
    page.get_by_label("In person").check()
    page.get_by_label("Address").fill("Town Hall, Leeds")
    page.get_by_role("button", name="Create the set").click()
    page.get_by_role("heading", name="Manage Red Bag North").wait_for()
    accessible()
    meetings = page.get_by_role("table", name="Meetings of Red Bag North")
    assert meetings.get_by_role("row").count() == 7  # a header and six meetings
    assert "Tue 6 Apr 2027, 10:00 BST (Europe/London)" in meetings.inner_text()


def _facilitator_invites_two(page, accessible):
    page.get_by_role("link", name="Invite people").click()
    page.get_by_role("heading", name="Invite people to Red Bag North").wait_for()
    accessible()
    page.get_by_label("Email addresses").fill("ana@example.org\nben@example.org")
    page.get_by_label("Personal message").fill("I hope you can join us.")
    page.get_by_role("button", name="Send the invitations").click()
    page.get_by_role("heading", name="Manage Red Bag North").wait_for()
    accessible()
    invitations = page.get_by_role("table", name="Invitations not yet answered")
    assert "ana@example.org" in invitations.inner_text()
    assert "ben@example.org" in invitations.inner_text()


def _ana_signs_up_and_joins(page, accessible):
    page.goto(_invitation_link("ana@example.org"))
    page.get_by_role("heading", name="You are invited to join Red Bag North").wait_for()
    accessible()
    page.get_by_role("button", name="Create your account to accept").click()
    email = page.get_by_label("Email")
    email.wait_for()
    accessible()
    assert email.input_value() == "ana@example.org"
    assert email.get_attribute("readonly") is not None
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_label("Full name").fill("Ana Nwosu")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_role("button", name="Sign Up").click()

    page.get_by_role("heading", name="You are invited to join Red Bag North").wait_for()
    accessible()
    page.get_by_label("I have read the ground rules and agree to keep them").check()
    page.get_by_role("button", name="Accept and join the set").click()
    page.get_by_role("heading", name="Red Bag North").wait_for()
    accessible()


def _ana_answers_the_first_meeting(page, accessible):
    page.get_by_role("link", name=re.compile("^Visit to ")).click()
    page.get_by_role("heading", name=re.compile("^Visit to ")).wait_for()
    accessible()
    assert "Tue 12 Jan 2027, 10:00 GMT (Europe/London) to 13:00 GMT" in page.inner_text("main")
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_text("Your answer: Going").wait_for()
    accessible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to your calendar (.ics file)").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    (event,) = calendar.events
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == (
        datetime.datetime(2027, 1, 12, 10, tzinfo=datetime.UTC)
    )
    assert str(event["UID"]).startswith("meeting-")


def _ben_declines(page, accessible):
    page.goto(_invitation_link("ben@example.org"))
    page.get_by_role("heading", name="You are invited to join Red Bag North").wait_for()
    accessible()
    page.get_by_role("button", name="Decline the invitation").click()
    page.get_by_role("heading", name="You have declined the invitation").wait_for()
    accessible()


def _facilitator_sees_both_answers(page, accessible, facilitator):
    _sign_in(page, facilitator.email)
    page.get_by_role("link", name="Red Bag North", exact=True).click()
    page.get_by_role("link", name="Manage this set").click()
    page.get_by_role("heading", name="Manage Red Bag North").wait_for()
    accessible()
    members = page.get_by_role("table", name="Members and their states")
    assert "Active" in members.get_by_role("row", name=re.compile("Ana Nwosu")).inner_text()
    assert "Declined" in members.get_by_role("row", name=re.compile("Ben Jones")).inner_text()
    assert "No invitations are waiting for an answer." in page.inner_text("main")


def test_facilitator_creates_invites_one_joins_one_declines(page, accessible):
    facilitator = FacilitatorFactory(full_name="Priya Shah")
    InnovationFactory(title="Red Bag hospital transfer pathway")
    UserFactory(email="ben@example.org", full_name="Ben Jones")

    _sign_in(page, facilitator.email)
    accessible()
    _facilitator_creates_the_set(page, accessible)
    _facilitator_invites_two(page, accessible)
    _sign_out(page)

    _ana_signs_up_and_joins(page, accessible)
    _ana_answers_the_first_meeting(page, accessible)
    _sign_out(page)

    _ben_declines(page, accessible)
    _facilitator_sees_both_answers(page, accessible, facilitator)

    learning_set = LearningSet.objects.get(name="Red Bag North")
    states = dict(learning_set.memberships.values_list("person__email", "state"))
    assert states == {
        facilitator.email: Membership.State.ACTIVE,
        "ana@example.org": Membership.State.ACTIVE,
        "ben@example.org": Membership.State.DECLINED,
    }


def test_facilitator_pages_are_accessible_including_their_errors(page, accessible):
    facilitation = MembershipFactory(role="facilitator", person=FacilitatorFactory())
    learning_set = facilitation.learning_set
    meeting = MeetingFactory(learning_set=learning_set, starts_at=NOW - datetime.timedelta(hours=1))
    MembershipFactory(learning_set=learning_set, person__full_name="Tom Okafor")
    _sign_in(page, facilitation.person.email)

    page.goto(f"/sets/{learning_set.pk}/meetings/{meeting.pk}/manage/")
    page.get_by_role("button", name="Save and mark the meeting held").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    accessible()
    page.get_by_role("group", name="Tom Okafor (Participant)").get_by_label("Present").check()
    page.get_by_role("group", name=re.compile(r"\(Facilitator\)")).get_by_label("Present").check()
    page.get_by_role("button", name="Save and mark the meeting held").click()
    page.get_by_text("Attendance is saved and the meeting is held.").wait_for()
    accessible()

    page.goto(f"/sets/{learning_set.pk}/invite/")
    page.get_by_label("Email addresses").fill("not-an-email")
    page.get_by_role("button", name="Send the invitations").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    accessible()

    for path in ["edit/", "meetings/plan/"]:
        page.goto(f"/sets/{learning_set.pk}/{path}")
        accessible()
    page.goto("/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    page.get_by_text("Your calendar address:").wait_for()
    accessible()
