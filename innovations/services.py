"""Every write to innovations, organisations and adoptions; each owns its transaction."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from actionlearning.accounts.models import User
from innovations import search
from innovations.models import (
    Adoption,
    Barrier,
    BarrierStatus,
    Component,
    Enabler,
    EvidenceLink,
    Innovation,
    InnovationSector,
    InnovationStatus,
    LedgerEntry,
    LedgerStatus,
    Organisation,
    Resource,
    Stage,
    StageChange,
)

Part = Component | Resource | EvidenceLink


FACILITATORS_GROUP = "Facilitators"


@transaction.atomic
def facilitator_grant(*, user: User) -> None:
    """Put someone in the Facilitators group, which holds `innovations.facilitate`."""
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Innovation), codename="facilitate"
    )
    group, _ = Group.objects.get_or_create(name=FACILITATORS_GROUP)
    group.permissions.add(permission)
    user.groups.add(group)


def organisation_create(
    *, name: str, kind: str, region: str, size_band: str, website: str = ""
) -> Organisation:
    organisation = Organisation(
        name=name, kind=kind, region=region, size_band=size_band, website=website
    )
    organisation.full_clean()
    organisation.save()
    return organisation


# --- Innovations -------------------------------------------------------------


RESERVED_SLUGS = {"new"}  # innovations/new/ is the page that creates one


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "innovation"
    slug, number = base, 1
    while slug in RESERVED_SLUGS or Innovation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def innovation_create(
    *,
    created_by: User,
    title: str,
    summary: str,
    problem: str,
    how_it_works: str,
    source_organisation: Organisation,
    evidence: str = "",
    status: str = InnovationStatus.DRAFT,
    sectors: Iterable[str] = (),
    innovators: Iterable[User] = (),
    parts: Iterable[Part] = (),
) -> Innovation:
    """A new innovation with its components, resources and evidence links."""
    innovation = Innovation(
        title=title,
        slug=_unique_slug(title),
        summary=summary,
        problem=problem,
        how_it_works=how_it_works,
        evidence=evidence,
        source_organisation=source_organisation,
        status=status,
        created_by=created_by,
    )
    innovation.full_clean()
    innovation.save()
    _innovation_relations_save(
        innovation=innovation, sectors=sectors, innovators=innovators, parts=parts
    )
    return innovation


@transaction.atomic
def innovation_update(
    *,
    innovation: Innovation,
    title: str,
    summary: str,
    problem: str,
    how_it_works: str,
    source_organisation: Organisation,
    evidence: str = "",
    status: str = InnovationStatus.DRAFT,
    sectors: Iterable[str] = (),
    innovators: Iterable[User] = (),
    parts: Iterable[Part] = (),
    removed_parts: Iterable[Part] = (),
) -> Innovation:
    """Change an innovation's words, its parts (added, changed, `removed_parts`) at once.

    The slug stays as it was, so links people saved keep working.
    """
    innovation.title = title
    innovation.summary = summary
    innovation.problem = problem
    innovation.how_it_works = how_it_works
    innovation.evidence = evidence
    innovation.source_organisation = source_organisation
    innovation.status = status
    innovation.updated_at = timezone.now()
    innovation.full_clean()
    innovation.save()
    for part in removed_parts:
        if part.pk is not None and part.innovation_id == innovation.pk:
            part.delete()
    _innovation_relations_save(
        innovation=innovation, sectors=sectors, innovators=innovators, parts=parts
    )
    return innovation


def _innovation_relations_save(
    *,
    innovation: Innovation,
    sectors: Iterable[str],
    innovators: Iterable[User],
    parts: Iterable[Part],
) -> None:
    sectors = set(sectors)
    innovation.sectors.exclude(sector__in=sectors).delete()
    InnovationSector.objects.bulk_create(
        [InnovationSector(innovation=innovation, sector=sector) for sector in sorted(sectors)],
        ignore_conflicts=True,
    )
    innovation.innovators.set(innovators)
    for part in parts:
        _part_save(innovation=innovation, part=part)
    innovation_search_refresh(innovation_ids=[innovation.pk])


def _part_save(*, innovation: Innovation, part: Part) -> None:
    part.innovation = innovation
    if part.pk is None:
        siblings = type(part).objects.filter(innovation=innovation)
        part.position = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
    part.full_clean(exclude=["innovation"])
    part.save()


def innovation_search_refresh(*, innovation_ids: Iterable[int]) -> None:
    """Recompute the stored search document; only PostgreSQL searches with it."""
    if search.full_text_available():
        Innovation.objects.filter(pk__in=list(innovation_ids)).update(
            search_vector=search.search_document()
        )


# --- Adoptions ---------------------------------------------------------------


def adoption_start(
    *,
    organisation: Organisation,
    innovation: Innovation,
    started_by: User,
    started_at: datetime.datetime | None = None,
    note: str = "Started exploring.",
) -> Adoption:
    """An organisation begins exploring an innovation; the journey's first step is kept."""
    duplicate = ValidationError(
        {"organisation": f"{organisation} is already on a journey with {innovation}."},
        code="duplicate_adoption",
    )
    if Adoption.objects.filter(organisation=organisation, innovation=innovation).exists():
        raise duplicate
    try:
        with transaction.atomic():
            adoption = Adoption.objects.create(
                organisation=organisation,
                innovation=innovation,
                started_by=started_by,
                started_at=started_at or timezone.now(),
            )
            StageChange.objects.create(
                adoption=adoption,
                stage=adoption.stage,
                changed_at=adoption.started_at,
                changed_by=started_by,
                note=note,
            )
    except IntegrityError as error:
        raise duplicate from error
    return adoption


