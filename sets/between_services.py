"""Every change to reflections, actions, questions, barriers, airtime bids and check-ins.

A rule broken by the caller raises `ValidationError`, keyed by the form field it is about
where there is one, so a view can show it beside that field and keep what was typed.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actionlearning.accounts.models import User
from innovations.models import Adoption
from sets.between_queries import (
    gap_current,
    meeting_next_after,
    membership_of,
    set_local_date,
)
from sets.models import (
    REFLECTION_STAGES,
    SEATED_ROLES,
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
    QuestionSupport,
    Reflection,
    ReflectionDraft,
    ReflectionTemplate,
    ReflectionVersion,
)
from sets.tasks import plan_set_notifications

EMPTY_REFLECTION = "Write at least one part of your reflection before you save it."
NOT_A_MEMBER = "Only active members of the set can do this."


def _active_membership(learning_set: LearningSet, person: User) -> Membership:
    membership = membership_of(person, learning_set)
    if membership is None:
        raise ValidationError(NOT_A_MEMBER, code="not_a_member")
    return membership


def _meeting_of_set(learning_set: LearningSet, meeting: Meeting | None, field: str) -> None:
    if meeting is not None and meeting.learning_set_id != learning_set.pk:
        raise ValidationError({field: "Choose a meeting of this set."})


# --- Reflections ---------------------------------------------------------------------------


def _stages_clean(template: str, stages: dict[str, str]) -> dict[str, str]:
    """Only the template's own stages, trimmed; refuses a reflection with nothing in it."""
    fields = REFLECTION_STAGES[ReflectionTemplate(template)]
    cleaned = {name: (stages.get(name) or "").strip() for name in fields}
    if not any(cleaned.values()):
        raise ValidationError({fields[0]: EMPTY_REFLECTION}, code="empty")
    return cleaned


def _version_keep(reflection: Reflection) -> ReflectionVersion:
    last = reflection.versions.order_by("-number").values_list("number", flat=True).first()
    return ReflectionVersion.objects.create(
        reflection=reflection,
        number=(last or 0) + 1,
        template=reflection.template,
        title=reflection.title,
        stages={name: getattr(reflection, name) for name in reflection.stage_fields},
        visibility=reflection.visibility,
        saved_at=reflection.updated_at,
    )


def reflection_create(
    *,
    author: User,
    learning_set: LearningSet,
    template: str,
    stages: dict[str, str],
    visibility: str = Reflection.Visibility.PRIVATE,
    title: str = "",
    meeting: Meeting | None = None,
    action: Action | None = None,
) -> Reflection:
    """A new reflection (private unless shared), its first version, and no draft left over."""
    _active_membership(learning_set, author)
    _meeting_of_set(learning_set, meeting, "meeting")
    if action is not None and (action.learning_set_id != learning_set.pk):
        raise ValidationError({"action": "Choose an action of this set."})
    reflection = Reflection(
        author=author,
        learning_set=learning_set,
        template=template,
        title=title.strip(),
        visibility=visibility,
        meeting=meeting,
        action=action,
        **_stages_clean(template, stages),
    )
    reflection.full_clean()
    with transaction.atomic():
        reflection.save()
        _version_keep(reflection)
        reflection_draft_discard(author=author, learning_set=learning_set)
    return reflection


def reflection_update(
    *,
    reflection: Reflection,
    stages: dict[str, str],
    visibility: str,
    title: str = "",
    meeting: Meeting | None = None,
    action: Action | None = None,
) -> Reflection:
    """Changes a reflection, keeping what it said before as a version of its history.
    Once the author has left the set, what the set can read of theirs no longer changes:
    they may still edit a reflection that is and stays private to them."""
    if not (reflection.is_private and visibility == Reflection.Visibility.PRIVATE):
        _active_membership(reflection.learning_set, reflection.author)
    _meeting_of_set(reflection.learning_set, meeting, "meeting")
    cleaned = _stages_clean(reflection.template, stages)
    for name, text in cleaned.items():
        setattr(reflection, name, text)
    reflection.title = title.strip()
    reflection.visibility = visibility
    reflection.meeting = meeting
    reflection.action = action
    reflection.updated_at = timezone.now()
    reflection.full_clean()
    with transaction.atomic():
        reflection.save()
        _version_keep(reflection)
        reflection_draft_discard(
            author=reflection.author, learning_set=reflection.learning_set, reflection=reflection
        )
    return reflection


