import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from sets import between_services as services
from sets.models import Action, Barrier, CheckIn
from tests.factories import ActionFactory, CheckInFactory

pytestmark = pytest.mark.django_db


def _check_in_form(actions, **fields):
    data = {"confidence": "4", "barrier_category": "", "barrier_description": "", "note": ""}
    for action in actions:
        data[f"action_{action.pk}_status"] = action.status
        data[f"action_{action.pk}_progress"] = ""
    return data | fields


def test_check_in_records_progress_on_each_action_confidence_and_a_barrier(client, midway):
    first = ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
    second = ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
    client.force_login(midway.alice)

    client.post(
        reverse("between:check_in", args=[midway.learning_set.pk]),
        _check_in_form(
            [first, second],
            **{
                f"action_{first.pk}_status": "blocked",
                f"action_{first.pk}_progress": "IT will not install it",
                f"action_{second.pk}_progress": "Talked to the matron",
                "confidence": "2",
                "barrier_category": "inner_setting",
                "barrier_description": "IT will not install the app",
                "barrier_help_wanted": "on",
            },
        ),
    )

    check_in = CheckIn.objects.get()
    assert (check_in.person, check_in.after_meeting, check_in.before_meeting) == (
        midway.alice,
        midway.held,
        midway.next,
    )
    assert check_in.confidence == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("blocked", "open")
    assert sorted(check_in.action_updates.values_list("text", flat=True)) == [
        "IT will not install it",
        "Talked to the matron",
    ]
    barrier = Barrier.objects.get()
    assert (barrier.check_in, barrier.help_wanted) == (check_in, True)


def test_check_in_confidence_of_seven_is_refused_and_nothing_typed_is_lost(client, midway):
    client.force_login(midway.alice)

    response = client.post(
        reverse("between:check_in", args=[midway.learning_set.pk]),
        _check_in_form([], confidence="7", note="A long week"),
    )

    page = response.content.decode()
    assert "Choose how confident you feel, from 1 (not at all) to 5 (very)." in page
    assert "A long week" in page
    assert not CheckIn.objects.exists()


def test_check_in_confidence_out_of_range_is_refused_by_the_database(midway):
    with pytest.raises(IntegrityError):
        CheckInFactory(after_meeting=midway.held, person=midway.alice, confidence=7)


def test_check_in_a_second_time_in_the_same_gap_is_refused_with_a_message(client, midway):
    CheckInFactory(after_meeting=midway.held, person=midway.alice)
    client.force_login(midway.alice)

    response = client.post(
        reverse("between:check_in", args=[midway.learning_set.pk]),
        _check_in_form([], note="Me again"),
    )

    page = response.content.decode()
    assert "You have already checked in on " in page
    assert "Me again" in page
    assert CheckIn.objects.count() == 1


def test_check_in_twice_per_gap_is_refused_by_the_database(midway):
    CheckInFactory(after_meeting=midway.held, person=midway.alice)

    with pytest.raises(IntegrityError):
        CheckInFactory(after_meeting=midway.held, person=midway.alice)


def test_check_in_barrier_needs_a_description(client, midway):
    client.force_login(midway.alice)

    response = client.post(
        reverse("between:check_in", args=[midway.learning_set.pk]),
        _check_in_form([], barrier_category="process"),
    )

    assert "Say what is in the way." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_check_in_is_not_open_before_the_first_meeting(midway):
    midway.held.starts_at += datetime.timedelta(days=15)
    midway.held.ends_at += datetime.timedelta(days=15)
    midway.held.status = "scheduled"
    midway.held.save()

    with pytest.raises(ValidationError) as refused:
        services.check_in_submit(
            learning_set=midway.learning_set, person=midway.alice, confidence=3, progress={}
        )

    assert refused.value.messages == ["There is no check-in now: it opens after a meeting."]


def test_check_in_only_touches_the_members_own_actions(midway):
    bobs = ActionFactory(learning_set=midway.learning_set, owner=midway.bob)

    services.check_in_submit(
        learning_set=midway.learning_set,
        person=midway.alice,
        confidence=3,
        progress={bobs.pk: services.ActionProgress(status="dropped", text="Not mine")},
    )

    assert Action.objects.get().status == "open"


def test_check_in_banner_shows_on_home_until_done(client, midway):
    client.force_login(midway.alice)
    home = reverse("home")

    assert "Time to check in: " in client.get(home).content.decode()
    CheckInFactory(after_meeting=midway.held, person=midway.alice)
    assert "Time to check in: " not in client.get(home).content.decode()


def test_check_in_banner_is_not_shown_to_a_facilitator(client, midway):
    client.force_login(midway.facilitator)

    assert "Time to check in: " not in client.get(reverse("home")).content.decode()
