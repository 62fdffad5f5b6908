from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _rows_per_model() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_demo_data_prints_how_to_sign_in():
    out = StringIO()
    call_command("demo_data", stdout=out)
    printed = out.getvalue()
    assert "Sign in with any of these, password “spread-what-works”:" in printed
    assert "facilitator@example.org" in printed
    assert "add the secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in printed


def test_demo_data_twice_changes_nothing():
    call_command("demo_data", stdout=StringIO())
    first = _rows_per_model()

    call_command("demo_data", stdout=StringIO())

    assert _rows_per_model() == first
    assert first["accounts.User"] == 6