def reflection_draft_save(
    *,
    author: User,
    learning_set: LearningSet,
    template: str,
    fields: dict[str, str],
    reflection: Reflection | None = None,
) -> ReflectionDraft:
    """Keeps exactly what was typed, whatever it is, until the reflection is saved."""
    if reflection is not None and reflection.author_id != author.pk:
        raise ValidationError("Only the author can keep a draft of a reflection.")
    with transaction.atomic():
        draft, _ = ReflectionDraft.objects.update_or_create(
            author=author,
            learning_set=learning_set,
            reflection=reflection,
            defaults={
                "template": template,
                "fields": {name: str(value) for name, value in fields.items()},
                "saved_at": timezone.now(),
            },
        )
    return draft


def reflection_draft_discard(
    *, author: User, learning_set: LearningSet, reflection: Reflection | None = None
) -> None:
    ReflectionDraft.objects.filter(
        author=author, learning_set=learning_set, reflection=reflection
    ).delete()


# --- Actions -------------------------------------------------------------------------------


def action_default_due_on(
    learning_set: LearningSet, *, meeting: Meeting | None = None
) -> datetime.date | None:
    """The date of the meeting after the one it comes from (or after now), in the set's zone."""
    after = meeting.starts_at if meeting is not None else timezone.now()
    following = meeting_next_after(learning_set, after)
    return set_local_date(learning_set, following.starts_at) if following else None


def action_create(
    *,
    learning_set: LearningSet,
    owner: User,
    text: str,
    created_by: User,
    due_on: datetime.date | None = None,
    meeting: Meeting | None = None,
) -> Action:
    """A commitment, due by the next meeting unless a date is given. Members record their
    own; facilitators record anyone's (at a meeting, say)."""
    recorder = _active_membership(learning_set, created_by)
    if owner.pk != created_by.pk and not recorder.is_facilitator:
        raise ValidationError({"owner": "You can record your own actions only."})
    if membership_of(owner, learning_set) is None:
        raise ValidationError({"owner": "The owner must be an active member of the set."})
    _meeting_of_set(learning_set, meeting, "meeting")
    made_on = set_local_date(learning_set, meeting.starts_at if meeting else timezone.now())
    due_on = due_on or action_default_due_on(learning_set, meeting=meeting)
    if due_on is None:
        raise ValidationError({"due_on": "Enter the date it is due by."})
    if due_on < made_on:
        raise ValidationError({"due_on": _due_too_early(made_on, meeting)}, code="due_too_early")
    action = Action(
        learning_set=learning_set,
        owner=owner,
        text=text.strip(),
        made_on=made_on,
        due_on=due_on,
        meeting=meeting,
        created_by=created_by,
    )
    action.full_clean()
    action.save()
    transaction.on_commit(lambda: plan_set_notifications.delay(learning_set_id=learning_set.pk))
    return action


def _due_too_early(made_on: datetime.date, meeting: Meeting | None) -> str:
    day = f"{made_on:%A} {made_on.day} {made_on:%B %Y}"
    if meeting is not None:
        return f"The due date must be on or after the meeting it came from ({day})."
    return f"The due date must be today ({day}) or later."


def action_progress_record(
    *,
    action: Action,
    written_by: User,
    status: str,
    text: str = "",
    check_in: CheckIn | None = None,
) -> ActionUpdate | None:
    """A dated update by the action's owner; None when nothing changed and nothing was said."""
    if written_by.pk != action.owner_id:
        raise ValidationError("Only the owner of an action can record progress on it.")
    _active_membership(action.learning_set, written_by)
    if status not in Action.Status.values:
        raise ValidationError({"status": "Choose a status from the list."})
    text = text.strip()
    if status == action.status and not text:
        if check_in is not None:
            return None
        raise ValidationError({"text": "Say what progress you made, or change the status."})
    now = timezone.now()
    with transaction.atomic():
        if status != action.status:
            action.status = status
            action.status_changed_at = now
            action.save(update_fields=["status", "status_changed_at"])
            transaction.on_commit(
                lambda: plan_set_notifications.delay(learning_set_id=action.learning_set_id)
            )
        return ActionUpdate.objects.create(
            action=action,
            written_by=written_by,
            text=text,
            status=status,
            check_in=check_in,
            written_at=now,
        )


