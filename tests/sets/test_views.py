import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from sets.models import GroundRules, Invitation, LearningSet, Meeting, Membership
from tests.factories import (
    FacilitatorFactory,
    InnovationFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.sets.conftest import NOW, UTC

pytestmark = pytest.mark.usefixtures("frozen")


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _text(response) -> str:
    """The page's text without tags, spaces collapsed: what a person reads."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", text)


CREATE = {
    "name": "Red Bag North",
    "purpose": "Adopt the Red Bag scheme in four care homes.",
    "capacity": "8",
    "time_zone": "Europe/London",
    "first_day": "2027-01-12",
    "start_time": "10:00",
    "minutes": "180",
    "count": "6",
    "every_weeks": "4",
    "first_is_visit": "on",
    "format": "in_person",
    "place": "Town Hall, Leeds",
}


@pytest.fixture
def innovation(db):
    return InnovationFactory(title="Red Bag")


def test_create_a_set_with_its_schedule_in_one_step(client, innovation):
    facilitator = FacilitatorFactory(organisation=OrganisationFactory(name="NHS Leeds"))
    client.force_login(facilitator)

    response = client.post(reverse("sets:create"), CREATE | {"innovation": innovation.pk})

    learning_set = LearningSet.objects.get()
    assert response["Location"] == reverse("sets:manage", args=[learning_set.pk])
    assert (learning_set.name, learning_set.innovation, learning_set.cadence_weeks) == (
        "Red Bag North",
        innovation,
        4,
    )
    membership = Membership.objects.get(learning_set=learning_set)
    assert (membership.person, membership.role, membership.state) == (
        facilitator,
        "facilitator",
        "active",
    )
    assert membership.organisation.name == "NHS Leeds"
    meetings = list(learning_set.meetings.order_by("number"))
    assert [m.starts_at for m in meetings][2:4] == [_utc(2027, 3, 9, 10), _utc(2027, 4, 6, 9)]
    assert meetings[0].format == Meeting.Format.VISIT
    assert GroundRules.objects.get(learning_set=learning_set).version == 1


def test_create_a_set_explains_each_mistake_beside_its_field_and_keeps_the_rest(client, innovation):
    client.force_login(FacilitatorFactory())
    data = CREATE | {
        "innovation": innovation.pk,
        "time_zone": "Europe/Atlantis",
        "first_day": "2026-11-03",
        "format": "online",
        "joining_link": "",
    }

    response = client.post(reverse("sets:create"), data)

    text = _text(response)
    assert "“Europe/Atlantis” is not a time zone we know." in text
    assert "Give the link people use to join online meetings." in text
    assert 'value="Red Bag North"' in response.content.decode()
    assert "Adopt the Red Bag scheme in four care homes." in text
    assert not LearningSet.objects.exists()

    data |= {"time_zone": "Europe/London"}
    response = client.post(reverse("sets:create"), data)
    assert "The first meeting must be in the future." in _text(response)


def test_create_a_set_offers_published_innovations_only(client, innovation):
    InnovationFactory(title="Secret draft", status="draft")
    client.force_login(FacilitatorFactory())
    page = client.get(reverse("sets:create")).content.decode()
    assert "Red Bag" in page
    assert "Secret draft" not in page


def _invite(client, learning_set, emails: list[str], **extra):
    return client.post(
        reverse("sets:invite", args=[learning_set.pk]),
        {"emails": "\n".join(emails), "role": "participant", "message": "Hello"} | extra,
        follow=True,
    )


def test_invite_ten_at_once_sends_the_good_ones_and_lists_the_others(
    client, learning_set, facilitator, participant, django_capture_on_commit_callbacks
):
    OrganisationFactory(name="Leeds City Council")
    learning_set.capacity = 20
    learning_set.save()
    client.force_login(facilitator)
    good = [f"colleague{n}@elsewhere.example" for n in range(7)]
    lines = [
        *good,
        "not-an-email",
        "amy@example.org, Leeds City Council",
        f"{participant.email}",
        "bo@example.org, Nowhere Trust",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, learning_set, lines)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([*good, "amy@example.org"])
    assert Invitation.objects.get(email="amy@example.org").organisation.name == (
        "Leeds City Council"
    )
    text = _text(response)
    assert "Line 1 (not-an-email): “not-an-email” is not an email address." in text
    assert "Line 2 (bo@example.org, Nowhere Trust): we do not know the organisation" in text
    assert f"{participant.email} is already a member of this set." in text
    textarea = re.search(
        r"<textarea[^>]*name=\"emails\"[^>]*>(.*?)</textarea>", response.content.decode(), re.S
    )
    assert textarea.group(1).split() == [
        "not-an-email",
        "bo@example.org,",
        "Nowhere",
        "Trust",
        participant.email,
    ]
    assert "Hello" in response.content.decode()


def test_invite_with_no_address_says_what_to_enter_and_keeps_the_message(
    client, learning_set, facilitator
):
    client.force_login(facilitator)
    response = _invite(client, learning_set, [], message="Do join us")
    text = _text(response)
    assert "Enter at least one email address, one per line." in text
    assert "Do join us" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_past_capacity_sends_nothing_without_the_override(client, learning_set, facilitator):
    learning_set.capacity = 2
    learning_set.save()
    client.force_login(facilitator)

    response = _invite(client, learning_set, ["a@example.org", "b@example.org", "c@example.org"])

    assert "but it has 2 places" in _text(response)
    assert not Invitation.objects.exists()
    _invite(
        client,
        learning_set,
        ["a@example.org", "b@example.org", "c@example.org"],
        allow_over_capacity="on",
    )
    assert Invitation.objects.count() == 3


def test_overview_shows_members_invitations_capacity_and_a_warning_below_four(
    client, learning_set, facilitator, participant
):
    InvitationFactory(learning_set=learning_set, email="waiting@example.org")
    declined = MembershipFactory(learning_set=learning_set, state="declined").person
    client.force_login(facilitator)

    text = _text(client.get(reverse("sets:manage", args=[learning_set.pk])))

    assert "2 of 8 places taken" in text
    assert "Sets work best with at least 4" in text
    assert f"{participant.full_name} {participant.email} Participant" in text
    assert f"{declined.full_name} {declined.email} Participant — Declined" in text
    assert "waiting@example.org" in text


def test_my_sets_on_home_lists_the_next_meeting_first(client, participant, learning_set):
    later = MembershipFactory(person=participant, learning_set__name="Zz later set").learning_set
    sooner = MembershipFactory(person=participant, learning_set__name="Aa sooner set").learning_set
    quiet = MembershipFactory(person=participant, learning_set__name="A quiet set").learning_set
    MeetingFactory(learning_set=later, starts_at=NOW + datetime.timedelta(days=30))
    MeetingFactory(learning_set=sooner, starts_at=NOW + datetime.timedelta(days=3))
    MeetingFactory(learning_set=learning_set, starts_at=NOW + datetime.timedelta(days=10))
    MeetingFactory(learning_set=quiet, starts_at=NOW - datetime.timedelta(days=10))
    MembershipFactory(learning_set__name="Not mine")
    client.force_login(participant)

    page = client.get(reverse("home")).content.decode()

    names = re.findall(r'<h3><a href="/sets/\d+/">([^<]+)</a></h3>', page)
    assert names == ["Aa sooner set", learning_set.name, "Zz later set", "A quiet set"]
    assert "Fri 4 Dec 2026, 12:00 GMT (Europe/London)" in page


def test_set_page_shows_purpose_ground_rules_members_and_meetings(
    client, learning_set, participant
):
    organisation = OrganisationFactory(name="Bolton Carers")
    carer = MembershipFactory(
        learning_set=learning_set, role="co_production", organisation=organisation
    )
    MeetingFactory(learning_set=learning_set, title="Kick-off")
    client.force_login(participant)

    text = _text(client.get(reverse("sets:detail", args=[learning_set.pk])))

    assert learning_set.purpose in text
    assert "Confidentiality. What is said in the set stays in the set." in text
    assert (
        f"{carer.person.full_name} Co-production member (lived experience or carer) Bolton Carers"
        in text
    )
    assert "Kick-off" in text
    assert "You agreed to this version" in text


def test_edited_ground_rules_are_a_new_version_and_members_keep_theirs(
    client, learning_set, facilitator, participant
):
    client.force_login(facilitator)
    data = {
        "name": learning_set.name,
        "purpose": learning_set.purpose,
        "status": "active",
        "capacity": "8",
        "planned_meetings": "6",
        "cadence_weeks": "4",
        "meeting_minutes": "180",
        "time_zone": "Europe/London",
        "ground_rules": "Confidentiality first.\nBe kind.",
    }
    client.post(reverse("sets:edit", args=[learning_set.pk]), data)
    client.post(reverse("sets:edit", args=[learning_set.pk]), data)  # unchanged: no version

    assert list(learning_set.ground_rules_versions.values_list("version", flat=True)) == [2, 1]
    client.force_login(participant)
    text = _text(client.get(reverse("sets:detail", args=[learning_set.pk])))
    assert "Be kind." in text
    assert "You agreed to version 1" in text


def test_meeting_page_shows_times_in_the_viewers_zone_and_the_sets(client, learning_set):
    member = MembershipFactory(learning_set=learning_set, person__time_zone="America/New_York")
    meeting = MeetingFactory(
        learning_set=learning_set, starts_at=_utc(2027, 4, 6, 9), ends_at=_utc(2027, 4, 6, 12)
    )
    client.force_login(member.person)

    text = _text(client.get(reverse("sets:meeting", args=[learning_set.pk, meeting.pk])))

    assert "Tue 6 Apr 2027, 05:00 EDT (America/New_York) to 08:00 EDT" in text
    assert "Tue 6 Apr 2027, 10:00 BST (Europe/London)" in text
    assert "Add to your calendar (.ics file)" in text


def test_rsvp_from_the_meeting_page(client, learning_set, participant):
    meeting = MeetingFactory(learning_set=learning_set)
    client.force_login(participant)
    url = reverse("sets:meeting_rsvp", args=[learning_set.pk, meeting.pk])

    response = client.post(url, {"response": "maybe"}, follow=True)
    assert "Your answer: Maybe" in _text(response)
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose whether you will come." in _text(response)


def test_leaving_a_set_hides_it(client, learning_set, participant):
    client.force_login(participant)
    client.post(reverse("sets:leave", args=[learning_set.pk]))
    membership = Membership.objects.get(person=participant)
    assert (membership.state, membership.left_at) == ("left", NOW)
    assert client.get(reverse("sets:detail", args=[learning_set.pk])).status_code == 404


def test_calendar_page_shows_a_new_address_once(client, participant):
    client.force_login(participant)
    page = client.post(reverse("sets:calendar_feed"), {"action": "renew"}, follow=True)
    address = re.search(r"http://testserver/calendar/[\w-]+\.ics", page.content.decode()).group(0)

    again = client.get(reverse("sets:calendar_feed")).content.decode()

    assert address not in again
    assert "Make a new address" in again
    assert client.get(address).status_code == 200


def test_non_facilitator_sees_no_create_button(client, participant):
    client.force_login(UserFactory())
    assert "Create a learning set" not in client.get(reverse("home")).content.decode()
