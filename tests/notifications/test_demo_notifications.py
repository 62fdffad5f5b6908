from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from sets.demo import NAME
from sets.models import Notification
from sets.notifications import notifications_sweep

pytestmark = pytest.mark.django_db


def test_demo_has_sent_reminders_planned_ones_and_notices_due_now():
    call_command("demo_data", stdout=StringIO())
    rows = Notification.objects.filter(learning_set__name=NAME)
    assert rows.filter(state="sent", kind="meeting_reminder").count() == 10
    assert rows.filter(state="pending", due_at__gt=timezone.now()).count() > 20
    due = rows.filter(state="pending", due_at__lte=timezone.now())
    assert sorted(due.values_list("kind", flat=True)) == ["meeting_changed"] * 5

    result = notifications_sweep()

    assert result.sent == 5
    call_command("demo_data", stdout=StringIO())
    assert not rows.filter(state="pending", due_at__lte=timezone.now()).exists()
