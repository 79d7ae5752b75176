"""The one retry schedule of outbox rows (notifications, letters), and how their work is queued.

Every outbox row carries `attempts`, `next_attempt_at` (no attempt before it) and `queued_at`
(when a message for it was last put on the broker). The row, not the broker, is the truth:

- the transaction that records a row queues its task on commit (`enqueue_on_commit`), or rings
  the outbox's bell (`ring_on_commit`, below): that only makes it fast;
- a task attempts the row only if `next_attempt_at` has come; a failure moves `next_attempt_at`
  along the schedule below and clears `queued_at`; the task never queues a retry of its own, so
  one row never has more than one retry chain;
- the outbox sweep (beat, every minute) queues the rows whose attempt is due and that have no
  message queued, or whose message was queued more than `REQUEUE_AFTER` ago and never ran:
  the broker was down, Redis lost its queue, the process died between commit and callback, or a
  worker was killed (its unacknowledged message would otherwise wait for the visibility timeout).

So the attempts of a row are bounded by the schedule whatever happens to the broker.

The bell: one wake-up for many rows. A single notification (a code, an acknowledgment) does not
put a message of its own on the broker: after commit it rings its outbox's bell, and the woken
task sends every pending row that is due. Ringing sets a key in the shared cache (`cache.add`,
SET NX on Redis) and queues the task only if the key was not set yet; the woken task clears the
key first, then reads the rows. So a row committed before the key was cleared is read by that
task, and a row committed after it rings again: no row is left without a wake-up, and under load
the web processes queue one message per batch the worker takes rather than one per row (at 80
submissions a second that publish was a tenth of a submission's CPU). The key expires after
`requeue_after()`, so a lost wake-up (the broker lost its queue, a process died between the key
and the publish) stops holding back new rings then, and the sweep queues the rows it left.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = 30  # seconds before the second attempt; doubles each time
BACKOFF_MAX = 30 * 60


def requeue_after() -> timedelta:
    """How long a queued message may go unprocessed before the sweep queues the row again."""
    return timedelta(seconds=settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS)


def backoff_seconds(failures: int) -> int:
    """Wait after the `failures`-th failure: exponential with jitter, at least half the ceiling."""
    ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, failures - 1))
    return random.randint(ceiling // 2, ceiling)


def min_gap_seconds(failures: int) -> int:
    """The shortest wait the schedule allows after `failures` failures (for checks and tests)."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, failures - 1)) // 2


def next_attempt(*, failures: int, now: datetime) -> datetime | None:
    """When to try again after `failures` failures, or None once the row has had all its attempts."""
    if failures >= MAX_ATTEMPTS:
        return None
    return now + timedelta(seconds=backoff_seconds(failures))


def enqueue(task_name: str, *args) -> bool:
    """Queue a task by name (services never import the task modules). False if the broker is
    unreachable: the row stays recorded and the outbox sweep queues it again."""
    from celery import current_app

    try:
        task = current_app.tasks[task_name]
    except KeyError:
        current_app.loader.import_default_modules()
        task = current_app.tasks[task_name]
    try:
        task.delay(*args)
        return True
    except Exception:  # noqa: BLE001 - kombu raises several kinds; the sweep is the fallback
        logger.warning("Could not queue %s%r; the outbox sweep will queue it again", task_name, args, exc_info=True)
        return False


def _bell_key(bell: str) -> str:
    from django.db import connection

    # One bell per database: installations (and test runs) sharing a Redis never silence each other.
    return f"dsar:outbox-bell:{connection.settings_dict['NAME']}:{bell}"


def ring(bell: str, task_name: str) -> bool:
    """Queue `task_name` unless a wake-up for `bell` is queued and has not started; True if queued."""
    from django.core.cache import cache

    key = _bell_key(bell)
    if not cache.add(key, 1, timeout=settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS):
        return False
    if enqueue(task_name):
        return True
    cache.delete(key)  # nothing is on its way: the next row rings again
    return False


def ring_on_commit(bell: str, task_name: str) -> None:
    """After the current transaction commits, ring `bell` (see "The bell" above)."""
    transaction.on_commit(lambda: ring(bell, task_name))


def answer(bell: str) -> None:
    """The woken task's first step, before it reads the rows: from now on a new row rings again."""
    from django.core.cache import cache

    cache.delete(_bell_key(bell))


def enqueue_on_commit(task_name: str, ids: list[int], *, batch_task: str | None = None, batch: int = 200) -> None:
    """After the current transaction commits, queue one task per id (or batches of ids)."""
    if not ids:
        return

    def run():
        if batch_task and len(ids) > 1:
            for start in range(0, len(ids), batch):
                enqueue(batch_task, ids[start : start + batch])
        else:
            for pk in ids:
                enqueue(task_name, pk)

    transaction.on_commit(run)


def requeue_due(model, *, task_name: str, now: datetime, limit: int = 1000, batch_task: str | None = None) -> int:
    """Queue the due pending rows of `model` that have no live message; returns how many."""
    from django.db.models import Q

    with transaction.atomic():
        stale = now - requeue_after()
        ids = list(
            model.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=stale), status="pending", next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            model.objects.filter(pk__in=ids).update(queued_at=now)
            enqueue_on_commit(task_name, ids, batch_task=batch_task)
    return len(ids)
