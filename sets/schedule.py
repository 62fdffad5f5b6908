"""Meeting times: typed as wall-clock times in a set's own zone, stored in UTC.

A series keeps its local time: "every 4 weeks at 10:00 Europe/London" is 10:00 GMT
in winter and 10:00 BST in summer, so each meeting's local time is worked out
first and only then converted to UTC.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

UTC = datetime.UTC


class NonexistentLocalTime(ValueError):
    """The clocks skip this time in this zone (the hour they go forward)."""


def local_to_utc(day: datetime.date, time: datetime.time, zone_name: str) -> datetime.datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time the clocks pass twice (when they go back) means the first of the two.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    local = datetime.datetime.combine(day, time, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            f"{time:%H:%M} does not exist on {day:%-d %B %Y} in {zone_name}: "
            "the clocks go forward then. Choose a time an hour later."
        )
    return instant


def utc_to_local(instant: datetime.datetime, zone_name: str) -> datetime.datetime:
    return instant.astimezone(zoneinfo.ZoneInfo(zone_name))


@dataclass(frozen=True)
class SeriesPlan:
    """What a facilitator types to plan meetings: the first one and how they repeat."""

    first_day: datetime.date
    start_time: datetime.time
    count: int
    every_weeks: int
    minutes: int
    first_is_visit: bool = False
    format: str = "in_person"
    place: str = ""
    joining_link: str = ""

    def days(self) -> list[datetime.date]:
        step = datetime.timedelta(weeks=self.every_weeks)
        return [self.first_day + step * index for index in range(self.count)]

    def times(self, zone_name: str) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """(starts_at, ends_at) in UTC for each meeting of the series."""
        length = datetime.timedelta(minutes=self.minutes)
        starts = [local_to_utc(day, self.start_time, zone_name) for day in self.days()]
        return [(start, start + length) for start in starts]
