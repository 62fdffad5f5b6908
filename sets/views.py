"""Pages for sets and meetings. Every set is fetched through `visible_to(user)`, so a
stranger gets 404; pages that change a set also need its facilitator (otherwise 403)."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionlearning.accounts.models import User
from actionlearning.forms import form_add_service_error
from sets import services
from sets.calendar import feed_calendar, meeting_calendar
from sets.forms import (
    AcceptForm,
    AgendaFormSet,
    AttendanceForm,
    InviteForm,
    MeetingForm,
    NotesForm,
    RsvpForm,
    SeriesPlanForm,
    SetCreateForm,
    SetEditForm,
)
from sets.models import (
    RECOMMENDED_MIN_MEMBERS,
    SEATED_ROLES,
    Attendance,
    Invitation,
    LearningSet,
    Meeting,
    Membership,
    Rsvp,
)
from sets.queries import (
    calendar_feed_owner,
    ground_rules_current,
    invitation_by_token,
    invitation_is_for,
    may_create_sets,
)

# --- Fetching, once, with the access rule --------------------------------------------------


def _visible_set(request: HttpRequest, set_id: int) -> LearningSet:
    """The set, with `viewer_membership`; 404 unless the viewer is an active member or staff."""
    learning_set = get_object_or_404(
        LearningSet.objects.visible_to(request.user).select_related("innovation"), pk=set_id
    )
    learning_set.viewer_membership = (
        Membership.objects.active()
        .select_related("ground_rules")
        .filter(learning_set=learning_set, person_id=request.user.pk)
        .first()
    )
    return learning_set


def _may_manage(learning_set: LearningSet) -> bool:
    membership = learning_set.viewer_membership
    return membership is not None and membership.is_facilitator


def _managed_set(request: HttpRequest, set_id: int, *, staff_may_view=False) -> LearningSet:
    """404 to strangers, 403 to members who are not its facilitator (and to staff, unless
    they only look)."""
    learning_set = _visible_set(request, set_id)
    if staff_may_view and request.user.is_staff:
        return learning_set
    if not _may_manage(learning_set):
        raise PermissionDenied("Only the set's facilitators can do this.")
    return learning_set


def _meeting_of(learning_set: LearningSet, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(learning_set.meetings.all(), pk=meeting_id)
    meeting.learning_set = learning_set
    return meeting


# --- Sets --------------------------------------------------------------------------------


@login_required
@require_GET
def my_sets(request):
    return render(request, "sets/my_sets.html", {"may_create": may_create_sets(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def set_create(request):
    if not may_create_sets(request.user):
        raise PermissionDenied("Only facilitators can create learning sets.")
    form = SetCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            learning_set = services.set_create(
                created_by=request.user,
                innovation=data["innovation"],
                name=data["name"],
                purpose=data["purpose"],
                time_zone=data["time_zone"],
                capacity=data["capacity"],
                planned_meetings=data["count"],
                cadence_weeks=data["every_weeks"],
                meeting_minutes=data["minutes"],
                series=form.series_plan(),
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"“{learning_set.name}” is ready. Invite its members next.")
            return redirect("sets:manage", learning_set.pk)
    return render(request, "sets/set_create.html", {"form": form})


@login_required
@require_GET
def set_detail(request, set_id: int):
    learning_set = _visible_set(request, set_id)
    members = (
        learning_set.memberships.active()
        .select_related("person", "organisation")
        .order_by("role", "person__full_name")
    )
    context = {
        "learning_set": learning_set,
        "ground_rules": ground_rules_current(learning_set),
        "members": members,
        "meetings": learning_set.meetings.order_by("starts_at"),
        "may_manage": _may_manage(learning_set),
    }
    return render(request, "sets/set_detail.html", context)


@login_required
@require_GET
def set_manage(request, set_id: int):
    learning_set = _managed_set(request, set_id, staff_may_view=True)
    memberships = list(
        learning_set.memberships.select_related("person", "organisation", "ground_rules").order_by(
            "state", "role", "person__full_name"
        )
    )
    invitations = list(
        learning_set.invitations.unanswered().select_related("organisation").order_by("expires_at")
    )
    seated_members = [
        m for m in memberships if m.state == Membership.State.ACTIVE and m.role in SEATED_ROLES
    ]
    seated_invited = [i for i in invitations if i.is_usable and i.role in SEATED_ROLES]
    context = {
        "learning_set": learning_set,
        "memberships": memberships,
        "invitations": invitations,
        "answered": learning_set.invitations.exclude(response="").order_by("-responded_at")[:20],
        "meetings": learning_set.meetings.order_by("starts_at"),
        "seats_taken": len(seated_members) + len(seated_invited),
        "active_seated": len(seated_members),
        "too_few": len(seated_members) < RECOMMENDED_MIN_MEMBERS,
        "recommended_min": RECOMMENDED_MIN_MEMBERS,
    }
    return render(request, "sets/set_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def set_edit(request, set_id: int):
    learning_set = _managed_set(request, set_id)
    rules = ground_rules_current(learning_set)
    form = SetEditForm(
        request.POST or None, instance=learning_set, initial={"ground_rules": rules.text}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_update(
                learning_set=learning_set,
                **{field: data[field] for field in SetEditForm.Meta.fields},
            )
            services.ground_rules_update(
                learning_set=learning_set, text=data["ground_rules"], written_by=request.user
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The set's details are saved.")
            return redirect("sets:manage", learning_set.pk)
    return render(
        request, "sets/set_edit.html", {"form": form, "learning_set": learning_set, "rules": rules}
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_leave(request, set_id: int):
    learning_set = _visible_set(request, set_id)
    membership = learning_set.viewer_membership
    if membership is None:
        raise Http404("Staff who are not members have no place to leave.")
    if request.method == "POST":
        services.membership_leave(membership=membership)
        messages.success(request, f"You have left “{learning_set.name}”.")
        return redirect("home")
    return render(request, "sets/set_leave.html", {"learning_set": learning_set})


# --- Invitations, from the facilitator's side ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def set_invite(request, set_id: int):
    learning_set = _managed_set(request, set_id)
    form = InviteForm(request.POST or None, learning_set=learning_set)
    if request.method == "POST" and form.is_valid():
        try:
            sent = _invitations_send(request, learning_set, form)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            if not form.line_errors:
                return redirect("sets:manage", learning_set.pk)
            form = _invite_form_for_rejected(learning_set, form)
            messages.warning(request, f"{len(sent)} sent; the lines below need attention.")
    return render(request, "sets/set_invite.html", {"form": form, "learning_set": learning_set})


def _invitations_send(request, learning_set: LearningSet, form: InviteForm) -> list[Invitation]:
    data = form.cleaned_data
    sent = services.invitations_send(
        learning_set=learning_set,
        invited_by=request.user,
        invitees=[services.Invitee(email, org) for email, org in form.invitees],
        role=data["role"],
        message=data["message"],
        allow_over_capacity=data["allow_over_capacity"],
    )
    addresses = ", ".join(invitation.email for invitation in sent)
    messages.success(request, f"Invitations sent to {addresses}.")
    return sent


def _invite_form_for_rejected(learning_set: LearningSet, form: InviteForm) -> InviteForm:
    """The form again with only the lines that were not sent, and why beside them."""
    data = {
        "emails": "\n".join(form.rejected_lines),
        "role": form.cleaned_data["role"],
        "message": form.cleaned_data["message"],
    }
    retry = InviteForm(data, learning_set=learning_set)
    retry.is_valid()
    return retry


def _facilitated_invitation(request, set_id: int, invitation_id: int) -> Invitation:
    learning_set = _managed_set(request, set_id)
    return get_object_or_404(learning_set.invitations.all(), pk=invitation_id)


@login_required
@require_POST
def invitation_resend(request, set_id: int, invitation_id: int):
    invitation = _facilitated_invitation(request, set_id, invitation_id)
    try:
        services.invitation_resend(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new invitation is on its way to {invitation.email}.")
    return redirect("sets:manage", set_id)


@login_required
@require_POST
def invitation_revoke(request, set_id: int, invitation_id: int):
    invitation = _facilitated_invitation(request, set_id, invitation_id)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("sets:manage", set_id)


# --- Meetings ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meetings_plan(request, set_id: int):
    learning_set = _managed_set(request, set_id)
    form = SeriesPlanForm(request.POST or None, learning_set=learning_set)
    if request.method == "POST" and form.is_valid():
        try:
            planned = services.meeting_series_plan(
                learning_set=learning_set, plan=form.series_plan()
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"{len(planned)} meetings planned.")
            return redirect("sets:manage", learning_set.pk)
    return render(request, "sets/meetings_plan.html", {"form": form, "learning_set": learning_set})


@login_required
@require_GET
def meeting_detail(request, set_id: int, meeting_id: int):
    learning_set = _visible_set(request, set_id)
    meeting = _meeting_of(learning_set, meeting_id)
    return render(request, "sets/meeting_detail.html", _meeting_context(request, meeting))


def _meeting_context(request, meeting: Meeting, rsvp_form: RsvpForm | None = None) -> dict:
    rsvps = list(meeting.rsvps.select_related("person").order_by("person__full_name"))
    own = next((rsvp for rsvp in rsvps if rsvp.person_id == request.user.pk), None)
    is_member = meeting.learning_set.viewer_membership is not None
    return {
        "learning_set": meeting.learning_set,
        "meeting": meeting,
        "agenda": meeting.agenda_items.all(),
        "rsvps": rsvps,
        "own_rsvp": own,
        "rsvp_form": rsvp_form or RsvpForm(initial={"response": own.response if own else None}),
        "may_rsvp": is_member
        and meeting.status == Meeting.Status.SCHEDULED
        and not meeting.has_started,
        "may_manage": _may_manage(meeting.learning_set),
    }


@login_required
@require_POST
def meeting_rsvp(request, set_id: int, meeting_id: int):
    learning_set = _visible_set(request, set_id)
    meeting = _meeting_of(learning_set, meeting_id)
    form = RsvpForm(request.POST)
    if form.is_valid():
        try:
            rsvp = services.rsvp_record(
                meeting=meeting, person=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Your answer is saved: {rsvp.get_response_display()}.")
            return redirect("sets:meeting", set_id, meeting_id)
    context = _meeting_context(request, meeting, rsvp_form=form)
    return render(request, "sets/meeting_detail.html", context, status=400)


@login_required
@require_GET
def meeting_calendar_file(request, set_id: int, meeting_id: int):
    learning_set = _visible_set(request, set_id)
    meeting = _meeting_of(learning_set, meeting_id)
    response = HttpResponse(meeting_calendar(meeting), content_type="text/calendar; charset=utf-8")
    filename = f"{learning_set.name} meeting {meeting.number}.ics".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


MANAGE_SECTIONS = ("agenda", "attendance", "notes")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_manage(request, set_id: int, meeting_id: int):
    """Agenda, attendance and notes: three forms on one page, each saved on its own."""
    learning_set = _managed_set(request, set_id)
    meeting = _meeting_of(learning_set, meeting_id)
    section = request.POST.get("section") if request.method == "POST" else None
    forms = _manage_forms(meeting, request.POST if section else None, section)
    if section in MANAGE_SECTIONS and forms[section].is_valid():
        try:
            _manage_save(request, meeting, section, forms[section])
        except ValidationError as error:
            form_add_service_error(forms[section], error)
        else:
            return redirect("sets:meeting_manage", set_id, meeting_id)
    context = {"learning_set": learning_set, "meeting": meeting, **forms}
    return render(request, "sets/meeting_manage.html", context, status=400 if section else 200)


def _manage_forms(meeting: Meeting, data, section: str | None) -> dict:
    members = list(
        meeting.learning_set.memberships.active()
        .select_related("person")
        .order_by("person__full_name")
    )
    recorded = dict(meeting.attendance.values_list("person_id", "status"))
    if not recorded:
        recorded = _attendance_from_rsvps(meeting)
    agenda = [
        {"kind": item.kind, "title": item.title, "minutes": item.minutes, "ORDER": index}
        for index, item in enumerate(meeting.agenda_items.all(), start=1)
    ]
    return {
        "agenda": AgendaFormSet(
            data if section == "agenda" else None, initial=agenda, prefix="agenda"
        ),
        "attendance": AttendanceForm(
            data if section == "attendance" else None, members=members, recorded=recorded
        ),
        "notes": NotesForm(data if section == "notes" else None, instance=meeting),
    }


def _attendance_from_rsvps(meeting: Meeting) -> dict[int, str]:
    """Those who sent apologies through their RSVP start as "apologies"."""
    return dict.fromkeys(
        meeting.rsvps.filter(response=Rsvp.Response.NOT_GOING).values_list("person_id", flat=True),
        Attendance.Status.APOLOGIES,
    )


def _manage_save(request, meeting: Meeting, section: str, form) -> None:
    if section == "agenda":
        entries = [item_form.entry() for item_form in form.ordered_forms]
        services.meeting_agenda_set(meeting=meeting, entries=entries)
        messages.success(request, "The agenda is saved.")
    elif section == "attendance":
        mark_held = "mark_held" in request.POST
        services.attendance_record(
            meeting=meeting,
            recorded_by=request.user,
            statuses=form.statuses(),
            mark_held=mark_held,
        )
        messages.success(
            request, "Attendance is saved" + (" and the meeting is held." if mark_held else ".")
        )
    else:
        services.meeting_notes_update(meeting=meeting, notes=form.cleaned_data["facilitator_notes"])
        messages.success(request, "Your notes are saved.")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, set_id: int, meeting_id: int):
    learning_set = _managed_set(request, set_id)
    meeting = _meeting_of(learning_set, meeting_id)
    form = MeetingForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_reschedule(
                meeting=meeting,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                title=data["title"],
                format=data["format"],
                place=data["place"],
                joining_link=data["joining_link"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The meeting is saved. Calendars will show the change.")
            return redirect("sets:meeting", set_id, meeting_id)
    context = {"form": form, "learning_set": learning_set, "meeting": meeting}
    return render(request, "sets/meeting_edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, set_id: int, meeting_id: int):
    learning_set = _managed_set(request, set_id)
    meeting = _meeting_of(learning_set, meeting_id)
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting=meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{meeting.title} is cancelled.")
        return redirect("sets:meeting", set_id, meeting_id)
    context = {"learning_set": learning_set, "meeting": meeting}
    return render(request, "sets/meeting_cancel.html", context)


# --- Calendar feed -----------------------------------------------------------------------------

FEED_TOKEN_SESSION_KEY = "sets_calendar_feed_token"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    """Shows a new secret address once; renewing or turning off stops the old one."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(person=request.user)
            messages.success(request, "Your calendar address is turned off.")
        else:
            token = services.calendar_feed_renew(person=request.user)
            request.session[FEED_TOKEN_SESSION_KEY] = token
        return redirect("sets:calendar_feed")
    token = request.session.pop(FEED_TOKEN_SESSION_KEY, None)
    feed_url = (
        request.build_absolute_uri(reverse("sets:calendar_feed_ics", args=[token]))
        if token
        else None
    )
    context = {"feed": getattr(request.user, "calendar_feed", None), "feed_url": feed_url}
    return render(request, "sets/calendar_feed.html", context)