# --- Questions -----------------------------------------------------------------------------


def question_ask(
    *, learning_set: LearningSet, asked_by: User, text: str, addressed_to: str
) -> Question:
    membership = _active_membership(learning_set, asked_by)
    question = Question(
        learning_set=learning_set,
        innovation_id=learning_set.innovation_id,
        asked_by=asked_by,
        asker_organisation_id=membership.organisation_id or asked_by.organisation_id,
        addressed_to=addressed_to,
        text=text.strip(),
    )
    question.full_clean()
    question.save()
    return question


def question_support(*, question: Question, person: User) -> QuestionSupport:
    """One support per person; the asker's own question needs none of theirs."""
    _active_membership(question.learning_set, person)
    if question.asked_by_id == person.pk:
        raise ValidationError("You asked this question, so it already counts as yours.")
    if question.supports.filter(person=person).exists():
        raise ValidationError("You already support this question.", code="already_supported")
    try:
        with transaction.atomic():
            return QuestionSupport.objects.create(question=question, person=person)
    except IntegrityError as error:
        raise ValidationError(
            "You already support this question.", code="already_supported"
        ) from error


def may_answer(question: Question, person: User) -> bool:
    """Innovator questions: the innovation's innovators. Set questions: its active members."""
    if question.is_for_innovator:
        return question.innovation.innovators.filter(pk=person.pk).exists()
    return membership_of(person, question.learning_set) is not None


def question_answer(*, question: Question, answered_by: User, answer: str) -> Question:
    if not may_answer(question, answered_by):
        who = "the innovator" if question.is_for_innovator else "members of the set"
        raise ValidationError(f"This question is for {who} to answer.")
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "Write your answer."})
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.is_answered:
            raise ValidationError(
                {"answer": "Someone answered this question while you were writing."},
                code="already_answered",
            )
        question.answer = answer
        question.answered_by = answered_by
        question.answered_at = timezone.now()
        question.status = Question.Status.ANSWERED
        question.save(update_fields=["answer", "answered_by", "answered_at", "status"])
    return question


# --- Barriers ------------------------------------------------------------------------------


def _adoption_of(membership: Membership, learning_set: LearningSet) -> Adoption | None:
    organisation_id = membership.organisation_id or membership.person.organisation_id
    if organisation_id is None:
        return None
    return Adoption.objects.filter(
        organisation_id=organisation_id, innovation_id=learning_set.innovation_id
    ).first()


def barrier_raise(
    *,
    learning_set: LearningSet,
    raised_by: User,
    category: str,
    description: str,
    help_wanted: bool = False,
    check_in: CheckIn | None = None,
    reflection: Reflection | None = None,
) -> Barrier:
    """Linked to the raiser's organisation's adoption of the set's innovation, if any."""
    membership = _active_membership(learning_set, raised_by)
    if reflection is not None and reflection.author_id != raised_by.pk:
        raise ValidationError("You can raise a barrier from your own reflections only.")
    barrier = Barrier(
        learning_set=learning_set,
        raised_by=raised_by,
        category=category,
        description=description.strip(),
        help_wanted=help_wanted,
        check_in=check_in,
        reflection=reflection,
        adoption=_adoption_of(membership, learning_set),
    )
    barrier.full_clean()
    barrier.save()
    return barrier


def barrier_resolve(*, barrier: Barrier, resolved_by: User, resolution: str) -> Barrier:
    """By whoever raised it or a facilitator of the set, while an active member of it."""
    membership = _active_membership(barrier.learning_set, resolved_by)
    if resolved_by.pk != barrier.raised_by_id and not membership.is_facilitator:
        raise ValidationError("Only whoever raised it or a facilitator can resolve a barrier.")
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError({"resolution": "Say how it was resolved."})
    barrier.status = Barrier.Status.RESOLVED
    barrier.resolution = resolution
    barrier.resolved_by = resolved_by
    barrier.resolved_at = timezone.now()
    barrier.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return barrier


# --- Airtime -------------------------------------------------------------------------------


