from io import StringIO

import pytest
from django.core.management import call_command

from sets.demo import NAME
from sets.models import Attendance, LearningSet, Meeting, Membership

pytestmark = pytest.mark.django_db


def test_demo_set_is_active_with_members_and_meetings_held_and_to_come(frozen):
    call_command("demo_data", stdout=StringIO())

    learning_set = LearningSet.objects.get(name=NAME)
    assert learning_set.status == "active"
    roles = dict(
        Membership.objects.active()
        .filter(learning_set=learning_set)
        .values_list("person__email", "role")
    )
    assert roles == {
        "facilitator@example.org": "facilitator",
        "participant@example.org": "participant",
        "nurse@example.org": "participant",
        "carer@example.org": "co_production",
        "innovator@example.org": "innovator_guest",
    }
    meetings = list(learning_set.meetings.order_by("number"))
    assert [m.status for m in meetings] == ["held"] * 3 + ["scheduled"] * 3
    assert meetings[0].format == Meeting.Format.VISIT
    assert Attendance.objects.filter(meeting__in=meetings[:3]).count() == 15
    assert Meeting.objects.upcoming().filter(learning_set=learning_set).count() == 3


def test_demo_set_loads_once(frozen):
    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())
    assert LearningSet.objects.filter(name=NAME).count() == 1
    assert Meeting.objects.count() == 6
