"""The state of the queue at this moment: what is open, due, late, and who holds it."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Q

from ...models import DataRequest, Operator
from ...states import ACTIVE_STATES, State
from .rows import ROWS

# A request whose clock is paused (waiting for the subject under a pausing policy) has a
# due date that will move when the subject answers: it is neither due nor overdue.
CLOCK_RUNNING = Q(clock_paused_at__isnull=True, due_at__isnull=False)


@dataclass(frozen=True)
class OperatorNow:
    operator_id: int
    operator_name: str
    open: int
    due_today: int
    due_1wd: int
    overdue: int
    awaiting_subject: int
    unassigned: int


def _day_bounds(operator: Operator, now: datetime) -> tuple[datetime, datetime]:
    """End of today and end of the next working day, in the operator's zone and calendar.

    "Due within 1 working day" is everything due before the end of the next working
    day: on a Friday that reaches to Monday night, over a holiday further still.
    """
    tz = operator.tz
    today = now.astimezone(tz).date()
    tomorrow_start = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    next_wd = operator.work_calendar().add_working_days(today, 1)
    next_wd_end = datetime.combine(next_wd + timedelta(days=1), time(0), tzinfo=tz)
    return tomorrow_start, next_wd_end


def now_figures(*, operators: list[Operator], now: datetime) -> list[OperatorNow]:
    """One row per operator: open, due today, due within 1 working day, overdue, awaiting, unassigned."""
    if not operators:
        return []
    # Operators sharing a zone and calendar share bounds; grouping keeps the SQL short
    # even for an administrator looking at every operator.
    by_bounds: dict[tuple[datetime, datetime], list[int]] = defaultdict(list)
    for op in operators:
        by_bounds[_day_bounds(op, now)].append(op.pk)
    due_today = Q(pk__in=[])
    due_1wd = Q(pk__in=[])
    for (tomorrow_start, next_wd_end), ids in by_bounds.items():
        due_today |= Q(operator_id__in=ids, due_at__lt=tomorrow_start)
        due_1wd |= Q(operator_id__in=ids, due_at__lt=next_wd_end)
    not_late = CLOCK_RUNNING & Q(due_at__gte=now)
    rows = (
        DataRequest.objects.filter(operator_id__in=[op.pk for op in operators], state__in=ACTIVE_STATES)
        .values("operator_id")
        .annotate(
            open=Count(ROWS),
            due_today=Count(ROWS, filter=not_late & due_today),
            due_1wd=Count(ROWS, filter=not_late & due_1wd),
            overdue=Count(ROWS, filter=CLOCK_RUNNING & Q(due_at__lt=now)),
            awaiting_subject=Count(ROWS, filter=Q(state=State.AWAITING_SUBJECT)),
            unassigned=Count(ROWS, filter=Q(assignee__isnull=True)),
        )
        .order_by()
    )
    found = {row.pop("operator_id"): row for row in rows}
    empty = dict(open=0, due_today=0, due_1wd=0, overdue=0, awaiting_subject=0, unassigned=0)
    return [OperatorNow(op.pk, str(op), **found.get(op.pk, empty)) for op in operators]


# (key, label in days: lower bound inclusive, upper bound exclusive; None is open-ended)
AGE_BUCKETS = [("0-1", 0, 1), ("1-3", 1, 3), ("3-7", 3, 7), ("7-15", 7, 15), ("15-30", 15, 30), ("30+", 30, None)]


def age_of_open(*, operator_ids, now: datetime) -> list[dict]:
    """Open requests by how long ago (calendar days) they were received, with how many of each are late."""
    aggregates = {}
    for key, lo, hi in AGE_BUCKETS:
        # Older means received earlier: the upper age bound is the earlier instant.
        bucket = Q(received_at__lte=now - timedelta(days=lo))
        if hi is not None:
            bucket &= Q(received_at__gt=now - timedelta(days=hi))
        aggregates[f"n_{key}"] = Count(ROWS, filter=bucket)
        aggregates[f"late_{key}"] = Count(ROWS, filter=bucket & CLOCK_RUNNING & Q(due_at__lt=now))
    totals = DataRequest.objects.filter(
        operator_id__in=operator_ids, state__in=ACTIVE_STATES, received_at__isnull=False
    ).aggregate(**aggregates)
    return [
        {"bucket": key, "from_days": lo, "to_days": hi, "open": totals[f"n_{key}"], "overdue": totals[f"late_{key}"]}
        for key, lo, hi in AGE_BUCKETS
    ]


def workload(*, operator_ids, now: datetime) -> list[dict]:
    """Open and overdue requests per assignee (None: nobody), the most overdue first."""
    rows = (
        DataRequest.objects.filter(operator_id__in=operator_ids, state__in=ACTIVE_STATES)
        .values("assignee_id", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(open=Count(ROWS), overdue=Count(ROWS, filter=CLOCK_RUNNING & Q(due_at__lt=now)))
        .order_by("-overdue", "-open", "assignee__username")
    )
    result = []
    for row in rows:
        full = " ".join(filter(None, (row["assignee__first_name"], row["assignee__last_name"])))
        result.append(
            {
                "assignee_id": row["assignee_id"],
                "assignee": full or row["assignee__username"] or "",
                "open": row["open"],
                "overdue": row["overdue"],
            }
        )
    return result
