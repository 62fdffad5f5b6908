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

from actionlearning.constraints import choice_is_valid
from actionlearning.timezones import validate_time_zone
from innovations.models import CfirDomain

RECOMMENDED_MIN_MEMBERS = 4
DEFAULT_CAPACITY = 8
INVITATION_DAYS = 14


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
    # Not stored: the viewer's active membership, set by the views that fetch the set.
    viewer_membership: "Membership | None" = None

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="set_has_name"),
            models.CheckConstraint(
                condition=choice_is_valid("status", SetStatus), name="set_status_valid"
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
                condition=choice_is_valid("role", Role), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("state", MembershipState), name="membership_state_valid"
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
                condition=choice_is_valid("role", Role), name="invitation_role_valid"
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
                condition=choice_is_valid("format", MeetingFormat), name="meeting_format_valid"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("status", MeetingStatus), name="meeting_status_valid"
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
                condition=choice_is_valid("kind", AgendaKind), name="agenda_item_kind_valid"
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
                condition=choice_is_valid("response", RsvpResponse), name="rsvp_response_valid"
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
                condition=choice_is_valid("status", AttendanceStatus),
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


# --- Between meetings -------------------------------------------------------------------
# What members keep between meetings: reflections, actions, questions, barriers, airtime
# bids and check-ins. Who sees each is decided once, in its QuerySet's `visible_to(user)`.
# The set ids are taken from memberships (indexed by person and state), never by scanning sets.


def _joined_set_ids(user) -> models.QuerySet:
    return Membership.objects.active().filter(person=user).values("learning_set_id")


def _facilitated_set_ids(user) -> models.QuerySet:
    return _joined_set_ids(user).filter(role=Role.FACILITATOR)


class ReflectionTemplate(models.TextChoices):
    WHAT_SO_WHAT = "what_so_what", "What? So what? Now what?"
    GIBBS = "gibbs", "Gibbs’ reflective cycle"


# The fields of each template, one per stage, in the order they are written.
REFLECTION_STAGES = {
    ReflectionTemplate.WHAT_SO_WHAT: ("what", "so_what", "now_what"),
    ReflectionTemplate.GIBBS: (
        "description",
        "feelings",
        "evaluation",
        "analysis",
        "conclusion",
        "action_plan",
    ),
}


class ReflectionVisibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    FACILITATORS = "facilitators", "Me and the set’s facilitators"
    SET = "set", "Everyone in the set"


SHARED_VISIBILITIES = (ReflectionVisibility.FACILITATORS, ReflectionVisibility.SET)


class ReflectionQuerySet(models.QuerySet["Reflection"]):
    def visible_to(self, user) -> "ReflectionQuerySet":
        """The author's own; those shared with a set `user` is in; those shared with the
        facilitators of a set `user` facilitates. Staff are not special: private is private."""
        if not user.is_authenticated:
            return self.none()
        shared_with_set = Q(
            visibility=ReflectionVisibility.SET, learning_set_id__in=_joined_set_ids(user)
        )
        shared_with_facilitators = Q(
            visibility__in=SHARED_VISIBILITIES, learning_set_id__in=_facilitated_set_ids(user)
        )
        return self.filter(Q(author=user) | shared_with_set | shared_with_facilitators)

    def shared(self) -> "ReflectionQuerySet":
        return self.filter(visibility__in=SHARED_VISIBILITIES)

    def authored_by(self, user) -> "ReflectionQuerySet":
        return self.filter(author=user)


def _has_text_in(fields: tuple[str, ...]) -> Q:
    condition = ~Q(**{fields[0]: ""})
    for field in fields[1:]:
        condition |= ~Q(**{field: ""})
    return condition


class Reflection(models.Model):
    """Reflection on action, in one of two templates; private to its author unless shared."""

    Template = ReflectionTemplate
    Visibility = ReflectionVisibility

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="reflections"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="reflections"
    )
    action = models.ForeignKey(
        "Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="reflections"
    )
    template = models.CharField(
        max_length=20, choices=Template.choices, default=Template.WHAT_SO_WHAT
    )
    title = models.CharField(max_length=200, blank=True)
    what = models.TextField("What?", blank=True)
    so_what = models.TextField("So what?", blank=True)
    now_what = models.TextField("Now what?", blank=True)
    description = models.TextField(blank=True)
    feelings = models.TextField(blank=True)
    evaluation = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    conclusion = models.TextField(blank=True)
    action_plan = models.TextField("action plan", blank=True)
    visibility = models.CharField(
        "who can read it", max_length=20, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=choice_is_valid("template", ReflectionTemplate),
                name="reflection_template_valid",
            ),
            models.CheckConstraint(
                condition=choice_is_valid("visibility", ReflectionVisibility),
                name="reflection_visibility_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(template=ReflectionTemplate.WHAT_SO_WHAT)
                    & _has_text_in(REFLECTION_STAGES[ReflectionTemplate.WHAT_SO_WHAT])
                )
                | (
                    Q(template=ReflectionTemplate.GIBBS)
                    & _has_text_in(REFLECTION_STAGES[ReflectionTemplate.GIBBS])
                ),
                name="reflection_has_text",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="reflection_author_idx"),
            models.Index(
                fields=["learning_set", "visibility", "-created_at"], name="reflection_set_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection {self.pk} by {self.author}"

    @property
    def is_private(self) -> bool:
        return self.visibility == ReflectionVisibility.PRIVATE

    @property
    def stage_fields(self) -> tuple[str, ...]:
        return REFLECTION_STAGES[ReflectionTemplate(self.template)]

    @property
    def stages(self) -> list[tuple[str, str]]:
        """(label, text) for each stage of its template, in order."""
        return [
            (str(getattr(self._meta.get_field(name), "verbose_name", name)), getattr(self, name))
            for name in self.stage_fields
        ]

    @property
    def label(self) -> str:
        written = timezone.localtime(self.created_at)  # the day in the reader's zone
        return self.title or f"Reflection of {written.day} {written:%B %Y}"


class ReflectionVersion(models.Model):
    """What a reflection said before each edit, so editing keeps the author's history."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    template = models.CharField(max_length=20, choices=ReflectionTemplate.choices)
    title = models.CharField(max_length=200, blank=True)
    stages = models.JSONField(default=dict, help_text="{stage field: text}")
    visibility = models.CharField(max_length=20, choices=ReflectionVisibility.choices)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reflection", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["reflection", "number"], name="reflection_version_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="reflection_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of reflection {self.reflection_id}"


class ReflectionDraft(models.Model):
    """Exactly what the author last typed into a reflection form, kept until they submit it.

    One draft of a new reflection per author and set, and one per reflection being edited.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_drafts"
    )
    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="reflection_drafts"
    )
    reflection = models.ForeignKey(
        Reflection, on_delete=models.CASCADE, null=True, blank=True, related_name="drafts"
    )
    template = models.CharField(max_length=20, choices=ReflectionTemplate.choices)
    fields = models.JSONField(default=dict, help_text="{form field: what was typed}")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "learning_set"],
                condition=Q(reflection__isnull=True),
                name="reflection_draft_one_new_per_set",
            ),
            models.UniqueConstraint(
                fields=["author", "reflection"],
                condition=Q(reflection__isnull=False),
                name="reflection_draft_one_per_reflection",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft by {self.author} saved {self.saved_at:%Y-%m-%d %H:%M}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"
    BLOCKED = "blocked", "Blocked"


UNFINISHED_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)


