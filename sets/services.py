"""Every change to sets, members, invitations and meetings goes through here.

A rule broken by the caller raises `ValidationError`, keyed by the form field it is
about where there is one, so a view can show it beside that field.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import pluralize
from django.utils import timezone

from actionlearning.accounts.models import User
from innovations.models import Innovation, Organisation
from sets.agenda import AgendaEntry, classic_agenda
from sets.emails import invitation_email_queue, renewal_request_email_queue
from sets.ground_rules import DEFAULT_GROUND_RULES
from sets.models import (
    INVITATION_DAYS,
    SEATED_ROLES,
    AgendaItem,
    Attendance,
    CalendarFeed,
    GroundRules,
    Invitation,
    LearningSet,
    Meeting,
    Membership,
    Role,
    Rsvp,
)
from sets.notifications import meeting_change_notify, notifications_plan
from sets.queries import ground_rules_current, invitation_is_for, invitation_refusals, seats_taken
from sets.schedule import NonexistentLocalTime, SeriesPlan
from sets.tokens import token_hash, token_new

# --- Sets -------------------------------------------------------------------------------


def set_create(
    *,
    created_by: User,
    innovation: Innovation,
    name: str,
    purpose: str,
    time_zone: str,
    planned_meetings: int,
    cadence_weeks: int,
    meeting_minutes: int,
    capacity: int = 8,
    series: SeriesPlan | None = None,
) -> LearningSet:
    """A new set, its default ground rules, its creator as facilitator, and its meetings."""
    learning_set = LearningSet(
        created_by=created_by,
        innovation=innovation,
        name=name,
        purpose=purpose,
        time_zone=time_zone,
        planned_meetings=planned_meetings,
        cadence_weeks=cadence_weeks,
        meeting_minutes=meeting_minutes,
        capacity=capacity,
    )
    learning_set.full_clean()
    with transaction.atomic():
        learning_set.save()
        rules = GroundRules.objects.create(
            learning_set=learning_set, version=1, text=DEFAULT_GROUND_RULES, written_by=created_by
        )
        _membership_activate(
            learning_set=learning_set,
            person=created_by,
            role=Role.FACILITATOR,
            organisation=created_by.organisation,
            ground_rules=rules,
        )
        if series is not None:
            meeting_series_plan(learning_set=learning_set, plan=series)
    return learning_set


SET_EDITABLE_FIELDS = (
    "name",
    "purpose",
    "status",
    "planned_meetings",
    "cadence_weeks",
    "meeting_minutes",
    "time_zone",
    "capacity",
)


def set_update(*, learning_set: LearningSet, **changes) -> LearningSet:
    """Changes any of SET_EDITABLE_FIELDS; meetings already planned keep their times."""
    unknown = set(changes) - set(SET_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"set_update() cannot change {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(learning_set, field, value)
    learning_set.full_clean()
    learning_set.save(update_fields=list(changes))
    notifications_plan(learning_set=learning_set)
    return learning_set


def ground_rules_update(*, learning_set: LearningSet, text: str, written_by: User) -> GroundRules:
    """A new version when the text changed; members keep the version they agreed to."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise ValidationError({"ground_rules": "Write the ground rules; a set needs them."})
    with transaction.atomic():
        LearningSet.objects.select_for_update().get(pk=learning_set.pk)
        current = ground_rules_current(learning_set)
        if current.text.strip() == text:
            return current
        return GroundRules.objects.create(
            learning_set=learning_set, version=current.version + 1, text=text, written_by=written_by
        )


# --- Members ----------------------------------------------------------------------------


def _capacity_check(*, learning_set: LearningSet, adding: int, allow_over_capacity: bool) -> None:
    taken = seats_taken(learning_set)
    capacity = learning_set.capacity
    if adding and not allow_over_capacity and taken + adding > capacity:
        places = f"{capacity} place{pluralize(capacity)}"
        raise ValidationError(
            {
                "allow_over_capacity": (
                    f"This would give the set {taken + adding} members, but it has {places} "
                    f"({taken} taken). Invite fewer people, or tick the box to go beyond the "
                    "set's capacity."
                )
            },
            code="over_capacity",
        )


