"""Reminder emails as people read them: plain text and HTML, times in the reader's own
zone with the zone named, the meeting's `.ics` attached where it helps, and in every one a
way to turn that kind of email off (a link, and List-Unsubscribe for mail programs)."""

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch

from actionlearning.templatetags.when import format_when
from sets.calendar import meeting_calendar
from sets.models import Meeting, Notification, NotificationKind, Rsvp
from sets.notification_links import absolute, route, rsvp_url, unsubscribe_url

Kind = NotificationKind
ICS_KINDS = {Kind.MEETING_REMINDER, Kind.RSVP_CHASE, Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED}
RSVP_KINDS = {Kind.MEETING_REMINDER, Kind.RSVP_CHASE, Kind.MEETING_CHANGED}


class EmailCache:
    """A meeting's calendar file is the same for every recipient: make it once a batch."""

    def __init__(self) -> None:
        self._calendars: dict[tuple[int, int, str], bytes] = {}

    def calendar(self, meeting: Meeting) -> bytes:
        key = (meeting.pk, meeting.sequence, meeting.status)
        if key not in self._calendars:
            self._calendars[key] = meeting_calendar(meeting)
        return self._calendars[key]


def _path(name: str, *args) -> str | None:
    try:
        return route(name, *args)
    except NoReverseMatch:
        return None


def _absolute_or(path: str | None, fallback: str) -> str:
    return absolute(path) if path else fallback


def _links(notification: Notification) -> dict[str, Any]:
    set_id = notification.learning_set_id
    meeting = notification.meeting
    links: dict[str, Any] = {
        "set": absolute(route("sets:detail", set_id)),
        "unsubscribe": unsubscribe_url(person_id=notification.recipient_id, kind=notification.kind),
        "preferences": absolute(route("notifications:preferences")),
        "notifications": absolute(route("notifications:list")),
    }
    if meeting is not None:
        links["meeting"] = absolute(route("sets:meeting", set_id, meeting.pk))
    if notification.kind in (Kind.CHECK_IN_PROMPT, Kind.CHECK_IN_NUDGE):
        links["check_in"] = _absolute_or(_path("between:check_in", set_id), links["set"])
    if notification.kind == Kind.REFLECTION_PROMPT:
        links["reflection"] = _absolute_or(_path("between:reflection_new", set_id), links["set"])
    if notification.kind == Kind.ACTION_OVERDUE:
        path = _path("between:action_detail", notification.action_id)
        links["action"] = _absolute_or(path, links["set"])
    if notification.kind in RSVP_KINDS and meeting is not None:
        links["rsvp"] = [
            (
                label,
                rsvp_url(meeting_id=meeting.pk, person_id=notification.recipient_id, answer=value),
            )
            for value, label in Rsvp.Response.choices
        ]
    return links


def _when(meeting: Meeting | None, zone: zoneinfo.ZoneInfo) -> str:
    if meeting is None:
        return ""
    ends = meeting.ends_at.astimezone(zone)
    return f"{format_when(meeting.starts_at, zone)} to {ends:%H:%M} {ends.tzname()}"


def _subject(notification: Notification, context: dict) -> str:
    meeting, set_name = notification.meeting, notification.learning_set.name
    short = context.get("when_short", "")
    subjects = {
        Kind.MEETING_REMINDER: f"Reminder: {set_name}, {meeting and meeting.title}, {short}",
        Kind.RSVP_CHASE: f"Will you come? {set_name}, {meeting and meeting.title}, {short}",
        Kind.CHECK_IN_PROMPT: f"How is it going? Check in with {set_name}",
        Kind.CHECK_IN_NUDGE: f"Check in before the next meeting of {set_name}",
        Kind.REFLECTION_PROMPT: f"Log your reflection on {meeting and meeting.title} of {set_name}",
        Kind.FACILITATOR_DIGEST: f"Digest before {meeting and meeting.title} of {set_name}",
        Kind.ACTION_OVERDUE: f"Your action for {set_name} was due yesterday",
        Kind.MEETING_CHANGED: f"Changed: {set_name}, {meeting and meeting.title}, now {short}",
        Kind.MEETING_CANCELLED: f"Cancelled: {set_name}, {meeting and meeting.title}, {short}",
    }
    return subjects[Kind(notification.kind)]


def _short_when(meeting: Meeting | None, zone: zoneinfo.ZoneInfo) -> str:
    if meeting is None:
        return ""
    local = meeting.starts_at.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} {local.tzname()}"


def email_context(*, notification: Notification, facts: dict) -> dict:
    recipient = notification.recipient
    zone = zoneinfo.ZoneInfo(recipient.time_zone)
    meeting = notification.meeting
    next_meeting = facts.get("next_meeting")
    return {
        **facts,
        "notification": notification,
        "recipient": recipient,
        "learning_set": notification.learning_set,
        "meeting": meeting,
        "action": notification.action,
        "zone": recipient.time_zone,
        "when": _when(meeting, zone),
        "when_short": _short_when(meeting, zone),
        "next_when": _when(next_meeting, zone),
        "kind_label": Kind(notification.kind).label,
        "answer_label": dict(Rsvp.Response.choices).get(facts.get("answer") or ""),
        "links": _links(notification),
    }


def email_build(
    *, notification: Notification, facts: dict, cache: EmailCache
) -> EmailMultiAlternatives:
    """The email for one outbox row, its Message-ID the row's own."""
    context = email_context(notification=notification, facts=facts)
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{_subject(notification, context)}"
    template = f"notifications/{notification.kind}"
    unsubscribe = context["links"]["unsubscribe"]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[notification.recipient.email],
        headers={
            "Message-ID": notification.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Notification-Kind": notification.kind,
        },
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    meeting = notification.meeting
    if notification.kind in ICS_KINDS and meeting is not None:
        method = "CANCEL" if meeting.is_cancelled else "PUBLISH"
        message.attach(
            f"meeting-{meeting.number}.ics",
            cache.calendar(meeting).decode(),
            f"text/calendar; charset=utf-8; method={method}",
        )
    return message
