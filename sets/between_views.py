"""Pages for the time between meetings: reflections, actions, questions, barriers, airtime
bids, check-ins, the facilitator's progress page and the learning log.

Set pages need an active membership (a stranger, staff included, gets 404); items are
fetched through their `visible_to(user)` query, so a private reflection is a 404 to
everyone but its author. Pages that need a facilitator answer 403 to other members.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionlearning.accounts.models import User
from actionlearning.forms import form_add_service_error
from actionlearning.templatetags.when import format_when
from sets import between_services as services
from sets import export
from sets.between_forms import (
    ActionForm,
    ActionUpdateForm,
    AirtimeBidForm,
    AirtimeOrderForm,
    AnswerForm,
    BarrierForm,
    BarrierResolveForm,
    CheckInForm,
    QuestionForm,
    ReflectionForm,
)
from sets.between_queries import (
    actions_for_review,
    airtime_bids,
    airtime_rounds,
    gap_current,
    joined_set_ids,
    reflection_draft_of,
    set_progress,
)
from sets.models import (
    SEATED_ROLES,
    Action,
    Barrier,
    CheckIn,
    LearningSet,
    Meeting,
    Membership,
    Question,
    Reflection,
    ReflectionTemplate,
)

PAGE_SIZE = 50

# --- Fetching, once, with the access rule ----------------------------------------------------


def _membership(request, set_id: int) -> Membership:
    """The viewer's active membership of the set, with the set; 404 for anyone else."""
    membership = (
        Membership.objects.active()
        .select_related("learning_set__innovation__source_organisation")
        .filter(learning_set_id=set_id, person=request.user)
        .first()
    )
    if membership is None:
        raise Http404("No such set.")
    return membership


def _facilitating(request, set_id: int) -> Membership:
    membership = _membership(request, set_id)
    if not membership.is_facilitator:
        raise PermissionDenied("Only the set's facilitators can open this page.")
    return membership


def _meeting(membership: Membership, meeting_id: int) -> Meeting:
    meeting = get_object_or_404(membership.learning_set.meetings.all(), pk=meeting_id)
    meeting.learning_set = membership.learning_set
    return meeting


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Reflections ------------------------------------------------------------------------------


