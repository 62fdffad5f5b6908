"""Forms for reflections, actions, questions, barriers, airtime bids and check-ins.

They check what a person typed; the rules about who may do what live in
`sets.between_services`, whose errors the views put beside the field concerned.
"""

from django import forms

from innovations.models import CfirDomain
from sets.models import (
    CONFIDENCE_CHOICES,
    REFLECTION_STAGES,
    Action,
    LearningSet,
    Meeting,
    Question,
    Reflection,
    ReflectionTemplate,
)

STAGE_LABELS = {
    "what": ("What?", "What happened? What did you do, and what did you notice?"),
    "so_what": (
        "So what?",
        "What does it mean? What did you learn about adopting the innovation in your place?",
    ),
    "now_what": ("Now what?", "What will you do next, differently or again?"),
    "description": ("Description", "What happened?"),
    "feelings": ("Feelings", "What were you thinking and feeling?"),
    "evaluation": ("Evaluation", "What was good and what was bad about it?"),
    "analysis": ("Analysis", "What sense can you make of it?"),
    "conclusion": ("Conclusion", "What else could you have done?"),
    "action_plan": ("Action plan", "If it arose again, what would you do?"),
}
EMPTY_REFLECTION = "Write at least one part of your reflection before you save it."
CONFIDENCE_ERROR = "Choose how confident you feel, from 1 (not at all) to 5 (very)."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _textarea(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReflectionForm(forms.Form):
    """One field per stage of the chosen template, who can read it, and what it is about."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="A few words to find it again.",
    )

    def __init__(self, *args, learning_set: LearningSet, author, template: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = ReflectionTemplate(template)
        for name in REFLECTION_STAGES[self.template]:
            label, hint = STAGE_LABELS[name]
            self.fields[name] = forms.CharField(
                label=label, help_text=hint, required=False, widget=_textarea()
            )
        self.fields["visibility"] = forms.ChoiceField(
            label="Who can read it",
            choices=Reflection.Visibility.choices,
            initial=Reflection.Visibility.PRIVATE,
            widget=forms.RadioSelect,
            help_text="Private unless you choose otherwise. You can change this later.",
        )
        self.fields["meeting"] = forms.ModelChoiceField(
            label="About a meeting",
            queryset=learning_set.meetings.exclude(status=Meeting.Status.CANCELLED),
            required=False,
            empty_label="No meeting in particular",
        )
        self.fields["action"] = forms.ModelChoiceField(
            label="About one of your actions",
            queryset=Action.objects.owned_by(author).filter(learning_set=learning_set),
            required=False,
            empty_label="No action in particular",
        )

    @property
    def stage_names(self) -> tuple[str, ...]:
        return REFLECTION_STAGES[self.template]

    def clean(self):
        cleaned = super().clean() or {}
        if not any((cleaned.get(name) or "").strip() for name in self.stage_names):
            self.add_error(self.stage_names[0], EMPTY_REFLECTION)
        return cleaned

    def typed(self) -> dict[str, str]:
        """Exactly what was typed into each field, for a draft."""
        return {name: self.data.get(self.add_prefix(name), "") for name in self.fields}

    def stages(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.stage_names}


class ActionForm(forms.Form):
    text = forms.CharField(
        label="What will you do?",
        widget=_textarea(3),
        error_messages={"required": "Say what you will do."},
    )
    due_on = forms.DateField(
        label="Due by",
        widget=DateInput,
        required=False,
        help_text="Usually the date of the next meeting, which is filled in if you leave this "
        "empty. For example 12/01/2027.",
        error_messages={"invalid": "Enter a real date, for example 12/01/2027."},
    )

    def __init__(self, *args, learning_set: LearningSet, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = forms.ModelChoiceField(
            label="Made at a meeting",
            queryset=learning_set.meetings.exclude(status=Meeting.Status.CANCELLED),
            required=False,
            empty_label="No, between meetings",
        )
        if members is not None:
            self.fields["owner"] = forms.ModelChoiceField(
                label="Whose action is it?",
                queryset=members,
                empty_label=None,
                help_text="Facilitators can record actions for any member.",
            )
            self.order_fields(["owner", "text", "meeting", "due_on"])


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    text = forms.CharField(
        label="Progress",
        required=False,
        widget=_textarea(3),
        help_text="What you did, what happened, what is in the way.",
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        widget=_textarea(4),
        error_messages={"required": "Write your question."},
    )
    addressed_to = forms.ChoiceField(
        label="Who is it for?",
        choices=Question.Addressee.choices,
        initial=Question.Addressee.SET,
        widget=forms.RadioSelect,
        help_text="The innovator sees your first name and organisation, and your question.",
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer", widget=_textarea(5), error_messages={"required": "Write your answer."}
    )


class BarrierForm(forms.Form):
    category = forms.ChoiceField(
        label="What kind of barrier is it?",
        choices=CfirDomain.choices,
        help_text="The five domains of the Consolidated Framework for Implementation Research.",
    )
    description = forms.CharField(
        label="What is in the way?",
        widget=_textarea(3),
        error_messages={"required": "Say what is in the way."},
    )
    help_wanted = forms.BooleanField(label="I would like help with this", required=False)


class BarrierResolveForm(forms.Form):
    resolution = forms.CharField(
        label="How was it resolved?",
        widget=_textarea(3),
        error_messages={"required": "Say how it was resolved."},
    )


class AirtimeBidForm(forms.Form):
    statement = forms.CharField(
        label="The problem you want to bring, in a line",
        max_length=200,
        help_text="For example: “Night staff do not trust the new handover sheet.”",
        error_messages={"required": "Say in a line what problem you want to bring."},
    )


class AirtimeOrderForm(forms.Form):
    """For each bid: the airtime round it goes in and its place in that round."""

    def __init__(self, *args, bids, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.bids = bids
        round_choices = [("", "Not placed yet")] + [
            (str(item.pk), f"{item.label} ({position})")
            for position, item in enumerate(rounds, start=1)
        ]
        for bid in bids:
            self.fields[f"round_{bid.pk}"] = forms.ChoiceField(
                label=f"Round for {bid.person.full_name}",
                choices=round_choices,
                required=False,
                initial=str(bid.round_id or ""),
            )
            self.fields[f"position_{bid.pk}"] = forms.IntegerField(
                label=f"Order for {bid.person.full_name}",
                min_value=1,
                max_value=50,
                required=False,
                initial=bid.position,
            )

    def rows(self):
        return [(bid, self[f"round_{bid.pk}"], self[f"position_{bid.pk}"]) for bid in self.bids]

    def clean(self):
        cleaned = super().clean() or {}
        for bid in self.bids:
            placed = cleaned.get(f"round_{bid.pk}")
            if placed and cleaned.get(f"position_{bid.pk}") is None:
                self.add_error(f"position_{bid.pk}", "Give its place in the round, from 1.")
        return cleaned

    def placements(self) -> list[tuple[int, int | None, int | None]]:
        rows = []
        for bid in self.bids:
            round_id = self.cleaned_data.get(f"round_{bid.pk}")
            rows.append(
                (
                    bid.pk,
                    int(round_id) if round_id else None,
                    self.cleaned_data.get(f"position_{bid.pk}"),
                )
            )
        return rows


class CheckInForm(forms.Form):
    """Progress on each open action, confidence, a barrier, help wanted and a note."""

    confidence = forms.TypedChoiceField(
        label="How confident do you feel about adopting the innovation in your place?",
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": CONFIDENCE_ERROR, "invalid_choice": CONFIDENCE_ERROR},
    )
    barrier_category = forms.ChoiceField(
        label="Is anything in the way? What kind of barrier is it?",
        choices=[("", "Nothing in the way")] + CfirDomain.choices,
        required=False,
        help_text="Your facilitators see the barriers you raise.",
    )
    barrier_description = forms.CharField(
        label="What is in the way?", required=False, widget=_textarea(2)
    )
    barrier_help_wanted = forms.BooleanField(
        label="I would like help with this barrier", required=False
    )
    help_wanted = forms.BooleanField(label="I would like help from the set", required=False)
    help_note = forms.CharField(
        label="What help would make a difference?", required=False, widget=_textarea(2)
    )
    note = forms.CharField(label="Anything else", required=False, widget=_textarea(2))

    def __init__(self, *args, actions: list[Action], **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions
        for action in actions:
            self.fields[f"action_{action.pk}_status"] = forms.ChoiceField(
                label="Status",
                choices=Action.Status.choices,
                initial=action.status,
            )
            self.fields[f"action_{action.pk}_progress"] = forms.CharField(
                label="Progress", required=False, widget=_textarea(2)
            )
        self.order_fields([name for name in self.fields if name.startswith("action_")])

    def action_rows(self):
        return [
            (action, self[f"action_{action.pk}_status"], self[f"action_{action.pk}_progress"])
            for action in self.actions
        ]

    def other_fields(self):
        return [field for field in self if not field.name.startswith("action_")]

    def clean(self):
        cleaned = super().clean() or {}
        category = cleaned.get("barrier_category")
        description = (cleaned.get("barrier_description") or "").strip()
        if category and not description:
            self.add_error("barrier_description", "Say what is in the way.")
        if description and not category:
            self.add_error("barrier_category", "Choose what kind of barrier it is.")
        return cleaned

    def progress(self) -> dict[int, tuple[str, str]]:
        return {
            action.pk: (
                self.cleaned_data[f"action_{action.pk}_status"],
                self.cleaned_data[f"action_{action.pk}_progress"],
            )
            for action in self.actions
        }
