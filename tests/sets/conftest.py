import datetime

import pytest

from tests.factories import MembershipFactory, SetFacilitatorFactory

UTC = datetime.UTC
# A Tuesday in December 2026: Europe/London is on GMT, and BST starts on 28 March 2027.
NOW = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(time_machine):
    """The clock stands still at NOW."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def facilitation(db):
    """A set and its facilitator's membership (`.learning_set`, `.person`)."""
    return SetFacilitatorFactory()


@pytest.fixture
def learning_set(facilitation):
    return facilitation.learning_set


@pytest.fixture
def facilitator(facilitation):
    return facilitation.person


@pytest.fixture
def participant(learning_set):
    return MembershipFactory(learning_set=learning_set).person