def _membership_activate(
    *,
    learning_set: LearningSet,
    person: User,
    role: str,
    organisation: Organisation | None,
    ground_rules: GroundRules,
) -> Membership:
    now = timezone.now()
    membership, _ = Membership.objects.update_or_create(
        learning_set=learning_set,
        person=person,
        defaults={
            "role": role,
            "organisation": organisation,
            "state": Membership.State.ACTIVE,
            "ground_rules": ground_rules,
            "consented_at": now,
            "joined_at": now,
            "left_at": None,
        },
    )
    notifications_plan(learning_set=learning_set)
    return membership


def membership_add(
    *,
    learning_set: LearningSet,
    person: User,
    role: str,
    organisation: Organisation | None = None,
    allow_over_capacity: bool = False,
) -> Membership:
    """Someone who agreed to the current ground rules outside the app (e.g. on paper)."""
    with transaction.atomic():
        LearningSet.objects.select_for_update().get(pk=learning_set.pk)
        already = Membership.objects.active().filter(learning_set=learning_set, person=person)
        seated = role in SEATED_ROLES and not already.exists()
        _capacity_check(
            learning_set=learning_set, adding=int(seated), allow_over_capacity=allow_over_capacity
        )
        return _membership_activate(
            learning_set=learning_set,
            person=person,
            role=role,
            organisation=organisation or person.organisation,
            ground_rules=ground_rules_current(learning_set),
        )


def membership_leave(*, membership: Membership) -> Membership:
    """Leaving is always allowed; what the person wrote stays theirs."""
    if membership.state != Membership.State.ACTIVE:
        raise ValidationError("You are not an active member of this set.")
    membership.state = Membership.State.LEFT
    membership.left_at = timezone.now()
    membership.save(update_fields=["state", "left_at"])
    notifications_plan(learning_set=membership.learning_set)
    return membership


# --- Invitations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    email: str
    organisation: Organisation | None = None


def _token_issue(invitation: Invitation, *, now: datetime.datetime) -> str:
    token = token_new()
    invitation.token_hash = token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
    return token


def invitations_send(
    *,
    learning_set: LearningSet,
    invited_by: User,
    invitees: list[Invitee],
    role: str,
    message: str = "",
    allow_over_capacity: bool = False,
) -> list[Invitation]:
    """Invites each address; refuses the whole batch if one is a member or already invited."""
    if learning_set.status == LearningSet.Status.CLOSED:
        raise ValidationError("This set has closed; it takes no new members.")
    with transaction.atomic():
        LearningSet.objects.select_for_update().get(pk=learning_set.pk)
        refusals = invitation_refusals(
            learning_set=learning_set, emails=[invitee.email for invitee in invitees]
        )
        if refusals:
            raise ValidationError({"emails": [f"{email} {why}" for email, why in refusals.items()]})
        seated = len(invitees) if role in SEATED_ROLES else 0
        _capacity_check(
            learning_set=learning_set, adding=seated, allow_over_capacity=allow_over_capacity
        )
        return [
            _invitation_create(
                learning_set=learning_set,
                invited_by=invited_by,
                invitee=invitee,
                role=role,
                message=message,
            )
            for invitee in invitees
        ]


def _invitation_create(
    *, learning_set: LearningSet, invited_by: User, invitee: Invitee, role: str, message: str
) -> Invitation:
    now = timezone.now()
    # An expired invitation to the same address gives way to the new one.
    Invitation.objects.unanswered().filter(
        learning_set=learning_set, email__iexact=invitee.email
    ).update(revoked_at=now)
    invitation = Invitation(
        learning_set=learning_set,
        email=invitee.email,
        organisation=invitee.organisation,
        role=role,
        message=message,
        invited_by=invited_by,
    )
    token = _token_issue(invitation, now=now)
    invitation.save()
    _invited_membership_mark(invitation)
    invitation_email_queue(invitation=invitation, token=token)
    return invitation