@require_GET
def calendar_feed_ics(request, token: str):
    """No sign-in: the secret in the address is the key. An unknown one is 404."""
    person = calendar_feed_owner(token)
    if person is None:
        raise Http404("No calendar has this address.")
    meetings = (
        Meeting.objects.for_calendar_of(person)
        .select_related("learning_set")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )
    body = feed_calendar(meetings, name="Learning set meetings")
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- Invitations, from the invitee's side ------------------------------------------------------

INVITATION_SESSION_KEY = "sets_invitation_id"


def invitation_open(request, token: str):
    """The emailed link. The secret moves into the session and out of the address bar."""
    invitation = invitation_by_token(token)
    if invitation is None:
        return render(request, "sets/invitation_unknown.html", status=404)
    request.session[INVITATION_SESSION_KEY] = invitation.pk
    return redirect("sets:invitation")


def _session_invitation(request) -> Invitation:
    invitation_id = request.session.get(INVITATION_SESSION_KEY)
    invitation = (
        Invitation.objects.select_related(
            "learning_set__innovation__source_organisation", "invited_by", "organisation"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404("Open the link in your invitation email.")
    return invitation


@require_GET
def invitation_respond(request):
    invitation = _session_invitation(request)
    if not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    return render(request, "sets/invitation.html", _invitation_context(request, invitation))


def _invitation_context(request, invitation: Invitation, accept_form=None) -> dict:
    learning_set = invitation.learning_set
    rules = ground_rules_current(learning_set)
    user = request.user
    is_for_viewer = user.is_authenticated and invitation_is_for(invitation, user)
    return {
        "invitation": invitation,
        "learning_set": learning_set,
        "ground_rules": rules,
        "meetings": Meeting.objects.upcoming().filter(learning_set=learning_set)[:3],
        "is_for_viewer": is_for_viewer,
        "has_account": User.objects.filter(email__iexact=invitation.email).exists(),
        "accept_form": accept_form
        or AcceptForm(learning_set=learning_set, initial={"ground_rules": rules}),
        "respond_url": reverse("sets:invitation"),
    }


def _invitation_unusable(request, invitation: Invitation, status: int = 200):
    membership = None
    if request.user.is_authenticated:
        membership = (
            Membership.objects.active()
            .filter(learning_set=invitation.learning_set, person=request.user)
            .first()
        )
    context = {"invitation": invitation, "membership": membership}
    return render(request, "sets/invitation_unusable.html", context, status=status)


@require_POST
def invitation_signup(request):
    """For someone without an account: sign up with the invited address, already verified."""
    invitation = _session_invitation(request)
    if not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    get_adapter(request).stash_verified_email(request, invitation.email)
    query = urlencode({"next": reverse("sets:invitation")})
    return redirect(f"{reverse('account_signup')}?{query}")


@require_POST
def invitation_accept(request):
    invitation = _session_invitation(request)
    if not request.user.is_authenticated:
        return redirect("sets:invitation")
    if not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    form = AcceptForm(request.POST, learning_set=invitation.learning_set)
    if form.is_valid():
        try:
            services.invitation_accept(
                invitation=invitation,
                person=request.user,
                ground_rules=form.cleaned_data["ground_rules"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            del request.session[INVITATION_SESSION_KEY]
            messages.success(request, f"Welcome to “{invitation.learning_set.name}”.")
            return redirect("sets:detail", invitation.learning_set_id)
    context = _invitation_context(request, invitation, accept_form=form)
    return render(request, "sets/invitation.html", context, status=400)


@require_POST
def invitation_decline(request):
    invitation = _session_invitation(request)
    if not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    person = request.user if request.user.is_authenticated else None
    services.invitation_decline(invitation=invitation, person=person)
    del request.session[INVITATION_SESSION_KEY]
    return render(request, "sets/invitation_declined.html", {"invitation": invitation})


@require_POST
def invitation_renewal(request):
    invitation = _session_invitation(request)
    if invitation.is_usable:
        return redirect("sets:invitation")
    asked = services.invitation_renewal_request(invitation=invitation)
    inviter = invitation.invited_by
    name = inviter.full_name if inviter else "the facilitator"
    if asked:
        messages.success(request, f"We have asked {name} to send you a new invitation.")
    else:
        messages.info(request, f"{name} has already been asked for a new invitation.")
    return _invitation_unusable(request, invitation)
