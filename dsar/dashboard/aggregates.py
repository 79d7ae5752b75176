"""Database aggregates Django lacks, with a path for each backend we run on."""

from django.db import connection
from django.db.models import Aggregate, FloatField, TextField


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate: the interpolated `fraction` quantile of the expression."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


class GroupConcat(Aggregate):
    """Join strings of a group with `separator`: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression, separator: str = "; ", ordering=None, **extra):
        self.separator = separator
        self.order_by_sql = ordering
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"STRING_AGG({sql}::text, %s ORDER BY {sql})", [*params, self.separator]

    def as_sqlite(self, compiler, conn, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # SQLite keeps no order in GROUP_CONCAT; the subquery feeding it is ordered instead.
        return f"GROUP_CONCAT({sql}, %s)", [*params, self.separator]


def has_percentile_cont() -> bool:
    return connection.vendor == "postgresql"