def _invited_membership_mark(invitation: Invitation) -> None:
    """Someone who already has an account shows as invited among the set's members."""
    person = User.objects.filter(email__iexact=invitation.email).first()
    if person is None:
        return
    Membership.objects.update_or_create(
        learning_set=invitation.learning_set,
        person=person,
        defaults={
            "state": Membership.State.INVITED,
            "role": invitation.role,
            "organisation": invitation.organisation or person.organisation,
        },
    )


def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A fresh link, valid for another 14 days; the old link stops working."""
    if invitation.response or invitation.revoked_at:
        raise ValidationError("This invitation has been answered or withdrawn; send a new one.")
    with transaction.atomic():
        token = _token_issue(invitation, now=timezone.now())
        invitation.send_count += 1
        invitation.renewal_requested_at = None
        invitation.save(
            update_fields=[
                "token_hash",
                "sent_at",
                "expires_at",
                "send_count",
                "renewal_requested_at",
            ]
        )
        invitation_email_queue(invitation=invitation, token=token)
    return invitation


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.response:
        raise ValidationError("This invitation has already been answered.")
    if invitation.revoked_at:
        return invitation
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        invited = Membership.objects.filter(
            learning_set=invitation.learning_set,
            person__email__iexact=invitation.email,
            state=Membership.State.INVITED,
        )
        # Someone who had been a member before goes back to having left.
        invited.filter(left_at__isnull=False).update(state=Membership.State.LEFT)
        invited.filter(left_at__isnull=True).delete()
    return invitation


UNUSABLE = {
    "accepted": "This invitation has already been used.",
    "declined": "This invitation has already been declined.",
    "revoked": "This invitation has been withdrawn.",
    "expired": "This invitation has expired.",
}


def _invitation_lock(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_usable:
        raise ValidationError(UNUSABLE[locked.status], code=locked.status)
    return locked


def invitation_accept(
    *, invitation: Invitation, person: User, ground_rules: GroundRules
) -> Membership:
    """Joins the set, recording consent to the version of the ground rules the person read."""
    if not invitation_is_for(invitation, person):
        raise ValidationError(f"This invitation was sent to {invitation.email}, not to you.")
    if invitation.learning_set.status == LearningSet.Status.CLOSED:
        raise ValidationError("This set has closed.")
    with transaction.atomic():
        invitation = _invitation_lock(invitation)
        if ground_rules != ground_rules_current(invitation.learning_set):
            raise ValidationError(
                {"agree": "The ground rules changed while you were reading. Read them again."},
                code="ground_rules_changed",
            )
        membership = _membership_activate(
            learning_set=invitation.learning_set,
            person=person,
            role=invitation.role,
            organisation=invitation.organisation or person.organisation,
            ground_rules=ground_rules,
        )
        _invitation_answer(invitation, Invitation.Response.ACCEPTED, person)
    return membership


def invitation_decline(*, invitation: Invitation, person: User | None = None) -> Invitation:
    """No reason asked. A known person shows as declined among the set's members."""
    with transaction.atomic():
        invitation = _invitation_lock(invitation)
        if person is None or not invitation_is_for(invitation, person):
            person = User.objects.filter(email__iexact=invitation.email).first()
        if person is not None:
            _membership_decline(invitation, person)
        _invitation_answer(invitation, Invitation.Response.DECLINED, person)
    return invitation


def _membership_decline(invitation: Invitation, person: User) -> None:
    membership, created = Membership.objects.get_or_create(
        learning_set=invitation.learning_set,
        person=person,
        defaults={
            "state": Membership.State.DECLINED,
            "role": invitation.role,
            "organisation": invitation.organisation or person.organisation,
        },
    )
    if not created and membership.state == Membership.State.INVITED:
        membership.state = Membership.State.DECLINED
        membership.save(update_fields=["state"])


