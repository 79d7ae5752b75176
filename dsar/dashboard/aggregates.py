"""Database aggregates Django lacks, with a path for each backend we run on."""

from django.db.models import Aggregate, TextField


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
