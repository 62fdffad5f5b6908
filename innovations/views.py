"""Pages for the catalogue, an innovation, an organisation and an adoption journey.

Every object is fetched through `visible_to(user)` (so a stranger gets 404) and
every change through `editable_by(user)` (so a viewer who may not change it gets 403).
"""

import mimetypes
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from actionlearning.accounts.models import User
from innovations import forms, services
from innovations.models import (
    Adoption,
    Barrier,
    Component,
    Innovation,
    Organisation,
    Resource,
    Stage,
    is_facilitator,
)

PAGE_SIZE = 20


# --- Catalogue and innovations -----------------------------------------------


@login_required
@require_GET
def catalogue(request):
    search = forms.CatalogueSearchForm(request.GET or None)
    innovations = Innovation.objects.visible_to(request.user).listed()
    if search.is_valid():
        innovations = _filtered(innovations, **search.cleaned_data)
    innovations = (
        innovations.defer("search_vector")
        .select_related("source_organisation")
        .prefetch_related("sectors")
    )
    page = Paginator(innovations, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = Adoption.objects.filter(innovation__in=[i.pk for i in page]).counts_by_stage()
    entries = [(innovation, _stage_counts(counts.get(innovation.pk, {}))) for innovation in page]
    return render(
        request,
        "innovations/catalogue.html",
        {
            "search": search,
            "page": page,
            "entries": entries,
            "query_string": _query_without_page(request),
            "may_create": is_facilitator(request.user),
        },
    )


def _filtered(innovations, *, q: str, sector: str, stage: str):
    if sector:
        innovations = innovations.in_sector(sector)
    if stage:
        innovations = innovations.with_adoption_reaching(stage)
    return innovations.search(q)


def _stage_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(stage.label, counts[stage.value]) for stage in Stage if counts.get(stage.value)]


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def innovation_detail(request, slug):
    innovation = get_object_or_404(
        Innovation.objects.visible_to(request.user)
        .select_related("source_organisation")
        .prefetch_related(
            "sectors",
            "components",
            "resources",
            "evidence_links",
            Prefetch("innovators", queryset=_people()),
        ),
        slug=slug,
    )
    adoptions = sorted(
        innovation.adoptions.select_related("organisation"),
        key=lambda adoption: (Stage.position(adoption.stage), adoption.organisation.name),
    )
    components = list(innovation.components.all())
    return render(
        request,
        "innovations/innovation_detail.html",
        {
            "innovation": innovation,
            "core": [c for c in components if c.is_core],
            "adaptable": [c for c in components if not c.is_core],
            "adoptions": adoptions,
            "may_edit": _may_edit(request.user, innovation),
            "own_adoption": _own_adoption(request.user, adoptions),
        },
    )


def _people():
    return User.objects.select_related("organisation")


def _may_edit(user, innovation: Innovation) -> bool:
    return Innovation.objects.editable_by(user).filter(pk=innovation.pk).exists()


def _own_adoption(user, adoptions: list[Adoption]) -> Adoption | None:
    return next((a for a in adoptions if a.organisation_id == user.organisation_id), None)


