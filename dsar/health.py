"""/health/: is the database, the broker and a worker reachable?

The worker check reads a heartbeat that a beat-driven task writes to the cache every
DSAR_HEARTBEAT_INTERVAL_SECONDS: the filesystem transport of the embedded default has no
remote control to ping, and a heartbeat also proves beat is scheduling. Stale after three
missed beats. The answer is JSON with no detail beyond ok/failing, for load balancers.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "dsar:worker-heartbeat"


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


def check_broker() -> bool:
    from config.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
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


@never_cache
@require_GET
def health_view(request):
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "failing"} | {name: "ok" if ok else "failing" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if healthy else 503)
