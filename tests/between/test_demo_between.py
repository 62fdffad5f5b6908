import pytest

from actionlearning.accounts import demo as accounts_demo
from innovations import demo as innovations_demo
from sets import demo as sets_demo
from sets import demo_between
from sets.between_queries import set_progress
from sets.models import Action, LearningSet, Reflection

pytestmark = pytest.mark.django_db


def _load():
    people = accounts_demo.load()
    innovations_demo.load(people=people)
    sets_demo.load(people=people)
    demo_between.load(people=people)
    return people


def test_demo_set_is_mid_way_between_meetings():
    people = _load()
    learning_set = LearningSet.objects.get(name=sets_demo.NAME)

    progress = set_progress(learning_set, people["facilitator@example.org"])

    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert {r.visibility for r in Reflection.objects.all()} == set(Reflection.Visibility.values)
    assert [a.text for a in progress.blocked_actions] == [
        "Ask IT for a barcode on the bag so wards can track it"
    ]
    assert progress.overdue_actions
    current = {m.membership.person.email: m.check_ins[-1] for m in progress.members}
    assert current["participant@example.org"] is not None
    assert current["nurse@example.org"] is None
    assert [q.is_answered for q in progress.answered_questions] == [True]
    assert len(progress.unanswered_questions) == 1
    assert sum(len(barriers) for _category, barriers in progress.barriers_by_category) == 2


def test_demo_loaded_twice_changes_nothing():
    people = _load()
    before = Reflection.objects.count(), Action.objects.count()

    demo_between.load(people=people)

    assert (Reflection.objects.count(), Action.objects.count()) == before
