import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from sets import between_services as services
from sets.models import Membership, Reflection, ReflectionDraft
from tests.factories import ReflectionFactory

pytestmark = pytest.mark.django_db

WSN = Reflection.Template.WHAT_SO_WHAT


def _write(midway, **overrides):
    fields = {
        "author": midway.alice,
        "learning_set": midway.learning_set,
        "template": WSN,
        "stages": {"what": "I ran the first huddle.", "so_what": "", "now_what": "Run two more."},
    }
    return services.reflection_create(**(fields | overrides))


def test_reflection_is_private_by_default(midway):
    reflection = _write(midway)

    assert reflection.visibility == Reflection.Visibility.PRIVATE
    assert list(Reflection.objects.visible_to(midway.alice)) == [reflection]
    assert not Reflection.objects.visible_to(midway.bob).exists()
    assert not Reflection.objects.visible_to(midway.facilitator).exists()


def test_reflection_shared_with_facilitators_is_seen_by_them_not_by_members(midway):
    reflection = _write(midway, visibility=Reflection.Visibility.FACILITATORS)

    assert list(Reflection.objects.visible_to(midway.facilitator)) == [reflection]
    assert not Reflection.objects.visible_to(midway.bob).exists()


def test_reflection_shared_with_set_is_seen_by_members_but_not_strangers(midway):
    reflection = _write(midway, visibility=Reflection.Visibility.SET)

    assert list(Reflection.objects.visible_to(midway.bob)) == [reflection]
    assert list(Reflection.objects.visible_to(midway.facilitator)) == [reflection]
    assert not Reflection.objects.visible_to(midway.outsider).exists()
    assert not Reflection.objects.visible_to(midway.stranger).exists()
    assert not Reflection.objects.visible_to(midway.innovator).exists()


def test_reflection_private_is_hidden_from_staff_too(midway):
    midway.facilitator.is_staff = True
    midway.facilitator.save()
    _write(midway)

    assert not Reflection.objects.visible_to(midway.facilitator).exists()


def test_reflection_empty_is_refused_with_a_message(midway):
    with pytest.raises(ValidationError) as refused:
        _write(midway, stages={"what": "  ", "so_what": "", "now_what": ""})

    assert refused.value.message_dict == {"what": [services.EMPTY_REFLECTION]}
    assert not Reflection.objects.exists()


def test_reflection_empty_is_refused_by_the_database(midway):
    with pytest.raises(IntegrityError):
        ReflectionFactory(learning_set=midway.learning_set, what="", so_what="", now_what="")


def test_reflection_gibbs_keeps_one_field_per_stage(midway):
    stages = {
        "description": "A",
        "feelings": "B",
        "evaluation": "C",
        "analysis": "D",
        "conclusion": "E",
        "action_plan": "F",
    }
    reflection = _write(midway, template=Reflection.Template.GIBBS, stages=stages)

    assert [text for _label, text in reflection.stages] == ["A", "B", "C", "D", "E", "F"]
    assert [label for label, _text in reflection.stages][-1] == "action plan"


def test_reflection_edit_keeps_the_authors_history(midway):
    reflection = _write(midway)

    services.reflection_update(
        reflection=reflection,
        stages={"what": "I ran two huddles.", "so_what": "", "now_what": ""},
        visibility=Reflection.Visibility.SET,
    )

    versions = list(reflection.versions.order_by("number").values("number", "stages", "visibility"))
    assert [v["stages"]["what"] for v in versions] == [
        "I ran the first huddle.",
        "I ran two huddles.",
    ]
    assert [v["visibility"] for v in versions] == ["private", "set"]


def test_reflection_of_a_member_who_left_stays_theirs_and_shared_ones_stay_in_the_set(midway):
    private = _write(midway)
    shared = _write(midway, visibility=Reflection.Visibility.SET)
    Membership.objects.filter(person=midway.alice).update(state="left", left_at="2026-01-01T00:00Z")

    assert set(Reflection.objects.visible_to(midway.alice)) == {private, shared}
    assert list(Reflection.objects.visible_to(midway.bob)) == [shared]


