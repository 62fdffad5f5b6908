import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from sets import services
from sets.models import AgendaItem, Attendance, Meeting, Rsvp
from tests.factories import AgendaItemFactory, MeetingFactory, MembershipFactory, RsvpFactory
from tests.sets.conftest import NOW, UTC

pytestmark = pytest.mark.usefixtures("frozen")


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def meeting(learning_set):
    return MeetingFactory(
        learning_set=learning_set, starts_at=_utc(2027, 1, 12, 10), ends_at=_utc(2027, 1, 12, 13)
    )


@pytest.fixture
def past_meeting(learning_set):
    return MeetingFactory(
        learning_set=learning_set,
        starts_at=NOW - datetime.timedelta(hours=4),
        ends_at=NOW - datetime.timedelta(hours=1),
    )


def test_reschedule_keeps_the_meeting_and_raises_its_sequence(meeting):
    original_pk = meeting.pk
    services.meeting_reschedule(
        meeting=meeting, starts_at=_utc(2027, 1, 19, 10), ends_at=_utc(2027, 1, 19, 13)
    )
    meeting.refresh_from_db()
    assert meeting.pk == original_pk
    assert meeting.starts_at == _utc(2027, 1, 19, 10)
    assert meeting.sequence == 1
    assert Meeting.objects.count() == 1


