"""The dashboard's daily figures (models/rollup.py): one definition of what a request adds.

`contributions()` says what one request adds to the figures. Every change to a request that
moves a figure calls `rollup_apply(before=..., after=...)` inside its own transaction, which
adds the difference; `rollup_rebuild()` sums the contributions of every request from
scratch. Both use the same function, so a rebuild equals the kept figures.

Hooks: `services.transitions.transition()` (answers, closes, reopenings, every state change),
`intake.request_create()` (a clock started at submission) and `retention.request_purge()`.

Locks: the upsert locks one figure row per key touched, after the request row and the
operator's chain head (which the caller's audit event already holds), in key order, so two
transactions never wait for each other in opposite orders.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import DataRequest
from ..models.rollup import BUCKET_FIELDS, BUCKET_LOWER, DailyFigure, DailyOutcome, Span

ROLLUP_TZ = ZoneInfo(settings.TIME_ZONE)  # the dashboard's days and periods
FIELDS = (
    "operator_id",
    "kind",
    "received_at",
    "answered_at",
    "due_at",
    "answer_working_seconds",
    "outcome",
    "refusal_ground",
    "closed_at",
)
FIGURE_KEY = ("operator_id", "span", "day", "kind")
OUTCOME_KEY = ("operator_id", "span", "day", "outcome", "refusal_ground")
FIGURE_COUNTS = ("received", "answered", "on_time", "timed", "answer_seconds", *BUCKET_FIELDS)


def snapshot(request: DataRequest, **changes) -> tuple:
    """The request's values that figures depend on (FIELDS order), with `changes` applied."""
    return tuple(changes[name] if name in changes else getattr(request, name) for name in FIELDS)


def bucket_of(seconds: float) -> int:
    return max(0, bisect_right(BUCKET_LOWER, seconds) - 1)


def _day(moment):
    return timezone.localtime(moment, ROLLUP_TZ).date()


def _spans(day):
    """The daily row and the weekly row (from Monday) that a day's figures go into."""
    return ((Span.DAY, day), (Span.WEEK, day - timedelta(days=day.weekday())))


def contributions(values: tuple, figures: dict, outcomes: dict, sign: int = 1) -> None:
    """Add (sign=-1: take away) what one request counts in the figures, keyed as the tables:
    (operator, span, day, kind) and (operator, span, day, outcome, refusal ground)."""
    operator_id, kind, received_at, answered_at, due_at, seconds, outcome, ground, closed_at = values
    counts = []
    if received_at is not None:
        counts.append((_day(received_at), "received", sign))
    if answered_at is not None:
        answered_day = _day(answered_at)
        counts.append((answered_day, "answered", sign))
        if due_at is not None and answered_at <= due_at:
            counts.append((answered_day, "on_time", sign))
        if seconds is not None:
            counts += [
                (answered_day, "timed", sign),
                (answered_day, "answer_seconds", sign * seconds),
                (answered_day, BUCKET_FIELDS[bucket_of(seconds)], sign),
            ]
    for day, name, amount in counts:
        for span, start in _spans(day):
            figures[(operator_id, span, start, kind)][name] += amount
    # Answered with an outcome: counted on the answer's day; closed without one (withdrawn,
    # expired, duplicate): on the day it closed.
    if outcome:
        day = _day(answered_at) if answered_at is not None else (_day(closed_at) if closed_at is not None else None)
        if day is not None:
            for span, start in _spans(day):
                outcomes[(operator_id, span, start, outcome, ground or "")] += sign


def _tables():
    return defaultdict(lambda: defaultdict(int)), defaultdict(int)


