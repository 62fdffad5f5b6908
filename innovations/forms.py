"""Forms for innovations and adoption journeys; each field says what it wants and why."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.forms import BaseInlineFormSet, inlineformset_factory

from actionlearning.accounts.models import User
from innovations.models import (
    Adoption,
    Barrier,
    CfirDomain,
    Component,
    ComponentKind,
    EvidenceLink,
    Innovation,
    InnovationStatus,
    LedgerStatus,
    Organisation,
    Resource,
    Sector,
    Stage,
)
from innovations.uploads import MAX_RESOURCE_BYTES, RESOURCE_TYPES_IN_WORDS

REQUIRED = "required"
ROWS = {"rows": 4}

CFIR_HINT = (
    "From the Consolidated Framework for Implementation Research: the innovation itself; "
    "the outer setting (policy, funding, partners); the inner setting (your organisation's "
    "culture, structures, priorities); the people involved; or the process of putting it in place."
)


# --- Catalogue ---------------------------------------------------------------


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words from the title or description, e.g. care homes hospital.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sector = forms.ChoiceField(
        label="Sector", required=False, choices=[("", "All sectors"), *Sector.choices]
    )
    stage = forms.ChoiceField(
        label="Stage reached",
        required=False,
        choices=[("", "Any stage"), *Stage.choices],
        help_text="At least one organisation is at this stage or further along.",
    )


# --- Innovations -------------------------------------------------------------


class InnovationForm(forms.ModelForm):
    sectors = forms.MultipleChoiceField(
        label="Sectors",
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={REQUIRED: "Choose at least one sector."},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=InnovationStatus.choices,
        widget=forms.RadioSelect,
        help_text="Drafts are seen only by their editors. Everyone signed in sees a "
        "published innovation.",
    )
    innovators = forms.CharField(
        label="Innovators",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Email addresses of the people who speak for it, one per line. They need an "
            "account here, and may then edit this innovation."
        ),
    )

    class Meta:
        model = Innovation
        fields = [
            "title",
            "summary",
            "source_organisation",
            "sectors",
            "problem",
            "how_it_works",
            "evidence",
            "innovators",
            "status",
        ]
        labels = {
            "source_organisation": "Source organisation",
            "problem": "The problem it solves",
            "how_it_works": "How it works",
        }
        help_texts = {
            "summary": "Two or three sentences: shown in the catalogue.",
            "source_organisation": "Where the innovation was created.",
            "evidence": "What is known about its results; add links to evaluations below.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "problem": forms.Textarea(attrs=ROWS),
            "how_it_works": forms.Textarea(attrs=ROWS),
            "evidence": forms.Textarea(attrs=ROWS),
        }
        error_messages = {
            "title": {REQUIRED: "Give the innovation a title."},
            "summary": {REQUIRED: "Write a short summary."},
            "source_organisation": {REQUIRED: "Choose the organisation it comes from."},
            "problem": {REQUIRED: "Say what problem it solves."},
            "how_it_works": {REQUIRED: "Say how it works."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["sectors"] = [s.sector for s in self.instance.sectors.all()]
            emails = [person.email for person in self.instance.innovators.all()]
            self.initial["innovators"] = "\n".join(emails)

    def clean_innovators(self) -> list[User]:
        emails = self.cleaned_data["innovators"].replace(",", " ").split()
        matches = User.objects.alias(address=Lower("email")).filter(
            address__in=[email.lower() for email in emails]
        )
        people = {person.email.lower(): person for person in matches}
        unknown = [email for email in emails if email.lower() not in people]
        if unknown:
            raise ValidationError(
                "Nobody has an account with %(emails)s yet: ask them to create one, then add them.",
                params={"emails": ", ".join(unknown)},
            )
        return list({email.lower(): people[email.lower()] for email in emails}.values())


class ComponentForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label="Core or adaptable",
        choices=ComponentKind.choices,
        widget=forms.RadioSelect,
        error_messages={REQUIRED: "Choose whether the component is core or adaptable."},
    )

    class Meta:
        model = Component
        fields = ["name", "kind", "why_it_matters"]
        labels = {"name": "Name", "why_it_matters": "Why it matters"}
        widgets = {"why_it_matters": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {REQUIRED: "Give the component a name."},
            "why_it_matters": {REQUIRED: "Say why the component matters."},
        }


def _link_field(*, required: bool, hint: str = "") -> forms.URLField:
    return forms.URLField(
        label="Link",
        required=required,
        max_length=500,
        assume_scheme="https",
        help_text=hint,
        error_messages={
            REQUIRED: "Give the web address.",
            "invalid": "Enter a full web address, starting https://",
        },
    )


class ResourceForm(forms.ModelForm):
    url = _link_field(required=False, hint="A web address, e.g. https://www.example.org/guide")

    class Meta:
        model = Resource
        fields = ["title", "kind", "url", "file"]
        labels = {"title": "Title", "kind": "Kind", "file": "Or upload a file"}
        help_texts = {
            "file": (
                f"{RESOURCE_TYPES_IN_WORDS}, up to {MAX_RESOURCE_BYTES // (1024 * 1024)} MB. "
                "If the page comes back with a problem, choose the file again."
            ),
        }
        error_messages = {
            "title": {REQUIRED: "Give the resource a title."},
            "kind": {REQUIRED: "Choose what kind of resource it is."},
        }

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        has_link, has_file = bool(cleaned.get("url")), bool(cleaned.get("file"))
        if has_link and has_file:
            self.add_error("url", "Give a link or upload a file, not both.")
        elif not (has_link or has_file or self.has_error("url") or self.has_error("file")):
            self.add_error("url", "Give a link, or upload a file.")
        return cleaned


class EvidenceLinkForm(forms.ModelForm):
    url = _link_field(required=True)

    class Meta:
        model = EvidenceLink
        fields = ["title", "url"]
        labels = {"title": "Title"}
        error_messages = {"title": {REQUIRED: "Give the link a title."}}


class PartFormSet(BaseInlineFormSet):
    """Rows of an innovation's parts; `row_name` titles each row for people and errors."""

    row_name = "Row"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = f"Remove this {self.row_name.lower()}"

    def rows(self):
        return [(f"{self.row_name} {number}", form) for number, form in enumerate(self, 1)]

    def _is_removed(self, form) -> bool:
        return self.can_delete and bool(getattr(form, "cleaned_data", {}).get("DELETE"))

    def kept_forms(self):
        return [form for form in self.forms if form.has_changed() and not self._is_removed(form)]


