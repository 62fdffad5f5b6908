"""How every form in the project renders: label, hint and error beside each field.

Follows the GOV.UK Design System pattern; `templates/forms/` holds the markup and
`templates/includes/error_summary.html` the summary that links to each field.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def form_add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal, shown beside the field it names (or above the form).

    Services name model fields; a name the form does not have goes above the form
    instead of making `add_error` raise.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