def _invitation_answer(invitation: Invitation, response: str, person: User | None) -> None:
    invitation.response = response
    invitation.responded_at = timezone.now()
    invitation.person = person
    invitation.save(update_fields=["response", "responded_at", "person"])


def invitation_renewal_request(*, invitation: Invitation) -> bool:
    """Asks whoever sent it for a new link, once. False if already asked or still usable."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.is_usable or invitation.renewal_requested_at:
            return False
        invitation.renewal_requested_at = timezone.now()
        invitation.save(update_fields=["renewal_requested_at"])
        renewal_request_email_queue(invitation=invitation)
    return True


# --- Meetings ---------------------------------------------------------------------------


def meeting_series_plan(
    *, learning_set: LearningSet, plan: SeriesPlan, record_past: bool = False
) -> list[Meeting]:
    """Meetings numbered on from the last one, each with the classic agenda.

    `record_past` lets meetings that already happened be entered (the demo, imports).
    """
    try:
        times = plan.times(learning_set.time_zone)
    except NonexistentLocalTime as error:
        raise ValidationError({"start_time": str(error)}, code="nonexistent_time") from error
    if times[0][0] <= timezone.now() and not record_past:
        raise ValidationError({"first_day": "The first meeting must be in the future."})
    with transaction.atomic():
        LearningSet.objects.select_for_update().get(pk=learning_set.pk)
        last = learning_set.meetings.aggregate(last=Max("number"))["last"] or 0
        meetings = Meeting.objects.bulk_create(
            _series_meeting(learning_set, plan, last + index + 1, index, starts, ends)
            for index, (starts, ends) in enumerate(times)
        )
        _agendas_create(meetings, classic_agenda(plan.minutes))
        notifications_plan(learning_set=learning_set)
    return meetings


def _series_meeting(
    learning_set: LearningSet,
    plan: SeriesPlan,
    number: int,
    index: int,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> Meeting:
    is_visit = plan.first_is_visit and index == 0
    source = learning_set.innovation.source_organisation
    return Meeting(
        learning_set=learning_set,
        number=number,
        title=f"Visit to {source}" if is_visit else f"Meeting {number}",
        starts_at=starts_at,
        ends_at=ends_at,
        format=Meeting.Format.VISIT if is_visit else plan.format,
        place="" if plan.format == Meeting.Format.ONLINE and not is_visit else plan.place,
        joining_link="" if is_visit else plan.joining_link,
    )


def _agendas_create(meetings: list[Meeting], entries: list[AgendaEntry]) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position, kind=entry.kind, minutes=entry.minutes)
        for meeting in meetings
        for position, entry in enumerate(entries, start=1)
    )


def _meeting_changed(meeting: Meeting, fields: list[str]) -> None:
    """Saves, and tells calendars a new version of the meeting exists."""
    meeting.sequence += 1
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=[*fields, "sequence", "updated_at"])


def meeting_reschedule(
    *,
    meeting: Meeting,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    title: str | None = None,
    format: str | None = None,
    place: str | None = None,
    joining_link: str | None = None,
) -> Meeting:
    """Moves (or reinstates) a meeting; it stays the same meeting, in calendars too."""
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError("This meeting has been held; it cannot be moved.")
    if ends_at <= starts_at:
        raise ValidationError({"end_time": "The end must be after the start."})
    if starts_at != meeting.starts_at and starts_at <= timezone.now():
        raise ValidationError({"day": "The meeting must be in the future."})
    changes = {"starts_at": starts_at, "ends_at": ends_at, "status": Meeting.Status.SCHEDULED}
    optional = {"title": title, "format": format, "place": place, "joining_link": joining_link}
    changes |= {field: value for field, value in optional.items() if value is not None}
    changed = [field for field, value in changes.items() if getattr(meeting, field) != value]
    for field in changed:
        setattr(meeting, field, changes[field])
    meeting.full_clean(exclude=["learning_set"])
    if changed:
        _meeting_changed(meeting, changed)
    meeting_change_notify(meeting=meeting, changed=changed)
    return meeting


def meeting_cancel(*, meeting: Meeting) -> Meeting:
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError("This meeting has been held; it cannot be cancelled.")
    if meeting.is_cancelled:
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    _meeting_changed(meeting, ["status"])
    meeting_change_notify(meeting=meeting, changed=["status"])
    return meeting


def meeting_agenda_set(*, meeting: Meeting, entries: list[AgendaEntry]) -> list[AgendaItem]:
    """Replaces the agenda with `entries`, in that order."""
    with transaction.atomic():
        meeting.agenda_items.all().delete()
        items = AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                position=position,
                kind=entry.kind,
                title=entry.title,
                minutes=entry.minutes,
            )
            for position, entry in enumerate(entries, start=1)
        )
        _meeting_changed(meeting, [])
    return items


def meeting_notes_update(*, meeting: Meeting, notes: str) -> Meeting:
    meeting.facilitator_notes = notes
    meeting.save(update_fields=["facilitator_notes"])
    return meeting


def rsvp_record(*, meeting: Meeting, person: User, response: str) -> Rsvp:
    if not meeting.learning_set.memberships.active().filter(person=person).exists():
        raise ValidationError("Only members of the set can answer.")
    if meeting.status != Meeting.Status.SCHEDULED or meeting.ends_at <= timezone.now():
        raise ValidationError("This meeting is not coming up, so it takes no answers.")
    rsvp, _ = Rsvp.objects.update_or_create(
        meeting=meeting,
        person=person,
        defaults={"response": response, "responded_at": timezone.now()},
    )
    return rsvp


def attendance_record(
    *, meeting: Meeting, recorded_by: User, statuses: dict[int, str], mark_held: bool = False
) -> Meeting:
    """Records {person id: present/apologies/absent}; with mark_held, the meeting is held."""
    if not meeting.has_started:
        raise ValidationError("Attendance can be recorded once the meeting has started.")
    if meeting.is_cancelled:
        raise ValidationError("This meeting was cancelled.")
    members = set(meeting.learning_set.memberships.active().values_list("person_id", flat=True))
    now = timezone.now()
    with transaction.atomic():
        for person_id, status in statuses.items():
            if person_id not in members:
                raise ValidationError("Attendance is for members of the set only.")
            Attendance.objects.update_or_create(
                meeting=meeting,
                person_id=person_id,
                defaults={"status": status, "recorded_by": recorded_by, "recorded_at": now},
            )
        if mark_held:
            meeting_mark_held(meeting=meeting)
    return meeting


def meeting_mark_held(*, meeting: Meeting) -> Meeting:
    """A meeting is held only once everyone's attendance is recorded."""
    if not meeting.has_started:
        raise ValidationError("A meeting can be marked held once it has started.")
    recorded = meeting.attendance.values_list("person_id", flat=True)
    missing = meeting.learning_set.memberships.active().exclude(person_id__in=recorded)
    names = [str(membership.person) for membership in missing.select_related("person")]
    if names:
        raise ValidationError(
            "Record who was present, sent apologies or was absent before marking the "
            f"meeting held. Not yet recorded: {', '.join(names)}.",
            code="attendance_missing",
        )
    if meeting.status != Meeting.Status.HELD:
        meeting.status = Meeting.Status.HELD
        _meeting_changed(meeting, ["status"])
    return meeting


# --- Calendar feeds ---------------------------------------------------------------------


def calendar_feed_renew(*, person: User) -> str:
    """A new secret address for the person's calendar feed; any old one stops working."""
    token = token_new()
    CalendarFeed.objects.update_or_create(
        person=person, defaults={"token_hash": token_hash(token), "created_at": timezone.now()}
    )
    return token


def calendar_feed_revoke(*, person: User) -> None:
    CalendarFeed.objects.filter(person=person).delete()
