"""Signed links in reminder emails: answer an RSVP, or turn a kind of email off.

Nothing is stored: the signature is the key. An RSVP link names one member and one
meeting and stops working once the meeting is over; an unsubscribe link names one
person and one kind of email. Opening either shows a page; only its POST changes
anything, so mail scanners that follow links change nothing.
"""

import functools

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

RSVP_SALT = "sets.notifications.rsvp"
UNSUBSCRIBE_SALT = "sets.notifications.unsubscribe"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@functools.lru_cache(maxsize=64)
def route(name: str, *args) -> str:
    """A path, reversed once per process: a batch of emails asks for the same few."""
    return reverse(name, args=args)


def _token_route(name: str, token: str) -> str:
    return route(name, "TOKEN").replace("TOKEN", token, 1)


def rsvp_token(*, meeting_id: int, person_id: int) -> str:
    return signing.dumps([meeting_id, person_id], salt=RSVP_SALT, compress=False)


def rsvp_token_read(token: str) -> tuple[int, int] | None:
    """(meeting id, person id), or None when the signature does not hold."""
    try:
        meeting_id, person_id = signing.loads(token, salt=RSVP_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return int(meeting_id), int(person_id)


def rsvp_url(*, meeting_id: int, person_id: int, answer: str) -> str:
    token = rsvp_token(meeting_id=meeting_id, person_id=person_id)
    path = _token_route("notifications:rsvp", token)
    return absolute(f"{path}?{urlencode({'answer': answer})}")


def unsubscribe_token(*, person_id: int, kind: str) -> str:
    return signing.dumps([person_id, kind], salt=UNSUBSCRIBE_SALT, compress=False)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    try:
        person_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return int(person_id), str(kind)


def unsubscribe_url(*, person_id: int, kind: str) -> str:
    token = unsubscribe_token(person_id=person_id, kind=kind)
    return absolute(_token_route("notifications:unsubscribe", token))
