"""Reads for the time between meetings: gaps, the participant's home, the progress page and
the review of actions. Each answers its page in a fixed number of queries, however many
items there are; permission scoping stays in the models' `visible_to(user)`."""

import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from actionlearning.accounts.models import User
from sets.models import (
    SEATED_ROLES,
    UNFINISHED_ACTION_STATUSES,
    Action,
    ActionUpdate,
    AgendaItem,
    AirtimeBid,
    Barrier,
    CheckIn,
    LearningSet,
    Meeting,
    Membership,
    Question,
    Reflection,
    ReflectionDraft,
    Rsvp,
)

# Meetings that happen (or happened): a cancelled meeting opens and closes no gap.
HAPPENING = (Meeting.Status.SCHEDULED, Meeting.Status.HELD)
HOME_ACTIONS = 20
HOME_REFLECTIONS = 5
HOME_QUESTIONS = 10
PROGRESS_REFLECTIONS = 20
PROGRESS_ANSWERED_QUESTIONS = 10


def set_local_date(learning_set: LearningSet, moment: datetime.datetime) -> datetime.date:
    """The calendar day `moment` falls on where the set meets."""
    return moment.astimezone(zoneinfo.ZoneInfo(learning_set.time_zone)).date()


def joined_set_ids(user: User) -> QuerySet:
    return Membership.objects.active().filter(person=user).values("learning_set_id")


def joined_sets(user: User) -> QuerySet[LearningSet]:
    """The sets `user` is an active member of (staff are not special here)."""
    return LearningSet.objects.filter(pk__in=joined_set_ids(user))


def facilitated_sets(user: User) -> QuerySet[LearningSet]:
    return LearningSet.objects.filter(
        pk__in=joined_set_ids(user).filter(role=Membership.Role.FACILITATOR)
    )


def membership_of(user: User, learning_set: LearningSet) -> Membership | None:
    return Membership.objects.active().filter(learning_set=learning_set, person=user).first()


# --- Gaps between meetings ------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """The time between two meetings; check-ins are one per member per gap."""

    after: Meeting
    before: Meeting


def gap_current(learning_set: LearningSet, *, now: datetime.datetime | None = None) -> Gap | None:
    """The gap we are in: after a meeting has started and before the next one starts."""
    now = now or timezone.now()
    meetings = learning_set.meetings.filter(status__in=HAPPENING)
    after = meetings.filter(starts_at__lte=now).order_by("-starts_at").first()
    before = meetings.filter(starts_at__gt=now).order_by("starts_at").first()
    return Gap(after, before) if after and before else None


def meeting_previous(meeting: Meeting) -> Meeting | None:
    """The last meeting of the set that happened (or will) before `meeting`."""
    return (
        Meeting.objects.filter(
            learning_set_id=meeting.learning_set_id,
            status__in=HAPPENING,
            starts_at__lt=meeting.starts_at,
        )
        .order_by("-starts_at")
        .first()
    )


def meeting_next_after(learning_set: LearningSet, moment: datetime.datetime) -> Meeting | None:
    return (
        learning_set.meetings.filter(status__in=HAPPENING, starts_at__gt=moment)
        .order_by("starts_at")
        .first()
    )


def _with_gap(sets: QuerySet[LearningSet], user: User) -> QuerySet[LearningSet]:
    """Annotates each set's current gap and whether `user` has checked in for it."""
    now = timezone.now()
    happening = Meeting.objects.filter(learning_set=OuterRef("pk"), status__in=HAPPENING)
    started = happening.filter(starts_at__lte=now).order_by("-starts_at")
    coming = happening.filter(starts_at__gt=now).order_by("starts_at")
    role = Membership.objects.active().filter(learning_set=OuterRef("pk"), person=user).order_by()
    return sets.annotate(
        gap_after_id=Subquery(started.values("pk")[:1]),
        gap_before_id=Subquery(coming.values("pk")[:1]),
        gap_before_starts_at=Subquery(coming.values("starts_at")[:1]),
        viewer_role=Subquery(role.values("role")[:1]),
    ).annotate(
        checked_in=Exists(
            CheckIn.objects.filter(person=user, after_meeting_id=OuterRef("gap_after_id"))
        )
    )


# --- The participant's home -----------------------------------------------------------------


@dataclass
class ParticipantHome:
    check_ins_due: list[LearningSet] = field(default_factory=list)
    next_meeting: Meeting | None = None
    open_actions: list[Action] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    sets: Sequence[LearningSet] = field(default_factory=list)
    speaks_for_an_innovation: bool = False
    rsvp_choices = Rsvp.Response.choices


