"""What calendar apps receive: parsed back with the icalendar library, as they would."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from sets import services
from sets.models import Meeting
from sets.schedule import SeriesPlan
from tests.factories import AgendaItemFactory, MeetingFactory, MembershipFactory
from tests.sets.conftest import UTC

pytestmark = pytest.mark.usefixtures("frozen")


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _ics(client, meeting: Meeting) -> Calendar:
    response = client.get(reverse("sets:meeting_ics", args=[meeting.learning_set_id, meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return Calendar.from_ical(response.content)


def _utc_by_its_own_vtimezone(calendar: Calendar, property_name: str) -> datetime.datetime:
    """Resolve DTSTART/DTEND through the file's VTIMEZONE, as Outlook does, not our zoneinfo."""
    event = calendar.events[0]
    local = event.decoded(property_name)
    (vtimezone,) = [
        tz for tz in calendar.timezones if tz["TZID"] == event[property_name].params["TZID"]
    ]
    return local.replace(tzinfo=vtimezone.to_tz()).astimezone(UTC)


@pytest.fixture
def series(learning_set):
    """Six meetings every four weeks from Tue 12 Jan 2027 at 10:00 Europe/London."""
    plan = SeriesPlan(
        first_day=datetime.date(2027, 1, 12),
        start_time=datetime.time(10),
        count=6,
        every_weeks=4,
        minutes=180,
    )
    return services.meeting_series_plan(learning_set=learning_set, plan=plan)


def test_meeting_file_gives_the_local_time_with_its_zone(client, participant, series):
    client.force_login(participant)
    calendar = _ics(client, series[0])

    event = calendar.events[0]
    assert calendar["METHOD"] == "PUBLISH"
    assert event["UID"] == f"meeting-{series[0].pk}@actionlearning"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime(2027, 1, 12, 10)
    assert _utc_by_its_own_vtimezone(calendar, "DTSTART") == _utc(2027, 1, 12, 10)
    assert _utc_by_its_own_vtimezone(calendar, "DTEND") == _utc(2027, 1, 12, 13)
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == f"{series[0].learning_set.name}: Meeting 1"


def test_meeting_file_after_the_clock_change_is_ten_o_clock_bst(client, participant, series):
    client.force_login(participant)
    calendar = _ics(client, series[3])

    assert calendar.events[0].decoded("DTSTART").replace(tzinfo=None) == (
        datetime.datetime(2027, 4, 6, 10)
    )
    assert _utc_by_its_own_vtimezone(calendar, "DTSTART") == _utc(2027, 4, 6, 9)


def test_meeting_on_30_march_2027_is_nine_utc(client, participant, learning_set):
    meeting = MeetingFactory(
        learning_set=learning_set,
        starts_at=_utc(2027, 3, 30, 9),
        ends_at=_utc(2027, 3, 30, 12),
    )
    client.force_login(participant)
    calendar = _ics(client, meeting)
    assert str(calendar.events[0]["DTSTART"].to_ical().decode()) == "20270330T100000"
    assert _utc_by_its_own_vtimezone(calendar, "DTSTART") == _utc(2027, 3, 30, 9)


def test_meeting_file_keeps_its_uid_and_raises_sequence_on_each_change(client, participant, series):
    client.force_login(participant)
    meeting = series[1]
    before = _ics(client, meeting).events[0]

    services.meeting_reschedule(
        meeting=meeting, starts_at=_utc(2027, 2, 10, 10), ends_at=_utc(2027, 2, 10, 13)
    )
    moved = _ics(client, meeting).events[0]
    services.meeting_cancel(meeting=meeting)
    cancelled_calendar = _ics(client, meeting)
    cancelled = cancelled_calendar.events[0]

    assert before["UID"] == moved["UID"] == cancelled["UID"]
    assert [before["SEQUENCE"], moved["SEQUENCE"], cancelled["SEQUENCE"]] == [0, 1, 2]
    assert moved.decoded("DTSTART").replace(tzinfo=None) == datetime.datetime(2027, 2, 10, 10)
    assert cancelled_calendar["METHOD"] == "CANCEL"
    assert cancelled["STATUS"] == "CANCELLED"


def test_meeting_file_describes_the_agenda_and_links_back(client, participant, learning_set):
    meeting = MeetingFactory(learning_set=learning_set, joining_link="https://meet.example.org/x")
    AgendaItemFactory(meeting=meeting, kind="airtime", minutes=90)
    client.force_login(participant)

    event = _ics(client, meeting).events[0]

    assert "- Airtime round (90 min)" in event["DESCRIPTION"]
    assert "Join online: https://meet.example.org/x" in event["DESCRIPTION"]
    assert event["URL"].endswith(f"/sets/{learning_set.pk}/meetings/{meeting.pk}/")
    assert event["LOCATION"] == "Room 2, Town Hall"


def _feed(client, token: str):
    return client.get(reverse("sets:calendar_feed_ics", args=[token]))


def test_feed_needs_no_sign_in_and_lists_every_meeting_of_the_persons_active_sets(
    client, participant, series
):
    other_set_meeting = MeetingFactory()
    left = MembershipFactory(person=participant, state="left", left_at=series[0].created_at)
    left_set_meeting = MeetingFactory(learning_set=left.learning_set)
    services.meeting_cancel(meeting=series[5])
    token = services.calendar_feed_renew(person=participant)

    response = _feed(client, token)

    calendar = Calendar.from_ical(response.content)
    uids = {str(event["UID"]) for event in calendar.events}
    assert response.status_code == 200
    assert uids == {meeting.calendar_uid for meeting in series}
    assert other_set_meeting.calendar_uid not in uids
    assert left_set_meeting.calendar_uid not in uids
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in calendar.events}
    assert statuses[series[5].calendar_uid] == "CANCELLED"
    assert [tz["TZID"] for tz in calendar.timezones] == ["Europe/London"]


def test_feed_times_are_right_after_the_clock_change(client, participant, series):
    token = services.calendar_feed_renew(person=participant)
    calendar = Calendar.from_ical(_feed(client, token).content)
    (april,) = [e for e in calendar.events if e["UID"] == series[3].calendar_uid]
    vtimezone = calendar.timezones[0].to_tz()
    assert april.decoded("DTSTART").replace(tzinfo=vtimezone).astimezone(UTC) == (
        _utc(2027, 4, 6, 9)
    )


def test_feed_with_a_wrong_or_renewed_or_revoked_secret_is_not_found(client, participant):
    old = services.calendar_feed_renew(person=participant)
    new = services.calendar_feed_renew(person=participant)

    assert _feed(client, "not-the-secret").status_code == 404
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200
    services.calendar_feed_revoke(person=participant)
    assert _feed(client, new).status_code == 404


def test_feed_secret_is_stored_only_as_a_hash(participant):
    token = services.calendar_feed_renew(person=participant)
    assert participant.calendar_feed.token_hash != token
    assert len(participant.calendar_feed.token_hash) == 64
