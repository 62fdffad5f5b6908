"""The emails this app sends, rendered in the request and queued to Celery on commit."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from actionlearning.mail import email_queue
from sets.models import Invitation, LearningSet, Meeting

FIRST_MEETINGS_SHOWN = 3


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _message(
    *, subject: str, template: str, context: dict, to: list[str]
) -> EmailMultiAlternatives:
    body = render_to_string(f"sets/email/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body, to=to
    )
    message.attach_alternative(
        render_to_string(f"sets/email/{template}.html", context), "text/html"
    )
    return message


def _first_meetings(learning_set: LearningSet) -> list[Meeting]:
    return list(Meeting.objects.upcoming().filter(learning_set=learning_set)[:FIRST_MEETINGS_SHOWN])


def invitation_email_queue(*, invitation: Invitation, token: str) -> None:
    """The invitation: purpose, first meetings and ground rules, and the link to answer."""
    learning_set = invitation.learning_set
    context = {
        "invitation": invitation,
        "learning_set": learning_set,
        "inviter": invitation.invited_by,
        "meetings": _first_meetings(learning_set),
        "ground_rules": learning_set.ground_rules_versions.first(),
        "url": _absolute(reverse("sets:invitation_open", args=[token])),
    }
    email_queue(
        _message(
            subject=f"Invitation to join the learning set “{learning_set.name}”",
            template="invitation",
            context=context,
            to=[invitation.email],
        )
    )


def renewal_request_email_queue(*, invitation: Invitation) -> None:
    """Tells whoever sent an invitation that its link no longer works for the invitee."""
    inviter = invitation.invited_by
    if inviter is None:
        return
    context = {
        "invitation": invitation,
        "inviter": inviter,
        "url": _absolute(reverse("sets:manage", args=[invitation.learning_set_id])),
    }
    email_queue(
        _message(
            subject=f"{invitation.email} asks for a new invitation to “{invitation.learning_set}”",
            template="renewal_request",
            context=context,
            to=[inviter.email],
        )
    )
