import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from sets import between_services as services
from sets.models import Question, QuestionSupport
from tests.factories import MembershipFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _ask_innovator(midway, text="How did you get the night staff on board?"):
    return services.question_ask(
        learning_set=midway.learning_set,
        asked_by=midway.alice,
        text=text,
        addressed_to=Question.Addressee.INNOVATOR,
    )


def test_question_keeps_the_askers_organisation_and_the_sets_innovation(midway):
    question = _ask_innovator(midway)

    assert question.asker_organisation == midway.alice_organisation
    assert question.innovation == midway.learning_set.innovation
    assert question.status == Question.Status.OPEN


def test_question_support_is_one_per_person(midway):
    question = _ask_innovator(midway)
    services.question_support(question=question, person=midway.bob)

    with pytest.raises(ValidationError) as refused:
        services.question_support(question=question, person=midway.bob)

    assert refused.value.messages == ["You already support this question."]
    assert question.supports.count() == 1


def test_question_support_twice_is_refused_by_the_database(midway):
    question = _ask_innovator(midway)
    QuestionSupport.objects.create(question=question, person=midway.bob)

    with pytest.raises(IntegrityError):
        QuestionSupport.objects.create(question=question, person=midway.bob)


def test_question_support_of_ones_own_is_refused_with_a_message(client, midway):
    question = _ask_innovator(midway)
    client.force_login(midway.alice)

    response = client.post(reverse("between:question_support", args=[question.pk]), follow=True)

    assert "You asked this question, so it already counts as yours." in response.content.decode()
    assert not question.supports.exists()


def test_question_supported_by_another_member_shows_the_count(client, midway):
    question = _ask_innovator(midway)
    client.force_login(midway.bob)

    response = client.post(reverse("between:question_support", args=[question.pk]), follow=True)

    page = response.content.decode()
    assert "You support this question." in page
    assert "1 supporter: " in page


def test_question_for_the_innovator_is_in_their_inbox_with_first_name_and_organisation(
    client, midway
):
    _ask_innovator(midway)
    client.force_login(midway.innovator)

    page = client.get(reverse("between:innovator_inbox")).content.decode()

    assert "How did you get the night staff on board?" in page
    assert "asked by Alice, Riverside NHS Trust" in page
    assert "Adeyemi" not in page
    assert midway.learning_set.name not in page


def test_question_for_the_set_is_not_in_the_innovators_inbox(client, midway):
    services.question_ask(
        learning_set=midway.learning_set,
        asked_by=midway.alice,
        text="Who has a rota template?",
        addressed_to=Question.Addressee.SET,
    )
    client.force_login(midway.innovator)

    page = client.get(reverse("between:innovator_inbox")).content.decode()

    assert "Who has a rota template?" not in page
    assert not Question.objects.visible_to(midway.innovator).exists()


def test_question_innovator_sees_questions_from_every_set(midway):
    _ask_innovator(midway)
    other = MembershipFactory(learning_set__innovation=midway.learning_set.innovation)
    QuestionFactory(
        learning_set=other.learning_set, asked_by=other.person, addressed_to="innovator"
    )

    assert Question.objects.for_innovator(midway.innovator).count() == 2


def test_question_innovator_answers_and_the_set_sees_who_and_when(client, midway):
    question = _ask_innovator(midway)
    client.force_login(midway.innovator)

    client.post(
        reverse("between:innovator_question", args=[question.pk]),
        {"answer": "We let them redesign the form."},
    )

    question.refresh_from_db()
    assert (question.status, question.answered_by) == ("answered", midway.innovator)
    assert question.answered_at is not None
    client.force_login(midway.bob)
    page = client.get(reverse("between:question_detail", args=[question.pk])).content.decode()
    assert "We let them redesign the form." in page
    assert "Answered by Ivy Innovator" in page


def test_question_for_the_innovator_cannot_be_answered_by_a_member(midway):
    question = _ask_innovator(midway)

    with pytest.raises(ValidationError) as refused:
        services.question_answer(question=question, answered_by=midway.bob, answer="Guess")

    assert refused.value.messages == ["This question is for the innovator to answer."]


def test_question_for_the_set_is_answered_by_a_member(midway):
    question = services.question_ask(
        learning_set=midway.learning_set,
        asked_by=midway.alice,
        text="Who has a rota template?",
        addressed_to=Question.Addressee.SET,
    )

    services.question_answer(question=question, answered_by=midway.bob, answer="I do.")

    question.refresh_from_db()
    assert (question.answer, question.answered_by) == ("I do.", midway.bob)


def test_question_answered_without_an_answer_is_refused_by_the_database(midway):
    with pytest.raises(IntegrityError):
        QuestionFactory(learning_set=midway.learning_set, asked_by=midway.alice, status="answered")


def test_question_of_another_set_is_hidden(client, midway):
    question = _ask_innovator(midway)
    client.force_login(midway.outsider)

    response = client.get(reverse("between:question_detail", args=[question.pk]))

    assert response.status_code == 404


def _questions(midway, count):
    for _ in range(count):
        QuestionFactory(learning_set=midway.learning_set, asked_by=midway.alice)


@pytest.mark.parametrize("count", [1, 100])
def test_question_list_queries_do_not_grow_with_questions(
    client, midway, django_assert_num_queries, count
):
    _questions(midway, count)
    client.force_login(midway.bob)
    url = reverse("between:question_list", args=[midway.learning_set.pk])

    # session, user, membership and set, count, one page of questions with their support
    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.content.decode().count('class="card"') == min(count, 50)
