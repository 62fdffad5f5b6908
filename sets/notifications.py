"""Reminders, prompts and digests: the notification outbox's planner and sweep.

The database, not the broker, says what is due. Each email is a `Notification` row
before it is sent:

- the **planner** (`notifications_plan`) turns a set's meetings, members, actions and
  settings into pending rows, one per dedupe key (kind + object + recipient + offset).
  It is idempotent, moves pending rows when a meeting moves, skips them when a meeting
  is cancelled or a member leaves, and never touches a row that was sent;
- the **sweep** (`notifications_sweep`, run by beat every minute) claims due rows in
  batches, so no two sweeps can hold the same row, checks each against the database once
  more (has the person answered, left, turned this email off?), sends the batch over one
  mail connection and records the outcome of every row in one statement.

A claim left by a worker that died is taken back after NOTIFICATION_CLAIM_TIMEOUT, so
delivery is at least once; every attempt carries the row's Message-ID, so the rare repeat
can be dropped by mail systems. Nothing waits in the broker with an ETA.
"""

import contextlib
import datetime
import logging
import secrets
import smtplib
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from actionlearning.accounts.models import User
from sets.models import (
    SEATED_ROLES,
    Action,
    AgendaItem,
    Attendance,
    Barrier,
    CheckIn,
    LearningSet,
    Meeting,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationState,
    Question,
    ReminderSettings,
    Role,
    Rsvp,
)
from sets.schedule import NonexistentLocalTime, local_to_utc

logger = logging.getLogger(__name__)

Kind = NotificationKind
State = NotificationState

# Past its due time by more than this, a reminder is no longer news: it is skipped, not
# sent late. (Prompts after the fact wait longer: see _EXPIRY.)
LATE_AFTER = datetime.timedelta(hours=12)
MAX_ATTEMPTS = 5
RETRY_BASE = datetime.timedelta(minutes=1)
RETRY_CAP = datetime.timedelta(hours=6)
# A reflection prompt waits this long for the facilitator to record who was present.
ATTENDANCE_WAIT = datetime.timedelta(hours=1)
OVERDUE_NUDGE_AT = datetime.time(9, 0)

UNPLANNED = "No longer due: the meeting moved or was cancelled, or the person left."
SUPERSEDED = "A newer notice about this meeting replaced it."
PLANNED_KINDS = (
    Kind.MEETING_REMINDER,
    Kind.RSVP_CHASE,
    Kind.CHECK_IN_PROMPT,
    Kind.CHECK_IN_NUDGE,
    Kind.REFLECTION_PROMPT,
    Kind.FACILITATOR_DIGEST,
    Kind.ACTION_OVERDUE,
)
NOTICE_KINDS = (Kind.MEETING_CHANGED, Kind.MEETING_CANCELLED)
# Changing these is news to members; a new agenda or title is not.
NOTICE_FIELDS = {"starts_at", "ends_at", "place", "joining_link", "format", "status"}


# --- Settings ---------------------------------------------------------------------------


def reminder_settings_for(learning_set: LearningSet) -> ReminderSettings:
    """The set's settings, or the defaults (unsaved) when a facilitator never changed them."""
    found = ReminderSettings.objects.filter(learning_set=learning_set).first()
    return found or ReminderSettings(learning_set=learning_set)


def reminder_settings_check(*, learning_set: LearningSet, values: dict) -> None:
    """Raises ValidationError keyed by field for an offset of zero or longer than the gap."""
    cadence_days = learning_set.cadence_weeks * 7
    errors = {}
    day_fields = (
        "first_reminder_days",
        "second_reminder_days",
        "rsvp_chase_days",
        "check_in_nudge_days",
        "digest_days",
    )
    for name in day_fields:
        days = values.get(name)
        if days is None:
            continue
        if days < 1:
            errors[name] = "Choose at least 1 day, or leave it empty to turn this email off."
        elif days >= cadence_days:
            errors[name] = (
                f"Meetings are {cadence_days} days apart, so {days} days before one would be "
                f"before the meeting ahead of it. Choose 1 to {cadence_days - 1} days."
            )
    hours = values.get("reflection_prompt_hours")
    if hours is not None and not 1 <= hours < cadence_days * 24:
        errors["reflection_prompt_hours"] = (
            f"Choose 1 to {cadence_days * 24 - 1} hours after the meeting ends, or leave it "
            "empty to turn the prompt off."
        )
    first, second = values.get("first_reminder_days"), values.get("second_reminder_days")
    if first and second and first == second and "second_reminder_days" not in errors:
        errors["second_reminder_days"] = "The two reminders are on the same day; make them differ."
    if errors:
        raise ValidationError(errors)


def reminder_settings_update(*, learning_set: LearningSet, **values) -> ReminderSettings:
    """Saves a facilitator's choices and re-plans the set's pending emails to match."""
    reminder_settings_check(learning_set=learning_set, values=values)
    with transaction.atomic():
        current = reminder_settings_for(learning_set)
        for name, value in values.items():
            setattr(current, name, value)
        current.updated_at = timezone.now()
        current.full_clean()
        current.save()
        notifications_plan(learning_set=learning_set)
    return current


