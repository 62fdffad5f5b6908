"""A facilitator adds an innovation; an adopter records its journey; a stranger sees the stage."""

import pytest

from innovations.models import Adoption, Innovation
from tests.factories import PASSWORD, FacilitatorFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

COMPONENTS = [
    ("Standard transfer form", "core", "The same information every time."),
    ("Bag stays with the resident", "core", "Nothing is lost between departments."),
    ("Paper or digital forms", "adaptable", "Homes with shared records may send it ahead."),
    ("Bag design", "adaptable", "Any sturdy bag wards know on sight."),
]
KIND_LABELS = {"core": "Core: must be kept", "adaptable": "Adaptable: may change"}


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("button", name="Sign out").wait_for()


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").first.wait_for()


def _fill_component(page, number, name, kind, why):
    row = page.get_by_role("group", name=f"Component {number}", exact=True)
    row.get_by_label("Name").fill(name)
    row.get_by_label(KIND_LABELS[kind]).check()
    row.get_by_label("Why it matters").fill(why)


def _facilitator_adds_the_red_bag(page, accessible):
    page.get_by_role("link", name="Innovations").click()
    page.get_by_role("heading", name="Innovations", exact=True).wait_for()
    accessible()
    page.get_by_role("link", name="Add an innovation").click()
    page.get_by_role("heading", name="Add an innovation").wait_for()
    accessible()

    page.locator("#id_title").fill("Red Bag hospital transfer pathway")
    page.get_by_label("Summary").fill("A red bag travels with a care home resident to hospital.")
    page.get_by_label("Source organisation").select_option(label="Sutton Care Home Vanguard")
    page.get_by_label("Health", exact=True).check()
    page.get_by_label("The problem it solves").fill("Information and belongings get lost.")
    page.get_by_label("How it works").fill("Staff pack a standard form, medicines and belongings.")
    page.get_by_label("Published").check()
    for number, (name, kind, why) in enumerate(COMPONENTS, 1):
        _fill_component(page, number, name, kind, why)
    page.get_by_role("group", name="Component 4").get_by_label("Name").fill("")
    resource = page.get_by_role("group", name="Resource 1")
    resource.get_by_label("Title").fill("Quick guide for care homes")
    resource.get_by_label("Kind").select_option(label="Guide")
    resource.get_by_label("Or upload a file").set_input_files(
        files=[{"name": "quick-guide.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Save the innovation").click()

    # The missing name is named beside its field; everything else typed is still there.
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert page.get_by_role(
        "link", name="Component 4, Name: Give the component a name."
    ).is_visible()
    assert page.locator("#id_title").input_value() == "Red Bag hospital transfer pathway"
    assert page.get_by_role("group", name="Component 3").get_by_label("Name").input_value() == (
        "Paper or digital forms"
    )
    accessible()
    page.get_by_role("group", name="Component 4").get_by_label("Name").fill("Bag design")
    page.get_by_role("group", name="Resource 1").get_by_label("Or upload a file").set_input_files(
        files=[{"name": "quick-guide.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    page.get_by_role("button", name="Save the innovation").click()

    page.get_by_role("heading", name="Red Bag hospital transfer pathway").wait_for()
    assert page.get_by_text("“Red Bag hospital transfer pathway” is saved.").is_visible()
    core = page.get_by_role("region", name="Core: keep these")
    adaptable = page.get_by_role("region", name="Adaptable: change these to fit")
    assert core.get_by_role("heading", level=4).all_inner_texts() == [
        n for n, k, _ in COMPONENTS[:2]
    ]
    assert adaptable.get_by_role("heading", level=4).all_inner_texts() == [
        n for n, k, _ in COMPONENTS[2:]
    ]
    assert page.get_by_role("link", name="Quick guide for care homes").is_visible()
    accessible()


def _member_records_the_journey(page, accessible):
    page.get_by_role("link", name="Innovations").click()
    page.get_by_label("Search").fill("hospital transfer")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="1 innovation").wait_for()
    accessible()
    page.get_by_role("link", name="Red Bag hospital transfer pathway").click()
    page.get_by_role("heading", name="Where it is spreading").wait_for()
    accessible()
    page.get_by_role("link", name="Start adopting it").click()
    page.get_by_role("heading", name="Start adopting Red Bag hospital transfer pathway").wait_for()
    accessible()
    page.get_by_role("button", name="Start exploring").click()
    page.get_by_role("heading", name="journey with Red Bag").wait_for()
    accessible()

    page.get_by_role("link", name="Write the context profile").click()
    page.get_by_role("heading", name="Context profile").wait_for()
    accessible()
    page.get_by_label("Who your organisation serves").fill("420,000 people and 96 care homes.")
    page.get_by_label("Why change is needed now").fill("Winter pressures and long stays.")
    page.get_by_label("Sponsor").fill("Dr Helen Ward, Director of Integrated Care")
    page.get_by_role("button", name="Save the context profile").click()
    page.get_by_text("The context profile is saved.").wait_for()
    accessible()

    page.get_by_role("link", name="Change the stage").click()
    page.get_by_role("heading", name="Change the stage").wait_for()
    accessible()
    page.get_by_label("Planning").check()
    page.get_by_label("Note").fill("The board agreed a pilot with six care homes.")
    page.get_by_role("button", name="Save the stage").click()
    page.get_by_text("The stage is now planning.").wait_for()
    accessible()

    page.get_by_role("link", name="Update Paper or digital forms").click()
    page.get_by_role("heading", name="Component: Paper or digital forms").wait_for()
    accessible()
    page.get_by_label("Adapted", exact=True).check()
    page.get_by_label("How it was adapted").fill("Sent by NHS mail before the ambulance leaves.")
    page.get_by_label("Why (optional)").fill("Our care homes already share records.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("“Paper or digital forms” is recorded.").wait_for()
    row = page.get_by_role("row", name="Paper or digital forms")
    assert "Adapted" in row.inner_text()
    assert "Sent by NHS mail before the ambulance leaves." in row.inner_text()
    assert page.get_by_text("420,000 people and 96 care homes.").is_visible()
    accessible()


def test_innovation_created_adopted_and_seen_by_a_stranger(page, accessible):
    facilitator = FacilitatorFactory(full_name="Priya Shah")
    OrganisationFactory(name="Sutton Care Home Vanguard")
    northshire = OrganisationFactory(name="Northshire NHS Foundation Trust")
    member = UserFactory(full_name="Aled Morgan", organisation=northshire)
    stranger = UserFactory(full_name="Sam Stranger", organisation=OrganisationFactory())

    _sign_in(page, facilitator.email)
    _facilitator_adds_the_red_bag(page, accessible)
    _sign_out(page)

    _sign_in(page, member.email)
    _member_records_the_journey(page, accessible)
    journey_url = page.url
    _sign_out(page)

    _sign_in(page, stranger.email)
    page.goto(journey_url)
    page.get_by_role("heading", name="journey with Red Bag").wait_for()
    assert page.locator(".lead").inner_text() == "Stage: Planning"
    assert page.get_by_text("420,000 people").count() == 0
    assert page.get_by_text("Sent by NHS mail").count() == 0
    assert page.get_by_role("link", name="Change the stage").count() == 0
    accessible()

    adoption = Adoption.objects.get()
    assert (adoption.organisation, adoption.stage) == (northshire, "planning")
    assert adoption.ledger_entries.get().status == "adapted"
    assert Innovation.objects.get().components.count() == 4
