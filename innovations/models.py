"""Innovations being spread, the organisations that adopt them, and each adoption's journey."""

from django.conf import settings
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from actionlearning.constraints import choice_is_valid
from innovations import search
from innovations.uploads import (
    resource_upload_to,
    validate_resource_extension,
    validate_resource_size,
)

FACILITATE_PERMISSION = "innovations.facilitate"


def is_facilitator(user) -> bool:
    """May create innovations (and, in the sets app, learning sets): staff or Facilitators."""
    return user.is_authenticated and (user.is_staff or user.has_perm(FACILITATE_PERMISSION))


class OrganisationKind(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    PRIMARY_CARE = "primary_care", "Primary care"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    SOCIAL_CARE = "social_care", "Social care provider"
    CHARITY = "charity", "Charity or voluntary organisation"
    SCHOOL = "school", "School"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    SCOTLAND = "scotland", "Scotland"
    WALES = "wales", "Wales"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"
    OUTSIDE_UK = "outside_uk", "Outside the UK"


class SizeBand(models.TextChoices):
    MICRO = "micro", "Fewer than 10 staff"
    SMALL = "small", "10 to 49 staff"
    MEDIUM = "medium", "50 to 249 staff"
    LARGE = "large", "250 to 999 staff"
    VERY_LARGE = "very_large", "1,000 staff or more"


class Organisation(models.Model):
    """An adopter or source organisation; people belong to one (`User.organisation`)."""

    Kind = OrganisationKind

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    region = models.CharField(max_length=20, choices=Region.choices)
    size_band = models.CharField("size", max_length=20, choices=SizeBand.choices)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_has_name"),
            models.CheckConstraint(
                condition=choice_is_valid("kind", OrganisationKind),
                name="organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=choice_is_valid("region", Region), name="organisation_region_valid"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("size_band", SizeBand),
                name="organisation_size_band_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.TextChoices):
    HEALTH = "health", "Health"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    EDUCATION = "education", "Education"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    """An adoption's journey, in order; `stopped` may follow any stage."""

    EXPLORING = "exploring", "Exploring"
    PLANNING = "planning", "Planning"
    PILOTING = "piloting", "Piloting"
    IMPLEMENTING = "implementing", "Implementing"
    SUSTAINING = "sustaining", "Sustaining"
    STOPPED = "stopped", "Stopped"

    @classmethod
    def reached(cls, stage: str) -> list[str]:
        """The stages at or beyond `stage` on the journey (stopped is only itself)."""
        journey = [s.value for s in cls if s != cls.STOPPED]
        return journey[journey.index(stage) :] if stage in journey else [stage]

    @classmethod
    def position(cls, stage: str) -> int:
        return cls.values.index(stage)


class CfirDomain(models.TextChoices):
    """The Consolidated Framework for Implementation Research's five domains."""

    INNOVATION = "innovation", "The innovation itself"
    OUTER_SETTING = "outer_setting", "Outer setting"
    INNER_SETTING = "inner_setting", "Inner setting"
    INDIVIDUALS = "individuals", "The people involved"
    PROCESS = "process", "The process"


class InnovationQuerySet(models.QuerySet["Innovation"]):
    def visible_to(self, user) -> "InnovationQuerySet":
        """Published and archived ones to every signed-in person; drafts to their editors."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(~Q(status=Innovation.Status.DRAFT) | self._edited_by(user))

    def editable_by(self, user) -> "InnovationQuerySet":
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(self._edited_by(user))

    @staticmethod
    def _edited_by(user) -> Q:
        championed = Innovation.innovators.through.objects.filter(
            innovation=OuterRef("pk"), user=user
        )
        return Q(created_by=user) | Q(Exists(championed))

    def listed(self) -> "InnovationQuerySet":
        """What the catalogue shows: not archived."""
        return self.exclude(status=Innovation.Status.ARCHIVED)

    def in_sector(self, sector: str) -> "InnovationQuerySet":
        return self.filter(
            Exists(InnovationSector.objects.filter(innovation=OuterRef("pk"), sector=sector))
        )

    def with_adoption_reaching(self, stage: str) -> "InnovationQuerySet":
        """At least one organisation is at `stage` or further along the journey."""
        return self.filter(
            Exists(
                Adoption.objects.filter(innovation=OuterRef("pk"), stage__in=Stage.reached(stage))
            )
        )

    def search(self, words: str) -> "InnovationQuerySet":
        """Best matches first on PostgreSQL; in title order elsewhere."""
        if not words.strip():
            return self
        if search.full_text_available():
            query = search.search_query(words)
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "title")
            )
        return self.filter(
            Q(title__icontains=words)
            | Q(summary__icontains=words)
            | Q(problem__icontains=words)
            | Q(how_it_works__icontains=words)
        )


class InnovationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Innovation(models.Model):
    Status = InnovationStatus

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(max_length=600, help_text="Two or three sentences.")
    problem = models.TextField("the problem it solves")
    how_it_works = models.TextField("how it works")
    evidence = models.TextField(blank=True)
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="innovations_originated"
    )
    innovators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="innovations_championed",
        help_text="People from the source organisation who speak for it; they may edit it.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = InnovationQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [("facilitate", "Can create innovations and facilitate learning sets")]
        indexes = [
            search.GinIndexOnPostgres(fields=["search_vector"], name="innovation_search_idx"),
            models.Index(fields=["status", "title"], name="innovation_status_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="innovation_has_title"),
            models.CheckConstraint(condition=~Q(slug=""), name="innovation_has_slug"),
            models.CheckConstraint(
                condition=choice_is_valid("status", InnovationStatus),
                name="innovation_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InnovationSector(models.Model):
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="sectors")
    sector = models.CharField(max_length=30, choices=Sector.choices)

    class Meta:
        ordering = ["sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "sector"], name="innovation_sector_unique"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("sector", Sector), name="innovation_sector_valid"
            ),
        ]
        indexes = [models.Index(fields=["sector", "innovation"], name="innovation_sector_idx")]

    def __str__(self) -> str:
        return self.get_sector_display()


class ComponentKind(models.TextChoices):
    CORE = "core", "Core: must be kept for it to work"
    ADAPTABLE = "adaptable", "Adaptable: may change to fit"


class Component(models.Model):
    """A part of an innovation: core (keep it or it will not work) or adaptable."""

    Kind = ComponentKind

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="components")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    why_it_matters = models.TextField("why it matters")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["innovation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="component_has_name"),
            models.CheckConstraint(
                condition=choice_is_valid("kind", ComponentKind), name="component_kind_valid"
            ),
            models.UniqueConstraint(
                "innovation", Lower("name"), name="component_name_unique_per_innovation"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_core(self) -> bool:
        return self.kind == self.Kind.CORE


class ResourceKind(models.TextChoices):
    GUIDE = "guide", "Guide"
    TOOLKIT = "toolkit", "Toolkit"
    EVALUATION = "evaluation", "Evaluation"
    VIDEO = "video", "Video"
    TEMPLATE = "template", "Template"


class Resource(models.Model):
    """A guide, toolkit, evaluation, video or template: a link or an uploaded file."""

    Kind = ResourceKind

    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(
        upload_to=resource_upload_to,
        max_length=300,
        blank=True,
        validators=[validate_resource_extension, validate_resource_size],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["innovation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="resource_has_title"),
            models.CheckConstraint(
                condition=choice_is_valid("kind", ResourceKind), name="resource_kind_valid"
            ),
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="resource_link_or_file",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceLink(models.Model):
    innovation = models.ForeignKey(
        Innovation, on_delete=models.CASCADE, related_name="evidence_links"
    )
    title = models.CharField(max_length=200)
    url = models.URLField("link", max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["innovation", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="evidence_link_has_title"),
            models.CheckConstraint(condition=~Q(url=""), name="evidence_link_has_url"),
        ]

    def __str__(self) -> str:
        return self.title


class AdoptionQuerySet(models.QuerySet["Adoption"]):
    def visible_to(self, user) -> "AdoptionQuerySet":
        """Whoever may see the innovation may see that an organisation is adopting it."""
        return self.filter(innovation__in=Innovation.objects.visible_to(user))

    def editable_by(self, user) -> "AdoptionQuerySet":
        """People of the organisation, and staff. Only they see the journey's details."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        if user.organisation_id is None:
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def counts_by_stage(self) -> dict[int, dict[str, int]]:
        """{innovation id: {stage: number of organisations}} in one query."""
        counts: dict[int, dict[str, int]] = {}
        rows = self.order_by().values_list("innovation_id", "stage").annotate(n=Count("id"))
        for innovation_id, stage, number in rows:
            counts.setdefault(innovation_id, {})[stage] = number
        return counts


class Adoption(models.Model):
    """One organisation's journey with one innovation, and its context profile."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="adoptions"
    )
    innovation = models.ForeignKey(Innovation, on_delete=models.CASCADE, related_name="adoptions")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.EXPLORING)
    # The context profile: the organisation reflecting on its own situation.
    people_served = models.TextField("who the organisation serves", blank=True)
    current_practice = models.TextField("current practice", blank=True)
    why_now = models.TextField("why change is needed now", blank=True)
    sponsor = models.CharField("sponsor", max_length=200, blank=True)
    resources_and_capacity = models.TextField("resources and capacity", blank=True)
    stakeholders = models.TextField("key stakeholders", blank=True)
    profile_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "innovation"], name="adoption_one_per_organisation"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("stage", Stage), name="adoption_stage_valid"
            ),
        ]
        indexes = [models.Index(fields=["innovation", "stage"], name="adoption_innovation_stage")]

    def __str__(self) -> str:
        return f"{self.organisation} adopting {self.innovation}"

    @property
    def has_profile(self) -> bool:
        return self.profile_updated_at is not None


class StageChange(models.Model):
    """Every move of an adoption's stage, kept to draw its journey as a timeline."""

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["adoption", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=choice_is_valid("stage", Stage), name="stage_change_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on {self.changed_at:%d %b %Y}"


class LedgerStatus(models.TextChoices):
    KEPT = "kept", "Kept as designed"
    ADAPTED = "adapted", "Adapted"
    NOT_YET = "not_yet", "Not yet in place"
    DROPPED = "dropped", "Dropped"


class LedgerEntry(models.Model):
    """The fidelity and adaptation ledger: what one adopter did with one component."""

    Status = LedgerStatus

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="ledger_entries")
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_YET)
    how = models.TextField("how it was adapted", blank=True)
    why = models.TextField("why", blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "ledger entries"
        ordering = ["adoption", "component__position", "component_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["adoption", "component"], name="ledger_entry_one_per_component"
            ),
            models.CheckConstraint(
                condition=choice_is_valid("status", LedgerStatus),
                name="ledger_entry_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="adapted") | (~Q(how="") & ~Q(why="")),
                name="ledger_entry_adapted_says_how_and_why",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(why=""),
                name="ledger_entry_dropped_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.component}: {self.get_status_display()}"


class BarrierStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Barrier(models.Model):
    Status = BarrierStatus

    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="barriers")
    domain = models.CharField("category", max_length=20, choices=CfirDomain.choices)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField("how it was resolved", blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["adoption", "status", "-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="barrier_has_description"),
            models.CheckConstraint(
                condition=choice_is_valid("domain", CfirDomain), name="barrier_domain_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (Q(status="resolved", resolved_at__isnull=False) & ~Q(resolution="")),
                name="barrier_resolved_says_how_and_when",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Enabler(models.Model):
    adoption = models.ForeignKey(Adoption, on_delete=models.CASCADE, related_name="enablers")
    domain = models.CharField("category", max_length=20, choices=CfirDomain.choices)
    description = models.TextField()
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["adoption", "-added_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="enabler_has_description"),
            models.CheckConstraint(
                condition=choice_is_valid("domain", CfirDomain), name="enabler_domain_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]
