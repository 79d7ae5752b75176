"""An installation on the previous schema upgrades to this one and loses nothing.

The previous schema is the one main shipped before the redesign (migration PREVIOUS). The test
loads the demo's data, goes back to that schema, takes a snapshot of every row of every table
there, migrates forward again, and checks that every row and every value of the snapshot is still
there (columns the upgrade drops must be listed in MOVED with where their data went), and that
each operator's audit chain still verifies.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

PREVIOUS = ("dsar", "0007_active_queue_index")

# Columns of the previous schema that the upgrade removes on purpose, with where their data went.
MOVED: dict[tuple[str, str], str] = {}

pytestmark = [pytest.mark.slow]


def _snapshot() -> dict[str, dict[tuple, dict]]:
    """Every row of every dsar table, keyed by primary key, as plain values."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if not table.startswith("dsar_"):
                continue
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description]
            pk = connection.introspection.get_primary_key_columns(cursor, table) or columns
            cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {table}")
            rows = {}
            for values in cursor.fetchall():
                row = dict(zip(columns, values, strict=True))
                rows[tuple(row[c] for c in pk)] = row
            tables[table] = rows
    return tables


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_it_upgrades_an_installation_of_the_previous_schema_and_loses_nothing():
    from dsar.models import DataRequest, Event, Operator
    from dsar.models.events import verify_chain

    call_command("dsar_demo", requests=40, quiet=True)
    assert DataRequest.objects.count() >= 40 and Event.objects.exists()
    _migrate([PREVIOUS])
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 500, "the snapshot must hold real data"
    _migrate(_latest())
    after = _snapshot()
    lost = []
    for table, rows in before.items():
        if table not in after:
            lost.append(f"table {table} is gone")
            continue
        for key, row in rows.items():
            now = after[table].get(key)
            if now is None:
                lost.append(f"{table} {key}: the row is gone")
                continue
            for column, value in row.items():
                if column not in now:
                    if (table, column) not in MOVED:
                        lost.append(f"{table}.{column} is gone and MOVED does not say where its data went")
                elif now[column] != value:
                    lost.append(f"{table} {key}: {column} was {value!r}, is {now[column]!r}")
    assert lost == [], "\n".join(sorted(set(lost))[:40])
    assert [str(b) for op in Operator.objects.all() if (b := verify_chain(op.pk))] == []


def test_it_names_a_real_previous_migration():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert PREVIOUS in loader.disk_migrations