def participant_home(user: User) -> ParticipantHome:
    """Five queries, whatever the number of sets, actions, reflections and questions."""
    # Whether `user` speaks for an innovation rides on the sets query, so it costs no query.
    championed = user.innovations_championed.through.objects.filter(user=user)
    sets = list(
        _with_gap(joined_sets(user), user)
        .annotate(viewer_speaks_for_an_innovation=Exists(championed))
        .order_by("name", "pk")
    )
    set_ids = [learning_set.pk for learning_set in sets]
    questions = _questions_waiting(user, set_ids)
    return ParticipantHome(
        check_ins_due=[s for s in sets if _check_in_due(s)],
        next_meeting=_next_meeting(user, set_ids),
        open_actions=list(
            Action.objects.owned_by(user)
            .unfinished()
            .filter(learning_set_id__in=set_ids)
            .select_related("learning_set")
            .order_by("due_on", "pk")[:HOME_ACTIONS]
        ),
        reflections=list(
            Reflection.objects.visible_to(user)
            .authored_by(user)
            .select_related("learning_set")
            .order_by("-created_at", "-pk")[:HOME_REFLECTIONS]
        ),
        questions=questions,
        sets=sets,
        # Without a set, any question shown is one addressed to the user's innovation.
        speaks_for_an_innovation=(
            sets[0].viewer_speaks_for_an_innovation if sets else bool(questions)
        ),
    )


def _check_in_due(learning_set: Any) -> bool:  # annotated by _with_gap
    return (
        learning_set.viewer_role in SEATED_ROLES
        and learning_set.gap_after_id is not None
        and learning_set.gap_before_id is not None
        and not learning_set.checked_in
    )


def _next_meeting(user: User, set_ids: list[int]) -> Meeting | None:
    own_rsvp = Rsvp.objects.filter(meeting=OuterRef("pk"), person=user)
    return (
        Meeting.objects.upcoming()
        .filter(learning_set_id__in=set_ids)
        .select_related("learning_set")
        .annotate(own_rsvp=Subquery(own_rsvp.values("response")[:1]))
        .order_by("starts_at", "pk")
        .first()
    )


def _questions_waiting(user: User, set_ids: list[int]) -> list[Question]:
    """Unanswered: those of the sets `user` is in and, for an innovator, those addressed
    to their innovation from any set (marked `for_my_innovation`)."""
    # The latest few of each kind, each read from its own index, then joined by UNION:
    # one query with an OR across the two would read the whole table.
    in_my_sets = Question.objects.filter(learning_set_id__in=set_ids).unanswered()
    for_my_innovation = Question.objects.for_innovator(user).unanswered()
    latest = [
        kind.order_by("-created_at", "-pk").values("pk")[:HOME_QUESTIONS]
        for kind in (in_my_sets, for_my_innovation)
    ]
    if connection.features.supports_slicing_ordering_in_compound:
        either = Q(pk__in=latest[0].union(latest[1]))
    else:
        # SQLite (development only) refuses LIMIT inside a UNION; its tables are small.
        either = Q(pk__in=latest[0]) | Q(pk__in=latest[1])
    questions = Question.objects.visible_to(user).filter(either)
    rows: list[Any] = list(
        questions.with_support(user)
        .select_related("learning_set", "asked_by", "asker_organisation")
        .order_by("-created_at", "-pk")[:HOME_QUESTIONS]
    )
    for question in rows:
        question.for_my_innovation = (
            question.learning_set_id not in set_ids and question.asked_by_id != user.pk
        )
    return rows


# --- The facilitator's progress page ---------------------------------------------------------


@dataclass
class MemberProgress:
    membership: Membership
    check_ins: list[CheckIn | None]  # one per gap, in the order of `SetProgress.gaps`

    @property
    def missing(self) -> int:
        return sum(1 for check_in in self.check_ins if check_in is None)


@dataclass
class SetProgress:
    gaps: list[Gap]
    members: list[MemberProgress]
    blocked_actions: list[Action]
    overdue_actions: list[Action]
    barriers_by_category: list[tuple[str, list[Barrier]]]
    unanswered_questions: list[Question]
    answered_questions: list[Question]
    shared_reflections: list[Reflection]


