"""A person's learning log: everything they wrote between meetings, as Markdown and JSON.

Only their own items, each fetched through its `visible_to(user)` query; what others
shared with them stays in the set.
"""

import datetime
from typing import Any

from django.db.models import Count, Prefetch
from django.utils import timezone

from actionlearning.accounts.models import User
from sets.models import (
    Action,
    ActionUpdate,
    Barrier,
    CheckIn,
    Question,
    Reflection,
)

Log = dict[str, Any]


def _iso(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def learning_log(user: User) -> Log:
    """Six queries, whatever the number of items."""
    return {
        "person": {"name": user.full_name, "email": user.email},
        "exported_at": _iso(timezone.now()),
        "reflections": [_reflection(r) for r in _reflections(user)],
        "actions": [_action(a) for a in _actions(user)],
        "check_ins": [_check_in(c) for c in _check_ins(user)],
        "questions": [_question(q) for q in _questions(user)],
        "barriers": [_barrier(b) for b in _barriers(user)],
    }


def _reflections(user: User):
    return (
        Reflection.objects.visible_to(user)
        .authored_by(user)
        .select_related("learning_set", "meeting", "action")
        .order_by("created_at", "pk")
    )


def _reflection(reflection: Reflection) -> dict:
    return {
        "set": reflection.learning_set.name,
        "title": reflection.label,
        "template": reflection.get_template_display(),
        "who_can_read_it": reflection.get_visibility_display(),
        "meeting": reflection.meeting.title if reflection.meeting else None,
        "action": reflection.action.text if reflection.action else None,
        "written_at": _iso(reflection.created_at),
        "updated_at": _iso(reflection.updated_at),
        "stages": [{"stage": label, "text": text} for label, text in reflection.stages],
    }


def _updates() -> Prefetch:
    return Prefetch("updates", queryset=ActionUpdate.objects.order_by("written_at", "pk"))


def _actions(user: User):
    return (
        Action.objects.visible_to(user)
        .owned_by(user)
        .select_related("learning_set", "meeting")
        .prefetch_related(_updates())
        .order_by("created_at", "pk")
    )


def _action(action: Action) -> dict:
    return {
        "set": action.learning_set.name,
        "text": action.text,
        "made_at_meeting": action.meeting.title if action.meeting else None,
        "made_on": _iso(action.made_on),
        "due_on": _iso(action.due_on),
        "status": action.get_status_display(),
        "updates": [
            {"written_at": _iso(u.written_at), "status": u.get_status_display(), "text": u.text}
            for u in action.updates.all()
        ],
    }


def _check_ins(user: User):
    return (
        CheckIn.objects.visible_to(user)
        .filter(person=user)
        .select_related("learning_set", "after_meeting", "before_meeting")
        .order_by("submitted_at", "pk")
    )


def _check_in(check_in: CheckIn) -> dict:
    return {
        "set": check_in.learning_set.name,
        "after_meeting": check_in.after_meeting.title,
        "before_meeting": check_in.before_meeting.title if check_in.before_meeting else None,
        "submitted_at": _iso(check_in.submitted_at),
        "confidence": check_in.confidence,
        "help_wanted": check_in.help_wanted,
        "help_note": check_in.help_note,
        "note": check_in.note,
    }


def _questions(user: User):
    return (
        Question.objects.visible_to(user)
        .filter(asked_by=user)
        .annotate(supporters=Count("supports"))
        .select_related("learning_set", "answered_by")
        .order_by("created_at", "pk")
    )


def _question(question: Any) -> dict:  # annotated with `supporters`
    return {
        "set": question.learning_set.name,
        "for": question.get_addressed_to_display(),
        "text": question.text,
        "asked_at": _iso(question.created_at),
        "supporters": question.supporters,
        "status": question.get_status_display(),
        "answer": question.answer or None,
        "answered_by": question.answered_by.full_name if question.answered_by else None,
        "answered_at": _iso(question.answered_at),
    }


def _barriers(user: User):
    return (
        Barrier.objects.visible_to(user)
        .filter(raised_by=user)
        .select_related("learning_set")
        .order_by("raised_at", "pk")
    )


def _barrier(barrier: Barrier) -> dict:
    return {
        "set": barrier.learning_set.name,
        "category": barrier.get_category_display(),
        "description": barrier.description,
        "help_wanted": barrier.help_wanted,
        "raised_at": _iso(barrier.raised_at),
        "status": barrier.get_status_display(),
        "resolution": barrier.resolution or None,
        "resolved_at": _iso(barrier.resolved_at),
    }


def as_json(log: Log) -> Log:
    return log


def as_markdown(log: Log) -> str:
    lines = [f"# Learning log of {log['person']['name']}", "", f"Exported {log['exported_at']}."]
    lines += _section("Reflections", log["reflections"], _reflection_md)
    lines += _section("Actions", log["actions"], _action_md)
    lines += _section("Check-ins", log["check_ins"], _check_in_md)
    lines += _section("Questions", log["questions"], _question_md)
    lines += _section("Barriers", log["barriers"], _barrier_md)
    return "\n".join(lines) + "\n"


def _section(title: str, items: list[dict], render) -> list[str]:
    lines = ["", f"## {title}", ""]
    if not items:
        return [*lines, "None yet."]
    for item in items:
        lines += [*render(item), ""]
    return lines


def _reflection_md(item: dict) -> list[str]:
    lines = [
        f"### {item['title']}",
        "",
        f"{item['set']} · {item['template']} · written {item['written_at']} · "
        f"who can read it: {item['who_can_read_it']}",
    ]
    for stage in item["stages"]:
        if stage["text"]:
            lines += ["", f"**{stage['stage']}**", "", stage["text"]]
    return lines


def _action_md(item: dict) -> list[str]:
    lines = [
        f"### {item['text']}",
        "",
        f"{item['set']} · due {item['due_on']} · {item['status']}",
    ]
    for update in item["updates"]:
        note = f": {update['text']}" if update["text"] else ""
        lines.append(f"- {update['written_at']} — {update['status']}{note}")
    return lines


def _check_in_md(item: dict) -> list[str]:
    lines = [
        f"### After {item['after_meeting']} ({item['set']})",
        "",
        f"Submitted {item['submitted_at']} · confidence {item['confidence']} of 5"
        + (" · help wanted" if item["help_wanted"] else ""),
    ]
    lines += [text for text in (item["help_note"], item["note"]) if text]
    return lines


def _question_md(item: dict) -> list[str]:
    lines = [
        f"### {item['text']}",
        "",
        f"{item['set']} · for {item['for'].lower()} · asked {item['asked_at']} · "
        f"{item['supporters']} supporters · {item['status']}",
    ]
    if item["answer"]:
        lines += [
            "",
            f"Answer by {item['answered_by']} ({item['answered_at']}):",
            "",
            item["answer"],
        ]
    return lines


def _barrier_md(item: dict) -> list[str]:
    lines = [
        f"### {item['category']}",
        "",
        item["description"],
        "",
        f"{item['set']} · raised {item['raised_at']} · {item['status']}",
    ]
    if item["resolution"]:
        lines.append(f"Resolved: {item['resolution']}")
    return lines
