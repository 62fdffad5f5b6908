import datetime

import pytest
from django.core.exceptions import ValidationError

from sets import services
from sets.agenda import classic_agenda
from sets.models import AgendaItem, Meeting
from sets.schedule import NonexistentLocalTime, SeriesPlan, local_to_utc
from tests.sets.conftest import UTC

pytestmark = pytest.mark.usefixtures("frozen")


def _utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def _six_every_four_weeks(**overrides) -> SeriesPlan:
    fields = {
        "first_day": datetime.date(2027, 1, 12),
        "start_time": datetime.time(10, 0),
        "count": 6,
        "every_weeks": 4,
        "minutes": 180,
    } | overrides
    return SeriesPlan(**fields)


def test_series_keeps_ten_o_clock_local_across_the_march_clock_change():
    times = _six_every_four_weeks().times("Europe/London")

    assert [start for start, _ in times] == [
        _utc(2027, 1, 12, 10),
        _utc(2027, 2, 9, 10),
        _utc(2027, 3, 9, 10),
        _utc(2027, 4, 6, 9),  # 10:00 BST
        _utc(2027, 5, 4, 9),
        _utc(2027, 6, 1, 9),
    ]
    assert all(end - start == datetime.timedelta(hours=3) for start, end in times)


def test_series_in_a_zone_with_a_different_change_date():
    # New York moves its clocks on 14 March 2027, two weeks before London.
    plan = _six_every_four_weeks(first_day=datetime.date(2027, 3, 2), count=2, every_weeks=2)
    assert [start for start, _ in plan.times("America/New_York")] == [
        _utc(2027, 3, 2, 15),
        _utc(2027, 3, 16, 14),
    ]


def test_local_time_skipped_by_the_clocks_is_refused():
    with pytest.raises(NonexistentLocalTime, match="clocks go forward"):
        local_to_utc(datetime.date(2027, 3, 28), datetime.time(1, 30), "Europe/London")


def test_local_time_passed_twice_means_the_first():
    assert local_to_utc(datetime.date(2027, 10, 31), datetime.time(1, 30), "Europe/London") == (
        _utc(2027, 10, 31, 0, 30)
    )


def test_series_plan_creates_numbered_meetings_with_the_classic_agenda(learning_set):
    meetings = services.meeting_series_plan(
        learning_set=learning_set, plan=_six_every_four_weeks(first_is_visit=True)
    )

    saved = list(Meeting.objects.filter(learning_set=learning_set).order_by("number"))
    assert [m.number for m in saved] == [1, 2, 3, 4, 5, 6]
    assert saved[0].format == Meeting.Format.VISIT
    assert saved[0].title == f"Visit to {learning_set.innovation.source_organisation}"
    assert {m.format for m in saved[1:]} == {Meeting.Format.IN_PERSON}
    assert saved[3].starts_at == _utc(2027, 4, 6, 9)
    assert [m.pk for m in meetings] == [m.pk for m in saved]
    kinds = list(saved[0].agenda_items.values_list("kind", flat=True))
    assert kinds == [
        AgendaItem.Kind.CHECK_IN,
        AgendaItem.Kind.ACTIONS_REVIEW,
        AgendaItem.Kind.AIRTIME,
        AgendaItem.Kind.INNOVATOR_QA,
        AgendaItem.Kind.PROCESS_REVIEW,
    ]


def test_series_plan_numbers_on_from_the_meetings_already_planned(learning_set):
    services.meeting_series_plan(learning_set=learning_set, plan=_six_every_four_weeks(count=2))
    services.meeting_series_plan(
        learning_set=learning_set,
        plan=_six_every_four_weeks(first_day=datetime.date(2027, 3, 9), count=2),
    )
    numbers = Meeting.objects.filter(learning_set=learning_set).values_list("number", flat=True)
    assert sorted(numbers) == [1, 2, 3, 4]


def test_series_plan_refuses_a_first_meeting_in_the_past(learning_set):
    with pytest.raises(ValidationError) as refused:
        services.meeting_series_plan(
            learning_set=learning_set,
            plan=_six_every_four_weeks(first_day=datetime.date(2026, 11, 3)),
        )
    assert refused.value.message_dict == {"first_day": ["The first meeting must be in the future."]}
    assert not Meeting.objects.exists()


def test_series_plan_refuses_a_time_the_clocks_skip(learning_set):
    plan = _six_every_four_weeks(first_day=datetime.date(2027, 3, 28), start_time=datetime.time(1))
    with pytest.raises(ValidationError) as refused:
        services.meeting_series_plan(learning_set=learning_set, plan=plan)
    assert "start_time" in refused.value.message_dict


@pytest.mark.parametrize("minutes", [60, 90, 120, 180, 240])
def test_classic_agenda_fills_the_meeting_exactly(minutes):
    assert sum(entry.minutes for entry in classic_agenda(minutes)) == minutes