def preference_set(*, person: User, kind: str, enabled: bool) -> NotificationPreference:
    """Turns one kind of email on or off for a person, and re-plans their sets."""
    if kind not in Kind.values:
        raise ValidationError(f"“{kind}” is not a kind of email we send.")
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.update_or_create(
            person=person, kind=kind, defaults={"enabled": enabled, "updated_at": timezone.now()}
        )
        for learning_set in LearningSet.objects.joined_by(person):
            notifications_plan(learning_set=learning_set)
    return preference


def preferences_of(person: User) -> dict[str, bool]:
    """{kind: on?} for every kind, on unless the person turned it off."""
    chosen = dict(
        NotificationPreference.objects.filter(person=person).values_list("kind", "enabled")
    )
    return {kind: chosen.get(kind, True) for kind in Kind.values}


# --- Planning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One email the set's current state calls for."""

    key: str
    kind: str
    recipient_id: int
    due_at: datetime.datetime
    expires_at: datetime.datetime | None
    meeting_id: int | None = None
    action_id: int | None = None


@dataclass
class PlanResult:
    created: int = 0
    moved: int = 0
    skipped: int = 0
    revived: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.moved + self.skipped + self.revived


def dedupe_key(kind: str, about: str, recipient_id: int, offset: str) -> str:
    return f"{kind}:{about}:person-{recipient_id}:{offset}"


def _days_before(instant: datetime.datetime, days: int, zone_name: str) -> datetime.datetime:
    """The same wall-clock time `days` days earlier where the set meets, across clock changes."""
    local = instant.astimezone(zoneinfo.ZoneInfo(zone_name))
    return (local - datetime.timedelta(days=days)).astimezone(datetime.UTC)


def _late(due_at: datetime.datetime, deadline: datetime.datetime) -> datetime.datetime:
    return min(due_at + LATE_AFTER, deadline)


@dataclass
class _SetState:
    """What the planner reads about one set, in a fixed number of queries."""

    learning_set: LearningSet
    options: ReminderSettings
    members: list[Membership]
    meetings: list[Meeting]
    actions: list[Action]
    opted_out: set[tuple[int, str]] = field(default_factory=set)

    @classmethod
    def load(cls, learning_set: LearningSet) -> "_SetState":
        members = list(
            Membership.objects.active().filter(learning_set=learning_set).select_related("person")
        )
        person_ids = [member.person_id for member in members]
        opted_out = set(
            NotificationPreference.objects.filter(
                person_id__in=person_ids, enabled=False
            ).values_list("person_id", "kind")
        )
        return cls(
            learning_set=learning_set,
            options=reminder_settings_for(learning_set),
            members=members,
            meetings=list(learning_set.meetings.order_by("starts_at", "number")),
            actions=list(
                Action.objects.unfinished().filter(
                    learning_set=learning_set, owner_id__in=person_ids
                )
            ),
            opted_out=opted_out,
        )

    @property
    def happening(self) -> list[Meeting]:
        """Scheduled or held: a cancelled meeting opens and closes no gap."""
        return [meeting for meeting in self.meetings if not meeting.is_cancelled]

    def members_in(self, roles: Iterable[str] | None = None) -> list[Membership]:
        return [m for m in self.members if roles is None or m.role in roles]


def _meeting_emails(state: _SetState, meeting: Meeting) -> Iterable[Planned]:
    """Reminders, the RSVP chase and the facilitators' digest before one meeting."""
    options, zone = state.options, state.learning_set.time_zone
    about = f"meeting-{meeting.pk}"
    offsets = [
        (Kind.MEETING_REMINDER, options.first_reminder_days, None),
        (Kind.MEETING_REMINDER, options.second_reminder_days, None),
        (Kind.RSVP_CHASE, options.rsvp_chase_days, None),
        (Kind.FACILITATOR_DIGEST, options.digest_days, [Role.FACILITATOR]),
    ]
    for kind, days, roles in offsets:
        if not days:
            continue
        due_at = _days_before(meeting.starts_at, days, zone)
        for member in state.members_in(roles):
            yield Planned(
                key=dedupe_key(kind, about, member.person_id, f"{days}d"),
                kind=kind,
                recipient_id=member.person_id,
                due_at=due_at,
                expires_at=_late(due_at, meeting.starts_at),
                meeting_id=meeting.pk,
            )


