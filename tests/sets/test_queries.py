"""Pages answer in the same number of queries for 1 and for 50 sets, members or meetings."""

import pytest
from django.urls import reverse

from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
)

pytestmark = pytest.mark.usefixtures("frozen")

# Session, user, then the page's own reads.
MY_SETS_QUERIES = 5
OVERVIEW_QUERIES = 8
SET_PAGE_QUERIES = 7
MEETING_PAGE_QUERIES = 7
MEETING_MANAGE_QUERIES = 9


@pytest.mark.parametrize("sets", [1, 50])
def test_my_sets_page_queries_do_not_grow_with_sets(
    client, participant, django_assert_num_queries, sets
):
    for _ in range(sets):
        membership = MembershipFactory(person=participant)
        MeetingFactory(learning_set=membership.learning_set)
    client.force_login(participant)
    with django_assert_num_queries(MY_SETS_QUERIES):
        response = client.get(reverse("sets:list"))
    assert response.content.decode().count("Next meeting:") == sets


def _crowd(learning_set, count: int) -> None:
    for _ in range(count):
        MembershipFactory(learning_set=learning_set)
        InvitationFactory(learning_set=learning_set)
        MeetingFactory(learning_set=learning_set)


@pytest.mark.parametrize("count", [1, 50])
def test_overview_queries_do_not_grow_with_members_invitations_or_meetings(
    client, learning_set, facilitator, django_assert_num_queries, count
):
    _crowd(learning_set, count)
    client.force_login(facilitator)
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("sets:manage", args=[learning_set.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_set_page_queries_do_not_grow_with_members_or_meetings(
    client, learning_set, facilitator, django_assert_num_queries, count
):
    _crowd(learning_set, count)
    client.force_login(facilitator)
    with django_assert_num_queries(SET_PAGE_QUERIES):
        response = client.get(reverse("sets:detail", args=[learning_set.pk]))
    assert response.status_code == 200


def _busy_meeting(learning_set, count: int):
    meeting = MeetingFactory(learning_set=learning_set)
    for _ in range(count):
        person = MembershipFactory(learning_set=learning_set).person
        RsvpFactory(meeting=meeting, person=person)
        AgendaItemFactory(meeting=meeting)
    return meeting


@pytest.mark.parametrize("count", [1, 50])
def test_meeting_page_queries_do_not_grow_with_members_or_agenda(
    client, learning_set, participant, django_assert_num_queries, count
):
    meeting = _busy_meeting(learning_set, count)
    client.force_login(participant)
    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(reverse("sets:meeting", args=[learning_set.pk, meeting.pk]))
    assert response.content.decode().count("Going") >= count


@pytest.mark.parametrize("count", [1, 50])
def test_meeting_manage_page_queries_do_not_grow_with_members_or_agenda(
    client, learning_set, facilitator, django_assert_num_queries, count
):
    meeting = _busy_meeting(learning_set, count)
    client.force_login(facilitator)
    with django_assert_num_queries(MEETING_MANAGE_QUERIES):
        response = client.get(reverse("sets:meeting_manage", args=[learning_set.pk, meeting.pk]))
    assert response.status_code == 200
