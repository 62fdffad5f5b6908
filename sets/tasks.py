"""Thin Celery tasks for the notification outbox: the database says what is due."""

from celery import shared_task

from sets.models import LearningSet
from sets.notifications import notifications_plan, notifications_plan_all, notifications_sweep


@shared_task(name="sets.sweep_notifications", ignore_result=True)
def sweep_notifications() -> None:
    """Run by beat every minute; two at once (or two beats) never send a row twice."""
    notifications_sweep()


@shared_task(name="sets.plan_set_notifications", ignore_result=True)
def plan_set_notifications(*, learning_set_id: int) -> None:
    learning_set = LearningSet.objects.filter(pk=learning_set_id).first()
    if learning_set is None:
        return
    notifications_plan(learning_set=learning_set)


@shared_task(name="sets.plan_all_notifications", ignore_result=True)
def plan_all_notifications() -> None:
    notifications_plan_all()