def _upsert(table: str, key_columns: tuple, key: tuple, columns: tuple, deltas: dict) -> None:
    names = [*key_columns, *columns]
    values = [*key, *(deltas.get(c, 0) for c in columns)]
    quoted = connection.ops.quote_name
    updates = ", ".join(
        f"{quoted(c)} = {quoted(table)}.{quoted(c)} + EXCLUDED.{quoted(c)}" for c in columns if deltas.get(c)
    )
    sql = (
        f"INSERT INTO {quoted(table)} ({', '.join(quoted(n) for n in names)}) "
        f"VALUES ({', '.join(['%s'] * len(values))}) "
        f"ON CONFLICT ({', '.join(quoted(c) for c in key_columns)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def rollup_apply(*, before: tuple | None, after: tuple | None) -> None:
    """Move the figures from what `before` counted to what `after` counts. Call in the
    transaction that changed the request (None: the request did not count / no longer exists)."""
    figures, outcomes = _tables()
    if before is not None:
        contributions(before, figures, outcomes, sign=-1)
    if after is not None:
        contributions(after, figures, outcomes, sign=1)
    changed_figures, changed_outcomes = _without_zeros(figures, outcomes)
    if not changed_figures and not changed_outcomes:
        return
    with transaction.atomic(savepoint=False):
        for key in sorted(changed_figures):
            _upsert(DailyFigure._meta.db_table, FIGURE_KEY, key, FIGURE_COUNTS, changed_figures[key])
        for key in sorted(changed_outcomes):
            _upsert(DailyOutcome._meta.db_table, OUTCOME_KEY, key, ("count",), {"count": changed_outcomes[key]})


def rollup_compute(requests=None) -> tuple[dict, dict]:
    """Every request's contributions summed: the figures as they should be."""
    figures, outcomes = _tables()
    qs = requests if requests is not None else DataRequest.objects.all()
    rows = qs.filter(Q(received_at__isnull=False) | Q(closed_at__isnull=False)).order_by().values_list(*FIELDS)
    for values in rows.iterator(chunk_size=20_000):
        contributions(values, figures, outcomes)
    return figures, outcomes


def rollup_stored() -> tuple[dict, dict]:
    """The figures as kept, in rollup_compute()'s shape, without rows that sum to nothing."""
    figures, outcomes = _tables()
    for row in DailyFigure.objects.values(*FIGURE_KEY, *FIGURE_COUNTS).iterator():
        counts = {c: row[c] for c in FIGURE_COUNTS if row[c]}
        if counts:
            figures[tuple(row[k] for k in FIGURE_KEY)].update(counts)
    for row in DailyOutcome.objects.exclude(count=0).values_list(*OUTCOME_KEY, "count"):
        outcomes[row[:5]] = row[5]
    return figures, outcomes


def _without_zeros(figures: dict, outcomes: dict) -> tuple[dict, dict]:
    figures = {k: {c: d for c, d in v.items() if d} for k, v in figures.items()}
    return {k: v for k, v in figures.items() if v}, {k: d for k, d in outcomes.items() if d}


def rollup_differences() -> list[str]:
    """Where the kept figures differ from the requests (empty when they agree)."""
    want_figures, want_outcomes = _without_zeros(*rollup_compute())
    have_figures, have_outcomes = _without_zeros(*rollup_stored())
    problems = [
        f"figure {k}: kept {dict(have_figures.get(k, {}))}, requests give {dict(want_figures.get(k, {}))}"
        for k in sorted(set(want_figures) | set(have_figures), key=str)
        if have_figures.get(k, {}) != want_figures.get(k, {})
    ]
    problems += [
        f"outcome {k}: kept {have_outcomes.get(k, 0)}, requests give {want_outcomes.get(k, 0)}"
        for k in sorted(set(want_outcomes) | set(have_outcomes), key=str)
        if have_outcomes.get(k, 0) != want_outcomes.get(k, 0)
    ]
    return problems


def rollup_rebuild(*, batch_size: int = 5000) -> tuple[int, int]:
    """Replace the figures with the sums over every request. Returns (figure rows, outcome rows).

    On PostgreSQL the two tables are locked (EXCLUSIVE) for the rebuild: an answer given
    meanwhile waits, then adds its change to the rebuilt figures.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {DailyFigure._meta.db_table}, {DailyOutcome._meta.db_table} IN EXCLUSIVE MODE"
                )
        DailyFigure.objects.all().delete()
        DailyOutcome.objects.all().delete()
        figures, outcomes = rollup_compute()  # sums of positive counts: no zeros
        rollup_store(figures, outcomes, DailyFigure, DailyOutcome, batch_size=batch_size)
    return len(figures), len(outcomes)


def rollup_store(figures: dict, outcomes: dict, figure_model, outcome_model, batch_size: int = 5000) -> None:
    """Insert computed figures (the models are parameters so the migration can pass its own)."""
    figure_model.objects.bulk_create(
        (figure_model(**dict(zip(FIGURE_KEY, k, strict=True)), **v) for k, v in figures.items()), batch_size=batch_size
    )
    outcome_model.objects.bulk_create(
        (outcome_model(**dict(zip(OUTCOME_KEY, k, strict=True)), count=n) for k, n in outcomes.items()),
        batch_size=batch_size,
    )
