"""Who may open each route of the sets app (declared in tests/security/routes_sets.py).

- A set's member pages: its active members and staff; 404 to a stranger, to a member of
  another set and to someone only invited; anonymous people are sent to sign in.
- Its facilitator pages: its active facilitators; 403 to its other members and to staff
  (staff may view the overview), 404 to everyone else.
- Creating a set: people with the "facilitate" permission; 403 to others.
- The calendar feed and invitation links: whoever holds the secret; 404 otherwise.
"""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from sets import services
from tests.factories import (
    FacilitatorFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

MEMBER_PAGES = ["sets:detail", "sets:leave", "sets:meeting", "sets:meeting_ics"]
FACILITATOR_PAGES = [
    "sets:manage",
    "sets:edit",
    "sets:invite",
    "sets:meetings_plan",
    "sets:meeting_manage",
    "sets:meeting_edit",
    "sets:meeting_cancel",
]
MEMBER_POSTS = ["sets:meeting_rsvp"]
FACILITATOR_POSTS = ["sets:invitation_resend", "sets:invitation_revoke"]
STAFF_MAY_VIEW = ["sets:detail", "sets:meeting", "sets:meeting_ics", "sets:manage"]


@pytest.fixture
def world(db):
    """A set with a facilitator, a participant, a meeting and an invitation; another set."""
    facilitation = MembershipFactory(role="facilitator", person=FacilitatorFactory())
    learning_set = facilitation.learning_set
    return {
        "set": learning_set,
        "facilitator": facilitation.person,
        "participant": MembershipFactory(learning_set=learning_set).person,
        "meeting": MeetingFactory(learning_set=learning_set),
        "invitation": InvitationFactory(learning_set=learning_set),
        "other_member": MembershipFactory().person,
    }


def _url(name: str, world) -> str:
    set_id, meeting_id = world["set"].pk, world["meeting"].pk
    if name.startswith("sets:meeting") and name != "sets:meetings_plan":
        return reverse(name, args=[set_id, meeting_id])
    if name.startswith("sets:invitation_re"):
        return reverse(name, args=[set_id, world["invitation"].pk])
    return reverse(name, args=[set_id])


def _ends_at_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", MEMBER_PAGES + FACILITATOR_PAGES)
def test_set_pages_send_an_anonymous_person_to_sign_in(client, world, name):
    assert _ends_at_sign_in(client.get(_url(name, world)))


@pytest.mark.parametrize("name", MEMBER_POSTS + FACILITATOR_POSTS)
def test_set_actions_send_an_anonymous_person_to_sign_in(client, world, name):
    assert _ends_at_sign_in(client.post(_url(name, world)))


@pytest.mark.parametrize("name", MEMBER_PAGES + FACILITATOR_PAGES)
@pytest.mark.parametrize("who", ["stranger", "other_member", "invited"])
def test_set_pages_are_not_found_by_outsiders(client, world, name, who):
    people = {"stranger": UserFactory(), "other_member": world["other_member"]}
    people["invited"] = MembershipFactory(
        learning_set=world["set"], state="invited", ground_rules=None, consented_at=None
    ).person
    client.force_login(people[who])
    assert client.get(_url(name, world)).status_code == 404


@pytest.mark.parametrize("name", MEMBER_POSTS + FACILITATOR_POSTS)
def test_set_actions_are_not_found_by_a_member_of_another_set(client, world, name):
    client.force_login(world["other_member"])
    assert client.post(_url(name, world)).status_code == 404


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_open_for_a_participant(client, world, name):
    client.force_login(world["participant"])
    assert client.get(_url(name, world)).status_code == 200


@pytest.mark.parametrize("name", FACILITATOR_PAGES)
def test_facilitator_pages_are_forbidden_to_a_participant(client, world, name):
    client.force_login(world["participant"])
    assert client.get(_url(name, world)).status_code == 403


@pytest.mark.parametrize("name", FACILITATOR_POSTS)
def test_facilitator_actions_are_forbidden_to_a_participant(client, world, name):
    client.force_login(world["participant"])
    assert client.post(_url(name, world)).status_code == 403
    world["invitation"].refresh_from_db()
    assert world["invitation"].is_usable


@pytest.mark.parametrize("name", MEMBER_PAGES + FACILITATOR_PAGES)
def test_set_pages_open_for_its_facilitator(client, world, name):
    client.force_login(world["facilitator"])
    assert client.get(_url(name, world)).status_code == 200


@pytest.mark.parametrize("name", STAFF_MAY_VIEW)
def test_staff_can_view_a_set(client, world, name):
    client.force_login(StaffFactory())
    assert client.get(_url(name, world)).status_code == 200


@pytest.mark.parametrize("name", sorted(set(FACILITATOR_PAGES) - set(STAFF_MAY_VIEW)))
def test_staff_cannot_change_a_set_they_do_not_facilitate(client, world, name):
    client.force_login(StaffFactory())
    assert client.get(_url(name, world)).status_code == 403


def test_create_a_set_needs_the_facilitate_permission(client, db):
    url = reverse("sets:create")
    assert _ends_at_sign_in(client.get(url))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(FacilitatorFactory())
    assert client.get(url).status_code == 200


def test_calendar_feed_opens_with_its_secret_only(client, world):
    token = services.calendar_feed_renew(person=world["participant"])
    assert client.get(reverse("sets:calendar_feed_ics", args=[token])).status_code == 200
    assert client.get(reverse("sets:calendar_feed_ics", args=["guess"])).status_code == 404


def test_invitation_link_opens_with_its_secret_only(client, world):
    InvitationFactory(learning_set=world["set"], token="s3cret")
    assert client.get(reverse("sets:invitation_open", args=["guess"])).status_code == 404
    assert client.get(reverse("sets:invitation")).status_code == 404
    assert client.get(reverse("sets:invitation_open", args=["s3cret"])).status_code == 302
    assert client.get(reverse("sets:invitation")).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "sets:invitation_signup",
        "sets:invitation_accept",
        "sets:invitation_decline",
        "sets:invitation_renewal",
    ],
)
def test_invitation_answers_need_the_link_opened_first(client, world, name):
    client.force_login(UserFactory())
    assert client.post(reverse(name)).status_code == 404
    world["invitation"].refresh_from_db()
    assert world["invitation"].response == ""


def test_admin_lists_sets_for_staff_with_two_factor(client, world):
    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(staff)
    client.force_login(staff)
    for model in ["learningset", "membership", "invitation", "meeting", "rsvp", "attendance"]:
        response = client.get(reverse(f"admin:sets_{model}_changelist"))
        assert response.status_code == 200, model
    page = client.get(reverse("admin:sets_learningset_changelist")).content.decode()
    assert world["set"].name in page