def airtime_bid_make(*, meeting: Meeting, person: User, statement: str) -> AirtimeBid:
    """Asks for airtime before the meeting starts; a second bid changes the first."""
    _active_membership(meeting.learning_set, person)
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        raise ValidationError("Bids for airtime close when the meeting starts.")
    statement = " ".join(statement.split())
    if not statement:
        raise ValidationError({"statement": "Say in a line what problem you want to bring."})
    bid, _ = AirtimeBid.objects.update_or_create(
        meeting=meeting,
        person=person,
        defaults={"statement": statement, "updated_at": timezone.now()},
    )
    return bid


@dataclass(frozen=True)
class Placement:
    bid_id: int
    round_id: int | None
    position: int | None


def airtime_bids_order(
    *, meeting: Meeting, ordered_by: User, placements: list[Placement]
) -> list[AirtimeBid]:
    """The facilitator places bids in the meeting's airtime rounds, in order."""
    membership = membership_of(ordered_by, meeting.learning_set)
    if membership is None or not membership.is_facilitator:
        raise ValidationError("Only the set's facilitators can order the bids.")
    rounds = set(
        meeting.agenda_items.filter(kind=AgendaItem.Kind.AIRTIME).values_list("pk", flat=True)
    )
    bids = {bid.pk: bid for bid in meeting.airtime_bids.all()}
    with transaction.atomic():
        for placement in placements:
            bid = bids.get(placement.bid_id)
            if bid is None or (placement.round_id and placement.round_id not in rounds):
                raise ValidationError("Place each bid in one of this meeting's airtime rounds.")
            bid.round_id = placement.round_id
            bid.position = placement.position if placement.round_id else None
            bid.save(update_fields=["round", "position"])
    return list(bids.values())


# --- Check-ins -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionProgress:
    status: str
    text: str = ""


@dataclass(frozen=True)
class BarrierInput:
    category: str
    description: str
    help_wanted: bool = False


def check_in_submit(
    *,
    learning_set: LearningSet,
    person: User,
    confidence: int,
    progress: dict[int, ActionProgress],
    help_wanted: bool = False,
    help_note: str = "",
    note: str = "",
    barrier: BarrierInput | None = None,
) -> CheckIn:
    """The member's one check-in for the current gap, with progress on each open action and,
    optionally, a barrier."""
    membership = _active_membership(learning_set, person)
    if membership.role not in SEATED_ROLES:
        raise ValidationError("Check-ins are for the set's participants.")
    gap = gap_current(learning_set)
    if gap is None:
        raise ValidationError("There is no check-in now: it opens after a meeting.")
    already = CheckIn.objects.filter(person=person, after_meeting=gap.after).first()
    if already is not None:
        raise _already_checked_in(already)
    check_in = CheckIn(
        learning_set=learning_set,
        person=person,
        after_meeting=gap.after,
        before_meeting=gap.before,
        confidence=confidence,
        help_wanted=help_wanted,
        help_note=help_note.strip(),
        note=note.strip(),
    )
    check_in.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            check_in.save()
            _check_in_progress(check_in, person, progress)
            if barrier is not None:
                barrier_raise(
                    learning_set=learning_set,
                    raised_by=person,
                    check_in=check_in,
                    category=barrier.category,
                    description=barrier.description,
                    help_wanted=barrier.help_wanted,
                )
    except IntegrityError as error:
        raise _already_checked_in(None) from error
    return check_in


def _check_in_progress(check_in: CheckIn, person: User, progress: dict[int, ActionProgress]):
    actions = Action.objects.owned_by(person).filter(
        learning_set=check_in.learning_set, pk__in=list(progress)
    )
    for action in actions:
        update = progress[action.pk]
        action_progress_record(
            action=action,
            written_by=person,
            status=update.status,
            text=update.text,
            check_in=check_in,
        )


def _already_checked_in(check_in: CheckIn | None) -> ValidationError:
    when = ""
    if check_in is not None:
        day = timezone.localtime(check_in.submitted_at)
        when = f" on {day:%A} {day.day} {day:%B}"
    return ValidationError(
        f"You have already checked in{when} for the time since the last meeting. "
        "There is one check-in between each pair of meetings.",
        code="already_checked_in",
    )
