from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models

from sets import services
from sets.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    GroundRules,
    Invitation,
    LearningSet,
    Meeting,
    Membership,
    Rsvp,
)


class GroundRulesInline(admin.TabularInline):
    model = GroundRules
    fields = ["version", "text", "written_by", "written_at"]
    readonly_fields = ["version", "text", "written_by", "written_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["person", "role", "organisation", "state", "ground_rules", "consented_at"]
    readonly_fields = ["ground_rules", "consented_at"]
    autocomplete_fields = ["person"]
    extra = 0
    show_change_link = True


@admin.register(LearningSet)
class LearningSetAdmin(admin.ModelAdmin):
    list_display = ["name", "innovation", "status", "capacity", "time_zone", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "innovation__title"]
    list_select_related = ["innovation"]
    raw_id_fields = ["innovation", "created_by"]
    inlines = [MembershipInline, GroundRulesInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "learning_set", "role", "organisation", "state", "consented_at"]
    list_filter = ["state", "role"]
    search_fields = ["person__email", "person__full_name", "learning_set__name"]
    list_select_related = ["person", "learning_set", "organisation"]
    raw_id_fields = ["person", "learning_set", "organisation", "ground_rules"]


@admin.register(GroundRules)
class GroundRulesAdmin(admin.ModelAdmin):
    """Versions are history: read them here, write a new one from the set's edit page."""

    list_display = ["learning_set", "version", "written_by", "written_at"]
    search_fields = ["learning_set__name"]
    readonly_fields = ["learning_set", "version", "text", "written_by", "written_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "learning_set",
        "role",
        "status",
        "sent_at",
        "expires_at",
        "send_count",
    ]
    list_filter = ["response", "role"]
    search_fields = ["email", "learning_set__name"]
    list_select_related = ["learning_set"]
    raw_id_fields = ["learning_set", "organisation", "invited_by", "person"]
    readonly_fields = ["token_hash", "sent_at", "send_count", "responded_at", "response", "person"]
    actions = ["resend"]

    @admin.action(description="Resend the selected invitations (new link, 14 more days)")
    def resend(self, request, queryset):
        sent, refused = 0, 0
        for invitation in queryset.select_related("learning_set", "invited_by"):
            try:
                services.invitation_resend(invitation=invitation)
                sent += 1
            except ValidationError:
                refused += 1
        self.message_user(request, f"{sent} invitation(s) resent.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"{refused} could not be resent: they were answered or withdrawn.",
                messages.WARNING,
            )


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["learning_set", "number", "title", "starts_at", "format", "status", "sequence"]
    list_filter = ["status", "format"]
    search_fields = ["title", "learning_set__name"]
    list_select_related = ["learning_set"]
    raw_id_fields = ["learning_set"]
    readonly_fields = ["sequence", "created_at", "updated_at"]
    inlines = [AgendaItemInline]


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ["meeting", "person", "response", "responded_at"]
    list_filter = ["response"]
    list_select_related = ["meeting__learning_set", "person"]
    raw_id_fields = ["meeting", "person"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "person", "status", "recorded_by", "recorded_at"]
    list_filter = ["status"]
    list_select_related = ["meeting__learning_set", "person", "recorded_by"]
    raw_id_fields = ["meeting", "person", "recorded_by"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """To stop a leaked feed address, delete it; its owner can make a new one."""

    list_display = ["person", "created_at"]
    search_fields = ["person__email"]
    readonly_fields = ["person", "token_hash", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["meeting", "position", "kind", "title", "minutes"]
    list_filter = ["kind"]
    list_select_related = ["meeting__learning_set"]
    raw_id_fields = ["meeting"]


# Reflections, actions, questions, barriers, airtime bids and check-ins (sets/between_admin.py).
from sets import between_admin  # noqa: E402, F401
