"""How every form in the project renders: label, hint and error beside each field.

Follows the GOV.UK Design System pattern; `templates/forms/` holds the markup and
`templates/includes/error_summary.html` the summary that links to each field.
"""

from django.forms.renderers import TemplatesSetting


class AccessibleFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
