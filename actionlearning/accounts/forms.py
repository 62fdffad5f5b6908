from allauth.core import context as allauth_context
from django import forms

from actionlearning.accounts.models import User
from actionlearning.timezones import time_zone_choices


class TimeZoneSelect(forms.Select):
    """A select that static/js/timezone.js may preset to the browser's own zone."""

    def __init__(self, attrs=None):
        super().__init__({"data-detect-time-zone": "", **(attrs or {})})


class FixedEmailInput(forms.EmailInput):
    """Read-only rather than disabled, so it is still focused and read aloud."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        context["widget"]["attrs"]["readonly"] = True
        return context


def _invited_email() -> str:
    """The address an invitation stashed as verified (allauth's invitation hook), if any."""
    request = allauth_context.request
    return (request.session.get("account_verified_email") or "") if request else ""


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form gains: a name and a time zone.

    Someone signing up from an invitation keeps the invited address: the field is
    shown read-only and whatever is posted for it is ignored.
    """

    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        help_text="As colleagues in your learning set will see it.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        initial="Europe/London",
        help_text="Meeting times are shown to you in this zone.",
        widget=TimeZoneSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invited = _invited_email()
        if invited and "email" in self.fields:
            self.initial["email"] = invited
            email = self.fields["email"]
            email.disabled = True
            email.widget = FixedEmailInput(attrs={"autocomplete": "email"})
            email.help_text = "The address your invitation was sent to."

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["full_name", "time_zone"])


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Meeting times are shown to you in this zone.",
    )

    class Meta:
        model = User
        # The organisation is not here: belonging to one lets a person edit its
        # adoption journeys, so administrators set it (Django admin).
        fields = ["full_name", "time_zone"]
        labels = {"full_name": "Full name"}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}
