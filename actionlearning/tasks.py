from celery import shared_task
from django.core import management

from actionlearning.mail import email_from_payload


@shared_task(name="actionlearning.clear_expired_sessions")
def clear_expired_sessions() -> None:
    management.call_command("clearsessions")


@shared_task(
    name="actionlearning.send_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=60 * 30,
    max_retries=8,
)
def send_email(*, payload: dict) -> None:
    email_from_payload(payload).send(fail_silently=False)