@login_required
@require_http_methods(["GET", "POST"])
def innovation_create(request):
    if not is_facilitator(request.user):
        raise PermissionDenied("Only facilitators may add innovations.")
    form = forms.InnovationForm(request.POST or None)
    formsets = forms.part_formsets(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and _all_valid(form, formsets):
        try:
            innovation = services.innovation_create(
                created_by=request.user, **form.cleaned_data, parts=_kept(formsets)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{innovation.title}” is saved.")
            return redirect("innovations:detail", slug=innovation.slug)
    return _innovation_form_page(request, form, formsets, innovation=None)


@login_required
@require_http_methods(["GET", "POST"])
def innovation_edit(request, slug):
    innovation = get_object_or_404(Innovation.objects.visible_to(request.user), slug=slug)
    if not _may_edit(request.user, innovation):
        raise PermissionDenied("Only this innovation's innovators and staff may edit it.")
    form = forms.InnovationForm(request.POST or None, instance=innovation)
    formsets = forms.part_formsets(
        data=request.POST or None, files=request.FILES or None, innovation=innovation
    )
    if request.method == "POST" and _all_valid(form, formsets):
        try:
            services.innovation_update(
                innovation=innovation,
                **form.cleaned_data,
                parts=_kept(formsets),
                removed_parts=_removed(formsets),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your changes to “{innovation.title}” are saved.")
            return redirect("innovations:detail", slug=innovation.slug)
    return _innovation_form_page(request, form, formsets, innovation=innovation)


def _all_valid(form, formsets: dict) -> bool:
    return all([form.is_valid(), *(formset.is_valid() for formset in formsets.values())])


def _kept(formsets: dict) -> list:
    return [
        form.save(commit=False) for formset in formsets.values() for form in formset.kept_forms()
    ]


def _removed(formsets: dict) -> list:
    return [
        form.instance
        for formset in formsets.values()
        for form in formset.deleted_forms
        if form.instance.pk
    ]


def _innovation_form_page(request, form, formsets, *, innovation):
    problems = forms.error_summary(form, formsets) if form.is_bound else []
    return render(
        request,
        "innovations/innovation_form.html",
        {"form": form, "formsets": formsets, "innovation": innovation, "problems": problems},
    )


@login_required
@require_GET
def resource_file(request, slug, pk):
    """An uploaded resource, only for people who may see its innovation."""
    resource = get_object_or_404(
        Resource.objects.filter(innovation__in=Innovation.objects.visible_to(request.user)),
        innovation__slug=slug,
        pk=pk,
    )
    if not resource.file:
        raise Http404("This resource is a link, not a file.")
    name = PurePath(resource.file.name or "").name
    return FileResponse(
        resource.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )


# --- Organisations -----------------------------------------------------------


@login_required
@require_GET
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    visible = Innovation.objects.visible_to(request.user)
    return render(
        request,
        "innovations/organisation_detail.html",
        {
            "organisation": organisation,
            "originated": organisation.innovations_originated.filter(pk__in=visible),
            "adoptions": organisation.adoptions.filter(innovation__in=visible)
            .select_related("innovation")
            .order_by("innovation__title"),
            "is_member": request.user.organisation_id == organisation.pk,
        },
    )


# --- Adoption journeys -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def adoption_start(request, slug):
    innovation = get_object_or_404(Innovation.objects.visible_to(request.user), slug=slug)
    organisations = _organisations_acted_for(request.user)
    form = forms.AdoptionStartForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            adoption = services.adoption_start(
                organisation=form.cleaned_data["organisation"],
                innovation=innovation,
                started_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{adoption.organisation} is now exploring this innovation.")
            return redirect("innovations:adoption", pk=adoption.pk)
    return _form_page(
        request,
        form,
        title=f"Start adopting {innovation.title}",
        submit="Start exploring",
        back=reverse("innovations:detail", args=[innovation.slug]),
        intro="The organisation's journey begins at exploring. Its people can then record "
        "its context, its stage, and how it keeps or adapts each component.",
        no_choices="" if organisations.exists() else _no_organisation_message(),
    )


def _organisations_acted_for(user):
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk=user.organisation_id)


def _no_organisation_message() -> str:
    return "Set your organisation in your account first: then you can start its journey."


def _editable_adoption(request, pk) -> Adoption:
    """404 if the adoption is not visible; 403 if the viewer may only see its stage."""
    adoption = get_object_or_404(
        Adoption.objects.visible_to(request.user).select_related("organisation", "innovation"),
        pk=pk,
    )
    if not Adoption.objects.editable_by(request.user).filter(pk=adoption.pk).exists():
        raise PermissionDenied(f"Only people from {adoption.organisation} may change this.")
    return adoption


@login_required
@require_GET
def adoption_detail(request, pk):
    adoption = get_object_or_404(
        Adoption.objects.visible_to(request.user).select_related("organisation", "innovation"),
        pk=pk,
    )
    may_edit = Adoption.objects.editable_by(request.user).filter(pk=adoption.pk).exists()
    context = {"adoption": adoption, "may_edit": may_edit}
    if may_edit:
        context |= _journey_details(adoption)
    return render(request, "innovations/adoption_detail.html", context)


def _journey_details(adoption: Adoption) -> dict:
    entries = {entry.component_id: entry for entry in adoption.ledger_entries.all()}
    return {
        "timeline": adoption.stage_changes.select_related("changed_by"),
        "ledger": [
            (component, entries.get(component.pk))
            for component in adoption.innovation.components.all()
        ],
        "barriers": adoption.barriers.all(),
        "enablers": adoption.enablers.all(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def adoption_stage(request, pk):
    adoption = _editable_adoption(request, pk)
    form = forms.StageChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.adoption_stage_change(
                adoption=adoption, changed_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The stage is now {change.get_stage_display().lower()}.")
            return redirect("innovations:adoption", pk=adoption.pk)
    return _adoption_form_page(
        request,
        adoption,
        form,
        title="Change the stage",
        submit="Save the stage",
        intro=f"It is at {adoption.get_stage_display().lower()} now.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def adoption_profile(request, pk):
    adoption = _editable_adoption(request, pk)
    form = forms.ContextProfileForm(request.POST or None, instance=adoption)
    if request.method == "POST" and form.is_valid():
        services.adoption_profile_update(adoption=adoption, **form.cleaned_data)
        messages.success(request, "The context profile is saved.")
        return redirect("innovations:adoption", pk=adoption.pk)
    return _adoption_form_page(
        request,
        adoption,
        form,
        title="Context profile",
        submit="Save the context profile",
        intro="Reflect on your own setting: what fits, and what will need to change.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def ledger_entry(request, pk, component_pk):
    adoption = _editable_adoption(request, pk)
    component = get_object_or_404(Component, pk=component_pk, innovation=adoption.innovation)
    entry = adoption.ledger_entries.filter(component=component).first()
    initial = {"status": entry.status, "how": entry.how, "why": entry.why} if entry else {}
    form = forms.LedgerEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.ledger_entry_record(
                adoption=adoption,
                component=component,
                recorded_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"“{component.name}” is recorded.")
            return redirect(reverse("innovations:adoption", args=[adoption.pk]) + "#ledger")
    kind = "a core" if component.is_core else "an adaptable"
    return _adoption_form_page(
        request,
        adoption,
        form,
        title=f"Component: {component.name}",
        submit="Save",
        intro=f"This is {kind} component. {component.why_it_matters}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def barrier_add(request, pk):
    adoption = _editable_adoption(request, pk)
    form = forms.BarrierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.barrier_raise(adoption=adoption, raised_by=request.user, **form.cleaned_data)
        messages.success(request, "The barrier is recorded.")
        return redirect(reverse("innovations:adoption", args=[adoption.pk]) + "#barriers")
    return _adoption_form_page(
        request, adoption, form, title="Record a barrier", submit="Record the barrier"
    )


@login_required
@require_http_methods(["GET", "POST"])
def barrier_resolve(request, pk, barrier_pk):
    adoption = _editable_adoption(request, pk)
    barrier = get_object_or_404(adoption.barriers.filter(status=Barrier.Status.OPEN), pk=barrier_pk)
    form = forms.BarrierResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.barrier_resolve(barrier=barrier, **form.cleaned_data)
        messages.success(request, "The barrier is marked resolved.")
        return redirect(reverse("innovations:adoption", args=[adoption.pk]) + "#barriers")
    return _adoption_form_page(
        request,
        adoption,
        form,
        title="Resolve a barrier",
        submit="Mark it resolved",
        intro=barrier.description,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enabler_add(request, pk):
    adoption = _editable_adoption(request, pk)
    form = forms.EnablerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.enabler_add(adoption=adoption, added_by=request.user, **form.cleaned_data)
        messages.success(request, "The enabler is recorded.")
        return redirect(reverse("innovations:adoption", args=[adoption.pk]) + "#enablers")
    return _adoption_form_page(
        request, adoption, form, title="Record an enabler", submit="Record the enabler"
    )


def _adoption_form_page(request, adoption, form, *, title, submit, intro=""):
    return _form_page(
        request,
        form,
        title=title,
        submit=submit,
        intro=intro,
        back=reverse("innovations:adoption", args=[adoption.pk]),
        caption=f"{adoption.organisation} · {adoption.innovation}",
    )


def _form_page(request, form, *, title, submit, back, intro="", caption="", no_choices=""):
    return render(
        request,
        "innovations/form_page.html",
        {
            "form": form,
            "title": title,
            "submit": submit,
            "back": back,
            "intro": intro,
            "caption": caption,
            "no_choices": no_choices,
        },
    )
