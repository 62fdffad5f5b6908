"""A set mid-way through its life: one meeting held, the next in two weeks."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from actionlearning.accounts.models import User
from innovations.models import Organisation
from sets.models import AgendaItem, LearningSet, Meeting, Role
from tests.factories import (
    AgendaItemFactory,
    FacilitatorFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)


@dataclass
class Midway:
    learning_set: LearningSet
    facilitator: User
    alice: User
    bob: User
    innovator: User
    stranger: User
    outsider: User  # an active member of another set
    held: Meeting
    next: Meeting
    alice_organisation: Organisation


@pytest.fixture
def midway(db) -> Midway:
    facilitation = MembershipFactory(role=Role.FACILITATOR, person=FacilitatorFactory())
    learning_set = facilitation.learning_set
    organisation = OrganisationFactory(name="Riverside NHS Trust")
    alice = UserFactory(full_name="Alice Adeyemi", organisation=organisation)
    MembershipFactory(learning_set=learning_set, person=alice, organisation=organisation)
    bob = MembershipFactory(learning_set=learning_set).person
    innovator = UserFactory(full_name="Ivy Innovator")
    learning_set.innovation.innovators.add(innovator)
    now = timezone.now()
    held = MeetingFactory(
        learning_set=learning_set,
        number=1,
        starts_at=now - datetime.timedelta(days=14),
        status=Meeting.Status.HELD,
    )
    upcoming = MeetingFactory(
        learning_set=learning_set, number=2, starts_at=now + datetime.timedelta(days=14)
    )
    AgendaItemFactory(meeting=upcoming, kind=AgendaItem.Kind.AIRTIME, position=3, minutes=90)
    return Midway(
        learning_set=learning_set,
        facilitator=facilitation.person,
        alice=alice,
        bob=bob,
        innovator=innovator,
        stranger=UserFactory(),
        outsider=MembershipFactory().person,
        held=held,
        next=upcoming,
        alice_organisation=organisation,
    )
