"""/health/: is the database, the broker and a worker reachable?

The worker check reads a heartbeat that a beat-driven task writes to the cache every
DSAR_HEARTBEAT_INTERVAL_SECONDS: the filesystem transport of the embedded default has no
remote control to ping, and a heartbeat also proves beat is scheduling. Stale after three
missed beats. The answer is JSON with no detail beyond ok/failing/timeout per check, for
load balancers.

It answers within HEALTH_BUDGET_SECONDS whatever is down: the checks run at once, each in a
thread of its own, and one that has not answered by then counts as "timeout". A server that
accepts connections and never answers would otherwise hold the page until the connection's
own timeout (DB_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT), and those threads end by then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "dsar:worker-heartbeat"
HEALTH_BUDGET_SECONDS = 2.0


def heartbeat_record(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    cache.set(HEARTBEAT_KEY, now.isoformat(), timeout=None)
    return now


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001
        logger.warning("Health: database unreachable", exc_info=True)
        return False
    finally:
        # Run in a thread of its own (see run_checks): its connection is not reused by anyone.
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()


def check_broker() -> bool:
    from config.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.1, interval_max=0.1, timeout=1.5)
            if conn.transport.driver_type == "redis":
                # Connecting proves little (a black hole accepts connections): ask for an answer.
                conn.default_channel.client.ping()
        return True
    except Exception:  # noqa: BLE001
        logger.warning("Health: broker unreachable", exc_info=True)
        return False


def check_worker(now: datetime | None = None) -> bool:
    now = now or timezone.now()
    try:
        raw = cache.get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001
        return False
    if not raw:
        return False
    limit = timedelta(seconds=3 * settings.DSAR_HEARTBEAT_INTERVAL_SECONDS)
    return now - datetime.fromisoformat(raw) <= limit


def run_checks(checks: dict[str, Callable[[], bool]], budget: float = HEALTH_BUDGET_SECONDS) -> dict[str, str]:
    """Run the checks at once; "ok", "failing", or "timeout" for those still running after `budget`."""
    results: dict[str, str] = {}

    def run(name, check):
        try:
            results[name] = "ok" if check() else "failing"
        except Exception:  # noqa: BLE001 - a check that raises has failed
            logger.warning("Health: %s check raised", name, exc_info=True)
            results[name] = "failing"

    threads = [
        threading.Thread(target=run, args=item, daemon=True, name=f"health-{item[0]}") for item in checks.items()
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + budget
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name, "timeout") for name in checks}


@never_cache
@require_GET
def health_view(request):
    checks = run_checks({"database": check_database, "broker": check_broker, "worker": check_worker})
    healthy = all(value == "ok" for value in checks.values())
    for name, value in checks.items():
        if value == "timeout":
            logger.warning("Health: the %s check did not answer within %.1f s", name, HEALTH_BUDGET_SECONDS)
    return JsonResponse({"status": "ok" if healthy else "failing"} | checks, status=200 if healthy else 503)