class ActionQuerySet(models.QuerySet["Action"]):
    def visible_to(self, user) -> "ActionQuerySet":
        """Its owner, and the active members of its set (actions are reviewed together)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | Q(learning_set_id__in=_joined_set_ids(user)))

    def owned_by(self, user) -> "ActionQuerySet":
        return self.filter(owner=user)

    def unfinished(self) -> "ActionQuerySet":
        return self.filter(status__in=UNFINISHED_ACTION_STATUSES)

    def blocked(self) -> "ActionQuerySet":
        return self.filter(status=ActionStatus.BLOCKED)

    def overdue(self) -> "ActionQuerySet":
        return self.unfinished().filter(due_on__lt=timezone.localdate())


class Action(models.Model):
    """A commitment a member makes, at a meeting or between meetings, to do by a date."""

    Status = ActionStatus

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="actions"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        help_text="The meeting it was made at; empty when made between meetings.",
    )
    text = models.TextField("what they will do")
    made_on = models.DateField(help_text="The day of the meeting it came from, or of writing.")
    due_on = models.DateField("due date")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="action_has_text"),
            models.CheckConstraint(
                condition=choice_is_valid("status", ActionStatus), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("made_on")), name="action_due_after_made"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"], name="action_owner_idx"),
            models.Index(fields=["learning_set", "status", "due_on"], name="action_set_idx"),
            models.Index(fields=["learning_set", "created_at"], name="action_set_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_unfinished and self.due_on < timezone.localdate()


class ActionUpdate(models.Model):
    """A dated note of progress on an action, and the status it left the action in."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField("progress", blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    check_in = models.ForeignKey(
        "CheckIn", on_delete=models.CASCADE, null=True, blank=True, related_name="action_updates"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "written_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=choice_is_valid("status", ActionStatus),
                name="action_update_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["action", "written_at"], name="action_update_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on {self.written_at:%Y-%m-%d}"


