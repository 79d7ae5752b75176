"""Benchmark: one sweep over TOTAL requests of which DUE have something due (PostgreSQL).

    createdb -h 127.0.0.1 -U postgres dsar_tasks_bench   # once (the script also creates it)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_tasks_bench REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/bench_sweep.py --total 1000000 --due 10000
    .venv/bin/python bench/bench_sweep.py --smoke    # 500 requests, 100 due (CI)

The rows are written with one INSERT ... SELECT generate_series (the workflow would take
hours for a million), with next_action_at set as the receivers would set it. The due rows
are a realistic mix: reminders to assignees (60%), to managers of unassigned requests
(10%), overdue escalations (10%), identity reminders (18%), expiries (1%) and retention
purges (1%). The rest are open requests with actions days ahead and closed ones waiting
years for retention. Deliveries are queued to the broker (REDIS_URL) as in production;
nothing consumes them, and the Redis database is flushed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database_url: str) -> None:
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _reset_and_seed(total: int, due: int, now) -> None:
    from django.db import connection, transaction

    from dsar.models import EventChainHead, Operator, Role
    from tests.factories import OperatorFactory, staff_user

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dsar_notification, dsar_event, dsar_message, dsar_attachment, dsar_letter, "
            "dsar_datarequest, dsar_dailyfigure, dsar_dailyoutcome RESTART IDENTITY CASCADE"
        )
    EventChainHead.objects.update(seq=0, last_hash="0" * 64)
    operators = list(Operator.objects.order_by("pk"))
    if len(operators) < 5:
        for _ in range(5 - len(operators)):
            op = OperatorFactory()
            for role in (Role.CASEWORKER, Role.CASEWORKER, Role.MANAGER, Role.DPO):
                staff_user(op, role)
        operators = list(Operator.objects.order_by("pk"))
    ops = [op.pk for op in operators]
    prefixes = [op.reference_prefix for op in operators]
    caseworkers = [
        op.memberships.filter(role=Role.CASEWORKER).order_by("user_id").values_list("user_id", flat=True).first()
        for op in operators
    ]
    # Row g (1-based): g <= due is due now; its mix is picked by g % 100.
    sql = """
    INSERT INTO dsar_datarequest (
        operator_id, kind, reference, state, language, subject_name, subject_email, subject_phone, subject_iin,
        acting_for_other, representative_name, representative_email, representative_phone, representative_basis,
        description, details, submitted_at, identity_confirmed_at, received_at, due_at, original_due_at,
        paused_seconds, extension_reason, closed_at, answered_at, assignee_id, outcome, refusal_ground,
        refusal_basis, refusal_explanation, next_action_at, last_contact_at, created_at, updated_at, channel)
    SELECT
        (%(ops)s::bigint[])[1 + g %% 5], 'access', (%(prefixes)s::text[])[1 + g %% 5] || '-2026-' || lpad(g::text, 7, '0'),
        t.state, 'ru', 'Subject ' || g, 's' || g || '@example.kz', '+77010000000', '',
        false, '', '', '', '', '', '{}', t.submitted, t.confirmed, t.confirmed, t.due, t.due,
        0, '', t.closed, t.closed, t.assignee, t.outcome, '', '', '', t.next_at,
        coalesce(t.closed, t.submitted), t.submitted, t.submitted, 'web'
    FROM generate_series(1, %(total)s) AS g
    CROSS JOIN LATERAL (
        SELECT
            CASE WHEN g <= %(due)s AND g %% 100 < 80 THEN
                     CASE WHEN g %% 100 < 60 THEN 'in_progress' WHEN g %% 100 < 70 THEN 'received' ELSE 'in_progress' END
                 WHEN g <= %(due)s AND g %% 100 < 99 THEN 'awaiting_identity'
                 WHEN g <= %(due)s THEN 'fulfilled'
                 WHEN g %% 4 = 0 THEN 'in_progress'
                 ELSE 'fulfilled' END AS state,
            %(now)s - interval '5 days' AS submitted,
            CASE WHEN g <= %(due)s AND g %% 100 BETWEEN 80 AND 98 THEN NULL ELSE %(now)s - interval '5 days' END
                AS confirmed,
            CASE WHEN g <= %(due)s AND g %% 100 BETWEEN 70 AND 79 THEN %(now)s - interval '1 hour'
                 WHEN g <= %(due)s AND g %% 100 BETWEEN 80 AND 98 THEN NULL
                 WHEN g <= %(due)s AND g %% 100 < 70 THEN %(now)s + interval '30 minutes'
                 ELSE %(now)s + interval '3 days' END AS due,
            CASE WHEN g <= %(due)s AND g %% 100 = 99 THEN %(now)s - interval '1100 days'
                 WHEN g > %(due)s AND g %% 4 <> 0 THEN %(now)s - interval '10 days' END AS closed,
            CASE WHEN g %% 100 < 60 OR g %% 100 BETWEEN 70 AND 79 OR (g > %(due)s AND g %% 4 = 0)
                 THEN (%(caseworkers)s::bigint[])[1 + g %% 5] END AS assignee,
            CASE WHEN (g <= %(due)s AND g %% 100 = 99) OR (g > %(due)s AND g %% 4 <> 0) THEN 'fulfilled' ELSE '' END
                AS outcome,
            CASE WHEN g <= %(due)s THEN %(now)s - interval '1 minute'
                 WHEN g %% 4 = 0 THEN %(now)s + (g %% 200 + 1) * interval '1 hour'
                 ELSE %(now)s + interval '1085 days' END AS next_at
    ) AS t
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql, {"ops": ops, "prefixes": prefixes, "caseworkers": caseworkers, "total": total, "due": due, "now": now}
        )
        # Identity reminders need a submission 4 days back; expiries 8 days back (policy: 7 days).
        cursor.execute(
            "UPDATE dsar_datarequest SET submitted_at = %s - interval '4 days' WHERE id <= %s AND id %% 100 BETWEEN 80 AND 97",
            [now, due],
        )
        cursor.execute(
            "UPDATE dsar_datarequest SET submitted_at = %s - interval '8 days' WHERE id <= %s AND id %% 100 = 98",
            [now, due],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE dsar_datarequest")


def run(total: int, due: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dsar.models import DataRequest
    from dsar.services.sweep import sweep_run

    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    _reset_and_seed(total, due, now)
    seeded = time.perf_counter() - started
    assert DataRequest.objects.count() == total
    assert DataRequest.objects.filter(next_action_at__lte=now).count() == due
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        result = sweep_run(now=now)
        elapsed = time.perf_counter() - started
    left = DataRequest.objects.filter(next_action_at__lte=now).count()
    return {
        "total": total,
        "due": due,
        "seconds": round(elapsed, 2),
        "queries": len(ctx.captured_queries),
        "seed_seconds": round(seeded, 1),
        "still_due": left,
        **result.as_dict(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--total", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--smoke", action="store_true", help="500 requests, 100 due: proves it runs (CI)")
    args = parser.parse_args()
    if args.smoke:
        args.total, args.due = [500], 100
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        parser.error("set DATABASE_URL to a PostgreSQL database (it is emptied)")
    _setup(url)
    for total in args.total:
        print(run(total, args.due), flush=True)
    if os.environ.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    return 0


if __name__ == "__main__":
    sys.exit(main())
