"""The catalogue, an innovation's page, and creating and editing one."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innovations.models import Innovation, InnovationSector, InnovationStatus
from innovations.uploads import MAX_RESOURCE_BYTES
from tests.factories import (
    AdoptionFactory,
    ComponentFactory,
    FacilitatorFactory,
    InnovationFactory,
    OrganisationFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's words, without tags or runs of white space."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _titles(response) -> list[str]:
    return [innovation.title for innovation, _ in response.context["entries"]]


# --- Catalogue ---------------------------------------------------------------


def test_catalogue_finds_innovations_by_their_words(client):
    InnovationFactory(title="Red Bag pathway", summary="Care home residents go to hospital.")
    InnovationFactory(title="Family Group Conferencing", summary="Families make the plan.")
    client.force_login(UserFactory())
    response = client.get(reverse("innovations:catalogue"), {"q": "hospital"})
    assert _titles(response) == ["Red Bag pathway"]
    assert "1 innovation" in _text(response)


def test_catalogue_filters_by_sector_and_by_stage_reached(client):
    health = InnovationFactory(title="Virtual ward")
    InnovationSector.objects.create(innovation=health, sector="health")
    children = InnovationFactory(title="Family Group Conferencing")
    InnovationSector.objects.create(innovation=children, sector="childrens_services")
    AdoptionFactory(innovation=health, stage="exploring")
    AdoptionFactory(innovation=children, stage="implementing")
    client.force_login(UserFactory())
    by_sector = client.get(reverse("innovations:catalogue"), {"sector": "health"})
    reached_piloting = client.get(reverse("innovations:catalogue"), {"stage": "piloting"})
    assert _titles(by_sector) == ["Virtual ward"]
    assert _titles(reached_piloting) == ["Family Group Conferencing"]


def test_catalogue_shows_how_many_organisations_are_at_each_stage(client):
    innovation = InnovationFactory(title="Red Bag pathway")
    for stage in ("exploring", "exploring", "piloting"):
        AdoptionFactory(innovation=innovation, stage=stage)
    client.force_login(UserFactory())
    response = client.get(reverse("innovations:catalogue"))
    assert response.context["entries"][0][1] == [("Exploring", 2), ("Piloting", 1)]
    assert "Exploring 2 Piloting 1" in _text(response)


def test_catalogue_pages_through_many_innovations_keeping_the_search(client):
    for number in range(25):
        InnovationFactory(title=f"Care home idea {number:02}")
    client.force_login(UserFactory())
    first = client.get(reverse("innovations:catalogue"), {"q": "care"})
    second = client.get(reverse("innovations:catalogue"), {"q": "care", "page": 2})
    assert len(first.context["entries"]) == 20
    assert len(second.context["entries"]) == 5
    assert 'href="?q=care&amp;page=2"' in first.content.decode()
    assert "Page 2 of 2" in _text(second)


def test_catalogue_lists_drafts_only_to_their_editors_and_never_archived(client):
    editor = UserFactory()
    draft = InnovationFactory(title="Draft idea", status=InnovationStatus.DRAFT)
    draft.innovators.add(editor)
    InnovationFactory(title="Old idea", status=InnovationStatus.ARCHIVED)
    InnovationFactory(title="Live idea")
    client.force_login(UserFactory())
    assert _titles(client.get(reverse("innovations:catalogue"))) == ["Live idea"]
    client.force_login(editor)
    assert _titles(client.get(reverse("innovations:catalogue"))) == ["Draft idea", "Live idea"]


def test_catalogue_offers_adding_an_innovation_only_to_facilitators(client):
    client.force_login(UserFactory())
    assert "Add an innovation" not in _text(client.get(reverse("innovations:catalogue")))
    client.force_login(FacilitatorFactory())
    assert "Add an innovation" in _text(client.get(reverse("innovations:catalogue")))


# --- Innovation page ---------------------------------------------------------


def test_innovation_page_shows_core_and_adaptable_components_and_where_it_spreads(client):
    innovation = InnovationFactory(title="Red Bag pathway")
    ComponentFactory(innovation=innovation, name="Standard form", kind="core")
    ComponentFactory(innovation=innovation, name="Bag design", kind="adaptable")
    ResourceFactory(innovation=innovation, title="Quick guide", url="https://example.org/g")
    AdoptionFactory(innovation=innovation, organisation=OrganisationFactory(name="Maple Lodge"))
    AdoptionFactory(
        innovation=innovation,
        organisation=OrganisationFactory(name="Northshire NHS FT"),
        stage="piloting",
    )
    innovator = UserFactory(full_name="Grace Bennett")
    innovation.innovators.add(innovator)
    client.force_login(UserFactory())
    response = client.get(reverse("innovations:detail", args=[innovation.slug]))
    text = _text(response)
    assert [c.name for c in response.context["core"]] == ["Standard form"]
    assert [c.name for c in response.context["adaptable"]] == ["Bag design"]
    assert "Core: keep these Standard form" in text
    assert "Adaptable: change these to fit Bag design" in text
    assert 'href="https://example.org/g"' in response.content.decode()
    assert "Grace Bennett" in text
    assert "Exploring (1) Maple Lodge Piloting (1) Northshire NHS FT" in text
    assert "Edit this innovation" not in text


def test_innovation_page_links_to_ones_own_organisations_journey(client):
    adoption = AdoptionFactory()
    client.force_login(UserFactory(organisation=adoption.organisation))
    response = client.get(reverse("innovations:detail", args=[adoption.innovation.slug]))
    assert "Your organisation's journey with it" in _text(response)
    assert "Start adopting it" not in _text(response)


# --- Creating and editing ----------------------------------------------------


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _innovation_post(**overrides) -> dict:
    source = OrganisationFactory()
    data = {
        "title": "Red Bag pathway",
        "summary": "A red bag travels with the resident.",
        "source_organisation": str(source.pk),
        "sectors": ["health", "adult_social_care"],
        "problem": "Information is lost.",
        "how_it_works": "Staff pack a form.",
        "evidence": "",
        "innovators": "",
        "status": "published",
        **_management("components", 2),
        "components-0-name": "Standard form",
        "components-0-kind": "core",
        "components-0-why_it_matters": "The same information every time.",
        "components-1-name": "Bag design",
        "components-1-kind": "adaptable",
        "components-1-why_it_matters": "Any sturdy bag will do.",
        **_management("resources", 1),
        "resources-0-title": "",
        "resources-0-kind": "",
        "resources-0-url": "",
        **_management("evidence_links", 1),
        "evidence_links-0-title": "",
        "evidence_links-0-url": "",
    }
    return data | overrides


def test_a_facilitator_creates_an_innovation_with_its_components_in_one_go(client):
    innovator = UserFactory(email="grace@example.org")
    client.force_login(FacilitatorFactory())
    data = _innovation_post(
        innovators="Grace@example.org",
        **{
            "resources-0-title": "Quick guide",
            "resources-0-kind": "guide",
            "resources-0-url": "https://example.org/guide",
            "evidence_links-0-title": "Evaluation",
            "evidence_links-0-url": "https://example.org/evaluation",
        },
    )
    response = client.post(reverse("innovations:create"), data, follow=True)
    innovation = Innovation.objects.get()
    assert response.redirect_chain[-1][0] == reverse("innovations:detail", args=["red-bag-pathway"])
    assert "“Red Bag pathway” is saved." in _text(response)
    assert [(c.name, c.kind) for c in innovation.components.all()] == [
        ("Standard form", "core"),
        ("Bag design", "adaptable"),
    ]
    assert [r.url for r in innovation.resources.all()] == ["https://example.org/guide"]
    assert [e.title for e in innovation.evidence_links.all()] == ["Evaluation"]
    assert list(innovation.innovators.all()) == [innovator]


def test_a_component_with_no_name_is_refused_beside_the_field_keeping_what_was_typed(client):
    client.force_login(FacilitatorFactory())
    data = _innovation_post(**{"components-1-name": ""})
    response = client.post(reverse("innovations:create"), data)
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_components-1-name">Component 2, Name: Give the component a name.</a>' in (
        page
    )
    assert 'id="id_components-1-name_error"' in page
    assert 'value="Red Bag pathway"' in page
    assert "Any sturdy bag will do." in page
    assert not Innovation.objects.exists()


def test_an_unknown_innovator_is_named_in_the_message(client):
    client.force_login(FacilitatorFactory())
    response = client.post(
        reverse("innovations:create"), _innovation_post(innovators="nobody@example.org")
    )
    assert (
        "Nobody has an account with nobody@example.org yet: ask them to create one, "
        "then add them." in _text(response)
    )
    assert not Innovation.objects.exists()


def _upload_post(upload) -> dict:
    return _innovation_post(
        **{
            "resources-0-title": "Transfer form",
            "resources-0-kind": "template",
            "resources-0-file": upload,
        }
    )


def test_a_file_too_large_is_refused_with_its_size(client):
    client.force_login(FacilitatorFactory())
    big = SimpleUploadedFile("form.pdf", b"x" * (MAX_RESOURCE_BYTES + 1), "application/pdf")
    response = client.post(reverse("innovations:create"), _upload_post(big))
    assert "The file must be smaller than 10.0 MB; this one is 10.0 MB." in _text(response)
    assert 'value="Transfer form"' in response.content.decode()
    assert not Innovation.objects.exists()


def test_a_file_of_a_refused_type_is_refused_naming_the_types_accepted(client):
    client.force_login(FacilitatorFactory())
    script = SimpleUploadedFile("form.exe", b"MZ", "application/octet-stream")
    response = client.post(reverse("innovations:create"), _upload_post(script))
    assert "“exe” files are not accepted." in _text(response)
    assert "The file must be a PDF, Word (.docx)" in _text(response)
    assert not Innovation.objects.exists()


def test_a_resource_needs_a_link_or_a_file_not_both(client):
    client.force_login(FacilitatorFactory())
    both = _upload_post(SimpleUploadedFile("form.pdf", b"%PDF", "application/pdf"))
    both["resources-0-url"] = "https://example.org/form"
    neither = _innovation_post(**{"resources-0-title": "Form", "resources-0-kind": "template"})
    assert "Give a link or upload a file, not both." in _text(
        client.post(reverse("innovations:create"), both)
    )
    assert "Give a link, or upload a file." in _text(
        client.post(reverse("innovations:create"), neither)
    )


def test_an_uploaded_file_is_downloaded_only_through_the_checked_page(client):
    client.force_login(FacilitatorFactory())
    upload = SimpleUploadedFile("transfer form.pdf", b"%PDF-1.4 form", "application/pdf")
    client.post(reverse("innovations:create"), _upload_post(upload))
    resource = Innovation.objects.get().resources.get()
    url = reverse("innovations:resource_file", args=["red-bag-pathway", resource.pk])
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 form"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="transfer_form.pdf"'


def test_an_innovator_edits_it_removing_one_component_and_adding_another(client):
    innovator = UserFactory()
    innovation = InnovationFactory(title="Red Bag pathway")
    innovation.innovators.add(innovator)
    kept = ComponentFactory(innovation=innovation, name="Standard form")
    gone = ComponentFactory(innovation=innovation, name="Leaflet")
    data = _innovation_post(
        innovators=innovator.email,
        **_management("components", 3, initial=2),
        **{
            "components-0-id": str(kept.pk),
            "components-0-name": "Standard transfer form",
            "components-0-kind": "core",
            "components-0-why_it_matters": "The same information every time.",
            "components-1-id": str(gone.pk),
            "components-1-name": "Leaflet",
            "components-1-kind": "core",
            "components-1-why_it_matters": "x",
            "components-1-DELETE": "on",
            "components-2-name": "Bag design",
            "components-2-kind": "adaptable",
            "components-2-why_it_matters": "Any bag.",
        },
    )
    client.force_login(innovator)
    response = client.post(reverse("innovations:edit", args=[innovation.slug]), data)
    assert response.status_code == 302
    assert [c.name for c in innovation.components.all()] == ["Standard transfer form", "Bag design"]
    innovation.refresh_from_db()
    assert innovation.slug == "red-bag-pathway"
