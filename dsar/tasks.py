"""Celery tasks: thin, idempotent. Each loads by id (or takes a moment), calls one service.

Retries: delivery backs off exponentially (30 s doubling, at most 30 min, jittered), well under
the broker's visibility timeout, so a retried message is never also redelivered.
"""

import logging
import random
from datetime import datetime

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)

DELIVERY_MAX_RETRIES = 8
BACKOFF_BASE = 30
BACKOFF_MAX = 30 * 60


def backoff_seconds(retries: int) -> int:
    """Exponential backoff with full jitter, capped (retries counts the failures so far)."""
    ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2**retries)
    return random.randint(ceiling // 2, ceiling)


def _parse_now(now: str | None) -> datetime | None:
    if not now:
        return None
    value = datetime.fromisoformat(now)
    if timezone.is_naive(value):
        raise ValueError("`now` must carry a UTC offset")
    return value


@shared_task(bind=True, max_retries=DELIVERY_MAX_RETRIES, acks_late=True)
def deliver_notification(self, notification_id: int) -> bool:
    from .services.notifications import notification_deliver, notification_fail

    try:
        return notification_deliver(notification_id=notification_id)
    except Exception as exc:  # noqa: BLE001 - any backend failure is retried
        final = self.request.retries >= self.max_retries
        notification_fail(notification_id=notification_id, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            logger.error("Notification %s failed after %s attempts", notification_id, self.request.retries + 1)
            return False
        raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from None


@shared_task(acks_late=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Deliver a batch queued by the sweep; a failure goes on alone with its own retries."""
    from .services.notifications import notification_deliver

    sent = 0
    for notification_id in notification_ids:
        try:
            sent += notification_deliver(notification_id=notification_id)
        except Exception:  # noqa: BLE001
            logger.warning("Notification %s failed; retrying on its own", notification_id, exc_info=True)
            deliver_notification.apply_async((notification_id,), countdown=backoff_seconds(0))
    return sent


@shared_task(acks_late=True)
def sweep(now: str | None = None, batch_size: int | None = None) -> dict:
    """The periodic sweep. `now` (ISO 8601 with offset) pins the moment, for tests and replays."""
    from .services.sweep import sweep_run
    from .services.sweep.run import BATCH_SIZE

    return sweep_run(now=_parse_now(now), batch_size=batch_size or BATCH_SIZE).as_dict()


@shared_task(acks_late=True)
def send_digests(now: str | None = None) -> int:
    from .services.sweep import digests_send

    return digests_send(now=_parse_now(now))


@shared_task(acks_late=True)
def purge_exports(now: str | None = None) -> int:
    from .services.retention import exports_purge

    return exports_purge(now=_parse_now(now))


@shared_task(acks_late=True)
def heartbeat() -> str:
    from .health import heartbeat_record

    return heartbeat_record().isoformat()


@shared_task
def sign_chain_checkpoints() -> int:
    """Daily: sign each operator's audit-chain head (idempotent: an unchanged head is skipped)."""
    from .services.checkpoints import checkpoints_sign_all

    return checkpoints_sign_all()
