import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from sets import between_services as services
from sets.between_queries import actions_for_review
from sets.models import Action
from tests.factories import ActionFactory, ActionUpdateFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LONDON).date()


def test_action_is_due_by_the_next_meeting_unless_a_date_is_given(midway):
    action = services.action_create(
        learning_set=midway.learning_set,
        owner=midway.alice,
        created_by=midway.alice,
        text="Shadow a night shift",
        meeting=midway.held,
    )

    assert action.due_on == _local_day(midway.next.starts_at)
    assert action.made_on == _local_day(midway.held.starts_at)
    assert action.status == Action.Status.OPEN


def test_action_due_before_the_meeting_it_came_from_is_refused_with_the_date(midway):
    day_before = _local_day(midway.held.starts_at) - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.action_create(
            learning_set=midway.learning_set,
            owner=midway.alice,
            created_by=midway.alice,
            text="Too early",
            meeting=midway.held,
            due_on=day_before,
        )

    [message] = refused.value.message_dict["due_on"]
    assert message.startswith("The due date must be on or after the meeting it came from (")


def test_action_due_before_it_was_made_is_refused_by_the_database(midway):
    today = timezone.localdate()
    with pytest.raises(IntegrityError):
        ActionFactory(made_on=today, due_on=today - datetime.timedelta(days=1))


def test_action_page_keeps_what_was_typed_when_the_date_is_too_early(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:action_new", args=[midway.learning_set.pk])

    response = client.post(
        url, {"text": "Shadow a night shift", "meeting": midway.held.pk, "due_on": "2001-01-01"}
    )

    page = response.content.decode()
    assert "The due date must be on or after the meeting it came from" in page
    assert "Shadow a night shift" in page
    assert not Action.objects.exists()


def test_action_members_record_only_their_own(midway):
    with pytest.raises(ValidationError) as refused:
        services.action_create(
            learning_set=midway.learning_set,
            owner=midway.bob,
            created_by=midway.alice,
            text="Bob should do this",
        )
    assert refused.value.message_dict == {"owner": ["You can record your own actions only."]}


def test_action_facilitator_records_one_for_a_member(client, midway):
    client.force_login(midway.facilitator)

    client.post(
        reverse("between:action_new", args=[midway.learning_set.pk]),
        {"owner": midway.bob.pk, "text": "Bring the rota", "meeting": midway.held.pk},
    )

    action = Action.objects.get()
    assert (action.owner, action.created_by) == (midway.bob, midway.facilitator)


def test_action_progress_is_dated_and_changes_the_status(client, midway):
    action = ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
    client.force_login(midway.alice)

    client.post(
        reverse("between:action_detail", args=[action.pk]),
        {"status": "blocked", "text": "Waiting for IT"},
    )

    action.refresh_from_db()
    update = action.updates.get()
    assert (action.status, update.status, update.text) == ("blocked", "blocked", "Waiting for IT")
    assert update.written_at is not None


def test_action_progress_by_someone_else_is_refused(client, midway):
    action = ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
    client.force_login(midway.bob)

    response = client.post(
        reverse("between:action_detail", args=[action.pk]), {"status": "done", "text": "Not mine"}
    )

    assert response.status_code == 403
    assert not action.updates.exists()


def test_action_review_lists_each_members_actions_since_the_last_meeting(midway):
    since = ActionFactory(learning_set=midway.learning_set, owner=midway.alice, meeting=midway.held)
    ActionUpdateFactory(action=since, text="Half done")
    done_long_ago = ActionFactory(
        learning_set=midway.learning_set,
        owner=midway.bob,
        status="done",
        created_at=midway.held.starts_at - datetime.timedelta(days=30),
        made_on=_local_day(midway.held.starts_at) - datetime.timedelta(days=30),
    )
    carried = ActionFactory(
        learning_set=midway.learning_set,
        owner=midway.bob,
        status="blocked",
        created_at=midway.held.starts_at - datetime.timedelta(days=30),
        made_on=_local_day(midway.held.starts_at) - datetime.timedelta(days=30),
    )

    review = actions_for_review(midway.next, midway.facilitator)

    listed = {owner.full_name: actions for owner, actions in review}
    assert listed == {midway.alice.full_name: [since], midway.bob.full_name: [carried]}
    assert [u.text for u in listed[midway.alice.full_name][0].updates.all()] == ["Half done"]
    assert done_long_ago not in listed[midway.bob.full_name]


def test_action_review_page_shows_updates(client, midway):
    action = ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
    ActionUpdateFactory(action=action, text="Spoke to the matron")
    client.force_login(midway.bob)

    page = client.get(
        reverse("between:actions_review", args=[midway.learning_set.pk, midway.next.pk])
    ).content.decode()

    assert "Alice Adeyemi" in page
    assert "Spoke to the matron" in page


def test_action_owner_who_left_the_set_records_no_more_progress(client, midway):
    action = ActionFactory(learning_set=midway.learning_set, owner=midway.alice)
    midway.learning_set.memberships.filter(person=midway.alice).update(
        state="left", left_at="2026-01-01T00:00Z"
    )
    client.force_login(midway.alice)

    response = client.post(
        reverse("between:action_detail", args=[action.pk]),
        {"status": "blocked", "text": "Written after leaving"},
    )

    assert response.status_code == 200
    assert not action.updates.exists()
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
