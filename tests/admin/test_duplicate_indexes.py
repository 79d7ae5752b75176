"""The duplicate candidates on the request page read three small indexes, not every open request.

At a million requests the caseworker's request page took 1.9 s, 1.83 s of it this one query:
`UPPER(subject_email) = UPPER(%s) OR subject_phone = %s OR subject_iin = %s` over the operator's
open requests, ordered by submission, with no index to serve it (issue 23).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dsar import selectors
from dsar.models import DataRequest, State
from tests.factories import OperatorFactory, make_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_it_finds_duplicate_candidates_through_the_email_phone_and_iin_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("query plans are PostgreSQL's")
    operator = OperatorFactory()
    request = make_request(
        operator, subject_email="Dana@Example.kz", subject_phone="+77011234567", subject_iin="900101300123"
    )
    values = DataRequest.objects.filter(pk=request.pk).values().get()
    del values["id"]
    states = [State.RECEIVED, State.IN_PROGRESS, State.FULFILLED, State.AWAITING_IDENTITY]
    crowd = [
        DataRequest(
            **values
            | {
                "reference": f"X-{i}",
                "subject_email": f"person{i}@example.kz",
                "subject_phone": f"+7700{i:07d}",
                "subject_iin": f"{i:012d}",
                "state": states[i % len(states)],
            }
        )
        for i in range(4000)
    ]
    DataRequest.objects.bulk_create(crowd)
    make_request(operator, subject_email="dana@example.KZ")  # a real candidate, another case
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dsar_datarequest")

    with CaptureQueriesContext(connection) as captured:
        found = list(selectors.duplicate_candidates(request))
    assert [r.subject_email for r in found] == ["dana@example.KZ"]
    (query,) = [q["sql"] for q in captured.captured_queries if "dsar_datarequest" in q["sql"]]
    plan = _plan(query)
    for index in ("req_dup_email_idx", "req_phone_idx", "req_iin_idx"):
        assert index in plan, plan
    assert "Seq Scan" not in plan, plan
