"""A set of four meeting every four weeks from January 2027, and a clock that stands still.

Europe/London changes to BST on 28 March 2027; America/New_York to EDT on 14 March.
"""

import datetime

import pytest
from django.core import mail

from sets import services
from sets.models import Membership, Notification
from sets.notifications import notifications_sweep
from sets.schedule import SeriesPlan
from tests.factories import MembershipFactory, SetFacilitatorFactory, UserFactory

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SERIES = SeriesPlan(
    first_day=datetime.date(2027, 1, 12),
    start_time=datetime.time(10, 0),
    count=6,
    every_weeks=4,
    minutes=180,
    place="Room 2, Town Hall, Leeds",
)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def team(db, frozen):
    """A facilitator (London), Ana (London) and Ben (New York), and six meetings."""
    facilitation = SetFacilitatorFactory(person__full_name="Fay Facilitator")
    learning_set = facilitation.learning_set
    ana = MembershipFactory(learning_set=learning_set, person__full_name="Ana Adopter").person
    ben = MembershipFactory(
        learning_set=learning_set,
        person__full_name="Ben Bridge",
        person__time_zone="America/New_York",
    ).person
    meetings = services.meeting_series_plan(learning_set=learning_set, plan=SERIES)
    return Team(learning_set, facilitation.person, ana, ben, meetings)


class Team:
    def __init__(self, learning_set, facilitator, ana, ben, meetings):
        self.learning_set = learning_set
        self.facilitator = facilitator
        self.ana = ana
        self.ben = ben
        self.meetings = meetings

    def membership(self, person) -> Membership:
        return Membership.objects.get(learning_set=self.learning_set, person=person)


def sweep_at(time_machine, when: datetime.datetime):
    """Moves the clock and sweeps once; returns the emails sent then."""
    time_machine.move_to(when, tick=False)
    before = len(mail.outbox)
    notifications_sweep()
    return mail.outbox[before:]


def row_of(message) -> Notification:
    pk = int(message.extra_headers["Message-ID"].split("-")[1].split("@")[0])
    return Notification.objects.get(pk=pk)


def a_stranger():
    return UserFactory()
