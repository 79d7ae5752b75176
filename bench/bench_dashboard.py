"""Dashboard benchmark: server time of each page and CSV, and the streamed register for a year.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_dashboard_bench
    python bench/bench_dashboard.py --requests 1000000
    python bench/bench_dashboard.py --smoke      # 300 requests, one run per page: proves it runs

Seeds the database up to --requests requests with bench/seed.py (COPY, then the daily
figures rebuilt from the requests), adds two letters per answered request, then times every
page with Django's test client: the whole server side (middleware, queries, template), not
the network. The register is timed
on its own, then run again under tracemalloc for 1, 3, 6 and 12 months: a streamed export
in constant memory has the same peak whatever the number of rows.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


LETTERS_SQL = """
INSERT INTO dsar_letter (request_id, kind, number, language, status, file, sha256, verification_code, context, cause,
                         created_at, rendered_at, attempts, next_attempt_at, last_error, signature)
SELECT r.id, k.kind, r.reference || '/' || k.n, r.language, 'ready', '', '', substr(md5(r.id::text || k.kind), 1, 16),
       '{}'::jsonb, 'bench:' || k.kind, COALESCE(r.answered_at, r.received_at), COALESCE(r.answered_at, r.received_at),
       0, COALESCE(r.answered_at, r.received_at), '', '{}'::jsonb
FROM dsar_datarequest r
CROSS JOIN (VALUES ('acknowledgment', 1), ('fulfilled', 2)) AS k(kind, n)
WHERE r.answered_at IS NOT NULL
"""


def prepare(n: int) -> None:
    from django.db import connection

    from dsar.models import DataRequest, Letter

    have = DataRequest.objects.count()
    if have < n:
        from bench.seed import seed  # noqa: PLC0415

        started = time.monotonic()
        seed(n - have, progress=lambda done: print(f"  seeded {done:,}", flush=True) if done % 200_000 == 0 else None)
        print(f"Seeded {n - have:,} requests in {time.monotonic() - started:.0f}s")
    if not Letter.objects.exists():
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(LETTERS_SQL)
            cursor.execute("VACUUM ANALYZE dsar_letter")  # as autovacuum would: index-only letter look-ups
        print(f"Added letters in {time.monotonic() - started:.0f}s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dsar_datarequest")


def _users():
    from django.contrib.auth import get_user_model

    from dsar.models import Membership, Operator, Role

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    operator = Operator.objects.order_by("pk").first()
    manager, created = User.objects.get_or_create(username="bench-manager", defaults={"is_staff": True})
    if created:
        Membership.objects.create(user=manager, operator=operator, role=Role.MANAGER)
    return {"administrator (all operators)": admin, "manager (one operator)": manager}


def _time(client, url, params, runs) -> tuple[float, float, int]:
    def once():
        started = time.perf_counter()
        response = client.get(url, params)
        size = sum(len(c) for c in response.streaming_content) if response.streaming else len(response.content)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, size

    once()  # warm caches, as a running server would be
    results = [once() for _ in range(runs)]
    times = [t for t, _ in results]
    return statistics.median(times), max(times), results[-1][1]


def _client_for(user):
    """Logged in with a verified second factor, as the dashboard requires."""
    from bench.bench_admin import _client_for as verified_client  # noqa: PLC0415

    return verified_client(user)


def bench_pages(runs: int) -> list[str]:
    from django.urls import reverse
    from django.utils import timezone

    from dsar.dashboard.tables import ALL_TABLES

    today = timezone.localdate()
    periods = {"90 days": {}, "1 year": {"start": (today - timedelta(days=364)).isoformat(), "end": today.isoformat()}}
    lines = ["| user | page | period | median ms | max ms | bytes |", "|---|---|---|---:|---:|---:|"]
    for who, user in _users().items():
        client = _client_for(user)
        targets = [
            ("Now", reverse("dashboard:now"), {"": {}}),
            ("Performance", reverse("dashboard:performance"), periods),
        ]
        targets += [
            (
                f"CSV {key}",
                reverse("dashboard:csv", args=[key]),
                periods if key not in ("now", "age", "workload") else {"": {}},
            )
            for key in ALL_TABLES
        ]
        for name, url, variants in targets:
            for label, params in variants.items():
                median, worst, size = _time(client, url, params, runs)
                lines.append(f"| {who} | {name} | {label or 'now'} | {median:.0f} | {worst:.0f} | {size:,} |")
                print(lines[-1], flush=True)
    return lines


def bench_register() -> list[str]:
    from django.urls import reverse
    from django.utils import timezone

    admin = _users()["administrator (all operators)"]
    client = _client_for(admin)
    today = timezone.localdate()
    url = reverse("dashboard:register")
    lines = [
        "| period | rows | MB | seconds | tracemalloc peak MiB | ru_maxrss after, MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for months in (1, 3, 6, 12):
        params = {
            "start": (today - timedelta(days=months * 30 if months < 12 else 364)).isoformat(),
            "end": today.isoformat(),
        }
        started = time.perf_counter()
        response = client.get(url, params)
        rows = size = 0
        for chunk in response.streaming_content:
            rows += chunk.count(b"\n")
            size += len(chunk)
        seconds = time.perf_counter() - started
        # Again under tracemalloc, which slows Python down but sees every allocation.
        tracemalloc.start()
        response = client.get(url, params)
        for _chunk in response.streaming_content:
            pass
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines.append(
            f"| {months} month(s) | {rows - 1:,} | {size / 1e6:.1f} | {seconds:.1f} | {peak / 2**20:.1f} | {rss:.0f} |"
        )
        print(lines[-1], flush=True)
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page after one warm-up")
    parser.add_argument("--skip-register", action="store_true")
    parser.add_argument("--skip-pages", action="store_true", help="only the register")
    parser.add_argument("--smoke", action="store_true", help="300 requests, one run per page (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.runs = 300, 1
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database: this benchmark is about PostgreSQL.")
        return 2
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    # DEBUG off, as in production: the manifest storage needs the collected files.
    call_command("collectstatic", interactive=False, verbosity=0)
    prepare(args.requests)
    from dsar.models import DataRequest, Letter

    print(f"{DataRequest.objects.count():,} requests, {Letter.objects.count():,} letters")
    if not args.skip_pages:
        bench_pages(args.runs)
    if not args.skip_register:
        bench_register()
    return 0


if __name__ == "__main__":
    sys.exit(main())
