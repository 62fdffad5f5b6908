"""Pages around reminder emails: what you were sent, which emails you get, the signed links
in them (RSVP, unsubscribe), and a set's reminder settings for its facilitators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionlearning.accounts.models import User
from sets import services
from sets.models import (
    LearningSet,
    Meeting,
    Membership,
    Notification,
    NotificationKind,
    ReminderSettings,
    Rsvp,
)
from sets.notification_links import rsvp_token_read, unsubscribe_token_read
from sets.notifications import (
    notifications_retry,
    preference_set,
    preferences_of,
    reminder_settings_check,
    reminder_settings_for,
    reminder_settings_update,
)

PAGE_SIZE = 50
LINK_BROKEN = "notifications/link_broken.html"


# --- What you were sent, and what you want --------------------------------------------------


@login_required
@require_GET
def notification_list(request):
    sent = Notification.objects.received_by(request.user).select_related("learning_set", "meeting")
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


class PreferencesForm(forms.Form):
    def __init__(self, *args, current: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label, required=False, initial=current[kind]
            )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for kind, enabled in form.cleaned_data.items():
            if enabled != current[kind]:
                preference_set(person=request.user, kind=kind, enabled=enabled)
        messages.success(request, "Your email choices are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# --- Signed links from emails ----------------------------------------------------------------


def _link_broken(request: HttpRequest, why: str):
    return render(request, LINK_BROKEN, {"why": why}, status=404)


# Mail programs that honour List-Unsubscribe-Post send a bare POST, with no cookie or token:
# the signature in the address is what makes it theirs.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    found = unsubscribe_token_read(token)
    person_id, kind_value = found if found else (0, "")
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or kind_value not in NotificationKind.values:
        return _link_broken(request, "This unsubscribe link is not one we sent, or is incomplete.")
    kind = NotificationKind(kind_value)
    context = {"person": person, "kind": kind, "kind_label": kind.label}
    if request.method == "POST":
        preference_set(person=person, kind=kind, enabled=False)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe.html", context)


class RsvpLinkForm(forms.Form):
    response = forms.ChoiceField(
        label="Will you come?", choices=Rsvp.Response.choices, widget=forms.RadioSelect
    )


@require_http_methods(["GET", "POST"])
def rsvp(request, token: str):
    """Opening the link changes nothing; the answer is recorded by the form's POST."""
    found = rsvp_token_read(token)
    if found is None:
        return _link_broken(request, "This RSVP link is not one we sent, or is incomplete.")
    meeting_id, person_id = found
    meeting = Meeting.objects.select_related("learning_set").filter(pk=meeting_id).first()
    if meeting is None:
        return _link_broken(request, "This RSVP link is not one we sent, or is incomplete.")
    person = User.objects.filter(pk=person_id, is_active=True).first()
    member = Membership.objects.active().filter(learning_set=meeting.learning_set, person=person)
    if person is None or not member.exists():
        return _link_broken(request, "This link was for a member of the set who has since left.")
    if meeting.ends_at <= _now() or meeting.is_cancelled:
        return _link_broken(request, "This meeting is over or cancelled, so it takes no answers.")
    current = Rsvp.objects.filter(meeting=meeting, person=person).first()
    initial = request.GET.get("answer") or (current.response if current else None)
    form = RsvpLinkForm(request.POST or None, initial={"response": initial})
    context = {"form": form, "meeting": meeting, "person": person, "current": current}
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.rsvp_record(
                meeting=meeting, person=person, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "notifications/rsvp_done.html", {**context, "answer": answer})
    return render(request, "notifications/rsvp.html", context, status=400 if form.errors else 200)


def _now():
    from django.utils import timezone

    return timezone.now()


# --- A set's reminders, for its facilitators --------------------------------------------------


def _facilitated_set(request: HttpRequest, set_id: int) -> LearningSet:
    """404 to strangers, 403 to members (and staff) who do not facilitate it."""
    learning_set = get_object_or_404(LearningSet.objects.visible_to(request.user), pk=set_id)
    if not LearningSet.objects.managed_by(request.user).filter(pk=set_id).exists():
        raise PermissionDenied("Only the set's facilitators can change its reminders.")
    return learning_set


REMINDER_FIELDS = [
    "first_reminder_days",
    "second_reminder_days",
    "rsvp_chase_days",
    "check_in_prompt",
    "check_in_nudge_days",
    "reflection_prompt_hours",
    "digest_days",
    "overdue_action_nudge",
]


class ReminderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReminderSettings
        fields = REMINDER_FIELDS
        help_texts = {
            "first_reminder_days": "Leave empty for no reminder. Sent to every member.",
            "rsvp_chase_days": "Sent only to members who have not answered.",
            "check_in_nudge_days": "Sent only to members who have not checked in.",
            "reflection_prompt_hours": "Sent to those marked present.",
            "digest_days": "Sent to the set's facilitators.",
        }

    def __init__(self, *args, learning_set: LearningSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.learning_set = learning_set

    def clean(self):
        cleaned = super().clean()
        try:
            reminder_settings_check(learning_set=self.learning_set, values=cleaned or {})
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, errors)
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def set_reminders(request, set_id: int):
    learning_set = _facilitated_set(request, set_id)
    current = reminder_settings_for(learning_set)
    form = ReminderSettingsForm(request.POST or None, instance=current, learning_set=learning_set)
    if request.method == "POST" and form.is_valid():
        reminder_settings_update(
            learning_set=learning_set, **{name: form.cleaned_data[name] for name in REMINDER_FIELDS}
        )
        messages.success(request, "The reminder settings are saved; pending emails follow them.")
        return redirect("notifications:set_reminders", learning_set.pk)
    outbox = Notification.objects.filter(learning_set=learning_set)
    context = {
        "learning_set": learning_set,
        "form": form,
        "failed": outbox.filter(state=Notification.State.FAILED)
        .select_related("recipient", "meeting")
        .order_by("-due_at")[:50],
        "counts": dict(
            outbox.values_list("state").annotate(count=Count("pk")).values_list("state", "count")
        ),
        "upcoming": outbox.pending()
        .select_related("recipient", "meeting")
        .order_by("due_at", "pk")[:20],
    }
    return render(request, "notifications/set_reminders.html", context)


@login_required
@require_POST
def set_notification_retry(request, set_id: int, notification_id: int):
    learning_set = _facilitated_set(request, set_id)
    notification = get_object_or_404(
        Notification.objects.filter(learning_set=learning_set), pk=notification_id
    )
    if notifications_retry(notification_ids=[notification.pk]):
        messages.success(request, f"The email to {notification.recipient} will go again shortly.")
    else:
        messages.info(request, "That email is not waiting for a retry.")
    return redirect("notifications:set_reminders", learning_set.pk)
