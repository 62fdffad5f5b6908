"""Forms for sets and meetings. Times are typed in the set's zone and checked here."""

import datetime
import zoneinfo
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.forms import formset_factory
from django.utils import timezone

from actionlearning.accounts.forms import TimeZoneSelect
from actionlearning.timezones import is_time_zone, time_zone_choices
from innovations.models import Innovation, Organisation
from sets.agenda import AgendaEntry
from sets.models import (
    AgendaItem,
    Attendance,
    GroundRules,
    LearningSet,
    Meeting,
    Membership,
    Role,
    Rsvp,
)
from sets.queries import invitation_refusals
from sets.schedule import NonexistentLocalTime, SeriesPlan, local_to_utc

MAX_INVITATIONS_AT_ONCE = 30


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _time_zone_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        initial="Europe/London",
        help_text="Meetings are planned in this zone; each member sees them in their own.",
        widget=TimeZoneSelect,
        error_messages={
            "invalid_choice": "“%(value)s” is not a time zone we know. Choose one from the list."
        },
    )


def _starts_at(day, time, zone_name: str, *, form: forms.Form) -> datetime.datetime | None:
    """The UTC instant of a local date and time, or None with the error put on the form."""
    try:
        return local_to_utc(day, time, zone_name)
    except NonexistentLocalTime as error:
        form.add_error("start_time", str(error))
        return None


class SeriesFields(forms.Form):
    """When meetings happen: the first one, how many, how often, how long, and where."""

    first_day = forms.DateField(
        label="Date of the first meeting", widget=DateInput, help_text="For example 12/01/2027."
    )
    start_time = forms.TimeField(
        label="Start time", widget=TimeInput, help_text="In the set's time zone, e.g. 10:00."
    )
    count = forms.IntegerField(
        label="Number of meetings to plan", min_value=1, max_value=52, initial=6
    )
    every_weeks = forms.IntegerField(
        label="Weeks between meetings",
        min_value=1,
        max_value=52,
        initial=6,
        help_text="Usually 4 to 8.",
    )
    minutes = forms.IntegerField(
        label="Length of each meeting in minutes",
        min_value=15,
        max_value=720,
        initial=180,
        help_text="180 is three hours.",
    )
    first_is_visit = forms.BooleanField(
        label="The first meeting is a visit to the innovator", required=False
    )
    format = forms.ChoiceField(
        label="The meetings are",
        choices=[
            (Meeting.Format.IN_PERSON, "In person"),
            (Meeting.Format.ONLINE, "Online"),
        ],
        initial=Meeting.Format.IN_PERSON,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label="Address", max_length=300, required=False, help_text="Where to meet, if in person."
    )
    joining_link = forms.URLField(
        label="Joining link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="If online, e.g. https://meet.example.org/our-set",
    )

    def zone_name(self) -> str:
        raise NotImplementedError

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        day, time, zone = cleaned.get("first_day"), cleaned.get("start_time"), self.zone_name()
        if day and time and zone:
            starts_at = _starts_at(day, time, zone, form=self)
            if starts_at and starts_at <= timezone.now():
                self.add_error("first_day", "The first meeting must be in the future.")
        if cleaned.get("format") == Meeting.Format.ONLINE and not cleaned.get("joining_link"):
            self.add_error("joining_link", "Give the link people use to join online meetings.")
        return cleaned

    def series_plan(self) -> SeriesPlan:
        data = self.cleaned_data
        return SeriesPlan(
            first_day=data["first_day"],
            start_time=data["start_time"],
            count=data["count"],
            every_weeks=data["every_weeks"],
            minutes=data["minutes"],
            first_is_visit=data["first_is_visit"],
            format=data["format"],
            place=data["place"],
            joining_link=data["joining_link"],
        )


class SeriesPlanForm(SeriesFields):
    """More meetings for a set that already exists, in its own zone."""

    def __init__(self, *args, learning_set: LearningSet, **kwargs):
        self.learning_set = learning_set
        kwargs.setdefault(
            "initial",
            {"every_weeks": learning_set.cadence_weeks, "minutes": learning_set.meeting_minutes},
        )
        super().__init__(*args, **kwargs)

    def zone_name(self) -> str:
        return self.learning_set.time_zone


