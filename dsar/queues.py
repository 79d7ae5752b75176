"""The staff queues, defined once: "overdue", "due today", "due within 1 working day", "unassigned".

The admin request list (selectors.apply_queue), the dashboard's Now page and the daily
digest all count with these conditions, so a card and the queue it links to agree.

Every "day" is a day of the operator's own time zone and working calendar (its overrides
over the global ones). A request's clock is `due_at` while staff must answer it (not while
it is paused waiting for the subject), and `review_due_at` once its data is blocked (check
the data, then unblock or destroy).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from . import deadlines
from .deadlines import WorkCalendar
from .models import CalendarOverride, Operator
from .states import ACTIVE_STATES, State

# States where the answer clock (`due_at`) runs unless paused.
ANSWER_CLOCK_STATES = [State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT]
# Staff work: open and past identity confirmation (the dashboard's "open").
WORK_STATES = ACTIVE_STATES

DEADLINE_QUEUES = ("overdue", "due_today", "due_1wd")
COUNTED = (*DEADLINE_QUEUES, "unassigned")


def clock_due(request) -> datetime | None:
    """The deadline staff work to: the answer's, or once the data is blocked, the check's."""
    if request.state == State.BLOCKED:
        return request.review_due_at
    return request.due_at


@dataclass(frozen=True)
class DayBounds:
    """The moments a queue compares deadlines with, for one operator at one instant."""

    now: datetime
    today_end: datetime  # the end of today, local
    next_working_day_end: datetime  # the end of the first working day after today


def day_bounds(*, now: datetime, calendar: WorkCalendar, tz) -> DayBounds:
    today = now.astimezone(tz).date()
    return DayBounds(
        now=now,
        today_end=deadlines.end_of_day(today, tz),
        next_working_day_end=deadlines.end_of_day(calendar.add_working_days(today, 1), tz),
    )


def calendars_for(operators: Iterable[Operator]) -> dict[int, WorkCalendar]:
    """Each operator's working calendar (global overrides, its own winning), in one query."""
    operators = list(operators)
    rows = CalendarOverride.objects.filter(
        Q(operator__isnull=True) | Q(operator_id__in=[op.pk for op in operators])
    ).values_list("operator_id", "date", "is_working_day")
    common = {d: w for op_id, d, w in rows if op_id is None}
    own: dict[int, dict] = defaultdict(dict)
    for op_id, d, w in rows:
        if op_id is not None:
            own[op_id][d] = w
    return {op.pk: deadlines.calendar_for(overrides=(common | own[op.pk]).items()) for op in operators}


def _clock(**lookup) -> Q:
    """Requests whose running clock matches `lookup` (keys are lookups on the deadline)."""
    answer = Q(
        state__in=ANSWER_CLOCK_STATES,
        clock_paused_at__isnull=True,
        due_at__isnull=False,
        **{f"due_at{k}": v for k, v in lookup.items()},
    )
    review = Q(state=State.BLOCKED, review_due_at__isnull=False, **{f"review_due_at{k}": v for k, v in lookup.items()})
    # The outer state test says again what each branch says: it lets PostgreSQL see at once that the
    # covering index of active requests (req_active_queue_idx) holds every row, where it would
    # otherwise scan the table for a capped count (200 ms instead of 1 ms at a million requests).
    return Q(state__in=ACTIVE_STATES) & (answer | review)


def condition(queue: str, bounds: DayBounds) -> Q:
    """The one definition of each counted queue."""
    if queue == "overdue":
        return overdue(bounds.now)
    if queue == "due_today":
        return _clock(__gte=bounds.now, __lte=bounds.today_end)
    if queue == "due_1wd":
        return _clock(__gte=bounds.now, __lte=bounds.next_working_day_end)
    if queue == "unassigned":
        return Q(state__in=WORK_STATES, assignee__isnull=True)
    raise ValueError(f"unknown queue {queue!r}")


def overdue(now: datetime) -> Q:
    """ "Overdue" needs no calendar: the deadline is behind `now`."""
    return _clock(__lt=now)


def conditions(
    *, operators: Iterable[Operator], now: datetime, calendars: dict[int, WorkCalendar] | None = None
) -> dict[str, Q]:
    """Each counted queue as one Q over several operators, each on its own calendar and zone.

    Operators that share a zone and calendar share bounds, so the SQL stays short even for
    an administrator who sees every operator.
    """
    operators = list(operators)
    calendars = calendars if calendars is not None else calendars_for(operators)
    groups: dict[DayBounds, list[int]] = defaultdict(list)
    for op in operators:
        groups[day_bounds(now=now, calendar=calendars[op.pk], tz=op.tz)].append(op.pk)
    result = {}
    for queue in DEADLINE_QUEUES:
        q = Q(pk__in=[])
        for bounds, ids in groups.items():
            q |= Q(operator_id__in=ids) & condition(queue, bounds)
        result[queue] = q
    result["unassigned"] = condition("unassigned", DayBounds(now, now, now))
    return result