def test_reflection_new_page_saves_a_draft_by_script_without_a_page_load(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:reflection_new", args=[midway.learning_set.pk])

    response = client.post(
        url,
        {"intent": "draft", "what": "Half a thought", "visibility": "private"},
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 200
    assert response.json()["message"].startswith("Draft saved at ")
    draft = ReflectionDraft.objects.get(author=midway.alice)
    assert draft.fields["what"] == "Half a thought"
    assert "Half a thought" in client.get(url).content.decode()


def test_reflection_save_draft_button_works_without_script(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:reflection_new", args=[midway.learning_set.pk])

    response = client.post(url, {"intent": "draft", "so_what": "Still thinking"}, follow=True)

    assert "Still thinking" in response.content.decode()
    assert "Draft saved at" in response.content.decode()


def test_reflection_draft_is_per_author(client, midway):
    services.reflection_draft_save(
        author=midway.alice,
        learning_set=midway.learning_set,
        template=WSN,
        fields={"what": "Alice's secret draft"},
    )
    client.force_login(midway.bob)

    page = client.get(reverse("between:reflection_new", args=[midway.learning_set.pk]))

    assert "Alice's secret draft" not in page.content.decode()


def test_reflection_failed_submit_keeps_everything_typed(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:reflection_new", args=[midway.learning_set.pk])

    response = client.post(url, {"intent": "save", "title": "My huddle", "visibility": "set"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert services.EMPTY_REFLECTION in page
    assert 'value="My huddle"' in page
    assert ReflectionDraft.objects.get(author=midway.alice).fields["title"] == "My huddle"
    assert not Reflection.objects.exists()


def test_reflection_submit_saves_and_clears_the_draft(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:reflection_new", args=[midway.learning_set.pk])
    client.post(url, {"intent": "draft", "what": "Draft"})

    response = client.post(
        url, {"intent": "save", "what": "Done thinking", "visibility": "facilitators"}, follow=True
    )

    reflection = Reflection.objects.get()
    assert (reflection.what, reflection.visibility) == ("Done thinking", "facilitators")
    assert "Your reflection is saved." in response.content.decode()
    assert not ReflectionDraft.objects.exists()


def test_reflection_discard_draft(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:reflection_new", args=[midway.learning_set.pk])
    client.post(url, {"intent": "draft", "what": "Never mind"})

    client.post(url, {"intent": "discard"})

    assert not ReflectionDraft.objects.exists()


def test_reflection_edit_page_is_for_its_author_only(client, midway):
    reflection = _write(midway, visibility=Reflection.Visibility.SET)
    client.force_login(midway.bob)

    response = client.get(reverse("between:reflection_edit", args=[reflection.pk]))

    assert response.status_code == 404


def test_reflection_shared_page_shows_the_author_and_text_to_a_member(client, midway):
    reflection = _write(midway, visibility=Reflection.Visibility.SET)
    client.force_login(midway.bob)

    page = client.get(reverse("between:reflection_detail", args=[reflection.pk])).content.decode()

    assert "Alice Adeyemi" in page
    assert "I ran the first huddle." in page


def test_reflection_history_shows_each_version_to_the_author(client, midway):
    reflection = _write(midway)
    services.reflection_update(
        reflection=reflection,
        stages={"what": "Second go", "so_what": "", "now_what": ""},
        visibility="private",
    )
    client.force_login(midway.alice)

    page = client.get(reverse("between:reflection_history", args=[reflection.pk])).content.decode()

    assert "Version 2 (as it is now)" in page
    assert "I ran the first huddle." in page


def test_reflection_of_a_member_who_left_cannot_be_shared_or_changed_in_the_set(client, midway):
    private = _write(midway)
    shared = _write(midway, visibility=Reflection.Visibility.SET)
    Membership.objects.filter(person=midway.alice).update(state="left", left_at="2026-01-01T00:00Z")
    client.force_login(midway.alice)

    for reflection in (private, shared):
        response = client.post(
            reverse("between:reflection_edit", args=[reflection.pk]),
            {"what": "Written after leaving", "visibility": "set", "intent": "save"},
        )
        assert response.status_code == 200
        reflection.refresh_from_db()
        assert reflection.what == "I ran the first huddle."
    assert list(Reflection.objects.visible_to(midway.bob)) == [shared]
    # Their own private notebook stays theirs to edit.
    services.reflection_update(
        reflection=private, stages={"what": "Still mine"}, visibility="private"
    )
    private.refresh_from_db()
    assert private.what == "Still mine"