def set_progress(learning_set: LearningSet, viewer: User) -> SetProgress:
    """Seven queries, however many members, actions, barriers, questions and reflections."""
    gaps = _gaps_begun(learning_set)
    members = list(
        Membership.objects.active()
        .seated()
        .filter(learning_set=learning_set)
        .select_related("person", "organisation")
        .order_by("person__full_name", "pk")
    )
    check_ins = {
        (check_in.person_id, check_in.after_meeting_id): check_in
        for check_in in CheckIn.objects.visible_to(viewer).filter(learning_set=learning_set)
    }
    stuck = _actions_stuck(learning_set, viewer)
    last_meeting = gaps[-1].after if gaps else None
    questions = _questions_for_progress(learning_set, viewer, since=last_meeting)
    return SetProgress(
        gaps=gaps,
        members=[
            MemberProgress(m, [check_ins.get((m.person_id, gap.after.pk)) for gap in gaps])
            for m in members
        ],
        blocked_actions=[a for a in stuck if a.status == Action.Status.BLOCKED],
        overdue_actions=[a for a in stuck if a.is_overdue],
        barriers_by_category=_barriers_by_category(learning_set, viewer),
        unanswered_questions=[q for q in questions if not q.is_answered],
        answered_questions=[q for q in questions if q.is_answered][:PROGRESS_ANSWERED_QUESTIONS],
        shared_reflections=list(
            Reflection.objects.visible_to(viewer)
            .filter(learning_set=learning_set)
            .shared()
            .select_related("author", "meeting")
            .order_by("-created_at", "-pk")[:PROGRESS_REFLECTIONS]
        ),
    )


def _gaps_begun(learning_set: LearningSet) -> list[Gap]:
    """Every gap whose first meeting has started, oldest first (the last is the current one)."""
    now = timezone.now()
    meetings = list(learning_set.meetings.filter(status__in=HAPPENING).order_by("starts_at"))
    return [
        Gap(after, before)
        for after, before in zip(meetings, meetings[1:], strict=False)
        if after.starts_at <= now
    ]


def _actions_stuck(learning_set: LearningSet, viewer: User) -> list[Action]:
    today = timezone.localdate()
    return list(
        Action.objects.visible_to(viewer)
        .filter(learning_set=learning_set)
        .unfinished()
        .filter(Q(status=Action.Status.BLOCKED) | Q(due_on__lt=today))
        .select_related("owner")
        .order_by("due_on", "pk")
    )


def _barriers_by_category(
    learning_set: LearningSet, viewer: User
) -> list[tuple[str, list[Barrier]]]:
    grouped: dict[str, list[Barrier]] = {}
    barriers = (
        Barrier.objects.visible_to(viewer)
        .filter(learning_set=learning_set)
        .unresolved()
        .select_related("raised_by")
        .order_by("category", "-raised_at", "-pk")
    )
    for barrier in barriers:
        grouped.setdefault(barrier.get_category_display(), []).append(barrier)
    return list(grouped.items())


def _questions_for_progress(
    learning_set: LearningSet, viewer: User, *, since: Meeting | None
) -> list[Question]:
    """All unanswered, and those answered since the last meeting started."""
    answered_lately = Q(status=Question.Status.ANSWERED)
    if since is not None:
        answered_lately &= Q(answered_at__gte=since.starts_at)
    return list(
        Question.objects.visible_to(viewer)
        .filter(learning_set=learning_set)
        .filter(Q(status=Question.Status.OPEN) | answered_lately)
        .with_support(viewer)
        .select_related("asked_by", "answered_by")
        .order_by("-created_at", "-pk")
    )


# --- At a meeting ----------------------------------------------------------------------------


def actions_for_review(meeting: Meeting, viewer: User) -> list[tuple[User, list[Action]]]:
    """Each member's actions since the last meeting, and any still unfinished from before,
    with their updates: what the "review of actions" agenda item goes through."""
    previous = meeting_previous(meeting)
    actions = (
        Action.objects.visible_to(viewer)
        .filter(learning_set_id=meeting.learning_set_id, created_at__lt=meeting.starts_at)
        .exclude(meeting=meeting)
    )
    if previous is not None:
        actions = actions.filter(
            Q(created_at__gte=previous.starts_at)
            | Q(meeting=previous)
            | Q(status__in=UNFINISHED_ACTION_STATUSES)
        )
    by_owner: dict[int, tuple[User, list[Action]]] = {}
    for action in (
        actions.select_related("owner")
        .prefetch_related(
            Prefetch("updates", queryset=ActionUpdate.objects.order_by("written_at", "pk"))
        )
        .order_by("owner__full_name", "owner_id", "due_on", "pk")
    ):
        by_owner.setdefault(action.owner_id, (action.owner, []))[1].append(action)
    return list(by_owner.values())


def airtime_rounds(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.filter(kind=AgendaItem.Kind.AIRTIME).order_by("position"))


def airtime_bids(meeting: Meeting, viewer: User) -> list[AirtimeBid]:
    return list(
        AirtimeBid.objects.visible_to(viewer)
        .filter(meeting=meeting)
        .select_related("person", "round")
        .order_by("round__position", "position", "created_at", "pk")
    )


def reflection_draft_of(
    user: User, learning_set: LearningSet, reflection: Reflection | None = None
) -> ReflectionDraft | None:
    return ReflectionDraft.objects.filter(
        author=user, learning_set=learning_set, reflection=reflection
    ).first()