@login_required
@require_GET
def reflection_list(request, set_id: int):
    membership = _membership(request, set_id)
    learning_set = membership.learning_set
    reflections = (
        Reflection.objects.visible_to(request.user)
        .filter(learning_set=learning_set)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "between/reflection_list.html",
        {
            "learning_set": learning_set,
            "membership": membership,
            "page": _page(request, reflections),
            "draft": reflection_draft_of(request.user, learning_set),
            "templates": ReflectionTemplate.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_new(request, set_id: int):
    membership = _membership(request, set_id)
    draft = reflection_draft_of(request.user, membership.learning_set)
    chosen = request.GET.get("template", "")
    if draft is not None:
        template = draft.template
    elif chosen in ReflectionTemplate.values:
        template = chosen
    else:
        template = ReflectionTemplate.WHAT_SO_WHAT
    return _reflection_form_page(
        request, learning_set=membership.learning_set, template=template, draft=draft
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request, reflection_id: int):
    reflection = get_object_or_404(
        Reflection.objects.authored_by(request.user).select_related("learning_set"),
        pk=reflection_id,
    )
    draft = reflection_draft_of(request.user, reflection.learning_set, reflection)
    return _reflection_form_page(
        request,
        learning_set=reflection.learning_set,
        template=reflection.template,
        draft=draft,
        reflection=reflection,
    )


def _reflection_initial(reflection: Reflection | None, request) -> dict:
    if reflection is None:
        return {name: request.GET.get(name, "") for name in ("meeting", "action")}
    initial = {name: getattr(reflection, name) for name in reflection.stage_fields}
    return initial | {
        "title": reflection.title,
        "visibility": reflection.visibility,
        "meeting": reflection.meeting_id,
        "action": reflection.action_id,
    }


def _reflection_form_page(request, *, learning_set, template, draft, reflection=None):
    """New and edit share this: submit, save a draft (by hand or by script), or discard it."""
    form_kwargs = {"learning_set": learning_set, "author": request.user, "template": template}
    draft_kwargs = {"author": request.user, "learning_set": learning_set, "reflection": reflection}
    if request.method == "GET":
        initial = draft.fields if draft else _reflection_initial(reflection, request)
        form = ReflectionForm(initial=initial, **form_kwargs)
        return _reflection_form_render(request, form, learning_set, reflection, draft)
    form = ReflectionForm(request.POST, **form_kwargs)
    intent = request.POST.get("intent", "save")
    if intent == "discard":
        services.reflection_draft_discard(**draft_kwargs)
        messages.success(request, "Your draft is discarded.")
        return redirect(f"{request.path}?discarded=1")
    if intent == "draft":
        draft = services.reflection_draft_save(
            template=template, fields=form.typed(), **draft_kwargs
        )
        saved = f"Draft saved at {format_when(draft.saved_at)}."
        if _wants_json(request):
            return JsonResponse({"saved_at": draft.saved_at.isoformat(), "message": saved})
        messages.success(request, f"{saved} It is kept until you save the reflection.")
        return redirect(request.path)
    if form.is_valid():
        try:
            saved = _reflection_save(request, form, learning_set, reflection)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Your reflection is saved.")
            # Tells the page script which copy kept in the browser may now go.
            kept = reflection.pk if reflection else "new"
            detail = reverse("between:reflection_detail", args=[saved.pk])
            return redirect(f"{detail}?saved={kept}")
    # Nothing typed is lost: the form comes back as it was, and is kept as a draft too.
    draft = services.reflection_draft_save(template=template, fields=form.typed(), **draft_kwargs)
    return _reflection_form_render(request, form, learning_set, reflection, draft)


def _reflection_save(request, form, learning_set, reflection):
    data = form.cleaned_data
    common = {
        "stages": form.stages(),
        "visibility": data["visibility"],
        "title": data["title"],
        "meeting": data["meeting"],
        "action": data["action"],
    }
    if reflection is None:
        return services.reflection_create(
            author=request.user, learning_set=learning_set, template=form.template, **common
        )
    return services.reflection_update(reflection=reflection, **common)


def _reflection_form_render(request, form, learning_set, reflection, draft):
    key = f"reflection:{request.user.pk}:{learning_set.pk}:{reflection.pk if reflection else 'new'}"
    return render(
        request,
        "between/reflection_form.html",
        {
            "form": form,
            "learning_set": learning_set,
            "reflection": reflection,
            "draft": draft,
            "draft_key": key,
            "other_templates": [
                (value, label)
                for value, label in ReflectionTemplate.choices
                if value != form.template
            ],
        },
    )


@login_required
@require_GET
def reflection_detail(request, reflection_id: int):
    reflection = get_object_or_404(
        Reflection.objects.visible_to(request.user).select_related(
            "author", "learning_set", "meeting", "action"
        ),
        pk=reflection_id,
    )
    is_author = reflection.author_id == request.user.pk
    return render(
        request,
        "between/reflection_detail.html",
        {
            "reflection": reflection,
            "is_author": is_author,
            "barriers": reflection.barriers.visible_to(request.user) if is_author else [],
            "draft_key": f"reflection:{request.user.pk}:{reflection.learning_set_id}:",
        },
    )


@login_required
@require_GET
def reflection_history(request, reflection_id: int):
    reflection = get_object_or_404(
        Reflection.objects.authored_by(request.user).select_related("learning_set"),
        pk=reflection_id,
    )
    return render(
        request,
        "between/reflection_history.html",
        {"reflection": reflection, "versions": _versions(reflection)},
    )


def _versions(reflection: Reflection) -> list[Any]:
    labels = dict(Reflection.Visibility.choices)
    stage_labels = [label for label, _text in reflection.stages]
    versions: list[Any] = list(reflection.versions.order_by("-number"))
    for version in versions:
        version.stage_texts = [
            (label, version.stages.get(name, ""))
            for label, name in zip(stage_labels, reflection.stage_fields, strict=True)
        ]
        version.visibility_label = labels.get(version.visibility, version.visibility)
    return versions


# --- Actions ----------------------------------------------------------------------------------


@login_required
@require_GET
def action_list(request, set_id: int):
    membership = _membership(request, set_id)
    actions = (
        Action.objects.visible_to(request.user)
        .filter(learning_set=membership.learning_set)
        .select_related("owner", "meeting")
        .order_by("status", "due_on", "pk")
    )
    return render(
        request,
        "between/action_list.html",
        {
            "learning_set": membership.learning_set,
            "membership": membership,
            "page": _page(request, actions),
        },
    )


def _members_of(learning_set: LearningSet):
    return User.objects.filter(
        set_memberships__learning_set=learning_set,
        set_memberships__state=Membership.State.ACTIVE,
    ).order_by("full_name")


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request, set_id: int):
    membership = _membership(request, set_id)
    learning_set = membership.learning_set
    members = _members_of(learning_set) if membership.is_facilitator else None
    initial = {"meeting": request.GET.get("meeting"), "owner": request.user.pk}
    form = ActionForm(
        request.POST or None, initial=initial, learning_set=learning_set, members=members
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                learning_set=learning_set,
                owner=form.cleaned_data.get("owner") or request.user,
                text=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
                meeting=form.cleaned_data["meeting"],
                created_by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, f"Action recorded, due by {action.due_on:%d/%m/%Y}.")
            return redirect("between:action_list", learning_set.pk)
    return render(
        request,
        "between/action_form.html",
        {
            "form": form,
            "learning_set": learning_set,
            "default_due_on": services.action_default_due_on(learning_set),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request, action_id: int):
    action = get_object_or_404(
        Action.objects.visible_to(request.user).select_related("owner", "learning_set", "meeting"),
        pk=action_id,
    )
    is_owner = action.owner_id == request.user.pk
    form = ActionUpdateForm(request.POST or None, initial={"status": action.status})
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied("Only the owner of an action can record progress on it.")
        if form.is_valid():
            try:
                services.action_progress_record(
                    action=action, written_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, "Your progress is recorded.")
                return redirect("between:action_detail", action.pk)
    return render(
        request,
        "between/action_detail.html",
        {
            "action": action,
            "updates": action.updates.select_related("written_by").order_by("-written_at"),
            "form": form if is_owner else None,
        },
    )


# --- Questions --------------------------------------------------------------------------------


@login_required
@require_GET
def question_list(request, set_id: int):
    membership = _membership(request, set_id)
    questions = (
        Question.objects.visible_to(request.user)
        .filter(learning_set=membership.learning_set)
        .with_support(request.user)
        .select_related("asked_by", "answered_by")
        .order_by("status", "-created_at", "-pk")
    )
    return render(
        request,
        "between/question_list.html",
        {
            "learning_set": membership.learning_set,
            "page": _page(request, questions),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request, set_id: int):
    membership = _membership(request, set_id)
    learning_set = membership.learning_set
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_ask(
                learning_set=learning_set, asked_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Your question is asked.")
            return redirect("between:question_detail", question.pk)
    return render(
        request, "between/question_form.html", {"form": form, "learning_set": learning_set}
    )


def _set_question(request, question_id: int) -> Question:
    """A question of a set the viewer is an active member of."""
    return get_object_or_404(
        Question.objects.visible_to(request.user)
        .filter(learning_set_id__in=joined_set_ids(request.user))
        .with_support(request.user)
        .select_related("learning_set__innovation", "asked_by", "answered_by"),
        pk=question_id,
    )


@login_required
@require_GET
def question_detail(request, question_id: int):
    question = _set_question(request, question_id)
    return _question_page(request, question)


def _question_page(request, question: Any, answer_form=None, status: int = 200):
    may_answer = not question.is_answered and services.may_answer(question, request.user)
    return render(
        request,
        "between/question_detail.html",
        {
            "question": question,
            "learning_set": question.learning_set,
            "supporters": question.supports.select_related("person").order_by("created_at"),
            "may_support": question.asked_by_id != request.user.pk and not question.supported_by_me,
            "answer_form": (answer_form or AnswerForm()) if may_answer else None,
        },
        status=status,
    )


@login_required
@require_POST
def question_support(request, question_id: int):
    question = _set_question(request, question_id)
    try:
        services.question_support(question=question, person=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "You support this question.")
    return redirect("between:question_detail", question.pk)


@login_required
@require_POST
def question_answer(request, question_id: int):
    question = _set_question(request, question_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(
                question=question, answered_by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Your answer is saved.")
            return redirect("between:question_detail", question.pk)
    return _question_page(request, question, answer_form=form, status=400)


# --- The innovator's questions ------------------------------------------------------------------


@login_required
@require_GET
def innovator_inbox(request):
    questions = (
        Question.objects.for_innovator(request.user)
        .with_support(request.user)
        .select_related("asked_by", "asker_organisation", "innovation")
        .order_by("status", "-created_at", "-pk")
    )
    return render(request, "between/innovator_inbox.html", {"page": _page(request, questions)})


@login_required
@require_http_methods(["GET", "POST"])
def innovator_question(request, question_id: int):
    question = get_object_or_404(
        Question.objects.for_innovator(request.user)
        .with_support(request.user)
        .select_related("asked_by", "asker_organisation", "innovation", "answered_by"),
        pk=question_id,
    )
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_answer(
                question=question, answered_by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Your answer is sent to the set.")
            return redirect("between:innovator_question", question.pk)
    return render(
        request,
        "between/innovator_question.html",
        {"question": question, "form": None if question.is_answered else form},
    )


# --- Barriers ---------------------------------------------------------------------------------


@login_required
@require_GET
def barrier_list(request, set_id: int):
    membership = _membership(request, set_id)
    barriers = (
        Barrier.objects.visible_to(request.user)
        .filter(learning_set=membership.learning_set)
        .select_related("raised_by", "resolved_by")
        .order_by("status", "-raised_at", "-pk")
    )
    return render(
        request,
        "between/barrier_list.html",
        {
            "learning_set": membership.learning_set,
            "membership": membership,
            "page": _page(request, barriers),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def barrier_new(request, set_id: int):
    membership = _membership(request, set_id)
    learning_set = membership.learning_set
    reflection = _own_reflection(request, learning_set)
    form = BarrierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.barrier_raise(
                learning_set=learning_set,
                raised_by=request.user,
                reflection=reflection,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The barrier is recorded. Your facilitators can see it.")
            return redirect("between:barrier_list", learning_set.pk)
    return render(
        request,
        "between/barrier_form.html",
        {"form": form, "learning_set": learning_set, "reflection": reflection},
    )


def _own_reflection(request, learning_set: LearningSet) -> Reflection | None:
    reflection_id = request.GET.get("reflection", "")
    if not reflection_id.isdigit():
        return None
    return get_object_or_404(
        Reflection.objects.authored_by(request.user).filter(learning_set=learning_set),
        pk=int(reflection_id),
    )


@login_required
@require_http_methods(["GET", "POST"])
def barrier_resolve(request, barrier_id: int):
    barrier = get_object_or_404(
        Barrier.objects.visible_to(request.user).select_related("learning_set", "raised_by"),
        pk=barrier_id,
    )
    form = BarrierResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.barrier_resolve(barrier=barrier, resolved_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The barrier is marked resolved.")
            return redirect("between:barrier_list", barrier.learning_set_id)
    return render(request, "between/barrier_resolve.html", {"form": form, "barrier": barrier})


# --- Check-ins --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, set_id: int):
    membership = _membership(request, set_id)
    learning_set = membership.learning_set
    gap = gap_current(learning_set)
    done = (
        CheckIn.objects.filter(person=request.user, after_meeting=gap.after).first()
        if gap
        else None
    )
    actions = list(
        Action.objects.owned_by(request.user)
        .unfinished()
        .filter(learning_set=learning_set)
        .order_by("due_on", "pk")
    )
    form = CheckInForm(request.POST or None, actions=actions)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in_submit(
                learning_set=learning_set, person=request.user, **_check_in_fields(form)
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Thank you: your check-in is saved.")
            return redirect("home")
    return render(
        request,
        "between/check_in.html",
        {
            "form": form,
            "learning_set": learning_set,
            "gap": gap,
            "done": done,
            "is_seated": membership.role in SEATED_ROLES,
        },
    )


def _check_in_fields(form: CheckInForm) -> dict:
    data = form.cleaned_data
    barrier = None
    if data["barrier_category"]:
        barrier = services.BarrierInput(
            category=data["barrier_category"],
            description=data["barrier_description"],
            help_wanted=data["barrier_help_wanted"],
        )
    return {
        "confidence": data["confidence"],
        "progress": {
            action_id: services.ActionProgress(status=status, text=text)
            for action_id, (status, text) in form.progress().items()
        },
        "help_wanted": data["help_wanted"],
        "help_note": data["help_note"],
        "note": data["note"],
        "barrier": barrier,
    }


# --- At meetings: airtime bids and the review of actions --------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def airtime(request, set_id: int, meeting_id: int):
    membership = _membership(request, set_id)
    meeting = _meeting(membership, meeting_id)
    bids = airtime_bids(meeting, request.user)
    own = next((bid for bid in bids if bid.person_id == request.user.pk), None)
    form = AirtimeBidForm(request.POST or None, initial={"statement": own.statement if own else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.airtime_bid_make(meeting=meeting, person=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "Your bid for airtime is in.")
            return redirect("between:airtime", set_id, meeting_id)
    rounds = airtime_rounds(meeting)
    return render(
        request,
        "between/airtime.html",
        {
            "learning_set": membership.learning_set,
            "meeting": meeting,
            "bids": bids,
            "own": own,
            "form": form if meeting.status == Meeting.Status.SCHEDULED else None,
            "rounds": rounds,
            "order_form": (
                AirtimeOrderForm(bids=bids, rounds=rounds) if membership.is_facilitator else None
            ),
        },
    )


@login_required
@require_POST
def airtime_order(request, set_id: int, meeting_id: int):
    membership = _facilitating(request, set_id)
    meeting = _meeting(membership, meeting_id)
    bids = airtime_bids(meeting, request.user)
    form = AirtimeOrderForm(request.POST, bids=bids, rounds=airtime_rounds(meeting))
    if form.is_valid():
        try:
            services.airtime_bids_order(
                meeting=meeting,
                ordered_by=request.user,
                placements=[services.Placement(*row) for row in form.placements()],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, "The airtime rounds are saved.")
            return redirect("between:airtime", set_id, meeting_id)
    return render(
        request,
        "between/airtime.html",
        {
            "learning_set": membership.learning_set,
            "meeting": meeting,
            "bids": bids,
            "own": next((bid for bid in bids if bid.person_id == request.user.pk), None),
            "form": None,
            "rounds": airtime_rounds(meeting),
            "order_form": form,
        },
        status=400,
    )


@login_required
@require_GET
def actions_review(request, set_id: int, meeting_id: int):
    membership = _membership(request, set_id)
    meeting = _meeting(membership, meeting_id)
    return render(
        request,
        "between/actions_review.html",
        {
            "learning_set": membership.learning_set,
            "meeting": meeting,
            "owners": actions_for_review(meeting, request.user),
        },
    )


# --- The facilitator's progress page ------------------------------------------------------------


@login_required
@require_GET
def progress(request, set_id: int):
    membership = _facilitating(request, set_id)
    return render(
        request,
        "between/progress.html",
        {
            "learning_set": membership.learning_set,
            "progress": set_progress(membership.learning_set, request.user),
        },
    )


# --- The learning log ---------------------------------------------------------------------------


@login_required
@require_GET
def learning_log(request):
    return render(request, "between/learning_log.html", {"log": export.learning_log(request.user)})


@login_required
@require_GET
def learning_log_markdown(request):
    response = HttpResponse(
        export.as_markdown(export.learning_log(request.user)),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="learning-log.md"'
    return response


@login_required
@require_GET
def learning_log_json(request):
    response = JsonResponse(
        export.as_json(export.learning_log(request.user)), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="learning-log.json"'
    return response
