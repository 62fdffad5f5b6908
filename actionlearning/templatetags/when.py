"""Dates and times as people read them: in a named zone, never a bare hour."""

import datetime
import zoneinfo

from django import template
from django.utils import timezone

register = template.Library()


def format_when(value: datetime.datetime, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """`Tue 12 Jan 2027, 10:00 GMT (Europe/London)`"""
    zone = zone or timezone.get_current_timezone()
    local = value.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()} ({zone.key})"


@register.filter
def when(value: datetime.datetime | None) -> str:
    """In the viewer's zone (activated per request from their profile)."""
    return format_when(value) if value else ""


@register.filter
def when_in(value: datetime.datetime | None, zone_name: str) -> str:
    """In a given zone, e.g. a learning set's: `{{ meeting.starts_at|when_in:set.time_zone }}`."""
    return format_when(value, zoneinfo.ZoneInfo(zone_name)) if value else ""


@register.filter
def time_only(value: datetime.datetime | None) -> str:
    """`11:30 GMT`, for the end of a meeting shown beside its start."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M} {local.tzname()}"
