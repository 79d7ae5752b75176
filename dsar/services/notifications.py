"""Notifications to subjects and staff, through a recorded outbox.

`notify()` is the one entry point. It records a `Notification` row under a unique key in the
caller's transaction and queues its delivery after commit, so a rolled-back transaction sends
nothing and a key recorded twice is sent once. Each e-mail is three templates under
templates/dsar/emails/: <template>_subject.txt, <template>.txt and <template>.html, rendered in
the recipient's language; an SMS is templates/dsar/sms/<template>.txt.

Exactly once: `notification_deliver()` locks the row, sends, and marks it sent in the same
transaction. A second task for the same row waits for the lock and then finds it sent; a worker
killed mid-send never commits, so the row is still pending when the message is redelivered.
The one window left is a kill after the mail server accepted the message and before the commit
(milliseconds); no outbox can close that without the receiving side's help.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .. import sms
from ..models import Notification
from ..outbox_crypto import is_sealed, seal
from ..plaintext import render_plain

logger = logging.getLogger(__name__)

# Pending rows older than this are queued again by the sweep: the broker may have been down
# when the first task was queued, and a queued-then-lost message must not lose the notification.
STALE_PENDING = timedelta(minutes=10)


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_plain(f"dsar/emails/{template}_subject.txt", context).strip().replace("\n", " ")
        text = render_plain(f"dsar/emails/{template}.txt", context)
        html = render_to_string(f"dsar/emails/{template}.html", context)
    return subject, text, html


def _plain(context: dict) -> dict:
    """The context as stored: JSON values only (lazy strings and dates become strings)."""
    try:
        return json.loads(json.dumps(context, cls=DjangoJSONEncoder))
    except TypeError as exc:
        raise TypeError(f"notify() context must hold plain values (strings, numbers, dates): {exc}") from None


def notify(*, key: str, channel: str, to: str, template: str, context: dict, language: str,
           request=None) -> Notification | None:
    """Record one notification under `key` (e.g. "ack:<request id>") and send it once, after commit.

    Returns the row, or None when there is no recipient. Recording the same key again does nothing.
    """
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    if not to:
        return None
    row, created = Notification.objects.get_or_create(
        key=key,
        defaults=dict(
            channel=channel,
            to=to,
            template=template,
            context=_plain(context),
            language=language,
            request=request,
        ),
    )
    if created:
        _queue_after_commit([row.pk])
    return row


def notifications_record(*, rows: list[Notification]) -> list[int]:
    """Record many notifications at once (the sweep, the digests); keys already present are skipped.

    Returns the ids of the rows this call inserted; their delivery is queued after commit (a key
    that was already there was queued by whoever inserted it). The rows' contexts must already
    be plain JSON values: this path skips notify()'s check.
    """
    if not rows:
        return []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = _insert_postgresql(rows)
        else:
            keys = [r.key for r in rows]
            existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
            Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
            ids = list(
                Notification.objects.filter(key__in=[k for k in keys if k not in existing]).values_list("pk", flat=True)
            )
        _queue_after_commit(ids)
    return ids


_STAGE = "dsar_notification_in"
_STAGED = ["key", "channel", "to", "template", "context", "language", "request_id"]


def _insert_postgresql(rows: list[Notification]) -> list[int]:
    """COPY into a session-local staging table, then one INSERT ... ON CONFLICT DO NOTHING.

    Building thousands of INSERT parameters costs more in Python than the database's work.
    """
    table = Notification._meta.db_table
    columns = ", ".join(f'"{c}"' for c in _STAGED)
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS {_STAGE} (key varchar(200), channel varchar(10), "to" varchar(254), '
            f"template varchar(100), context jsonb, language varchar(2), request_id bigint) ON COMMIT DELETE ROWS"
        )
        cursor.execute(f"DELETE FROM {_STAGE}")
        with cursor.cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r.key, r.channel, r.to, r.template, json.dumps(seal(r.context), cls=DjangoJSONEncoder),
                                r.language, r.request_id))
        cursor.execute(
            f"INSERT INTO {table} ({columns}, status, attempts, last_error, created_at) "
            f"SELECT DISTINCT ON (key) {columns}, 'pending', 0, '', now() FROM {_STAGE} "
            f"ON CONFLICT (key) DO NOTHING RETURNING id"
        )
        return [row[0] for row in cursor.fetchall()]


def _queue_after_commit(ids: list[int]) -> None:
    if not ids:
        return

    def enqueue():
        from ..tasks import deliver_notification, deliver_notifications

        try:
            if len(ids) == 1:
                deliver_notification.delay(ids[0])
            else:
                for start in range(0, len(ids), 200):
                    deliver_notifications.delay(ids[start:start + 200])
        except Exception:  # noqa: BLE001 - the rows are recorded; the sweep re-queues stale ones
            logger.exception("Could not queue %d notification(s); the sweep will retry", len(ids))

    transaction.on_commit(enqueue)


class OutboxKeyError(Exception):
    """A pending message's context cannot be decrypted: DSAR_OUTBOX_SECRET changed without
    the old secret in DSAR_OUTBOX_OLD_SECRETS."""


def _send(row: Notification) -> None:
    if is_sealed(row.context):
        raise OutboxKeyError(f"Notification {row.pk}: cannot decrypt its context")
    if row.channel == Notification.Channel.SMS:
        with translation.override(row.language):
            body = render_plain(f"dsar/sms/{row.template}.txt", row.context).strip()
        sms.send_sms(to=row.to, body=body)
        return
    subject, text, html = render_email(template=row.template, context=row.context, language=row.language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [row.to])
    message.attach_alternative(html, "text/html")
    message.send()


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one recorded notification if it is still pending. True if this call sent it.

    Raises whatever the mail or SMS backend raises; the task retries with backoff.
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if row is None:
            return False
        _send(row)
        row.status = Notification.Status.SENT
        row.sent_at = now or timezone.now()
        row.attempts += 1
        row.last_error = ""
        row.context = {}  # what was sent (a one-time code, a link) is not kept
        row.save(update_fields=["status", "sent_at", "attempts", "last_error", "context"])
    return True


def notification_fail(*, notification_id: int, error: str, final: bool) -> None:
    """Count a failed attempt; after the last retry, mark the row failed for staff to see."""
    from django.db.models import F

    fields = {"last_error": error[:300]}
    updates = Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING)
    if final:
        fields["status"] = Notification.Status.FAILED
    updates.update(attempts=F("attempts") + 1, **fields)


def notifications_requeue_stale(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue again the pending rows whose first task was lost (broker down at commit time)."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(status=Notification.Status.PENDING, created_at__lt=now - STALE_PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    _queue_after_commit(ids)
    return len(ids)