class QuestionAddressee(models.TextChoices):
    SET = "set", "The set"
    INNOVATOR = "innovator", "The innovator"


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"


class QuestionQuerySet(models.QuerySet["Question"]):
    def visible_to(self, user) -> "QuestionQuerySet":
        """The asker; the members of its set; and, when it is for the innovator, the
        innovators of the set's innovation (who see the asker's first name and organisation)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(asked_by=user)
            | Q(learning_set_id__in=_joined_set_ids(user))
            | self._for_innovator_q(user)
        )

    def for_innovator(self, user) -> "QuestionQuerySet":
        """Every question addressed to an innovation `user` speaks for, from every set."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._for_innovator_q(user))

    @staticmethod
    def _for_innovator_q(user) -> Q:
        championed = user.innovations_championed.through.objects.filter(user=user).values(
            "innovation_id"
        )
        return Q(addressed_to=QuestionAddressee.INNOVATOR, innovation_id__in=championed)

    def unanswered(self) -> "QuestionQuerySet":
        return self.filter(status=QuestionStatus.OPEN)

    def answered(self) -> "QuestionQuerySet":
        return self.filter(status=QuestionStatus.ANSWERED)

    def with_support(self, user) -> "QuestionQuerySet":
        """Annotates `supporters` (a count) and `supported_by_me`."""
        return self.annotate(
            supporters=models.Count("supports", distinct=True),
            supported_by_me=Exists(
                QuestionSupport.objects.filter(question=OuterRef("pk"), person=user)
            ),
        )


