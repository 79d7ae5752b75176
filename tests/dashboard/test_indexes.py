"""The Now figures read only the covering index of active requests (PostgreSQL).

At a million requests the administrator's Now page took 676 ms: the index lacked the blocked
requests' review clock (`review_due_at`), so every open row was fetched from the table. With
every column the queue conditions read in the index, each query is an index-only scan.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dsar.dashboard import selectors

from .fixture import NOW

pytestmark = pytest.mark.postgres


def _plans(run) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        run()
    plans = []
    with transaction.atomic(), connection.cursor() as cursor:
        # Only what the index can answer on its own is allowed: no table scans of any kind.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize("figure", ["now_figures", "age_of_open", "workload"])
def test_each_now_figure_is_an_index_only_scan_of_the_active_requests(world, figure):
    ids = [world.a.pk, world.b.pk]
    calls = {
        "now_figures": lambda: selectors.now_figures(operators=[world.a, world.b], now=NOW),
        "age_of_open": lambda: selectors.age_of_open(operator_ids=ids, now=NOW),
        "workload": lambda: selectors.workload(operator_ids=ids, now=NOW),
    }
    plans = [p for p in _plans(calls[figure]) if "dsar_datarequest" in p or "req_" in p]
    assert plans, "no query read the requests"
    for plan in plans:
        assert "Index Only Scan using req_active_queue_idx" in plan, plan
