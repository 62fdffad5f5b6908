from io import StringIO

import pytest
from django.core.management import call_command

from actionlearning.accounts.models import User
from innovations.models import Adoption, Innovation, is_facilitator

pytestmark = pytest.mark.django_db


def test_demo_data_loads_three_published_innovations_with_adopters_at_several_stages():
    call_command("demo_data", stdout=StringIO())
    innovations = Innovation.objects.filter(status="published")
    assert sorted(innovation.title for innovation in innovations) == [
        "Family Group Conferencing",
        "Hospital at Home: frailty virtual ward",
        "Red Bag hospital transfer pathway",
    ]
    for innovation in innovations:
        kinds = {component.kind for component in innovation.components.all()}
        assert kinds == {"core", "adaptable"}, innovation
        assert innovation.resources.exists(), innovation
    assert len(set(Adoption.objects.values_list("stage", flat=True))) >= 3


def test_demo_people_have_their_roles():
    call_command("demo_data", stdout=StringIO())
    people = {person.email: person for person in User.objects.all()}
    red_bag = Innovation.objects.get(slug="red-bag-hospital-transfer-pathway")
    assert is_facilitator(people["facilitator@example.org"])
    assert list(red_bag.innovators.all()) == [people["innovator@example.org"]]
    assert people["participant@example.org"].organisation.name == "Eastbrook Borough Council"
    assert people["nurse@example.org"].organisation.name == "Northshire NHS Foundation Trust"
    assert Adoption.objects.filter(organisation=people["nurse@example.org"].organisation).exists()
