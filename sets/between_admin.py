"""Admin for what members keep between meetings.

Every page here is view-only (no change permission), so each field shows as read-only.

Staff run the service; they do not read people's reflections. No list or search touches a
reflection's text, drafts and past versions never show theirs, and a private reflection's
page shows its text to its author only. Everything here is read-only but deletable
(for a person's request to erase what they wrote).
"""

from django.contrib import admin

from sets.models import (
    Action,
    ActionUpdate,
    AirtimeBid,
    Barrier,
    CheckIn,
    Question,
    QuestionSupport,
    Reflection,
    ReflectionDraft,
    ReflectionVersion,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reflection)
class ReflectionAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "shown_title",
        "author",
        "learning_set",
        "template",
        "visibility",
        "created_at",
    ]
    list_filter = ["visibility", "template"]
    list_select_related = ["author", "learning_set"]
    search_fields = ["author__email", "author__full_name", "learning_set__name"]
    date_hierarchy = "created_at"
    META_FIELDS = [
        "author",
        "learning_set",
        "meeting",
        "action",
        "template",
        "visibility",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="title")
    def shown_title(self, reflection: Reflection) -> str:
        return "(private)" if reflection.is_private else reflection.title or "(no title)"

    def get_fields(self, request, obj=None):
        if obj is None or self._text_hidden(request, obj):
            return self.META_FIELDS
        return [*self.META_FIELDS, "title", *obj.stage_fields]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @staticmethod
    def _text_hidden(request, reflection: Reflection) -> bool:
        return reflection.is_private and reflection.author_id != request.user.pk


@admin.register(ReflectionVersion)
class ReflectionVersionAdmin(ReadOnlyAdmin):
    list_display = ["reflection", "number", "visibility", "saved_at"]
    list_select_related = ["reflection__author"]
    fields = ["reflection", "number", "template", "visibility", "saved_at"]


@admin.register(ReflectionDraft)
class ReflectionDraftAdmin(ReadOnlyAdmin):
    list_display = ["author", "learning_set", "reflection", "template", "saved_at"]
    list_select_related = ["author", "learning_set", "reflection"]
    fields = ["author", "learning_set", "reflection", "template", "saved_at"]


class ActionUpdateInline(ReadOnlyInline):
    model = ActionUpdate
    fk_name = "action"
    fields = ["written_at", "written_by", "status", "text", "check_in"]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "owner", "learning_set", "due_on", "status"]
    list_filter = ["status"]
    list_select_related = ["owner", "learning_set"]
    search_fields = ["text", "owner__email", "owner__full_name", "learning_set__name"]
    fields = [
        "learning_set",
        "owner",
        "meeting",
        "text",
        "made_on",
        "due_on",
        "status",
        "created_by",
        "created_at",
        "status_changed_at",
    ]
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(ReadOnlyAdmin):
    list_display = ["action", "status", "written_by", "written_at"]
    list_select_related = ["action", "written_by"]


class QuestionSupportInline(ReadOnlyInline):
    model = QuestionSupport
    fields = ["person", "created_at"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "learning_set", "asked_by", "addressed_to", "status", "created_at"]
    list_filter = ["status", "addressed_to"]
    list_select_related = ["learning_set", "asked_by"]
    search_fields = ["text", "asked_by__email", "learning_set__name"]
    inlines = [QuestionSupportInline]


@admin.register(QuestionSupport)
class QuestionSupportAdmin(ReadOnlyAdmin):
    list_display = ["question", "person", "created_at"]
    list_select_related = ["question", "person"]


@admin.register(Barrier)
class BarrierAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "category", "learning_set", "raised_by", "help_wanted", "status"]
    list_filter = ["status", "category", "help_wanted"]
    list_select_related = ["learning_set", "raised_by"]
    search_fields = ["description", "raised_by__email", "learning_set__name"]


@admin.register(AirtimeBid)
class AirtimeBidAdmin(ReadOnlyAdmin):
    list_display = ["statement", "meeting", "person", "round", "position"]
    list_select_related = ["meeting__learning_set", "person", "round"]


class CheckInUpdateInline(ReadOnlyInline):
    model = ActionUpdate
    fk_name = "check_in"
    fields = ["action", "status", "text"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    list_display = ["person", "learning_set", "after_meeting", "confidence", "help_wanted"]
    list_filter = ["help_wanted", "confidence"]
    list_select_related = ["person", "learning_set", "after_meeting"]
    search_fields = ["person__email", "person__full_name", "learning_set__name"]
    inlines = [CheckInUpdateInline]
