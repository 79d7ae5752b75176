"""What is due for one request, and when: the timetable behind `DataRequest.next_action_at`.

Pure functions over a request, its policy and (for clarifications) when the question was
asked. No queries, so the sweep can plan thousands of requests from one fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ... import deadlines
from ...deadlines import WorkCalendar
from ...queues import clock_due
from ...states import ACTIVE_STATES, CLOSED_STATES, State

STAFF_REMINDER = "staff_reminder"
ESCALATION = "escalation"
IDENTITY_REMINDER = "identity_reminder"
IDENTITY_EXPIRY = "identity_expiry"
CLARIFICATION_REMINDER = "clarification_reminder"
CLARIFICATION_LAPSE = "clarification_lapse"
RETENTION = "retention"

# States where the operator's clock runs and staff must answer (or, blocked, check the data).
CLOCK_STATES = frozenset(ACTIVE_STATES)  # the clock runs (or is paused) in the active states
STATE_CHANGING = {IDENTITY_EXPIRY, CLARIFICATION_LAPSE, RETENTION}


@dataclass(frozen=True, order=True)
class Action:
    at: datetime
    kind: str
    tag: str = ""  # tells apart several actions of a kind, e.g. "48h"; goes into the key


# Mail to people (subjects, representatives) leaves in the day, on the operator's wall clock.
SUBJECT_HOURS = (time(8), time(22))


def _in_the_day(at: datetime, *, start: datetime, end: datetime, tz) -> datetime | None:
    """`at`, or the next morning if it falls at night, or the evening before if the morning
    is too late; None if no daytime moment lies strictly inside (start, end)."""
    local = at.astimezone(tz)
    first, last = SUBJECT_HOURS
    if first <= local.time() < last:
        return at
    day = local.date() + timedelta(days=1 if local.time() >= last else 0)
    morning = datetime.combine(day, first, tzinfo=tz)
    if start < morning < end:
        return morning
    evening = datetime.combine(day - timedelta(days=1), time(last.hour - 1), tzinfo=tz)
    return evening if start < evening < end else None


def _subject_reminders(start: datetime, end: datetime, kind: str, tz) -> list[Action]:
    """Half-way through the wait and a day before its end, whichever fall inside it, moved
    out of the night (SUBJECT_HOURS). The tag names the planned moment, so keys stay stable."""
    actions = {}
    for planned in sorted({start + (end - start) / 2, end - timedelta(days=1)}):
        if not start < planned < end:
            continue
        at = _in_the_day(planned, start=start, end=end, tz=tz)
        if at is not None and at not in actions:
            actions[at] = Action(at, kind, f"{int((end - planned).total_seconds() // 3600)}h")
    return sorted(actions.values())


def _staff_actions(due: datetime, offsets, *, operator, calendar: WorkCalendar) -> list[Action]:
    """Reminders and the escalation, moved into the operator's working hours on working days.

    A reminder planned outside them moves back to the start of the last working day before
    it (earlier, so there is time to act: a 1-working-day request due at midnight is
    reminded on the morning of its due day); the escalation, which cannot come before the
    deadline has passed, moves forward to the start of the next working day. Reminders
    that land on the same moment are sent once, with the longest offset's tag.
    """
    hours, tz = operator.working_hours, operator.tz
    actions: list[Action] = []
    seen = set()
    for offset in sorted(set(offsets or []), reverse=True):
        at = deadlines.snap_back_to_working_hours(due - timedelta(hours=offset), hours=hours, calendar=calendar, tz=tz)
        if at not in seen:
            seen.add(at)
            actions.append(Action(at, STAFF_REMINDER, f"{offset}h"))
    actions.append(
        Action(deadlines.snap_forward_to_working_hours(due, hours=hours, calendar=calendar, tz=tz), ESCALATION)
    )
    return actions


def actions_for(
    request, policy, *, asked_at: datetime | None = None, calendar: WorkCalendar | None = None
) -> list[Action]:
    """Everything the sweep will do to this request, in time order, past and future.

    `calendar`: the operator's working calendar (read from the database when not given).
    """
    actions: list[Action] = []
    state = request.state
    if state == State.AWAITING_IDENTITY:
        expiry = request.submitted_at + timedelta(days=policy.identity_expiry_days)
        actions += _subject_reminders(request.submitted_at, expiry, IDENTITY_REMINDER, request.operator.tz)
        actions.append(Action(expiry, IDENTITY_EXPIRY))
    due = clock_due(request)
    if state in CLOCK_STATES and due and not request.clock_paused_at:
        calendar = calendar if calendar is not None else request.operator.work_calendar()
        actions += _staff_actions(due, policy.reminder_offsets_hours, operator=request.operator, calendar=calendar)
    if state == State.AWAITING_SUBJECT and asked_at is not None:
        lapse = asked_at + timedelta(days=policy.clarification_timeout_days)
        actions += _subject_reminders(asked_at, lapse, CLARIFICATION_REMINDER, request.operator.tz)
        if policy.clarification_outcome == "keep_open":
            # Nothing changes but an escalation to staff: it comes when they are at work.
            calendar = calendar if calendar is not None else request.operator.work_calendar()
            lapse = deadlines.snap_forward_to_working_hours(
                lapse, hours=request.operator.working_hours, calendar=calendar, tz=request.operator.tz
            )
        actions.append(Action(lapse, CLARIFICATION_LAPSE))
    if state in CLOSED_STATES and request.purged_at is None:
        last = request.last_contact_at or request.closed_at or request.submitted_at
        actions.append(Action(last + timedelta(days=request.operator.retention_days), RETENTION))
    return sorted(actions)


def next_action_at(actions: list[Action], *, after: datetime) -> datetime | None:
    """The earliest action strictly after `after` (the moment everything before was handled)."""
    return min((a.at for a in actions if a.at > after), default=None)


def first_pending(
    actions: list[Action], *, since: datetime, hours=None, calendar: WorkCalendar | None = None, tz=None
) -> datetime | None:
    """After a change at `since`: the earliest action not yet behind us (may be in the past
    when the change itself is back-dated, e.g. a paper request recorded late).

    A reminder whose moment lies before `since` while the deadline is still ahead is sent at
    once, for the same reason. A deadline already missed at `since` (a clock started late, at a late confirmation or
    from a back-dated paper receipt) is escalated at once: without this its reminders and
    escalation would all lie behind and nothing would ever be sent. Escalations are keyed
    by the due date, so one already sent is not sent again. Given the operator's working
    `hours`, `calendar` and `tz`, "at once" means the next moment people are at work.
    """

    def at_once() -> datetime:
        if hours is None or calendar is None:
            return since
        return deadlines.snap_forward_to_working_hours(since, hours=hours, calendar=calendar, tz=tz)

    if any(a.kind == ESCALATION and a.at < since for a in actions):
        return at_once()
    pending = [a.at for a in actions if a.at >= since]
    if any(a.kind == STAFF_REMINDER and a.at < since for a in actions) and any(a.kind == ESCALATION for a in actions):
        # The clock started after its reminder moments with time still left: remind at once
        # (the next working moment). If that is after the deadline, the escalation comes first
        # and the reminder is dropped, as there was no working time left to act on it. A
        # reminder already sent has the same key, so a later change does not send it again.
        pending.append(at_once())
    return min(pending, default=None)


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
