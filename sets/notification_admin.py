"""The notification outbox in admin: find any row, see why it failed, send it again."""

from django.contrib import admin, messages

from sets.models import Notification, NotificationPreference, ReminderSettings
from sets.notifications import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "learning_set", "due_at", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient__email", "dedupe_key", "learning_set__name"]
    date_hierarchy = "due_at"
    list_select_related = ["recipient", "learning_set"]
    raw_id_fields = ["recipient", "learning_set", "meeting", "action"]
    readonly_fields = [
        "dedupe_key",
        "message_id",
        "claimed_at",
        "claim_token",
        "sent_at",
        "subject",
        "created_at",
    ]
    actions = ["retry"]

    @admin.action(description="Send again (failed or skipped rows, due now)")
    def retry(self, request, queryset):
        count = notifications_retry(notification_ids=queryset.values_list("pk", flat=True))
        messages.success(request, f"{count} notifications will be sent within a minute.")


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["learning_set", "first_reminder_days", "second_reminder_days", "updated_at"]
    raw_id_fields = ["learning_set"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "enabled", "updated_at"]
    list_filter = ["kind", "enabled"]
    raw_id_fields = ["person"]