def _gap_emails(state: _SetState, after: Meeting, before: Meeting) -> Iterable[Planned]:
    """The check-in prompt halfway through a gap, and the nudge before it closes."""
    options = state.options
    about = f"meeting-{after.pk}"
    halfway = after.ends_at + (before.starts_at - after.ends_at) / 2
    nudge_at = None
    if options.check_in_nudge_days:
        nudge_at = _days_before(
            before.starts_at, options.check_in_nudge_days, state.learning_set.time_zone
        )
        if nudge_at <= halfway:
            nudge_at = None  # a short gap: the prompt is reminder enough
    for member in state.members_in(SEATED_ROLES):
        if options.check_in_prompt:
            yield Planned(
                key=dedupe_key(Kind.CHECK_IN_PROMPT, about, member.person_id, "half"),
                kind=Kind.CHECK_IN_PROMPT,
                recipient_id=member.person_id,
                due_at=halfway,
                expires_at=min(nudge_at or before.starts_at, before.starts_at),
                meeting_id=after.pk,
            )
        if nudge_at is not None:
            yield Planned(
                key=dedupe_key(
                    Kind.CHECK_IN_NUDGE, about, member.person_id, f"{options.check_in_nudge_days}d"
                ),
                kind=Kind.CHECK_IN_NUDGE,
                recipient_id=member.person_id,
                due_at=nudge_at,
                expires_at=_late(nudge_at, before.starts_at),
                meeting_id=after.pk,
            )


def _reflection_emails(state: _SetState, meeting: Meeting) -> Iterable[Planned]:
    hours = state.options.reflection_prompt_hours
    if not hours:
        return
    due_at = meeting.ends_at + datetime.timedelta(hours=hours)
    for member in state.members:
        yield Planned(
            key=dedupe_key(
                Kind.REFLECTION_PROMPT, f"meeting-{meeting.pk}", member.person_id, f"{hours}h"
            ),
            kind=Kind.REFLECTION_PROMPT,
            recipient_id=member.person_id,
            due_at=due_at,
            expires_at=due_at + datetime.timedelta(days=3),
            meeting_id=meeting.pk,
        )


def overdue_nudge_due(action: Action, zone_name: str) -> datetime.datetime:
    """09:00 on the day after the due date, in the owner's own zone."""
    day = action.due_on + datetime.timedelta(days=1)
    try:
        return local_to_utc(day, OVERDUE_NUDGE_AT, zone_name)
    except NonexistentLocalTime:
        return local_to_utc(day, OVERDUE_NUDGE_AT.replace(hour=10), zone_name)


def _action_emails(state: _SetState) -> Iterable[Planned]:
    if not state.options.overdue_action_nudge:
        return
    zones = {member.person_id: member.person.time_zone for member in state.members}
    for action in state.actions:
        due_at = overdue_nudge_due(action, zones[action.owner_id])
        yield Planned(
            key=dedupe_key(Kind.ACTION_OVERDUE, f"action-{action.pk}", action.owner_id, "1d"),
            kind=Kind.ACTION_OVERDUE,
            recipient_id=action.owner_id,
            due_at=due_at,
            expires_at=due_at + datetime.timedelta(days=3),
            action_id=action.pk,
        )


def _wanted(state: _SetState, now: datetime.datetime) -> dict[str, Planned]:
    """Every email the set's current state calls for that is not yet too late."""
    if state.learning_set.status == LearningSet.Status.CLOSED or not state.members:
        return {}
    planned: list[Planned] = []
    happening = state.happening
    for meeting in happening:
        if meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at > now:
            planned += _meeting_emails(state, meeting)
        planned += _reflection_emails(state, meeting)
    for after, before in zip(happening, happening[1:], strict=False):
        if before.status == Meeting.Status.SCHEDULED and before.starts_at > now:
            planned += _gap_emails(state, after, before)
    planned += _action_emails(state)
    return {
        item.key: item
        for item in planned
        if (item.expires_at is None or item.expires_at > now)
        and (item.recipient_id, item.kind) not in state.opted_out
    }


def notifications_plan(*, learning_set: LearningSet) -> PlanResult:
    """Makes the set's pending emails match its meetings, members, actions and settings.

    Running it twice changes nothing. Rows already sent, being sent, or failed are never
    touched; a pending row no longer called for is skipped, and one called for again (a
    meeting reinstated, a member back) is revived.
    """
    now = timezone.now()
    result = PlanResult()
    with transaction.atomic():
        # One planner per set at a time; a second waits and then finds nothing to do.
        LearningSet.objects.select_for_update().filter(pk=learning_set.pk).exists()
        wanted = _wanted(_SetState.load(learning_set), now)
        existing = {
            row.dedupe_key: row
            for row in Notification.objects.filter(
                learning_set=learning_set, kind__in=PLANNED_KINDS
            ).only("pk", "dedupe_key", "state", "skip_reason", "due_at", "expires_at")
        }
        _plan_create(learning_set, wanted, existing, result)
        _plan_update(wanted, existing, result)
        _plan_unplan(wanted, existing, now, result)
    return result


def _plan_create(learning_set, wanted, existing, result: PlanResult) -> None:
    new = [
        Notification(
            learning_set=learning_set,
            recipient_id=item.recipient_id,
            kind=item.kind,
            meeting_id=item.meeting_id,
            action_id=item.action_id,
            dedupe_key=item.key,
            due_at=item.due_at,
            expires_at=item.expires_at,
        )
        for key, item in wanted.items()
        if key not in existing
    ]
    # A concurrent planner that got there first wins; the unique key keeps one row.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    result.created += len(new)


