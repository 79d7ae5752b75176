"""The regulator's register: every request submitted in the period, one row each.

Streamed: the queryset is read with a server-side cursor (iterator with chunk_size on
PostgreSQL), and the letter numbers are joined in the database by a correlated subquery,
so memory stays flat however long the period. On PostgreSQL the CSV itself is written by
the database (register_copy_sql, read with COPY ... TO STDOUT): labels translated once and
passed in, dates formatted in the dashboard's time zone, no Python per row.
"""

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery

from ...models import ChainCheckpoint, DataRequest, Letter, Operator
from ..aggregates import GroupConcat
from ..forms import Scope

REGISTER_CHUNK = 2000

REGISTER_FIELDS = (
    "reference",
    "operator__short_name",
    "kind",
    "state",
    "submitted_at",
    "received_at",
    "due_at",
    "original_due_at",
    "answered_at",
    "closed_at",
    "outcome",
    "refusal_ground",
    "refusal_basis",
    "letter_numbers",
    "channel",
)


def register_queryset(*, scope: Scope):
    letters = (
        Letter.objects.filter(request_id=OuterRef("pk"))
        .order_by()
        .values("request_id")
        .annotate(numbers=GroupConcat("number", separator="; "))
        .values("numbers")
    )
    return (
        DataRequest.objects.filter(
            operator_id__in=scope.operator_ids, submitted_at__gte=scope.start_at, submitted_at__lt=scope.end_before
        )
        .annotate(letter_numbers=Subquery(letters))
        .order_by("submitted_at", "pk")
        .values_list(*REGISTER_FIELDS)
    )


def register_rows(*, scope: Scope) -> Iterator[tuple]:
    yield from register_queryset(scope=scope).iterator(chunk_size=REGISTER_CHUNK)


# A text starting with one of = + - @ TAB CR that is not a number gets a leading apostrophe,
# as dsar/csvsafe.csv_cell() does: spreadsheet programs would run it as a formula. One regular
# expression (lookaheads), so the value is computed once: the letters subquery runs once a row.
_GUARD = r"regexp_replace({x}, '^(?=[-=+@\t\r])(?![-+]?[0-9]+([.,][0-9]+)?$)', '''')"


def _labelled(column: str, labels: dict[str, str], params: list) -> str:
    cases = []
    for value, label in labels.items():
        cases.append("WHEN %s THEN %s")
        params += [value, label]
    labelled = f"CASE {column} {' '.join(cases)} ELSE {column} END" if cases else column
    return f"NULLIF({labelled}, '')"


def register_copy_sql(
    *, scope: Scope, labels: dict[str, dict[str, str]], yes: str, no: str, tz: str
) -> tuple[str, list]:
    """COPY (...) TO STDOUT of the register as CSV, in the order and format of the Python
    path (csv_export.register_lines). Empty values are NULL, which COPY writes as nothing."""
    params: list = []

    def when(column: str) -> str:
        params.append(tz)
        return f"to_char({column} AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI')"

    def guarded(expression: str) -> str:
        return "NULLIF(" + _GUARD.format(x=f"({expression})") + ", '')"

    columns = [
        guarded("r.reference"),
        guarded("o.short_name"),
        _labelled("r.kind", labels["kind"], params),
        _labelled("r.state", labels["state"], params),
    ]
    columns += [
        when(f"r.{name}")
        for name in ("submitted_at", "received_at", "due_at", "original_due_at", "answered_at", "closed_at")
    ]
    params += [yes, no]
    columns.append(
        "CASE WHEN r.answered_at IS NULL OR r.due_at IS NULL THEN NULL "
        "WHEN r.answered_at <= r.due_at THEN %s ELSE %s END"
    )
    columns.append(_labelled("r.outcome", labels["outcome"], params))
    columns.append(_labelled("r.refusal_ground", labels["ground"], params))
    columns.append(guarded("r.refusal_basis"))
    columns.append(
        guarded(
            f"SELECT STRING_AGG(l.number::text, '; ' ORDER BY l.number) FROM {Letter._meta.db_table} l "
            "WHERE l.request_id = r.id"
        )
    )
    columns.append(_labelled("r.channel", labels["channel"], params))
    params += [list(scope.operator_ids), scope.start_at, scope.end_before]
    sql = (
        f"COPY (SELECT {', '.join(columns)} FROM {DataRequest._meta.db_table} r "
        f"JOIN {Operator._meta.db_table} o ON o.id = r.operator_id "
        "WHERE r.operator_id = ANY(%s) AND r.submitted_at >= %s AND r.submitted_at < %s "
        "ORDER BY r.submitted_at, r.id) TO STDOUT WITH (FORMAT csv)"
    )
    return sql, params


def register_checkpoints(*, scope: Scope) -> list[ChainCheckpoint]:
    """The signed audit checkpoints that vouch for the period: each one signed in it, and each
    operator's latest one signed by its end (the chain up to there cannot be rewritten unseen)."""
    in_scope = ChainCheckpoint.objects.filter(operator_id__in=scope.operator_ids, signed_at__lt=scope.end_before)
    ids = set(in_scope.filter(signed_at__gte=scope.start_at).values_list("pk", flat=True))
    for operator_id in scope.operator_ids:  # a handful per user: one small indexed query each
        ids.update(in_scope.filter(operator_id=operator_id).order_by("-seq").values_list("pk", flat=True)[:1])
    checkpoints = ChainCheckpoint.objects.filter(pk__in=ids).select_related("operator")
    return sorted(checkpoints, key=lambda c: (c.operator.short_name, c.seq))
