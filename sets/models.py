"""Learning sets, their members and invitations, and their meetings.

A set and everything in it is visible only to its active members and staff
(`LearningSet.objects.visible_to(user)`); its active facilitators manage it
(`LearningSet.objects.managed_by(user)`). Every view fetches through these.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from actionlearning.timezones import validate_time_zone

RECOMMENDED_MIN_MEMBERS = 4
DEFAULT_CAPACITY = 8
INVITATION_DAYS = 14


def _choice_is_valid(field: str, choices: type[models.TextChoices]) -> Q:
    return Q(**{f"{field}__in": choices.values})


class LearningSetQuerySet(models.QuerySet["LearningSet"]):
    def visible_to(self, user) -> "LearningSetQuerySet":
        """Staff see every set; everyone else only the sets they are an active member of."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.joined_by(user)

    def joined_by(self, user) -> "LearningSetQuerySet":
        """The sets `user` is an active member of, whoever they are."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Exists(Membership.objects.active().filter(learning_set=OuterRef("pk"), person=user))
        )

    def managed_by(self, user) -> "LearningSetQuerySet":
        if not user.is_authenticated:
            return self.none()
        facilitating = Membership.objects.active().filter(
            learning_set=OuterRef("pk"), person=user, role=Membership.Role.FACILITATOR
        )
        return self.filter(Exists(facilitating))

    def with_next_meeting(self) -> "LearningSetQuerySet":
        """Annotates `next_meeting_id` and `next_meeting_starts_at` (None when none is planned)."""
        upcoming = (
            Meeting.objects.upcoming().filter(learning_set=OuterRef("pk")).order_by("starts_at")
        )
        return self.annotate(
            next_meeting_id=Subquery(upcoming.values("pk")[:1]),
            next_meeting_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        )

    def next_meeting_first(self) -> "LearningSetQuerySet":
        """Sets with a meeting coming up first, soonest first; then the rest by name."""
        return self.with_next_meeting().order_by(
            F("next_meeting_starts_at").asc(nulls_last=True), "name", "pk"
        )


class SetStatus(models.TextChoices):
    FORMING = "forming", "Forming"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class LearningSet(models.Model):
    """A small group around one innovation, meeting at regular intervals over months."""

    Status = SetStatus

    name = models.CharField(max_length=200)
    innovation = models.ForeignKey(
        "innovations.Innovation", on_delete=models.PROTECT, related_name="learning_sets"
    )
    purpose = models.TextField(help_text="What the set is for, in a sentence or two.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.FORMING)
    planned_meetings = models.PositiveSmallIntegerField("planned number of meetings", default=6)
    cadence_weeks = models.PositiveSmallIntegerField("weeks between meetings", default=6)
    meeting_minutes = models.PositiveSmallIntegerField(
        "usual meeting length in minutes", default=180
    )
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="Meetings are planned in this zone.",
    )
    capacity = models.PositiveSmallIntegerField(
        default=DEFAULT_CAPACITY,
        help_text="Places for participants and co-production members; facilitators and "
        "innovator guests are not counted.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = LearningSetQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="set_has_name"),
            models.CheckConstraint(
                condition=_choice_is_valid("status", SetStatus), name="set_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(planned_meetings__gte=1, planned_meetings__lte=52),
                name="set_planned_meetings_range",
            ),
            models.CheckConstraint(
                condition=Q(cadence_weeks__gte=1, cadence_weeks__lte=52), name="set_cadence_range"
            ),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=15, meeting_minutes__lte=720),
                name="set_meeting_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=50), name="set_capacity_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroundRules(models.Model):
    """One version of a set's ground rules; an edit writes a new version, never changes one."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="ground_rules_versions"
    )
    version = models.PositiveIntegerField()
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["learning_set", "-version"]
        verbose_name_plural = "ground rules"
        get_latest_by = "version"
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "version"], name="ground_rules_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="ground_rules_version_positive"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="ground_rules_have_text"),
        ]

    def __str__(self) -> str:
        return f"{self.learning_set} ground rules, version {self.version}"


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Facilitator"
    PARTICIPANT = "participant", "Participant"
    CO_PRODUCTION = "co_production", "Co-production member (lived experience or carer)"
    INNOVATOR_GUEST = "innovator_guest", "Innovator guest"


# The roles that take one of a set's places (see LearningSet.capacity).
SEATED_ROLES = (Role.PARTICIPANT, Role.CO_PRODUCTION)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> "MembershipQuerySet":
        return self.filter(state=Membership.State.ACTIVE)

    def seated(self) -> "MembershipQuerySet":
        return self.filter(role__in=SEATED_ROLES)


class MembershipState(models.TextChoices):
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    LEFT = "left", "Left"


class Membership(models.Model):
    """A person's place in a set: their role, the organisation they represent, and their state."""

    Role = Role
    State = MembershipState

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="set_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    organisation = models.ForeignKey(
        "innovations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="set_memberships",
        help_text="The organisation they represent in this set.",
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.INVITED)
    ground_rules = models.ForeignKey(
        GroundRules,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
        help_text="The version of the ground rules they agreed to.",
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["learning_set", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "person"], name="membership_unique_per_set"
            ),
            models.CheckConstraint(
                condition=_choice_is_valid("role", Role), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=_choice_is_valid("state", MembershipState), name="membership_state_valid"
            ),
            # Nobody is active in a set without having agreed to its ground rules.
            models.CheckConstraint(
                condition=~Q(state="active")
                | Q(
                    consented_at__isnull=False, ground_rules__isnull=False, joined_at__isnull=False
                ),
                name="membership_active_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(state="left") | Q(left_at__isnull=False),
                name="membership_left_has_date",
            ),
        ]
        indexes = [models.Index(fields=["person", "state"], name="membership_person_state_idx")]

    def __str__(self) -> str:
        return f"{self.person} in {self.learning_set} ({self.get_state_display()})"

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def unanswered(self) -> "InvitationQuerySet":
        """Neither revoked nor answered (they may have expired)."""
        return self.filter(revoked_at__isnull=True, responded_at__isnull=True)

    def outstanding(self) -> "InvitationQuerySet":
        """Unanswered and still valid: each holds a place in the set."""
        return self.unanswered().filter(expires_at__gt=timezone.now())