def _plan_update(wanted, existing, result: PlanResult) -> None:
    changed = []
    for key, item in wanted.items():
        row = existing.get(key)
        if row is None:
            continue
        revive = row.state == State.SKIPPED and row.skip_reason == UNPLANNED
        moved = row.state == State.PENDING and (
            row.due_at != item.due_at or row.expires_at != item.expires_at
        )
        if revive or moved:
            row.due_at, row.expires_at = item.due_at, item.expires_at
            row.state, row.skip_reason = State.PENDING, ""
            changed.append(row)
            result.revived += revive
            result.moved += moved
    if changed:
        # Only rows still pending or unplanned: a sweep may have claimed one meanwhile.
        Notification.objects.filter(
            Q(state=State.PENDING) | Q(state=State.SKIPPED, skip_reason=UNPLANNED)
        ).bulk_update(changed, ["due_at", "expires_at", "state", "skip_reason"])


def _plan_unplan(wanted, existing, now, result: PlanResult) -> None:
    gone = [
        row.pk for key, row in existing.items() if key not in wanted and row.state == State.PENDING
    ]
    if gone:
        result.skipped += Notification.objects.filter(pk__in=gone, state=State.PENDING).update(
            state=State.SKIPPED, skip_reason=UNPLANNED
        )


def meeting_change_notify(*, meeting: Meeting, changed: Iterable[str]) -> int:
    """After a meeting moved, changed place, was cancelled or reinstated: a notice to each
    member (replacing any notice not yet sent), and the set's reminders re-planned."""
    learning_set = meeting.learning_set
    if not NOTICE_FIELDS & set(changed) or meeting.ends_at <= timezone.now():
        notifications_plan(learning_set=learning_set)
        return 0
    kind = Kind.MEETING_CANCELLED if meeting.is_cancelled else Kind.MEETING_CHANGED
    now = timezone.now()
    with transaction.atomic():
        state = _SetState.load(learning_set)
        Notification.objects.filter(
            meeting=meeting, kind__in=NOTICE_KINDS, state=State.PENDING
        ).update(state=State.SKIPPED, skip_reason=SUPERSEDED)
        notices = [
            Notification(
                learning_set=learning_set,
                recipient_id=member.person_id,
                kind=kind,
                meeting=meeting,
                dedupe_key=dedupe_key(
                    kind, f"meeting-{meeting.pk}", member.person_id, f"v{meeting.sequence}"
                ),
                due_at=now,
                expires_at=max(meeting.starts_at, now + LATE_AFTER),
            )
            for member in state.members
            if (member.person_id, kind) not in state.opted_out
        ]
        Notification.objects.bulk_create(notices, ignore_conflicts=True)
        notifications_plan(learning_set=learning_set)
    return len(notices)


def notifications_plan_all() -> int:
    """Re-plans every set that is not closed; the daily safety net. Returns rows changed."""
    changed = 0
    for learning_set in LearningSet.objects.exclude(status=LearningSet.Status.CLOSED).iterator():
        changed += notifications_plan(learning_set=learning_set).changed
    return changed


def notifications_retry(*, notification_ids: Iterable[int]) -> int:
    """Failed (or skipped) rows go back to pending, due now, with a fresh count of attempts."""
    return Notification.objects.filter(
        pk__in=list(notification_ids), state__in=[State.FAILED, State.SKIPPED]
    ).update(
        state=State.PENDING,
        due_at=timezone.now(),
        expires_at=None,
        attempts=0,
        skip_reason="",
        claim_token="",
        claimed_at=None,
    )


# --- Sweeping ---------------------------------------------------------------------------


@dataclass
class SweepResult:
    batches: int = 0
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    deferred: int = 0
    retrying: int = 0
    failed: int = 0


def _claimable(now: datetime.datetime) -> Q:
    stale_before = now - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)
    return Q(state=State.PENDING, due_at__lte=now) | Q(
        state=State.SENDING, claimed_at__lt=stale_before
    )


