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

Every figure is a sum over the daily figures (models/rollup.py, kept by services/rollup.py),
never a scan of the requests: a year of a million requests is a few thousand rows. Medians
and percentiles come from the time-to-answer histogram, within one bucket of the exact figure.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum

from ...kinds import HOURS_KINDS, Kind
from ...models import DailyFigure, DailyOutcome
from ...models.rollup import BUCKET_FIELDS, BUCKET_LOWER, BUCKET_RATIO, Span
from ...states import Outcome
from ..forms import Scope


def cover(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """How to cover start..end (inclusive) once: the Mondays of the whole weeks inside it
    (first, last; None if there is none) and the runs of days left at either end."""
    first_monday = start + timedelta(days=(7 - start.weekday()) % 7)
    last_monday = end - timedelta(days=end.weekday() if end.weekday() == 6 else end.weekday() + 7)
    if first_monday > last_monday:
        return None, [(start, end)]
    edges = [(start, first_monday - timedelta(days=1)), (last_monday + timedelta(days=7), end)]
    return (first_monday, last_monday), [(a, b) for a, b in edges if a <= b]


def _span_filter(start: date, end: date) -> Q:
    weeks, days = cover(start, end)
    q = Q(span=Span.WEEK, day__gte=weeks[0], day__lte=weeks[1]) if weeks else Q(pk__in=[])
    for first, last in days:
        q |= Q(span=Span.DAY, day__gte=first, day__lte=last)
    return q


def _figures(scope: Scope, model=DailyFigure):
    return model.objects.filter(_span_filter(scope.start, scope.end), operator_id__in=scope.operator_ids)


def _rate(on_time: int, answered: int) -> float | None:
    return round(100.0 * on_time / answered, 1) if answered else None


def on_time_by_kind(*, scope: Scope) -> list[dict]:
    rows = _figures(scope).values("kind").annotate(answered=Sum("answered"), on_time=Sum("on_time")).order_by()
    found = {row["kind"]: row for row in rows if row["answered"]}
    result = []
    for kind in Kind:
        if kind in found:
            row = found[kind]
            result.append(
                {
                    "kind": kind,
                    "answered": row["answered"],
                    "on_time": row["on_time"],
                    "late": row["answered"] - row["on_time"],
                    "rate": _rate(row["on_time"], row["answered"]),
                }
            )
    return result


def on_time_by_operator(*, scope: Scope) -> list[dict]:
    rows = (
        _figures(scope)
        .values("operator_id", "operator__short_name")
        .annotate(answered=Sum("answered"), on_time=Sum("on_time"))
        .filter(answered__gt=0)
        .order_by("operator__short_name")
    )
    return [
        {
            "operator_id": row["operator_id"],
            "operator": row["operator__short_name"],
            "answered": row["answered"],
            "on_time": row["on_time"],
            "late": row["answered"] - row["on_time"],
            "rate": _rate(row["on_time"], row["answered"]),
        }
        for row in rows
    ]


@dataclass(frozen=True)
class AnswerTime:
    kind: str
    unit: str  # "hours" or "days" (working)
    answered: int
    median: float
    p90: float


def _value_at_rank(counts: list[int], rank: int) -> float:
    """The rank-th smallest value (0-based), placed evenly inside the bucket that holds it."""
    below = 0
    for bucket, count in enumerate(counts):
        if count and rank < below + count:
            lower = BUCKET_LOWER[bucket]
            upper = BUCKET_LOWER[bucket + 1] if bucket + 1 < len(BUCKET_LOWER) else lower * BUCKET_RATIO
            return lower + (upper - lower) * (rank - below + 0.5) / count
        below += count
    raise ValueError("rank beyond the histogram")


def bucket_percentile(counts: list[int], fraction: float) -> float | None:
    """PERCENTILE_CONT(fraction) estimated from bucket counts: linear between the estimated
    values at ranks floor and ceil of fraction * (n - 1). Each estimate lies in the bucket of
    the value it stands for, so the result is off by less than the wider of those buckets."""
    n = sum(counts)
    if not n:
        return None
    position = fraction * (n - 1)
    k = int(position)
    lower = _value_at_rank(counts, k)
    upper = _value_at_rank(counts, min(k + 1, n - 1))
    return lower + (upper - lower) * (position - k)


def answer_times(*, scope: Scope) -> list[AnswerTime]:
    """Median and 90th percentile working time to answer per kind: hours for the
    1-working-day kinds, working days for the rest (a working day counts 24 hours)."""
    rows = _figures(scope).values("kind").annotate(n=Sum("timed"), **{b: Sum(b) for b in BUCKET_FIELDS}).order_by()
    found = {row["kind"]: row for row in rows if row["n"]}
    result = []
    for kind in Kind:
        if kind not in found:
            continue
        row = found[kind]
        counts = [row[b] for b in BUCKET_FIELDS]
        per_unit, unit = (3600, "hours") if kind in HOURS_KINDS else (86400, "days")
        median, p90 = bucket_percentile(counts, 0.5), bucket_percentile(counts, 0.9)
        result.append(AnswerTime(kind, unit, row["n"], round(median / per_unit, 2), round(p90 / per_unit, 2)))
    return result


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def volume_by_week(*, scope: Scope) -> dict:
    """Requests received per week (Monday to Sunday in Asia/Almaty) and kind, every week of
    the period present even when empty. The first and last weeks may be cut by the period."""
    rows = _figures(scope).filter(received__gt=0).values("day", "kind").annotate(n=Sum("received")).order_by()
    counts: dict[tuple[date, str], int] = {}
    for row in rows:
        key = (_week_start(row["day"]), row["kind"])
        counts[key] = counts.get(key, 0) + row["n"]
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
    rows = _figures(scope, DailyOutcome).values("outcome", "refusal_ground").annotate(n=Sum("count")).order_by()
    by_outcome: dict[str, int] = {}
    by_ground: dict[str, int] = {}
    for row in rows:
        if not row["n"]:
            continue
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