class ComponentFormSet(PartFormSet):
    row_name = "Component"

    def clean(self):
        super().clean()
        seen: set[str] = set()
        for form in self.kept_forms():
            name = (form.cleaned_data.get("name") or "").strip().lower()
            if name and name in seen:
                form.add_error("name", "Another component already has this name.")
            seen.add(name)


class ResourceFormSet(PartFormSet):
    row_name = "Resource"


class EvidenceLinkFormSet(PartFormSet):
    row_name = "Evidence link"


def part_formsets(*, data=None, files=None, innovation: Innovation | None = None) -> dict:
    """The component, resource and evidence rows, with a few blank ones to fill."""
    new = innovation is None
    innovation = innovation or Innovation()
    factories: dict[str, type[BaseInlineFormSet]] = {
        "components": inlineformset_factory(
            Innovation,
            Component,
            form=ComponentForm,
            formset=ComponentFormSet,
            extra=6 if new else 3,
            can_delete_extra=False,
        ),
        "resources": inlineformset_factory(
            Innovation,
            Resource,
            form=ResourceForm,
            formset=ResourceFormSet,
            extra=3 if new else 2,
            can_delete_extra=False,
        ),
        "evidence_links": inlineformset_factory(
            Innovation,
            EvidenceLink,
            form=EvidenceLinkForm,
            formset=EvidenceLinkFormSet,
            extra=3 if new else 2,
            can_delete_extra=False,
        ),
    }
    return {
        prefix: factory(data, files, instance=innovation, prefix=prefix)
        for prefix, factory in factories.items()
    }


