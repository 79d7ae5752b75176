"""What is due for one request, and when: the timetable behind `DataRequest.next_action_at`.

Pure functions over a request, its policy and (for clarifications) when the question was
asked. No queries, so the sweep can plan thousands of requests from one fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ...states import CLOSED_STATES, State

STAFF_REMINDER = "staff_reminder"
ESCALATION = "escalation"
IDENTITY_REMINDER = "identity_reminder"
IDENTITY_EXPIRY = "identity_expiry"
CLARIFICATION_REMINDER = "clarification_reminder"
CLARIFICATION_LAPSE = "clarification_lapse"
RETENTION = "retention"

# States where the operator's clock runs and staff must answer.
CLOCK_STATES = {State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT}
STATE_CHANGING = {IDENTITY_EXPIRY, CLARIFICATION_LAPSE, RETENTION}


@dataclass(frozen=True, order=True)
class Action:
    at: datetime
    kind: str
    tag: str = ""  # tells apart several actions of a kind, e.g. "48h"; goes into the key


def _subject_reminders(start: datetime, end: datetime, kind: str) -> list[Action]:
    """Half-way through the wait and a day before its end, whichever fall inside it."""
    times = {start + (end - start) / 2, end - timedelta(days=1)}
    return [Action(at, kind, f"{int((end - at).total_seconds() // 3600)}h") for at in sorted(times) if start < at < end]


def actions_for(request, policy, *, asked_at: datetime | None = None) -> list[Action]:
    """Everything the sweep will do to this request, in time order, past and future."""
    actions: list[Action] = []
    state = request.state
    if state == State.AWAITING_IDENTITY:
        expiry = request.submitted_at + timedelta(days=policy.identity_expiry_days)
        actions += _subject_reminders(request.submitted_at, expiry, IDENTITY_REMINDER)
        actions.append(Action(expiry, IDENTITY_EXPIRY))
    if state in CLOCK_STATES and request.due_at and not request.clock_paused_at:
        for hours in sorted(set(policy.reminder_offsets_hours or []), reverse=True):
            actions.append(Action(request.due_at - timedelta(hours=hours), STAFF_REMINDER, f"{hours}h"))
        actions.append(Action(request.due_at, ESCALATION))
    if state == State.AWAITING_SUBJECT and asked_at is not None:
        lapse = asked_at + timedelta(days=policy.clarification_timeout_days)
        actions += _subject_reminders(asked_at, lapse, CLARIFICATION_REMINDER)
        actions.append(Action(lapse, CLARIFICATION_LAPSE))
    if state in CLOSED_STATES and request.purged_at is None:
        last = request.last_contact_at or request.closed_at or request.submitted_at
        actions.append(Action(last + timedelta(days=request.operator.retention_days), RETENTION))
    return sorted(actions)


def next_action_at(actions: list[Action], *, after: datetime) -> datetime | None:
    """The earliest action strictly after `after` (the moment everything before was handled)."""
    return min((a.at for a in actions if a.at > after), default=None)


def first_pending(actions: list[Action], *, since: datetime) -> datetime | None:
    """After a change at `since`: the earliest action not yet behind us (may be in the past
    when the change itself is back-dated, e.g. a paper request recorded late)."""
    return min((a.at for a in actions if a.at >= since), default=None)


def due_now(actions: list[Action], *, now: datetime) -> list[Action]:
    """What to do at `now`: the terminal action if its time has come, else only the latest
    reminder of each kind (a sweep that was down sends one reminder, not a backlog)."""
    past = [a for a in actions if a.at <= now]
    chosen: dict[str, Action] = {}
    for action in past:
        chosen[action.kind] = action  # sorted by time: the latest wins
    if ESCALATION in chosen:
        chosen.pop(STAFF_REMINDER, None)
    if IDENTITY_EXPIRY in chosen:
        chosen.pop(IDENTITY_REMINDER, None)
    if CLARIFICATION_LAPSE in chosen:
        chosen.pop(CLARIFICATION_REMINDER, None)
    # Actions that change the request's state go last: the notifications read it as it was.
    return sorted(chosen.values(), key=lambda a: (a.kind in STATE_CHANGING, a.at))
