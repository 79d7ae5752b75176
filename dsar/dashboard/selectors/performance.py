"""How the operator did over a period.

Which requests count:
- on-time rate and time to answer: requests *answered* in the period (answered_at in it);
  on time when answered_at <= due_at. Withdrawn, expired and duplicate requests were never
  answered (answered_at stays empty), so they are in neither numerator nor denominator: the
  operator owed no answer once the subject withdrew or the request proved a duplicate, and
  an unconfirmed request never started the clock. A blocking request counts as answered
  when the data is blocked; the later unblock or destruction does not answer it twice.
- volume: requests *received* in the period (the operator's clock started).
- outcomes: requests answered in the period by their outcome, plus requests closed in the
  period without an answer (withdrawn, expired, duplicate).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncWeek

from ...kinds import HOURS_KINDS, Kind
from ...models import DataRequest
from ...states import Outcome
from ..aggregates import PercentileCont, has_percentile_cont
from ..forms import DASHBOARD_TZ, Scope
from .rows import ROWS

ON_TIME = Q(answered_at__lte=F("due_at"))


def _answered(scope: Scope):
    return DataRequest.objects.filter(
        operator_id__in=scope.operator_ids, answered_at__gte=scope.start_at, answered_at__lt=scope.end_before
    )


def _rate(on_time: int, answered: int) -> float | None:
    return round(100.0 * on_time / answered, 1) if answered else None


def on_time_by_kind(*, scope: Scope) -> list[dict]:
    rows = _answered(scope).values("kind").annotate(answered=Count(ROWS), on_time=Count(ROWS, filter=ON_TIME))
    found = {row["kind"]: row for row in rows.order_by()}
    result = []
    for kind in Kind:
        if kind in found:
            row = found[kind]
            result.append({"kind": kind, "answered": row["answered"], "on_time": row["on_time"],
                           "late": row["answered"] - row["on_time"], "rate": _rate(row["on_time"], row["answered"])})
    return result


def on_time_by_operator(*, scope: Scope) -> list[dict]:
    rows = (
        _answered(scope)
        .values("operator_id", "operator__short_name")
        .annotate(answered=Count(ROWS), on_time=Count(ROWS, filter=ON_TIME))
        .order_by("operator__short_name")
    )
    return [
        {"operator_id": row["operator_id"], "operator": row["operator__short_name"], "answered": row["answered"],
         "on_time": row["on_time"], "late": row["answered"] - row["on_time"], "rate": _rate(row["on_time"], row["answered"])}
        for row in rows
    ]


@dataclass(frozen=True)
class AnswerTime:
    kind: str
    unit: str  # "hours" or "days" (working)
    answered: int
    median: float
    p90: float


def _percentiles_postgresql(qs) -> dict[str, tuple[int, float, float]]:
    rows = qs.values("kind").annotate(
        n=Count(ROWS),
        median=PercentileCont("answer_working_seconds", 0.5),
        p90=PercentileCont("answer_working_seconds", 0.9),
    )
    return {row["kind"]: (row["n"], row["median"], row["p90"]) for row in rows.order_by()}


def _kth(qs, kind: str, k: int) -> list[int]:
    """The k-th and (k+1)-th smallest values of one kind, fetched by ORDER BY ... LIMIT 2 OFFSET k."""
    return list(
        qs.filter(kind=kind).order_by("answer_working_seconds").values_list("answer_working_seconds", flat=True)[k:k + 2]
    )


def _interpolate(values_from_k: list[int], position: float) -> float:
    # PERCENTILE_CONT's definition: linear between the values at floor and ceil of p*(n-1).
    lower = values_from_k[0]
    upper = values_from_k[1] if len(values_from_k) > 1 else lower
    return lower + (upper - lower) * (position - int(position))


def _percentiles_fallback(qs) -> dict[str, tuple[int, float, float]]:
    """For databases without PERCENTILE_CONT (SQLite): the same interpolation from two
    indexed look-ups per quantile, never the whole column in Python."""
    result = {}
    for row in qs.values("kind").annotate(n=Count(ROWS)).order_by():
        n = row["n"]
        quantiles = []
        for fraction in (0.5, 0.9):
            position = fraction * (n - 1)
            quantiles.append(_interpolate(_kth(qs, row["kind"], int(position)), position))
        result[row["kind"]] = (n, *quantiles)
    return result


def answer_times(*, scope: Scope) -> list[AnswerTime]:
    """Median and 90th percentile working time to answer per kind: hours for the
    1-working-day kinds, working days for the rest (a working day counts 24 hours)."""
    qs = _answered(scope).filter(answer_working_seconds__isnull=False)
    found = _percentiles_postgresql(qs) if has_percentile_cont() else _percentiles_fallback(qs)
    result = []
    for kind in Kind:
        if kind not in found:
            continue
        n, median, p90 = found[kind]
        per_unit, unit = (3600, "hours") if kind in HOURS_KINDS else (86400, "days")
        result.append(AnswerTime(kind, unit, n, round(median / per_unit, 2), round(p90 / per_unit, 2)))
    return result


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def volume_by_week(*, scope: Scope) -> dict:
    """Requests received per week (Monday to Sunday in Asia/Almaty) and kind, every week of
    the period present even when empty. The first and last weeks may be cut by the period."""
    rows = (
        DataRequest.objects.filter(
            operator_id__in=scope.operator_ids, received_at__gte=scope.start_at, received_at__lt=scope.end_before
        )
        .annotate(week=TruncWeek("received_at", tzinfo=DASHBOARD_TZ))
        .values("week", "kind")
        .annotate(n=Count(ROWS))
        .order_by()
    )
    counts: dict[tuple[date, str], int] = {}
    for row in rows:
        week = row["week"]
        week = week.astimezone(DASHBOARD_TZ).date() if hasattr(week, "astimezone") else week
        counts[(week, row["kind"])] = counts.get((week, row["kind"]), 0) + row["n"]
    weeks = []
    week = _week_start(scope.start)
    while week <= scope.end:
        weeks.append(week)
        week += timedelta(days=7)
    kinds = [kind for kind in Kind if any(k == kind for (_, k) in counts)]
    return {
        "weeks": weeks,
        "kinds": kinds,
        "counts": {kind: [counts.get((w, kind), 0) for w in weeks] for kind in kinds},
        "totals": [sum(counts.get((w, kind), 0) for kind in kinds) for w in weeks],
    }


def outcomes(*, scope: Scope) -> list[dict]:
    """Outcome counts; a refusal is split by its legal ground. Sorted as the outcome list."""
    # Two queries rather than one with OR: each is an index-only scan of its own index.
    unanswered = DataRequest.objects.filter(
        operator_id__in=scope.operator_ids, answered_at__isnull=True,
        closed_at__gte=scope.start_at, closed_at__lt=scope.end_before,
    )
    rows = []
    for qs in (_answered(scope), unanswered):
        rows += qs.exclude(outcome="").values("outcome", "refusal_ground").annotate(n=Count(ROWS)).order_by()
    by_outcome: dict[str, int] = {}
    by_ground: dict[str, int] = {}
    for row in rows:
        by_outcome[row["outcome"]] = by_outcome.get(row["outcome"], 0) + row["n"]
        if row["outcome"] == Outcome.REFUSED:
            by_ground[row["refusal_ground"]] = by_ground.get(row["refusal_ground"], 0) + row["n"]
    result = []
    for outcome in Outcome:
        if outcome in by_outcome:
            result.append({"outcome": outcome, "ground": "", "count": by_outcome[outcome]})
            if outcome == Outcome.REFUSED:
                for ground, n in sorted(by_ground.items(), key=lambda item: (-item[1], item[0])):
                    result.append({"outcome": outcome, "ground": ground, "count": n})
    return result