class Question(models.Model):
    """A member's question for the set or for the innovator, supported by others and answered."""

    Addressee = QuestionAddressee
    Status = QuestionStatus

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="questions"
    )
    # The set's innovation, kept here so an innovator's inbox is one indexed lookup.
    innovation = models.ForeignKey(
        "innovations.Innovation", on_delete=models.CASCADE, related_name="set_questions"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions_asked"
    )
    asker_organisation = models.ForeignKey(
        "innovations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation the asker represented in the set when they asked.",
    )
    addressed_to = models.CharField(
        "for", max_length=20, choices=Addressee.choices, default=Addressee.SET
    )
    text = models.TextField("question")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="question_has_text"),
            models.CheckConstraint(
                condition=choice_is_valid("addressed_to", QuestionAddressee),
                name="question_addressee_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=QuestionStatus.OPEN, answer="", answered_at__isnull=True)
                | (Q(status=QuestionStatus.ANSWERED, answered_at__isnull=False) & ~Q(answer="")),
                name="question_answered_says_what_and_when",
            ),
        ]
        indexes = [
            models.Index(fields=["learning_set", "status", "-created_at"], name="question_set_idx"),
            models.Index(
                fields=["innovation", "addressed_to", "status", "-created_at"],
                name="question_innovation_idx",
            ),
            models.Index(fields=["asked_by", "-created_at"], name="question_asker_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_answered(self) -> bool:
        return self.status == QuestionStatus.ANSWERED

    @property
    def is_for_innovator(self) -> bool:
        return self.addressed_to == QuestionAddressee.INNOVATOR


class QuestionSupport(models.Model):
    """“I want to know too”: one per person and question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "person"], name="question_support_one_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} supports question {self.question_id}"


class SetBarrierStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class BarrierQuerySet(models.QuerySet["Barrier"]):
    def visible_to(self, user) -> "BarrierQuerySet":
        """Whoever raised it, and the facilitators of its set."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(raised_by=user) | Q(learning_set_id__in=_facilitated_set_ids(user)))

    def unresolved(self) -> "BarrierQuerySet":
        return self.filter(status=SetBarrierStatus.OPEN)


class Barrier(models.Model):
    """What blocks a member's adoption, in CFIR's terms; linked to their organisation's
    adoption of the set's innovation when there is one."""

    Status = SetBarrierStatus

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="barriers")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="barriers_raised"
    )
    category = models.CharField(max_length=20, choices=CfirDomain.choices)
    description = models.TextField("what is in the way")
    help_wanted = models.BooleanField("I would like help with this", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField("how it was resolved", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    check_in = models.ForeignKey(
        "CheckIn", on_delete=models.SET_NULL, null=True, blank=True, related_name="barriers"
    )
    reflection = models.ForeignKey(
        Reflection, on_delete=models.SET_NULL, null=True, blank=True, related_name="barriers"
    )
    adoption = models.ForeignKey(
        "innovations.Adoption",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="set_barriers",
    )
    raised_at = models.DateTimeField(default=timezone.now)

    objects = BarrierQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(description=""), name="set_barrier_has_description"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("category", CfirDomain),
                name="set_barrier_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status=SetBarrierStatus.OPEN, resolved_at__isnull=True)
                | (
                    Q(status=SetBarrierStatus.RESOLVED, resolved_at__isnull=False)
                    & ~Q(resolution="")
                ),
                name="set_barrier_resolved_says_how_and_when",
            ),
        ]
        indexes = [
            models.Index(fields=["learning_set", "status", "category"], name="set_barrier_set_idx"),
            models.Index(fields=["raised_by", "-raised_at"], name="set_barrier_raiser_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status == SetBarrierStatus.OPEN


class AirtimeBidQuerySet(models.QuerySet["AirtimeBid"]):
    def visible_to(self, user) -> "AirtimeBidQuerySet":
        """The bidder and the active members of the meeting's set."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(person=user) | Q(meeting__learning_set_id__in=_joined_set_ids(user)))


class AirtimeBid(models.Model):
    """A member asks for airtime at a meeting, with the problem they want to bring in a line;
    the facilitator places it in one of the meeting's airtime rounds."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="airtime_bids")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="airtime_bids"
    )
    statement = models.CharField("the problem you want to bring, in a line", max_length=200)
    round = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="airtime_bids",
        help_text="The airtime round it was placed in.",
    )
    position = models.PositiveSmallIntegerField("order in the round", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AirtimeBidQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", F("position").asc(nulls_last=True), "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="airtime_bid_one_each"),
            models.CheckConstraint(condition=~Q(statement=""), name="airtime_bid_has_statement"),
            models.CheckConstraint(
                condition=Q(round__isnull=True) | Q(position__isnull=False),
                name="airtime_bid_placed_has_position",
            ),
        ]

    def __str__(self) -> str:
        return self.statement


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, user) -> "CheckInQuerySet":
        """The member who wrote it, and the facilitators of its set."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(person=user) | Q(learning_set_id__in=_facilitated_set_ids(user)))


CONFIDENCE_CHOICES = [
    (1, "1 – not at all confident"),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, "5 – very confident"),
]


class CheckIn(models.Model):
    """A member's short update in the gap between two meetings: one per member per gap.

    A gap is named by the meeting it follows (`after_meeting`); `before_meeting` is the
    meeting that closes it, when one was planned at the time.
    """

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="check_ins"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_ins"
    )
    after_meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="check_ins")
    before_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confidence = models.PositiveSmallIntegerField(choices=CONFIDENCE_CHOICES)
    help_wanted = models.BooleanField("I would like help", default=False)
    help_note = models.TextField("what help would make a difference", blank=True)
    note = models.TextField("anything else", blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = "check-in"
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "after_meeting"], name="check_in_one_per_gap"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=5), name="check_in_confidence_range"
            ),
        ]
        indexes = [
            models.Index(fields=["learning_set", "after_meeting"], name="check_in_set_gap_idx")
        ]

    def __str__(self) -> str:
        return f"Check-in by {self.person} after {self.after_meeting}"


# --- Notifications ----------------------------------------------------------------------
# Every reminder, prompt and digest is a row in an outbox before it is an email. The
# planner (sets/notifications.py) keeps a set's pending rows in step with its meetings,
# members and actions; the sweep sends rows that are due. A row's dedupe key makes it
# impossible to plan the same email twice, and claiming a row before sending it makes it
# impossible for two sweeps to send it twice.


class NotificationKind(models.TextChoices):
    MEETING_REMINDER = "meeting_reminder", "Meeting reminders"
    RSVP_CHASE = "rsvp_chase", "Reminders to answer an RSVP"
    CHECK_IN_PROMPT = "check_in_prompt", "Check-in prompts between meetings"
    CHECK_IN_NUDGE = "check_in_nudge", "Nudges when you have not checked in"
    REFLECTION_PROMPT = "reflection_prompt", "Prompts to log a reflection after a meeting"
    FACILITATOR_DIGEST = "facilitator_digest", "Facilitator digests before each meeting"
    ACTION_OVERDUE = "action_overdue", "Nudges about overdue actions"
    MEETING_CHANGED = "meeting_changed", "Notices that a meeting has moved"
    MEETING_CANCELLED = "meeting_cancelled", "Notices that a meeting is cancelled"


class NotificationState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def pending(self) -> "NotificationQuerySet":
        return self.filter(state=NotificationState.PENDING)

    def sent(self) -> "NotificationQuerySet":
        return self.filter(state=NotificationState.SENT)

    def received_by(self, user) -> "NotificationQuerySet":
        """What `user` was sent, newest first."""
        if not user.is_authenticated:
            return self.none()
        return self.sent().filter(recipient=user).order_by("-sent_at", "-pk")


class Notification(models.Model):
    """One email to one person for one purpose, sent at least once and recorded once."""

    Kind = NotificationKind
    State = NotificationState

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="notifications"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # kind + object + recipient + offset: the planner cannot make a second row for one email.
    dedupe_key = models.CharField(max_length=200)
    due_at = models.DateTimeField(help_text="When it should be sent (UTC).")
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="After this it is too late to be useful, and is skipped."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True, help_text="As sent.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notification_dedupe_key_unique"),
            models.CheckConstraint(
                condition=choice_is_valid("kind", NotificationKind), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("state", NotificationState),
                name="notification_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False),
                name="notification_sending_is_claimed",
            ),
        ]
        indexes = [
            # The sweep's two questions, each answered from a small partial index however
            # many sent rows the table holds: what is due, and which claims went stale.
            models.Index(
                fields=["due_at"], condition=Q(state="pending"), name="notification_due_idx"
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="notification_claim_idx"
            ),
            models.Index(
                fields=["learning_set", "state", "kind"], name="notification_set_state_idx"
            ),
            models.Index(fields=["recipient", "-sent_at"], name="notification_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} ({self.get_state_display()})"

    @property
    def message_id(self) -> str:
        """The same for every attempt, so mail systems can drop a repeat."""
        return f"<notification-{self.pk}@{settings.NOTIFICATION_MESSAGE_ID_DOMAIN}>"


class ReminderSettings(models.Model):
    """When a set's reminders and prompts go out; a set without a row uses the defaults.

    An empty offset turns that email off for the set.
    """

    learning_set = models.OneToOneField(
        LearningSet, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    first_reminder_days = models.PositiveSmallIntegerField(
        "first meeting reminder, days before", null=True, blank=True, default=7
    )
    second_reminder_days = models.PositiveSmallIntegerField(
        "second meeting reminder, days before", null=True, blank=True, default=1
    )
    rsvp_chase_days = models.PositiveSmallIntegerField(
        "RSVP reminder, days before", null=True, blank=True, default=3
    )
    check_in_prompt = models.BooleanField("check-in prompt halfway between meetings", default=True)
    check_in_nudge_days = models.PositiveSmallIntegerField(
        "check-in nudge, days before the next meeting", null=True, blank=True, default=2
    )
    reflection_prompt_hours = models.PositiveSmallIntegerField(
        "reflection prompt, hours after a meeting ends", null=True, blank=True, default=2
    )
    digest_days = models.PositiveSmallIntegerField(
        "facilitator digest, days before", null=True, blank=True, default=2
    )
    overdue_action_nudge = models.BooleanField(
        "nudge the owner the day after an action's due date", default=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "reminder settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(first_reminder_days__isnull=True)
                | Q(first_reminder_days__gte=1, first_reminder_days__lte=364),
                name="reminder_first_days_range",
            ),
            models.CheckConstraint(
                condition=Q(second_reminder_days__isnull=True)
                | Q(second_reminder_days__gte=1, second_reminder_days__lte=364),
                name="reminder_second_days_range",
            ),
            models.CheckConstraint(
                condition=Q(rsvp_chase_days__isnull=True)
                | Q(rsvp_chase_days__gte=1, rsvp_chase_days__lte=364),
                name="reminder_rsvp_days_range",
            ),
            models.CheckConstraint(
                condition=Q(check_in_nudge_days__isnull=True)
                | Q(check_in_nudge_days__gte=1, check_in_nudge_days__lte=364),
                name="reminder_nudge_days_range",
            ),
            models.CheckConstraint(
                condition=Q(reflection_prompt_hours__isnull=True)
                | Q(reflection_prompt_hours__gte=1, reflection_prompt_hours__lte=8736),
                name="reminder_reflection_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(digest_days__isnull=True) | Q(digest_days__gte=1, digest_days__lte=364),
                name="reminder_digest_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder settings of {self.learning_set}"


class NotificationPreference(models.Model):
    """A person's choice about one kind of email; without a row, it is on."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"], name="notification_preference_unique"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("kind", NotificationKind),
                name="notification_preference_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()} {'on' if self.enabled else 'off'}"