class InvitationResponse(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """An invitation to join a set, sent to an email address with a single-use link."""

    Response = InvitationResponse

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    organisation = models.ForeignKey(
        "innovations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="set_invitations",
        help_text="Left empty, the person represents their own organisation.",
    )
    message = models.TextField("personal message", blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveSmallIntegerField(default=1)
    revoked_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="set_invitations",
        help_text="Who answered it, when they had an account.",
    )
    renewal_requested_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["learning_set", "-created_at", "pk"]
        constraints = [
            # One invitation waiting per address and set: a second is a resend.
            models.UniqueConstraint(
                "learning_set",
                Lower("email"),
                condition=Q(revoked_at__isnull=True, responded_at__isnull=True),
                name="invitation_one_unanswered_per_email",
            ),
            models.CheckConstraint(
                condition=_choice_is_valid("role", Role), name="invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=(Q(response="") & Q(responded_at__isnull=True))
                | (Q(response__in=InvitationResponse.values) & Q(responded_at__isnull=False)),
                name="invitation_response_has_date",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("sent_at")), name="invitation_expires_after_sending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.learning_set}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        """What became of it: accepted, declined, revoked, expired or waiting."""
        if self.response:
            return self.response
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired else "waiting"

    @property
    def is_usable(self) -> bool:
        return self.status == "waiting"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def visible_to(self, user) -> "MeetingQuerySet":
        return self.filter(learning_set__in=LearningSet.objects.visible_to(user))

    def upcoming(self) -> "MeetingQuerySet":
        """Scheduled and not yet over."""
        return self.filter(status=Meeting.Status.SCHEDULED, ends_at__gt=timezone.now())

    def for_calendar_of(self, user) -> "MeetingQuerySet":
        """Every meeting of the sets `user` is an active member of (staff or not)."""
        return self.filter(learning_set__in=LearningSet.objects.joined_by(user))


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    VISIT = "visit", "Visit to the innovator"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """One meeting of a set. Times are stored in UTC and typed in the set's zone."""

    Format = MeetingFormat

    Status = MeetingStatus

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="meetings")
    number = models.PositiveSmallIntegerField("number in the series")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    place = models.CharField(
        max_length=300, blank=True, help_text="The address, for a meeting in person or a visit."
    )
    joining_link = models.URLField(max_length=500, blank=True, help_text="For an online meeting.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    facilitator_notes = models.TextField(blank=True)
    # Rises on every change calendars must hear about (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["learning_set", "starts_at", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["learning_set", "number"], name="meeting_number_unique_per_set"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="meeting_number_positive"),
            models.CheckConstraint(
                condition=_choice_is_valid("format", MeetingFormat), name="meeting_format_valid"
            ),
            models.CheckConstraint(
                condition=_choice_is_valid("status", MeetingStatus), name="meeting_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["learning_set", "starts_at"], name="meeting_set_starts_idx"),
            models.Index(fields=["status", "starts_at"], name="meeting_status_starts_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.learning_set}: meeting {self.number}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def calendar_uid(self) -> str:
        """Stable for the meeting's whole life, however often it moves."""
        return f"meeting-{self.pk}@actionlearning"


class AgendaKind(models.TextChoices):
    CHECK_IN = "check_in", "Check-in"
    ACTIONS_REVIEW = "actions_review", "Review of actions"
    AIRTIME = "airtime", "Airtime round"
    INNOVATOR_QA = "innovator_qa", "Innovator Q&A"
    PROCESS_REVIEW = "process_review", "Process review"
    OTHER = "other", "Other"


class AgendaItem(models.Model):
    Kind = AgendaKind

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True, help_text="Optional; needed for “Other”.")
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_choice_is_valid("kind", AgendaKind), name="agenda_item_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=720), name="agenda_item_minutes_range"
            ),
            models.CheckConstraint(
                condition=~Q(kind="other") | ~Q(title=""), name="agenda_item_other_has_title"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.get_kind_display()


class RsvpResponse(models.TextChoices):
    GOING = "going", "Going"
    NOT_GOING = "not_going", "Not going (with apologies)"
    MAYBE = "maybe", "Maybe"


class Rsvp(models.Model):
    """A member's answer to "will you come?"."""

    Response = RsvpResponse

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    response = models.CharField(max_length=20, choices=Response.choices)
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "RSVP"
        ordering = ["meeting", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="rsvp_one_per_person"),
            models.CheckConstraint(
                condition=_choice_is_valid("response", RsvpResponse), name="rsvp_response_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_response_display()}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """Who was there, as the facilitator recorded it at or after the meeting."""

    Status = AttendanceStatus

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "attendance"
        ordering = ["meeting", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_one_per_person"),
            models.CheckConstraint(
                condition=_choice_is_valid("status", AttendanceStatus),
                name="attendance_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class CalendarFeed(models.Model):
    """A person's secret calendar address; renewing it stops the old one working."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"