@transaction.atomic
def adoption_stage_change(
    *,
    adoption: Adoption,
    stage: str,
    changed_by: User,
    note: str = "",
    changed_at: datetime.datetime | None = None,
) -> StageChange:
    """Move an adoption to another stage and keep the move (by default, now) on its timeline."""
    if stage not in Stage.values:
        raise ValidationError({"stage": "Choose a stage from the list."}, code="unknown_stage")
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    if stage == adoption.stage:
        raise ValidationError(
            {"stage": f"It is already at {Stage(stage).label.lower()}: choose another stage."},
            code="same_stage",
        )
    adoption.stage = stage
    adoption.save(update_fields=["stage"])
    return StageChange.objects.create(
        adoption=adoption,
        stage=stage,
        changed_by=changed_by,
        note=note.strip(),
        changed_at=changed_at or timezone.now(),
    )


@transaction.atomic
def adoption_profile_update(
    *,
    adoption: Adoption,
    people_served: str,
    current_practice: str,
    why_now: str,
    sponsor: str,
    resources_and_capacity: str,
    stakeholders: str,
) -> Adoption:
    adoption.people_served = people_served
    adoption.current_practice = current_practice
    adoption.why_now = why_now
    adoption.sponsor = sponsor
    adoption.resources_and_capacity = resources_and_capacity
    adoption.stakeholders = stakeholders
    adoption.profile_updated_at = timezone.now()
    adoption.save()
    return adoption


@transaction.atomic
def ledger_entry_record(
    *,
    adoption: Adoption,
    component: Component,
    status: str,
    recorded_by: User,
    how: str = "",
    why: str = "",
) -> LedgerEntry:
    """What this adopter did with one component: kept, adapted (how and why), not yet, dropped."""
    if component.innovation_id != adoption.innovation_id:
        raise ValidationError("That component belongs to another innovation.")
    entry = LedgerEntry.objects.filter(adoption=adoption, component=component).first()
    entry = entry or LedgerEntry(adoption=adoption, component=component)
    entry.status = status
    entry.how = how.strip() if status == LedgerStatus.ADAPTED else ""
    entry.why = why.strip()
    entry.updated_by = recorded_by
    entry.updated_at = timezone.now()
    entry.full_clean(validate_unique=False, validate_constraints=False)
    _ledger_entry_check(entry)
    entry.save()
    return entry


def _ledger_entry_check(entry: LedgerEntry) -> None:
    errors = {}
    if entry.status == LedgerStatus.ADAPTED and not entry.how:
        errors["how"] = "Say how it was adapted."
    if entry.status in {LedgerStatus.ADAPTED, LedgerStatus.DROPPED} and not entry.why:
        errors["why"] = f"Say why it was {entry.get_status_display().lower()}."
    if errors:
        raise ValidationError(errors)


def barrier_raise(*, adoption: Adoption, domain: str, description: str, raised_by: User) -> Barrier:
    barrier = Barrier(
        adoption=adoption,
        domain=domain,
        description=description.strip(),
        raised_by=raised_by,
    )
    barrier.full_clean()
    barrier.save()
    return barrier


def barrier_resolve(*, barrier: Barrier, resolution: str) -> Barrier:
    if not resolution.strip():
        raise ValidationError({"resolution": "Say how the barrier was resolved."})
    barrier.status = BarrierStatus.RESOLVED
    barrier.resolution = resolution.strip()
    barrier.resolved_at = timezone.now()
    barrier.save(update_fields=["status", "resolution", "resolved_at"])
    return barrier


def enabler_add(*, adoption: Adoption, domain: str, description: str, added_by: User) -> Enabler:
    enabler = Enabler(
        adoption=adoption, domain=domain, description=description.strip(), added_by=added_by
    )
    enabler.full_clean()
    enabler.save()
    return enabler
