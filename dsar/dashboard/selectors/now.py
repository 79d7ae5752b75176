"""The state of the queue at this moment: what is open, due, late, and who holds it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from ... import queues
from ...models import DataRequest, Operator
from ...states import ACTIVE_STATES, State
from .rows import ROWS


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


def now_figures(*, operators: list[Operator], now: datetime) -> list[OperatorNow]:
    """One row per operator: open, due today, due within 1 working day, overdue, awaiting, unassigned."""
    if not operators:
        return []
    # The queue definitions shared with the admin lists and the digest (dsar/queues.py).
    q = queues.conditions(operators=operators, now=now)
    rows = (
        DataRequest.objects.filter(operator_id__in=[op.pk for op in operators], state__in=ACTIVE_STATES)
        .values("operator_id")
        .annotate(
            open=Count(ROWS),
            due_today=Count(ROWS, filter=q["due_today"]),
            due_1wd=Count(ROWS, filter=q["due_1wd"]),
            overdue=Count(ROWS, filter=q["overdue"]),
            awaiting_subject=Count(ROWS, filter=Q(state=State.AWAITING_SUBJECT)),
            unassigned=Count(ROWS, filter=q["unassigned"]),
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
        aggregates[f"late_{key}"] = Count(ROWS, filter=bucket & queues.overdue(now))
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
        .annotate(open=Count(ROWS), overdue=Count(ROWS, filter=queues.overdue(now)))
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
