"""The demo set between its third and fourth meetings: reflections (private and shared),
actions in every state, check-ins (one member still to do theirs), questions answered and
open, barriers, and bids for airtime at the next meeting.

Loaded by `manage.py demo_data` after the sets demo; it writes nothing when the demo set
already has reflections, so running it twice changes nothing.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from actionlearning.accounts.models import User
from innovations.models import CfirDomain
from sets import between_services as services
from sets.demo import NAME
from sets.models import (
    Action,
    AgendaItem,
    LearningSet,
    Meeting,
    Question,
    Reflection,
)

DAY = datetime.timedelta(days=1)


def load(*, people: dict[str, User]) -> None:
    learning_set = LearningSet.objects.filter(name=NAME).first()
    if learning_set is None or learning_set.reflections.exists():
        return
    meetings = list(learning_set.meetings.order_by("starts_at"))
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    if len(held) < 2 or len(meetings) <= len(held):
        return
    upcoming = meetings[len(held)]
    actions = _actions(learning_set, people=people, held=held)
    _reflections(learning_set, people=people, held=held, actions=actions)
    _check_ins(learning_set, people=people, actions=actions)
    _questions(learning_set, people=people)
    _barriers(learning_set, people=people)
    _airtime(upcoming, people=people)


def _backdate(rows: QuerySet, moment: datetime.datetime, *fields: str) -> None:
    """Demo rows look written when they would have been, not when the demo was loaded."""
    rows.update(**dict.fromkeys(fields, moment))


def _actions(learning_set, *, people, held) -> dict[str, Action]:
    facilitator = people["facilitator@example.org"]
    second, third = held[-2], held[-1]
    plan = {
        "storage": (
            "participant@example.org",
            second,
            "Agree with the ward manager where the red bags are kept",
        ),
        "barcode": (
            "participant@example.org",
            third,
            "Ask IT for a barcode on the bag so wards can track it",
        ),
        "night_staff": (
            "nurse@example.org",
            third,
            "Walk the night staff through the handover form",
        ),
        "checklist": (
            "nurse@example.org",
            second,
            "Draft a laminated checklist for the discharge lounge",
        ),
        "families": ("carer@example.org", third, "Ask two families what they want in the bag"),
        "second_home": ("participant@example.org", second, "Pilot the bag in a second care home"),
    }
    actions = {}
    for key, (email, meeting, text) in plan.items():
        actions[key] = services.action_create(
            learning_set=learning_set,
            owner=people[email],
            text=text,
            meeting=meeting,
            created_by=facilitator,
        )
        _backdate(Action.objects.filter(pk=actions[key].pk), meeting.ends_at, "created_at")
    _progress(actions["storage"], "done", "Agreed: the bag lives by the nurses' station.")
    _progress(actions["night_staff"], "in_progress", "Done for two of the three night teams.")
    _progress(actions["second_home"], "dropped", "The second home is closing; we will try again.")
    return actions


def _progress(action: Action, status: str, text: str) -> None:
    services.action_progress_record(
        action=action, written_by=action.owner, status=status, text=text
    )


def _reflections(learning_set, *, people, held, actions) -> None:
    visit, third = held[0], held[-1]
    written = [
        (
            "participant@example.org",
            {
                "template": Reflection.Template.GIBBS,
                "title": "What I saw at Sutton",
                "meeting": visit,
                "visibility": Reflection.Visibility.SET,
                "stages": {
                    "description": "We watched a resident leave for hospital with the bag.",
                    "feelings": "Relieved that it is simpler than I thought.",
                    "evaluation": "The paperwork is the core; the bag itself is almost a prop.",
                    "analysis": "It works because the ambulance crews expect it.",
                    "conclusion": "We need the crews on board before the homes.",
                    "action_plan": "Invite the ambulance service lead to our next meeting.",
                },
            },
            visit.ends_at + DAY,
        ),
        (
            "participant@example.org",
            {
                "template": Reflection.Template.WHAT_SO_WHAT,
                "title": "The barcode idea",
                "action": actions["barcode"],
                "stages": {
                    "what": "IT turned down the barcode for this year.",
                    "so_what": "I took it personally, and I should not have.",
                    "now_what": "Write the business case with the matron.",
                },
            },
            third.ends_at + 2 * DAY,
        ),
        (
            "nurse@example.org",
            {
                "template": Reflection.Template.WHAT_SO_WHAT,
                "meeting": third,
                "visibility": Reflection.Visibility.FACILITATORS,
                "stages": {
                    "what": "The night staff wrote their own version of the form.",
                    "so_what": "They own it now; that matters more than fidelity to the wording.",
                    "now_what": "Check with Grace whether the wording is core or adaptable.",
                },
            },
            third.ends_at + DAY,
        ),
        (
            "carer@example.org",
            {
                "template": Reflection.Template.WHAT_SO_WHAT,
                "stages": {
                    "what": "My mother's last admission had no bag, and nobody knew her.",
                    "so_what": "I understand now why this matters to me so much.",
                    "now_what": "Say so at the next meeting, if I feel able to.",
                },
            },
            third.ends_at + 3 * DAY,
        ),
    ]
    for email, fields, moment in written:
        reflection = services.reflection_create(
            author=people[email], learning_set=learning_set, **fields
        )
        _backdate(Reflection.objects.filter(pk=reflection.pk), moment, "created_at", "updated_at")
        _backdate(reflection.versions.all(), moment, "saved_at")


def _check_ins(learning_set, *, people, actions) -> None:
    """Tom and Maureen have checked in since the last meeting; Aled has not yet."""
    services.check_in_submit(
        learning_set=learning_set,
        person=people["participant@example.org"],
        confidence=3,
        progress={
            actions["barcode"].pk: services.ActionProgress(
                status="blocked", text="IT say there is no budget until April."
            )
        },
        help_wanted=True,
        help_note="Has anyone written a business case for IT before?",
        barrier=services.BarrierInput(
            category=CfirDomain.INNER_SETTING,
            description="No IT budget for tracking the bags until April.",
            help_wanted=True,
        ),
    )
    services.check_in_submit(
        learning_set=learning_set,
        person=people["carer@example.org"],
        confidence=4,
        progress={},
        note="Two families have said yes to talking to me.",
    )


def _questions(learning_set, *, people) -> None:
    answered = services.question_ask(
        learning_set=learning_set,
        asked_by=people["participant@example.org"],
        text="How did Sutton get the ambulance crews to bring the bag back from hospital?",
        addressed_to=Question.Addressee.INNOVATOR,
    )
    services.question_support(question=answered, person=people["nurse@example.org"])
    services.question_answer(
        question=answered,
        answered_by=people["innovator@example.org"],
        answer="We asked the crews to help design the return slip. Ring me and I will "
        "put you in touch with their lead.",
    )
    waiting = services.question_ask(
        learning_set=learning_set,
        asked_by=people["nurse@example.org"],
        text="Has anyone got the red bag into their discharge checklist?",
        addressed_to=Question.Addressee.SET,
    )
    services.question_support(question=waiting, person=people["carer@example.org"])
    services.question_support(question=waiting, person=people["participant@example.org"])


def _barriers(learning_set, *, people) -> None:
    services.barrier_raise(
        learning_set=learning_set,
        raised_by=people["nurse@example.org"],
        category=CfirDomain.PROCESS,
        description="Discharge lounge staff change every week and do not know about the bag.",
    )
    resolved = services.barrier_raise(
        learning_set=learning_set,
        raised_by=people["carer@example.org"],
        category=CfirDomain.INDIVIDUALS,
        description="Families are not told what the bag is for.",
    )
    services.barrier_resolve(
        barrier=resolved,
        resolved_by=people["facilitator@example.org"],
        resolution="A one-page leaflet now goes in every bag.",
    )


def _airtime(meeting: Meeting, *, people) -> None:
    tom = services.airtime_bid_make(
        meeting=meeting,
        person=people["participant@example.org"],
        statement="How do I make the case to IT without sounding like I am complaining?",
    )
    services.airtime_bid_make(
        meeting=meeting,
        person=people["nurse@example.org"],
        statement="Night staff changed the form: is the wording core or adaptable?",
    )
    rounds = meeting.agenda_items.filter(kind=AgendaItem.Kind.AIRTIME).order_by("position")
    if rounds.exists():
        services.airtime_bids_order(
            meeting=meeting,
            ordered_by=people["facilitator@example.org"],
            placements=[services.Placement(tom.pk, rounds[0].pk, 1)],
        )
    _backdate(meeting.airtime_bids.all(), timezone.now() - DAY, "created_at", "updated_at")
