"""Meetings as iCalendar (RFC 5545): one meeting's file, and a person's feed.

Times are written in the set's own zone (TZID) with its VTIMEZONE, so Outlook and
Google Calendar place them right on either side of a clock change. A meeting's UID
never changes; SEQUENCE rises with each change, so calendars replace, not duplicate.
"""

import datetime
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from sets.models import Meeting
from sets.schedule import utc_to_local

PRODID = "-//Action learning//Learning sets//EN"
FEED_REFRESH = datetime.timedelta(hours=6)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _description(meeting: Meeting) -> str:
    lines = [f"{meeting.learning_set.name}: {meeting.title} ({meeting.get_format_display()})."]
    if meeting.joining_link:
        lines.append(f"Join online: {meeting.joining_link}")
    agenda = list(meeting.agenda_items.all())
    if agenda:
        lines += ["", "Agenda:"] + [f"- {item.label} ({item.minutes} min)" for item in agenda]
    lines += ["", f"Details and RSVP: {absolute_url(_meeting_path(meeting))}"]
    return "\n".join(lines)


def _meeting_path(meeting: Meeting) -> str:
    return reverse("sets:meeting", args=[meeting.learning_set_id, meeting.pk])


def meeting_event(meeting: Meeting, *, stamp: datetime.datetime) -> Event:
    zone = meeting.learning_set.time_zone
    event = Event()
    event.add("uid", meeting.calendar_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", utc_to_local(meeting.starts_at, zone))
    event.add("dtend", utc_to_local(meeting.ends_at, zone))
    event.add("summary", f"{meeting.learning_set.name}: {meeting.title}")
    event.add("location", meeting.place or meeting.joining_link)
    event.add("description", _description(meeting))
    event.add("url", absolute_url(_meeting_path(meeting)))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def _calendar(events: Iterable[Event], *, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    return calendar


def _with_time_zones(calendar: Calendar, meetings: list[Meeting]) -> bytes:
    """Adds a VTIMEZONE for each zone used, covering the meetings' years."""
    if meetings:
        first = min(m.starts_at for m in meetings).date().replace(month=1, day=1)
        last = max(m.ends_at for m in meetings).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def meeting_calendar(meeting: Meeting) -> bytes:
    """The `.ics` file for one meeting; a cancelled one cancels it in the calendar."""
    event = meeting_event(meeting, stamp=timezone.now())
    if meeting.is_cancelled:
        # iTIP (RFC 5546) wants an organiser on a cancellation.
        organiser = vCalAddress(f"mailto:{_sender_address()}")
        organiser.params["cn"] = vText(meeting.learning_set.name)
        event.add("organizer", organiser)
    calendar = _calendar([event], method="CANCEL" if meeting.is_cancelled else "PUBLISH")
    return _with_time_zones(calendar, [meeting])


def feed_calendar(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A subscription feed; cancelled meetings stay in it, marked cancelled."""
    meetings = list(meetings)
    stamp = timezone.now()
    calendar = _calendar(meeting_event(meeting, stamp=stamp) for meeting in meetings)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", FEED_REFRESH)
    return _with_time_zones(calendar, meetings)


def _sender_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@localhost"