def notifications_claim(*, limit: int, now: datetime.datetime | None = None) -> list[Notification]:
    """Marks up to `limit` due rows as ours and returns them; no other sweep can take them.

    One UPDATE, in its own transaction: on PostgreSQL its subquery locks the rows it picks
    with FOR UPDATE SKIP LOCKED, so concurrent sweeps take different rows without waiting;
    on SQLite the write itself is serialised, and the WHERE is checked again as it writes.
    The same statement takes back claims left stale by a worker that died. When nothing is
    due, that statement is the whole sweep: two small partial-index scans.
    """
    now = now or timezone.now()
    token = secrets.token_hex(16)
    stale_before = now - datetime.timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)
    if connection.vendor == "postgresql":
        claimed = _claim_skip_locked(now=now, stale_before=stale_before, token=token, limit=limit)
    else:
        due = Notification.objects.filter(_claimable(now)).order_by("due_at").values("pk")[:limit]
        claimed = Notification.objects.filter(_claimable(now), pk__in=due).update(
            state=State.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
    if not claimed:
        return []
    return list(
        Notification.objects.filter(state=State.SENDING, claim_token=token)
        .select_related("recipient", "learning_set__innovation", "meeting", "action")
        .order_by("due_at", "pk")
    )


_CLAIMABLE_SQL = (
    "(state = 'pending' AND due_at <= %(now)s) OR (state = 'sending' AND claimed_at < %(stale)s)"
)
# Written out, because the ORM only allows FOR UPDATE inside an explicit transaction, and
# BEGIN and COMMIT around one statement would triple an empty sweep's round trips. The
# ARRAY(...) makes PostgreSQL pick the rows once: as a plain IN (subquery) it may rescan
# the subquery per row, and each rescan skips the rows just claimed and locks more.
_CLAIM_SQL = f"""
UPDATE sets_notification
SET state = 'sending', claimed_at = %(now)s, claim_token = %(token)s, attempts = attempts + 1
WHERE id = ANY(ARRAY(
    SELECT id FROM sets_notification WHERE {_CLAIMABLE_SQL}
    ORDER BY due_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED
)) AND ({_CLAIMABLE_SQL})
"""  # noqa: S608 - constant text; every value is a parameter


def _claim_skip_locked(*, now, stale_before, token: str, limit: int) -> int:
    params = {"now": now, "stale": stale_before, "token": token, "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, params)
        return cursor.rowcount


@dataclass
class BatchContext:
    """Everything a batch's emails need, read in a fixed number of queries however many
    rows the batch holds."""

    now: datetime.datetime
    members: dict[tuple[int, int], Membership]
    opted_out: set[tuple[int, str]]
    meetings_by_set: dict[int, list[Meeting]]
    agenda: dict[int, list[AgendaItem]]
    rsvps: dict[int, dict[int, str]]
    attendance: dict[int, dict[int, str]]
    actions_by_set: dict[int, list[Action]]
    checked_in: set[tuple[int, int]]
    barriers_by_set: dict[int, list[Barrier]]
    questions_by_set: dict[int, list[Question]]

    @classmethod
    def load(cls, batch: list[Notification], now: datetime.datetime) -> "BatchContext":
        set_ids = {row.learning_set_id for row in batch}
        meeting_ids = {row.meeting_id for row in batch if row.meeting_id}
        recipient_ids = {row.recipient_id for row in batch}
        meetings_by_set: dict[int, list[Meeting]] = defaultdict(list)
        for meeting in Meeting.objects.filter(learning_set_id__in=set_ids).order_by("starts_at"):
            meetings_by_set[meeting.learning_set_id].append(meeting)
        context = cls(
            now=now,
            members={
                (m.learning_set_id, m.person_id): m
                for m in Membership.objects.active()
                .filter(learning_set_id__in=set_ids)
                .select_related("person")
            },
            opted_out=set(
                NotificationPreference.objects.filter(
                    person_id__in=recipient_ids, enabled=False
                ).values_list("person_id", "kind")
            ),
            meetings_by_set=meetings_by_set,
            agenda=_grouped(
                AgendaItem.objects.filter(meeting_id__in=meeting_ids).order_by("position", "pk"),
                "meeting_id",
            ),
            rsvps=_nested(
                Rsvp.objects.filter(meeting_id__in=meeting_ids), "meeting_id", "response"
            ),
            attendance=_nested(
                Attendance.objects.filter(meeting_id__in=meeting_ids), "meeting_id", "status"
            ),
            actions_by_set=_grouped(
                Action.objects.unfinished().filter(learning_set_id__in=set_ids), "learning_set_id"
            ),
            checked_in=set(),
            barriers_by_set={},
            questions_by_set={},
        )
        context._load_gaps_and_digests(batch)
        return context

    def _load_gaps_and_digests(self, batch: list[Notification]) -> None:
        """Check-ins of the gaps the batch asks about; for digests, what the set raised."""
        gaps = {row.meeting_id for row in batch if row.kind in CHECK_IN_KINDS}
        digest_sets = {row.learning_set_id for row in batch if row.kind == Kind.FACILITATOR_DIGEST}
        for row in batch:
            if row.kind != Kind.FACILITATOR_DIGEST or row.meeting is None:
                continue
            if previous := self.previous(row.meeting):
                gaps.add(previous.pk)
        self.checked_in = set(
            CheckIn.objects.filter(after_meeting_id__in=gaps).values_list(
                "after_meeting_id", "person_id"
            )
        )
        if digest_sets:
            self.barriers_by_set = _grouped(
                Barrier.objects.unresolved()
                .filter(learning_set_id__in=digest_sets)
                .order_by("-raised_at"),
                "learning_set_id",
            )
            self.questions_by_set = _grouped(
                Question.objects.unanswered()
                .filter(learning_set_id__in=digest_sets)
                .order_by("created_at"),
                "learning_set_id",
            )

    def member(self, row: Notification) -> Membership | None:
        return self.members.get((row.learning_set_id, row.recipient_id))

    def happening(self, set_id: int) -> list[Meeting]:
        return [m for m in self.meetings_by_set.get(set_id, []) if not m.is_cancelled]

    def previous(self, meeting: Meeting) -> Meeting | None:
        earlier = [
            m for m in self.happening(meeting.learning_set_id) if m.starts_at < meeting.starts_at
        ]
        return earlier[-1] if earlier else None

    def following(self, meeting: Meeting) -> Meeting | None:
        later = [
            m for m in self.happening(meeting.learning_set_id) if m.starts_at > meeting.starts_at
        ]
        return later[0] if later else None

    def own_actions(self, row: Notification) -> list[Action]:
        return [
            a
            for a in self.actions_by_set.get(row.learning_set_id, [])
            if a.owner_id == row.recipient_id
        ]


CHECK_IN_KINDS = (Kind.CHECK_IN_PROMPT, Kind.CHECK_IN_NUDGE)


def _grouped(rows: Iterable, attribute: str) -> dict:
    grouped: dict = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


def _nested(rows, outer: str, value: str) -> dict[int, dict[int, str]]:
    nested: dict[int, dict[int, str]] = defaultdict(dict)
    for row in rows:
        nested[getattr(row, outer)][row.person_id] = getattr(row, value)
    return nested


# --- Deciding, at the moment of sending ---------------------------------------------------


@dataclass(frozen=True)
class Send:
    facts: dict


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Defer:
    until: datetime.datetime


Verdict = Send | Skip | Defer


def _offset_days(row: Notification) -> int | None:
    offset = row.dedupe_key.rsplit(":", 1)[-1]
    return int(offset[:-1]) if offset.endswith("d") and offset[:-1].isdigit() else None


def _verdict(row: Notification, ctx: BatchContext) -> Verdict:
    """Checks the row against the database as it is now: people change their minds."""
    member = ctx.member(row)
    if member is None:
        return Skip("Not an active member of the set any more.")
    if (row.recipient_id, row.kind) in ctx.opted_out:
        return Skip("Turned off by the recipient.")
    if row.expires_at and row.expires_at < ctx.now:
        return Skip("Too late to be useful by the time it could be sent.")
    if row.kind == Kind.ACTION_OVERDUE:
        return _verdict_action(row, ctx)
    meeting = _meeting_in_context(row, ctx)
    if meeting is None:
        return Skip("The meeting no longer exists.")
    row.meeting = meeting
    checks: dict[str, Callable[[Notification, Meeting, BatchContext], Verdict]] = {
        Kind.MEETING_REMINDER: _verdict_before_meeting,
        Kind.RSVP_CHASE: _verdict_rsvp_chase,
        Kind.FACILITATOR_DIGEST: _verdict_digest,
        Kind.CHECK_IN_PROMPT: _verdict_check_in,
        Kind.CHECK_IN_NUDGE: _verdict_check_in,
        Kind.REFLECTION_PROMPT: _verdict_reflection,
        Kind.MEETING_CHANGED: _verdict_changed,
        Kind.MEETING_CANCELLED: _verdict_cancelled,
    }
    return checks[row.kind](row, meeting, ctx)


def _meeting_in_context(row: Notification, ctx: BatchContext) -> Meeting | None:
    for meeting in ctx.meetings_by_set.get(row.learning_set_id, []):
        if meeting.pk == row.meeting_id:
            meeting.agenda = ctx.agenda.get(meeting.pk, [])  # type: ignore[attr-defined]
            return meeting
    return None


def _on_time(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict | None:
    """None when a reminder before `meeting` may go now; otherwise why not."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return Skip("The meeting was cancelled.")
    if meeting.starts_at <= ctx.now:
        return Skip("The meeting has started.")
    days = _offset_days(row)
    if days is not None:
        expected = _days_before(meeting.starts_at, days, row.learning_set.time_zone)
        if expected > ctx.now + datetime.timedelta(minutes=1):
            return Defer(expected)  # the meeting moved later and the plan had not caught up
    return None


def _verdict_before_meeting(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    if (refusal := _on_time(row, meeting, ctx)) is not None:
        return refusal
    return Send(
        {
            "answer": ctx.rsvps.get(meeting.pk, {}).get(row.recipient_id),
            "actions": ctx.own_actions(row),
        }
    )


def _verdict_rsvp_chase(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    if row.recipient_id in ctx.rsvps.get(meeting.pk, {}):
        return Skip("Already answered.")
    return _verdict_before_meeting(row, meeting, ctx)


def _verdict_digest(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    member = ctx.member(row)
    if member is None or not member.is_facilitator:
        return Skip("Not a facilitator of the set any more.")
    if (refusal := _on_time(row, meeting, ctx)) is not None:
        return refusal
    return Send(_digest_facts(row, meeting, ctx))


def _digest_facts(row: Notification, meeting: Meeting, ctx: BatchContext) -> dict:
    """Never a reflection: those are private unless shared, and a digest is not the place."""
    set_id = row.learning_set_id
    previous = ctx.previous(meeting)
    members = sorted(
        (m for (s, _), m in ctx.members.items() if s == set_id),
        key=lambda m: m.person.full_name,
    )
    seated = [m for m in members if m.role in SEATED_ROLES]
    since = previous.starts_at if previous else None
    answers = ctx.rsvps.get(meeting.pk, {})
    unfinished = ctx.actions_by_set.get(set_id, [])
    names = {m.person_id: m.person for m in members}
    today = ctx.now.astimezone(zoneinfo.ZoneInfo(row.learning_set.time_zone)).date()
    return {
        "previous": previous,
        "checked_in": [
            m.person for m in seated if previous and (previous.pk, m.person_id) in ctx.checked_in
        ],
        "not_checked_in": [
            m.person
            for m in seated
            if previous and (previous.pk, m.person_id) not in ctx.checked_in
        ],
        "blocked": [
            (a, names.get(a.owner_id)) for a in unfinished if a.status == Action.Status.BLOCKED
        ],
        "overdue": [
            (a, names.get(a.owner_id))
            for a in unfinished
            if a.due_on < today and a.status != Action.Status.BLOCKED
        ],
        "barriers": [
            b for b in ctx.barriers_by_set.get(set_id, []) if since is None or b.raised_at >= since
        ],
        "questions": ctx.questions_by_set.get(set_id, []),
        "rsvps": [(m.person, answers.get(m.person_id)) for m in members],
    }


def _verdict_check_in(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    after = meeting
    before = ctx.following(after)
    if after.is_cancelled or before is None or before.status != Meeting.Status.SCHEDULED:
        return Skip("There is no gap to check in for any more.")
    if before.starts_at <= ctx.now:
        return Skip("The next meeting has started.")
    if (after.pk, row.recipient_id) in ctx.checked_in:
        return Skip("Already checked in.")
    return Send({"next_meeting": before, "actions": ctx.own_actions(row)})


def _verdict_reflection(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    if meeting.is_cancelled:
        return Skip("The meeting was cancelled.")
    recorded = ctx.attendance.get(meeting.pk, {})
    if not recorded:
        # Attendance is often recorded after the meeting: wait for it, up to the expiry.
        return Defer(ctx.now + ATTENDANCE_WAIT)
    if recorded.get(row.recipient_id) != Attendance.Status.PRESENT:
        return Skip("Not marked present at the meeting.")
    return Send({})


def _verdict_action(row: Notification, ctx: BatchContext) -> Verdict:
    action = row.action
    if action is None or not action.is_unfinished:
        return Skip("The action is finished.")
    if action.owner_id != row.recipient_id:
        return Skip("The action has a new owner.")
    owner_zone = zoneinfo.ZoneInfo(row.recipient.time_zone)
    if action.due_on >= ctx.now.astimezone(owner_zone).date():
        return Defer(overdue_nudge_due(action, row.recipient.time_zone))
    return Send({})


def _verdict_changed(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    if meeting.is_cancelled:
        return Skip("The meeting was cancelled since; the cancellation notice says so.")
    if meeting.starts_at <= ctx.now:
        return Skip("The meeting has started.")
    return Send({"answer": ctx.rsvps.get(meeting.pk, {}).get(row.recipient_id)})


def _verdict_cancelled(row: Notification, meeting: Meeting, ctx: BatchContext) -> Verdict:
    if not meeting.is_cancelled:
        return Skip("The meeting is no longer cancelled.")
    return Send({})


# --- Sending ------------------------------------------------------------------------------


def notifications_sweep(
    *, batch_size: int | None = None, time_budget: float = 50.0, max_batches: int | None = None
) -> SweepResult:
    """Sends what is due, batch by batch, until nothing is due or the time is up."""
    batch_size = batch_size or settings.NOTIFICATION_BATCH_SIZE
    result = SweepResult()
    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline and (max_batches is None or result.batches < max_batches):
        batch = notifications_claim(limit=batch_size)
        if not batch:
            break
        result.batches += 1
        result.claimed += len(batch)
        _batch_deliver(batch, result)
    if result.claimed:
        logger.info("Notifications sweep: %s", result)
    return result


def _batch_deliver(batch: list[Notification], result: SweepResult) -> None:
    from sets.reminder_emails import EmailCache, email_build

    now = timezone.now()
    ctx = BatchContext.load(batch, now)
    cache = EmailCache()
    outgoing = []
    for row in batch:
        verdict = _given_up(row) or _verdict(row, ctx)
        if isinstance(verdict, Send):
            try:
                outgoing.append(
                    (row, email_build(notification=row, facts=verdict.facts, cache=cache))
                )
            except Exception as error:  # noqa: BLE001 - a bad row must not stop the batch
                logger.exception("Could not render notification %s", row.pk)
                _retry_or_fail(row, now, f"Could not be written: {error!r}")
        else:
            _settle(row, verdict, now)
    _send_all(outgoing, now)
    _outcomes_write(batch, result)


def _given_up(row: Notification) -> Verdict | None:
    if row.attempts > MAX_ATTEMPTS:
        row.state = State.FAILED
        row.last_error = f"Gave up after {MAX_ATTEMPTS} attempts. {row.last_error}".strip()
        return Skip("")
    return None


def _settle(row: Notification, verdict: Verdict, now: datetime.datetime) -> None:
    if row.state == State.FAILED:
        return
    if isinstance(verdict, Skip):
        row.state, row.skip_reason = State.SKIPPED, verdict.reason
    elif isinstance(verdict, Defer):
        row.state, row.due_at = State.PENDING, verdict.until
        row.attempts = max(row.attempts - 1, 0)  # waiting is not a failed attempt


def _send_all(outgoing: list, now: datetime.datetime) -> None:
    """Over one connection; one refused recipient or bad address fails only its own row."""
    if not outgoing:
        return
    mail = get_connection(fail_silently=False)
    try:
        mail.open()
    except Exception as error:  # noqa: BLE001 - the mail server is down: retry them all
        for row, _ in outgoing:
            _retry_or_fail(row, now, f"Could not reach the mail server: {error}")
        return
    try:
        for row, message in outgoing:
            _send_one(mail, row, message, now)
    finally:
        _quietly_close(mail)


def _send_one(mail, row: Notification, message, now: datetime.datetime) -> None:
    address = row.recipient.email
    try:
        validate_email(address)
    except ValidationError:
        _fail(
            row,
            f"The address on file for {row.recipient}, “{address}”, is not a valid email address.",
        )
        return
    try:
        mail.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        code, reason = next(iter(error.recipients.values()), (0, b""))
        text = f"The mail server refused {address}: {code} {_decoded(reason)}"
        if 500 <= code < 600:
            _fail(row, text)
        else:
            _retry_or_fail(row, now, text)
    except Exception as error:  # noqa: BLE001 - anything else may pass: try again later
        _retry_or_fail(row, now, f"Sending failed: {error!r}")
        _quietly_close(mail)
        _quietly_open(mail)
    else:
        row.state, row.sent_at, row.subject = State.SENT, now, message.subject[:300]
        row.last_error = ""


def _decoded(reason) -> str:
    return reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)


def _quietly_close(mail) -> None:
    # Closing a broken connection may fail too; it is gone either way.
    with contextlib.suppress(Exception):
        mail.close()


def _quietly_open(mail) -> None:
    # If this fails, the next send raises and its row is retried.
    with contextlib.suppress(Exception):
        mail.open()


def _fail(row: Notification, error: str) -> None:
    row.state, row.last_error = State.FAILED, error
    logger.warning("Notification %s failed: %s", row.pk, error)


def _retry_or_fail(row: Notification, now: datetime.datetime, error: str) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _fail(row, f"{error} (after {row.attempts} attempts)")
        return
    backoff = min(RETRY_BASE * 5 ** (row.attempts - 1), RETRY_CAP)
    row.state, row.due_at, row.last_error = State.PENDING, now + backoff, error
    if row.expires_at and row.due_at > row.expires_at:
        _fail(row, f"{error} (and it would be too late by the next attempt)")


OUTCOME_FIELDS = [
    "state",
    "sent_at",
    "subject",
    "due_at",
    "attempts",
    "last_error",
    "skip_reason",
    "claimed_at",
    "claim_token",
]


def _outcomes_write(batch: list[Notification], result: SweepResult) -> None:
    """Every row's outcome, in at most three statements, only while the claim is ours.

    Sent rows (nearly all) take one UPDATE and one more for their subjects; the others,
    when there are any, one bulk update. If the database went away meanwhile, reconnect
    and try again: the emails have gone, and recording them saves a repeat later.
    """
    token = batch[0].claim_token
    sent = [row for row in batch if row.state == State.SENT]
    others = [row for row in batch if row.state != State.SENT]
    for row in others:
        row.claim_token, row.claimed_at = "", None
    result.sent += len(sent)
    for row in others:
        result.skipped += row.state == State.SKIPPED
        result.failed += row.state == State.FAILED
        result.retrying += row.state == State.PENDING and bool(row.last_error)
        result.deferred += row.state == State.PENDING and not row.last_error
    for attempt in range(1, 4):
        try:
            _outcomes_save(token, sent, others)
            return
        except DatabaseError:
            if attempt == 3:
                raise
            logger.warning("Recording a batch failed; reconnecting (attempt %s)", attempt)
            connection.close()
            time.sleep(attempt)


def _outcomes_save(token: str, sent: list[Notification], others: list[Notification]) -> None:
    mine = Notification.objects.filter(claim_token=token, state=State.SENDING)
    if others:
        mine.bulk_update(others, OUTCOME_FIELDS)
    if sent:
        mine.bulk_update(sent, ["subject"])
        mine.filter(pk__in=[row.pk for row in sent]).update(
            state=State.SENT, sent_at=sent[0].sent_at, claim_token="", last_error=""
        )