class SetCreateForm(SeriesFields):
    """A set, its innovation and its schedule, on one page."""

    innovation = forms.ModelChoiceField(
        label="Innovation",
        queryset=Innovation.objects.none(),
        empty_label="Choose an innovation",
        help_text="What the set will learn to adopt.",
    )
    name = forms.CharField(
        label="Name of the set", max_length=200, help_text="For example: Red Bag, North 2027."
    )
    purpose = forms.CharField(
        label="Purpose",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the set is for, in a sentence or two. Invitations quote it.",
    )
    time_zone = _time_zone_field()
    capacity = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=50,
        initial=8,
        help_text="Participants and co-production members; sets work best with 4 to 8.",
    )

    field_order = [
        "innovation",
        "name",
        "purpose",
        "capacity",
        "time_zone",
        "first_day",
        "start_time",
        "minutes",
        "count",
        "every_weeks",
        "first_is_visit",
        "format",
        "place",
        "joining_link",
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["innovation"]).queryset = (
            Innovation.objects.visible_to(user)
            .filter(status=Innovation.Status.PUBLISHED)
            .order_by("title")
        )

    def zone_name(self) -> str:
        zone = self.cleaned_data.get("time_zone", "")
        return zone if is_time_zone(zone) else ""


class SetEditForm(forms.ModelForm):
    time_zone = _time_zone_field()
    ground_rules = forms.CharField(
        label="Ground rules",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Saving a change makes a new version; members keep the version they agreed to.",
    )

    class Meta:
        model = LearningSet
        fields = [
            "name",
            "purpose",
            "status",
            "capacity",
            "planned_meetings",
            "cadence_weeks",
            "meeting_minutes",
            "time_zone",
        ]
        labels = {"capacity": "Number of places", "name": "Name of the set"}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4}), "status": forms.RadioSelect}
        help_texts = {"time_zone": "Changing it does not move meetings already planned."}


def _organisation_named(name: str, organisations: dict[str, Organisation]) -> Organisation:
    organisation = organisations.get(name.strip().lower())
    if organisation is None:
        raise ValidationError(f"we do not know the organisation “{name.strip()}”")
    return organisation


