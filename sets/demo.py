"""A demo learning set, part-way through its year: three meetings held, three to come.

Loaded by `manage.py demo_data` after the innovations demo. The set is found by its
name and only created when missing, so running it twice changes nothing.
"""

import datetime

from django.utils import timezone
from django.utils.text import slugify

from actionlearning.accounts.models import User
from innovations.models import Innovation
from sets import services
from sets.models import Attendance, LearningSet, Meeting, Role, Rsvp
from sets.schedule import SeriesPlan

NAME = "Red Bag spread: North and East"
INNOVATION = "Red Bag hospital transfer pathway"
PURPOSE = (
    "Care homes and hospitals in the North and East learning together how to adopt the "
    "Red Bag pathway: what to keep, what to adapt to our places, and what gets in the way."
)
MEMBERS = [
    ("participant@example.org", Role.PARTICIPANT),
    ("nurse@example.org", Role.PARTICIPANT),
    ("carer@example.org", Role.CO_PRODUCTION),
    ("innovator@example.org", Role.INNOVATOR_GUEST),
]
CADENCE_WEEKS = 6
HELD = 3  # of the six meetings, those already in the past
# Who sent apologies, by meeting number.
APOLOGIES = {2: "carer@example.org"}


def load(*, people: dict[str, User]) -> None:
    if LearningSet.objects.filter(name=NAME).exists():
        return
    facilitator = people["facilitator@example.org"]
    learning_set = services.set_create(
        created_by=facilitator,
        innovation=Innovation.objects.get(slug=slugify(INNOVATION)),
        name=NAME,
        purpose=PURPOSE,
        time_zone="Europe/London",
        planned_meetings=6,
        cadence_weeks=CADENCE_WEEKS,
        meeting_minutes=180,
    )
    services.set_update(learning_set=learning_set, status=LearningSet.Status.ACTIVE)
    for email, role in MEMBERS:
        services.membership_add(learning_set=learning_set, person=people[email], role=role)
    meetings = services.meeting_series_plan(
        learning_set=learning_set, plan=_series(), record_past=True
    )
    for meeting in meetings[:HELD]:
        _held(meeting, people=people, facilitator=facilitator)
    _answers(meetings[HELD], people=people)


def _series() -> SeriesPlan:
    """Six meetings at 10:00 London time, the third of them last week."""
    today = timezone.localdate(timezone=datetime.UTC)
    first_day = today - datetime.timedelta(weeks=CADENCE_WEEKS * (HELD - 1) + 1)
    return SeriesPlan(
        first_day=first_day,
        start_time=datetime.time(10),
        count=6,
        every_weeks=CADENCE_WEEKS,
        minutes=180,
        first_is_visit=True,
        place="Sutton Care Home Vanguard, Sutton",
        format=Meeting.Format.ONLINE,
        joining_link="https://meet.example.org/red-bag-north-east",
    )


def _held(meeting: Meeting, *, people: dict[str, User], facilitator: User) -> None:
    absent = APOLOGIES.get(meeting.number)
    members = [facilitator] + [people[email] for email, _role in MEMBERS]
    statuses: dict[int, str] = {
        person.pk: Attendance.Status.APOLOGIES
        if person.email == absent
        else Attendance.Status.PRESENT
        for person in members
    }
    services.attendance_record(
        meeting=meeting, recorded_by=facilitator, statuses=statuses, mark_held=True
    )
    services.meeting_notes_update(
        meeting=meeting, notes="Good energy. Airtime ran over; keep an eye on the clock."
    )


def _answers(meeting: Meeting, *, people: dict[str, User]) -> None:
    """The next meeting: some have answered already, one with apologies."""
    answers = {
        "participant@example.org": Rsvp.Response.GOING,
        "nurse@example.org": Rsvp.Response.MAYBE,
        "carer@example.org": Rsvp.Response.NOT_GOING,
    }
    for email, response in answers.items():
        services.rsvp_record(meeting=meeting, person=people[email], response=response)
