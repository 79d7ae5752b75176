"""Celery tasks: thin, idempotent. Each loads by id (or takes a moment), calls one service.

No task schedules its own retry: a failure is recorded on its outbox row with the row's next
attempt time, and the outbox sweep queues it when that time comes (dsar/outbox.py). So no
message waits on the broker with a countdown, and the broker's visibility timeout only has to
outlast the longest task (see CELERY_VISIBILITY_TIMEOUT).
"""

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from .api import tasks as api_tasks  # noqa: F401  registered here, where autodiscovery looks
from .files import orphan_files_clean
from .letters.outbox import letters_requeue_due
from .letters.tasks import render_letter  # noqa: F401  registered here, where autodiscovery looks
from .services.notifications import notification_deliver, notifications_deliver_pending, notifications_requeue_due

logger = logging.getLogger(__name__)


def _parse_now(now: str | None) -> datetime | None:
    if not now:
        return None
    value = datetime.fromisoformat(now)
    if timezone.is_naive(value):
        raise ValueError("`now` must carry a UTC offset")
    return value


@shared_task(name="dsar.tasks.deliver_notification", acks_late=True)
def deliver_notification(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)


@shared_task(name="dsar.tasks.deliver_notifications", acks_late=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Deliver a batch queued by the sweep; each failure is scheduled on its own row."""
    return sum(notification_deliver(notification_id=pk) for pk in notification_ids)


@shared_task(name="dsar.tasks.deliver_pending_notifications", acks_late=True)
def deliver_pending_notifications() -> int:
    """Woken by the notifications' bell (dsar/outbox.py): send every pending row that is due."""
    return notifications_deliver_pending()


@shared_task(name="dsar.tasks.outbox", acks_late=True)
def outbox(now: str | None = None) -> dict:
    """Queue the notifications and letters whose attempt is due and whose message went missing."""
    now_ = _parse_now(now) or timezone.now()
    return {"notifications": notifications_requeue_due(now=now_), "letters": letters_requeue_due(now=now_)}


@shared_task(name="dsar.tasks.orphan_files", acks_late=True)
def orphan_files() -> dict:
    """Delete private files that no row records; the count goes to the log and the result."""
    return orphan_files_clean().as_dict()


@shared_task(name="dsar.tasks.sweep", acks_late=True)
def sweep(now: str | None = None, batch_size: int | None = None) -> dict:
    """The periodic sweep. `now` (ISO 8601 with offset) pins the moment, for tests and replays."""
    from .services.sweep import sweep_run
    from .services.sweep.run import BATCH_SIZE

    return sweep_run(now=_parse_now(now), batch_size=batch_size or BATCH_SIZE).as_dict()


@shared_task(name="dsar.tasks.send_digests", acks_late=True)
def send_digests(now: str | None = None) -> int:
    from .services.sweep import digests_send

    return digests_send(now=_parse_now(now))


@shared_task(name="dsar.tasks.purge_exports", acks_late=True)
def purge_exports(now: str | None = None) -> int:
    from .services.retention import exports_purge

    return exports_purge(now=_parse_now(now))


@shared_task(name="dsar.tasks.heartbeat", acks_late=True)
def heartbeat() -> str:
    from .health import heartbeat_record

    return heartbeat_record().isoformat()


@shared_task(name="dsar.tasks.sign_chain_checkpoints")
def sign_chain_checkpoints() -> int:
    """Daily: sign each operator's audit-chain head (idempotent: an unchanged head is skipped)."""
    from .services.checkpoints import checkpoints_sign_all

    return checkpoints_sign_all()