def test_reschedule_with_nothing_changed_leaves_the_sequence(meeting):
    services.meeting_reschedule(
        meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_reschedule_refuses_an_end_before_the_start_or_a_time_in_the_past(meeting):
    with pytest.raises(ValidationError) as refused:
        services.meeting_reschedule(
            meeting=meeting, starts_at=_utc(2027, 1, 19, 13), ends_at=_utc(2027, 1, 19, 10)
        )
    assert refused.value.message_dict == {"end_time": ["The end must be after the start."]}
    with pytest.raises(ValidationError) as refused:
        services.meeting_reschedule(
            meeting=meeting, starts_at=_utc(2026, 11, 1, 10), ends_at=_utc(2026, 11, 1, 13)
        )
    assert refused.value.message_dict == {"day": ["The meeting must be in the future."]}


def test_a_meeting_ending_before_it_starts_is_a_database_rule(learning_set):
    with pytest.raises(IntegrityError):
        MeetingFactory(learning_set=learning_set, ends_at=NOW, starts_at=NOW)


def test_cancel_then_reschedule_reinstates_the_meeting(meeting):
    services.meeting_cancel(meeting=meeting)
    assert meeting.status == Meeting.Status.CANCELLED
    services.meeting_reschedule(
        meeting=meeting, starts_at=_utc(2027, 1, 26, 10), ends_at=_utc(2027, 1, 26, 13)
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert meeting.sequence == 2


def test_rsvp_can_be_changed_and_is_one_per_person(meeting, participant):
    services.rsvp_record(meeting=meeting, person=participant, response="going")
    services.rsvp_record(meeting=meeting, person=participant, response="not_going")
    assert list(Rsvp.objects.values_list("person", "response")) == [(participant.pk, "not_going")]


def test_rsvp_is_for_members_and_upcoming_meetings_only(meeting, past_meeting, participant):
    outsider = MembershipFactory().person
    with pytest.raises(ValidationError, match="Only members"):
        services.rsvp_record(meeting=meeting, person=outsider, response="going")
    with pytest.raises(ValidationError, match="not coming up"):
        services.rsvp_record(meeting=past_meeting, person=participant, response="going")


def test_attendance_waits_for_the_meeting_to_start(meeting, facilitator, participant):
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_record(
            meeting=meeting, recorded_by=facilitator, statuses={participant.pk: "present"}
        )


def test_marking_held_without_everyones_attendance_asks_for_it(
    past_meeting, facilitator, participant
):
    with pytest.raises(ValidationError) as refused:
        services.attendance_record(
            meeting=past_meeting,
            recorded_by=facilitator,
            statuses={participant.pk: "present"},
            mark_held=True,
        )
    assert "before marking the meeting held" in refused.value.messages[0]
    assert facilitator.full_name in refused.value.messages[0]
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.SCHEDULED
    assert not Attendance.objects.exists()  # nothing half-saved


def test_marking_held_with_attendance_records_it(past_meeting, facilitator, participant):
    services.attendance_record(
        meeting=past_meeting,
        recorded_by=facilitator,
        statuses={participant.pk: "apologies", facilitator.pk: "present"},
        mark_held=True,
    )
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.HELD
    assert dict(Attendance.objects.values_list("person", "status")) == {
        participant.pk: "apologies",
        facilitator.pk: "present",
    }


def test_attendance_page_marks_held_or_says_what_is_missing(
    client, past_meeting, facilitator, participant
):
    client.force_login(facilitator)
    url = reverse("sets:meeting_manage", args=[past_meeting.learning_set_id, past_meeting.pk])

    response = client.post(
        url, {"section": "attendance", f"person_{participant.pk}": "present", "mark_held": "1"}
    )
    assert response.status_code == 400
    assert "before marking the meeting held" in response.content.decode()

    response = client.post(
        url,
        {
            "section": "attendance",
            f"person_{participant.pk}": "present",
            f"person_{facilitator.pk}": "present",
            "mark_held": "1",
        },
    )
    assert response.status_code == 302
    past_meeting.refresh_from_db()
    assert past_meeting.status == Meeting.Status.HELD


def test_attendance_form_starts_from_apologies_sent_by_rsvp(
    client, past_meeting, facilitator, participant
):
    RsvpFactory(meeting=past_meeting, person=participant, response="not_going")
    client.force_login(facilitator)
    page = client.get(
        reverse("sets:meeting_manage", args=[past_meeting.learning_set_id, past_meeting.pk])
    ).content.decode()
    field = f"person_{participant.pk}"
    assert f'name="{field}" value="apologies" id="id_{field}_1" checked' in page


def test_agenda_is_edited_reordered_and_trimmed_on_the_meeting_page(client, meeting, facilitator):
    AgendaItemFactory(meeting=meeting, kind="check_in", minutes=20, position=1)
    AgendaItemFactory(meeting=meeting, kind="airtime", minutes=90, position=2)
    AgendaItemFactory(meeting=meeting, kind="process_review", minutes=15, position=3)
    client.force_login(facilitator)
    data = {
        "section": "agenda",
        "agenda-TOTAL_FORMS": "4",
        "agenda-INITIAL_FORMS": "3",
        "agenda-0-kind": "check_in",
        "agenda-0-minutes": "15",
        "agenda-0-ORDER": "2",
        "agenda-1-kind": "airtime",
        "agenda-1-minutes": "90",
        "agenda-1-ORDER": "1",
        "agenda-2-kind": "process_review",
        "agenda-2-minutes": "15",
        "agenda-2-ORDER": "3",
        "agenda-2-DELETE": "on",
        "agenda-3-kind": "other",
        "agenda-3-title": "Site tour",
        "agenda-3-minutes": "30",
        "agenda-3-ORDER": "4",
    }

    response = client.post(
        reverse("sets:meeting_manage", args=[meeting.learning_set_id, meeting.pk]), data
    )

    assert response.status_code == 302
    items = [(i.label, i.minutes) for i in AgendaItem.objects.filter(meeting=meeting)]
    assert items == [("Airtime round", 90), ("Check-in", 15), ("Site tour", 30)]
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_agenda_item_of_kind_other_needs_a_title(client, meeting, facilitator):
    client.force_login(facilitator)
    data = {
        "section": "agenda",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-kind": "other",
        "agenda-0-minutes": "30",
    }
    response = client.post(
        reverse("sets:meeting_manage", args=[meeting.learning_set_id, meeting.pk]), data
    )
    assert response.status_code == 400
    assert "Give a title to an item of the kind “Other”." in response.content.decode()


def test_facilitator_notes_are_saved_and_kept_from_members(
    client, meeting, facilitator, participant
):
    client.force_login(facilitator)
    url = reverse("sets:meeting_manage", args=[meeting.learning_set_id, meeting.pk])
    client.post(url, {"section": "notes", "facilitator_notes": "Tom seemed stuck."})
    meeting.refresh_from_db()
    assert meeting.facilitator_notes == "Tom seemed stuck."

    client.force_login(participant)
    page = client.get(reverse("sets:meeting", args=[meeting.learning_set_id, meeting.pk]))
    assert "Tom seemed stuck." not in page.content.decode()


def test_meeting_edit_form_refuses_an_end_before_the_start_and_keeps_what_was_typed(
    client, meeting, facilitator
):
    title_before = meeting.title
    client.force_login(facilitator)
    response = client.post(
        reverse("sets:meeting_edit", args=[meeting.learning_set_id, meeting.pk]),
        {
            "title": "Our second go",
            "day": "2027-01-19",
            "start_time": "14:00",
            "end_time": "13:00",
            "format": "in_person",
            "place": "The Library",
        },
    )
    page = response.content.decode()
    assert "The end must be after the start." in page
    assert 'value="Our second go"' in page
    assert 'value="The Library"' in page
    meeting.refresh_from_db()
    assert (meeting.title, meeting.sequence) == (title_before, 0)


def test_meeting_edit_form_takes_times_in_the_sets_zone(client, meeting, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("sets:meeting_edit", args=[meeting.learning_set_id, meeting.pk]),
        {
            "title": "After the clocks change",
            "day": "2027-03-30",
            "start_time": "10:00",
            "end_time": "13:00",
            "format": "online",
            "joining_link": "https://meet.example.org/set",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at) == (_utc(2027, 3, 30, 9), _utc(2027, 3, 30, 12))
    assert meeting.format == "online"


def test_meeting_edit_form_refuses_a_date_in_the_past(client, meeting, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("sets:meeting_edit", args=[meeting.learning_set_id, meeting.pk]),
        {
            "title": "Too late",
            "day": "2026-11-30",
            "start_time": "10:00",
            "end_time": "13:00",
            "format": "in_person",
        },
    )
    assert "The meeting must be in the future." in response.content.decode()


def test_cancel_page_cancels_the_meeting(client, meeting, facilitator):
    client.force_login(facilitator)
    url = reverse("sets:meeting_cancel", args=[meeting.learning_set_id, meeting.pk])
    assert "Cancel Meeting" in client.get(url).content.decode()
    client.post(url)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
