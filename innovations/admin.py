from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models

from innovations import services
from innovations.models import (
    Adoption,
    Barrier,
    Component,
    Enabler,
    EvidenceLink,
    Innovation,
    InnovationSector,
    LedgerEntry,
    Organisation,
    Resource,
    StageChange,
)

URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["name", "kind", "region", "size_band", "website"]
    list_filter = ["kind", "region", "size_band"]
    search_fields = ["name"]


class SectorInline(admin.TabularInline):
    model = InnovationSector
    extra = 1


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 1
    fields = ["position", "name", "kind", "why_it_matters"]


class ResourceInline(admin.TabularInline):
    model = Resource
    formfield_overrides = URL_FIELDS
    extra = 1
    fields = ["position", "title", "kind", "url", "file"]


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    formfield_overrides = URL_FIELDS
    extra = 1
    fields = ["position", "title", "url"]


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "source_organisation", "created_at", "updated_at"]
    list_filter = ["status", "sectors__sector", "source_organisation__kind"]
    list_select_related = ["source_organisation"]
    search_fields = ["title", "summary", "slug", "source_organisation__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["source_organisation", "innovators"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [SectorInline, ComponentInline, ResourceInline, EvidenceLinkInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The catalogue searches a stored document: rebuild it from what was just saved.
        services.innovation_search_refresh(innovation_ids=[form.instance.pk])


class StageChangeInline(admin.TabularInline):
    """The journey, read-only: stages change on the site, which keeps the timeline whole."""

    model = StageChange
    extra = 0
    fields = ["stage", "changed_at", "changed_by", "note"]
    readonly_fields = ["stage", "changed_at", "changed_by", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    fields = ["component", "status", "how", "why", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]


class BarrierInline(admin.TabularInline):
    model = Barrier
    extra = 0
    fields = ["domain", "description", "status", "resolution", "raised_at", "resolved_at"]


class EnablerInline(admin.TabularInline):
    model = Enabler
    extra = 0
    fields = ["domain", "description", "added_at"]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "innovation", "stage", "started_at", "profile_updated_at"]
    list_filter = ["stage", "organisation__kind", "organisation__region"]
    list_select_related = ["organisation", "innovation"]
    search_fields = ["organisation__name", "innovation__title"]
    autocomplete_fields = ["organisation", "innovation"]
    readonly_fields = ["stage", "started_at", "started_by", "profile_updated_at"]
    inlines = [StageChangeInline, LedgerEntryInline, BarrierInline, EnablerInline]

    def save_model(self, request, obj, form, change):
        """A new adoption starts its journey through the service, so its timeline begins."""
        if not change:
            started = services.adoption_start(
                organisation=obj.organisation, innovation=obj.innovation, started_by=request.user
            )
            obj.pk, obj.stage, obj.started_at = started.pk, started.stage, started.started_at
            obj.started_by = request.user
            obj._state.adding = False
        super().save_model(request, obj, form, change)


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["name", "innovation", "kind", "position"]
    list_filter = ["kind"]
    list_select_related = ["innovation"]
    search_fields = ["name", "innovation__title"]
    autocomplete_fields = ["innovation"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "innovation", "kind", "url", "file"]
    list_filter = ["kind"]
    list_select_related = ["innovation"]
    search_fields = ["title", "innovation__title"]
    autocomplete_fields = ["innovation"]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["title", "innovation", "url"]
    list_select_related = ["innovation"]
    search_fields = ["title", "url", "innovation__title"]
    autocomplete_fields = ["innovation"]


@admin.register(InnovationSector)
class InnovationSectorAdmin(admin.ModelAdmin):
    list_display = ["innovation", "sector"]
    list_filter = ["sector"]
    list_select_related = ["innovation"]
    search_fields = ["innovation__title"]
    autocomplete_fields = ["innovation"]


class StageChangeAdminForm(forms.ModelForm):
    class Meta:
        model = StageChange
        fields = ["adoption", "stage", "note"]

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        adoption, stage = cleaned.get("adoption"), cleaned.get("stage")
        if adoption and stage == adoption.stage:
            self.add_error("stage", "The adoption is at this stage already.")
        return cleaned


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    """Stage changes are added, never edited: adding one moves the adoption to that stage."""

    form = StageChangeAdminForm
    list_display = ["adoption", "stage", "changed_at", "changed_by"]
    list_filter = ["stage", "changed_at"]
    list_select_related = ["adoption__organisation", "adoption__innovation", "changed_by"]
    search_fields = ["adoption__organisation__name", "adoption__innovation__title", "note"]
    autocomplete_fields = ["adoption"]
    date_hierarchy = "changed_at"

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.adoption_stage_change(
            adoption=obj.adoption, stage=obj.stage, changed_by=request.user, note=obj.note
        )
        obj.pk, obj.changed_at, obj.changed_by = saved.pk, saved.changed_at, saved.changed_by
        obj._state.adding = False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["component", "adoption", "status", "updated_at"]
    list_filter = ["status", "component__kind"]
    list_select_related = ["component", "adoption__organisation", "adoption__innovation"]
    search_fields = ["component__name", "adoption__organisation__name", "how", "why"]
    autocomplete_fields = ["adoption", "component"]


@admin.register(Barrier)
class BarrierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "adoption", "domain", "status", "raised_at", "resolved_at"]
    list_filter = ["status", "domain"]
    list_select_related = ["adoption__organisation", "adoption__innovation"]
    search_fields = ["description", "resolution", "adoption__organisation__name"]
    autocomplete_fields = ["adoption"]


@admin.register(Enabler)
class EnablerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "adoption", "domain", "added_at"]
    list_filter = ["domain"]
    list_select_related = ["adoption__organisation", "adoption__innovation"]
    search_fields = ["description", "adoption__organisation__name"]
    autocomplete_fields = ["adoption"]
