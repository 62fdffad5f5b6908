"""IANA time zones: validation, the choices people pick from, and activation per request."""

import zoneinfo
from functools import cache

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone name this machine knows, sorted, without legacy aliases."""
    legacy_prefixes = ("Etc/", "SystemV/", "US/", "posix", "right/")
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if "/" in name and not name.startswith(legacy_prefixes)
        )
        + ["UTC"]
    )


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


def is_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


def validate_time_zone(name: str) -> None:
    """Model and form validator: a clear message for a zone that does not exist."""
    if not is_time_zone(name):
        raise ValidationError(
            "“%(name)s” is not a time zone we know. Choose one from the list, "
            "for example Europe/London.",
            code="invalid_time_zone",
            params={"name": name},
        )


def validate_time_zone_name(name: str, *, setting: str) -> str:
    """Settings validator: stop start-up with a message naming the variable."""
    if not is_time_zone(name):
        raise ImproperlyConfigured(
            f"{setting}={name!r} is not an IANA time zone (for example Europe/London)."
        )
    return name


class UserTimeZoneMiddleware:
    """Shows every time in the signed-in person's own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = getattr(request.user, "time_zone", "") or ""
        if zone_name and is_time_zone(zone_name):
            timezone.activate(zoneinfo.ZoneInfo(zone_name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
