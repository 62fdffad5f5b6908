"""The classic action learning agenda every new meeting starts with."""

from dataclasses import dataclass

from sets.models import AgendaKind

# Each part's share of the meeting; airtime takes whatever rounding leaves.
CLASSIC_SHARES = [
    (AgendaKind.CHECK_IN, 0.10),
    (AgendaKind.ACTIONS_REVIEW, 0.15),
    (AgendaKind.AIRTIME, 0.0),
    (AgendaKind.INNOVATOR_QA, 0.15),
    (AgendaKind.PROCESS_REVIEW, 0.10),
]


@dataclass(frozen=True)
class AgendaEntry:
    kind: str
    minutes: int
    title: str = ""


def _to_five(minutes: float) -> int:
    return max(5, int(5 * round(minutes / 5)))


def classic_agenda(meeting_minutes: int) -> list[AgendaEntry]:
    """Check-in, review of actions, airtime round, innovator Q&A, process review."""
    timed = {kind: _to_five(meeting_minutes * share) for kind, share in CLASSIC_SHARES if share}
    airtime = max(5, meeting_minutes - sum(timed.values()))
    return [
        AgendaEntry(kind=kind, minutes=timed.get(kind, airtime)) for kind, _share in CLASSIC_SHARES
    ]