def error_summary(form: forms.BaseForm, formsets: dict) -> list[tuple[str, str]]:
    """(field id, message) for every problem on the page, in the order they appear."""
    problems = [(f"#{form[name].auto_id}", _message(form, name, e)) for name, e in _errors(form)]
    for formset in formsets.values():
        problems += [("", error) for error in formset.non_form_errors()]
        for row, row_form in formset.rows():
            problems += [
                (f"#{row_form[name].auto_id}", f"{row}, {_message(row_form, name, e)}")
                for name, e in _errors(row_form)
            ]
    return problems


def _errors(form):
    for name, errors in form.errors.items():
        for error in errors:
            yield name, error


def _message(form, name: str, error: str) -> str:
    if name == "__all__":
        return error
    return f"{form[name].label}: {error}"


# --- Adoptions ---------------------------------------------------------------


class AdoptionStartForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            REQUIRED: "Choose the organisation that is adopting it.",
            "invalid_choice": "Choose an organisation from the list.",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations


class StageChangeForm(forms.Form):
    stage = forms.ChoiceField(
        label="New stage",
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={
            REQUIRED: "Choose the stage it has reached.",
            "invalid_choice": "Choose a stage from the list.",
        },
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What led to this change; kept on the journey's timeline.",
    )


class ContextProfileForm(forms.ModelForm):
    class Meta:
        model = Adoption
        fields = [
            "people_served",
            "current_practice",
            "why_now",
            "sponsor",
            "resources_and_capacity",
            "stakeholders",
        ]
        labels = {
            "people_served": "Who your organisation serves",
            "current_practice": "What you do now",
            "why_now": "Why change is needed now",
            "sponsor": "Sponsor",
            "resources_and_capacity": "Resources and capacity",
            "stakeholders": "Key stakeholders",
        }
        help_texts = {
            "people_served": "The people and places: population, needs, numbers.",
            "current_practice": "How this problem is handled today.",
            "sponsor": "The senior person who backs the change: name and role.",
            "resources_and_capacity": "Time, money, staff and skills you can put into it.",
            "stakeholders": "Who must be involved or kept informed.",
        }
        widgets = {
            "people_served": forms.Textarea(attrs=ROWS),
            "current_practice": forms.Textarea(attrs=ROWS),
            "why_now": forms.Textarea(attrs=ROWS),
            "resources_and_capacity": forms.Textarea(attrs=ROWS),
            "stakeholders": forms.Textarea(attrs=ROWS),
        }


class LedgerEntryForm(forms.Form):
    status = forms.ChoiceField(
        label="What have you done with it?",
        choices=LedgerStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            REQUIRED: "Choose what you have done with this component.",
            "invalid_choice": "Choose one of the options.",
        },
    )
    how = forms.CharField(
        label="How it was adapted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if you adapted it.",
    )
    why = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if you adapted or dropped it.",
    )


class BarrierForm(forms.ModelForm):
    domain = forms.ChoiceField(
        label="Where the barrier lies",
        choices=CfirDomain.choices,
        widget=forms.RadioSelect,
        help_text=CFIR_HINT,
        error_messages={
            REQUIRED: "Choose where the barrier lies.",
            "invalid_choice": "Choose a category from the list.",
        },
    )

    class Meta:
        model = Barrier
        fields = ["domain", "description"]
        labels = {"description": "What is in the way"}
        widgets = {"description": forms.Textarea(attrs=ROWS)}
        error_messages = {"description": {REQUIRED: "Describe the barrier."}}


class BarrierResolveForm(forms.Form):
    resolution = forms.CharField(
        label="How it was resolved",
        widget=forms.Textarea(attrs=ROWS),
        error_messages={REQUIRED: "Say how the barrier was resolved."},
    )


class EnablerForm(forms.Form):
    domain = forms.ChoiceField(
        label="Where it helps",
        choices=CfirDomain.choices,
        widget=forms.RadioSelect,
        help_text=CFIR_HINT,
        error_messages={
            REQUIRED: "Choose where it helps.",
            "invalid_choice": "Choose a category from the list.",
        },
    )
    description = forms.CharField(
        label="What is helping",
        widget=forms.Textarea(attrs=ROWS),
        error_messages={REQUIRED: "Describe what is helping."},
    )
