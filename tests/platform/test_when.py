import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import timezone

from actionlearning.templatetags.when import format_when

UTC = datetime.UTC


def test_when_names_the_zone_in_winter_and_summer():
    london = zoneinfo.ZoneInfo("Europe/London")
    winter = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
    summer = datetime.datetime(2027, 4, 6, 9, 0, tzinfo=UTC)
    assert format_when(winter, london) == "Tue 12 Jan 2027, 10:00 GMT (Europe/London)"
    assert format_when(summer, london) == "Tue 6 Apr 2027, 10:00 BST (Europe/London)"


def test_when_filter_uses_the_viewers_active_zone():
    starts_at = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
    template = Template("{% load when %}{{ starts_at|when }}")
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        rendered = template.render(Context({"starts_at": starts_at}))
    assert rendered == "Tue 12 Jan 2027, 05:00 EST (America/New_York)"


def test_when_in_filter_uses_the_zone_given():
    starts_at = datetime.datetime(2027, 1, 12, 10, 0, tzinfo=UTC)
    template = Template('{% load when %}{{ starts_at|when_in:"Asia/Kolkata" }}')
    assert template.render(Context({"starts_at": starts_at})) == (
        "Tue 12 Jan 2027, 15:30 IST (Asia/Kolkata)"
    )