class InviteForm(forms.Form):
    """Several people at once: one address per line, each with an organisation if wished."""

    emails = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "autocomplete": "off"}),
        help_text=(
            "One person per line: their email address, then, if you wish, a comma and the "
            "organisation they represent in this set (e.g. sam@example.org, Leeds City "
            "Council). Without one, they represent their own organisation."
        ),
        error_messages={"required": "Enter at least one email address, one per line."},
    )
    role = forms.ChoiceField(
        label="Their role in the set",
        choices=Role.choices,
        initial=Role.PARTICIPANT,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label="Personal message",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Added to each invitation email.",
    )
    allow_over_capacity = forms.BooleanField(
        label="Invite them even if the set goes beyond its places", required=False
    )

    def __init__(self, *args, learning_set: LearningSet, **kwargs):
        self.learning_set = learning_set
        self.invitees: list[tuple[str, Organisation | None]] = []
        self.rejected_lines: list[str] = []
        super().__init__(*args, **kwargs)

    def clean_emails(self) -> str:
        """Keeps the good lines in `invitees`; the others become errors, with their line."""
        lines = [line.strip() for line in self.cleaned_data["emails"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_INVITATIONS_AT_ONCE:
            raise ValidationError(f"Invite at most {MAX_INVITATIONS_AT_ONCE} people at once.")
        organisations = {org.name.lower(): org for org in Organisation.objects.all()}
        errors, seen = [], set()
        for number, line in enumerate(lines, start=1):
            try:
                email, organisation = self._invitee(line, organisations)
                if email in seen:
                    raise ValidationError(f"{email} is in the list twice")
                seen.add(email)
                self.invitees.append((email, organisation))
            except ValidationError as error:
                errors.append(f"Line {number} ({line}): {error.messages[0]}.")
                self.rejected_lines.append(line)
        self._refuse_members_and_invited(errors)
        self.line_errors = errors
        if not self.invitees and errors:
            raise ValidationError(errors)
        return self.cleaned_data["emails"]

    @staticmethod
    def _invitee(line: str, organisations) -> tuple[str, Organisation | None]:
        email, _, organisation_name = (part.strip() for part in line.partition(","))
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(f"“{email}” is not an email address") from None
        organisation = (
            _organisation_named(organisation_name, organisations) if organisation_name else None
        )
        return email.lower(), organisation

    def _refuse_members_and_invited(self, errors: list[str]) -> None:
        emails = [email for email, _ in self.invitees]
        refusals = invitation_refusals(learning_set=self.learning_set, emails=emails)
        for email, why in refusals.items():
            errors.append(f"{email} {why}.")
            self.rejected_lines.append(email)
        self.invitees = [(e, org) for e, org in self.invitees if e not in refusals]


class AcceptForm(forms.Form):
    ground_rules = forms.ModelChoiceField(
        queryset=GroundRules.objects.none(), widget=forms.HiddenInput
    )
    agree = forms.BooleanField(
        label="I have read the ground rules and agree to keep them",
        error_messages={"required": "Tick the box to agree to the ground rules, or decline."},
    )

    def __init__(self, *args, learning_set: LearningSet, **kwargs):
        super().__init__(*args, **kwargs)
        rules = cast(forms.ModelChoiceField, self.fields["ground_rules"])
        rules.queryset = learning_set.ground_rules_versions.all()


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label="Will you come?",
        choices=Rsvp.Response.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you will come."},
    )


class MeetingForm(forms.Form):
    """Where and when one meeting happens, typed in the set's zone."""

    title = forms.CharField(label="Title", max_length=200)
    day = forms.DateField(label="Date", widget=DateInput)
    start_time = forms.TimeField(label="Start time", widget=TimeInput)
    end_time = forms.TimeField(label="End time", widget=TimeInput)
    format = forms.ChoiceField(
        label="Format", choices=Meeting.Format.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label="Address", max_length=300, required=False)
    joining_link = forms.URLField(
        label="Joining link", max_length=500, required=False, assume_scheme="https"
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        self.meeting = meeting
        zone = zoneinfo.ZoneInfo(meeting.learning_set.time_zone)
        starts, ends = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
        kwargs.setdefault(
            "initial",
            {
                "title": meeting.title,
                "day": starts.date(),
                "start_time": starts.time(),
                "end_time": ends.time(),
                "format": meeting.format,
                "place": meeting.place,
                "joining_link": meeting.joining_link,
            },
        )
        super().__init__(*args, **kwargs)
        zone_label = f"In {meeting.learning_set.time_zone}, the set's time zone."
        self.fields["start_time"].help_text = zone_label
        self.fields["end_time"].help_text = "On the same day."

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        day, start, end = (cleaned.get(f) for f in ("day", "start_time", "end_time"))
        if not (day and start and end):
            return cleaned
        zone = self.meeting.learning_set.time_zone
        starts_at = _starts_at(day, start, zone, form=self)
        if end <= start:
            self.add_error("end_time", "The end must be after the start.")
        if starts_at is None or self.errors:
            return cleaned
        if starts_at != self.meeting.starts_at and starts_at <= timezone.now():
            self.add_error("day", "The meeting must be in the future.")
        cleaned["starts_at"] = starts_at
        cleaned["ends_at"] = starts_at + (
            datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
        )
        return cleaned


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label="Part", choices=AgendaItem.Kind.choices)
    title = forms.CharField(
        label="Title", max_length=200, required=False, help_text="Needed for “Other”."
    )
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=720)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("kind") == AgendaItem.Kind.OTHER and not cleaned.get("title"):
            self.add_error("title", "Give a title to an item of the kind “Other”.")
        return cleaned

    def entry(self) -> AgendaEntry:
        data = self.cleaned_data
        return AgendaEntry(kind=data["kind"], minutes=data["minutes"], title=data["title"])


AgendaFormSet = formset_factory(
    AgendaItemForm, extra=1, can_order=True, can_delete=True, max_num=20, validate_max=True
)


class AttendanceForm(forms.Form):
    """One question per active member: present, apologies or absent."""

    def __init__(self, *args, members: list[Membership], recorded: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for membership in members:
            self.fields[f"person_{membership.person_id}"] = forms.ChoiceField(
                label=f"{membership.person} ({membership.get_role_display()})",
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=recorded.get(membership.person_id),
                required=False,
            )

    def statuses(self) -> dict[int, str]:
        return {
            membership.person_id: status
            for membership in self.members
            if (status := self.cleaned_data.get(f"person_{membership.person_id}"))
        }


class NotesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["facilitator_notes"]
        labels = {"facilitator_notes": "Facilitator notes"}
        help_texts = {"facilitator_notes": "Seen by the set's facilitators only."}
        widgets = {"facilitator_notes": forms.Textarea(attrs={"rows": 6})}
