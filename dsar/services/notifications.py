"""Notifications to subjects and staff, through a recorded outbox.

`notify()` is the one entry point. It records a `Notification` row under a unique key in the
caller's transaction and queues its delivery after commit, so a rolled-back transaction sends
nothing and a key recorded twice is sent once. Each e-mail is three templates under
templates/dsar/emails/: <template>_subject.txt, <template>.txt and <template>.html, rendered in
the recipient's language; an SMS is templates/dsar/sms/<template>.txt.

Exactly once: `notification_deliver()` locks the row, sends, and marks it sent in the same
transaction. A second task for the same row skips it while it is locked and then finds it sent; a
worker killed mid-send never commits, so the row is still pending and the outbox sweep queues it
again (dsar/outbox.py: one retry schedule per row, kept on the row).
The one window left is a kill after the mail server accepted the message and before the commit
(milliseconds); no outbox can close that without the receiving side's help.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from .. import sms
from ..models import Notification
from ..models.insert import insert_new
from ..outbox import answer, enqueue_on_commit, next_attempt, requeue_due, ring, ring_on_commit
from ..outbox_crypto import is_sealed, seal
from ..plaintext import render_plain

logger = logging.getLogger(__name__)


def _revived(context: dict) -> dict:
    """The outbox keeps JSON, so a datetime was stored as an ISO string; give templates back the
    datetime (keys ending in `_at`) so that `date` filters can format it."""
    values = dict(context)
    for key, value in context.items():
        if key.endswith("_at") and isinstance(value, str):
            values[key] = parse_datetime(value) or value
    return values


def render_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML, as delivery sends them: from the stored row's context, in `language`,
    dates in the context's `tz` (an operator's time zone) or the site's. Plain text is never HTML-escaped."""
    context = _revived(context)
    with translation.override(language), timezone.override(context.get("tz") or settings.TIME_ZONE):
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


def notify(
    *, key: str, channel: str, to: str, template: str, context: dict, language: str, request=None
) -> Notification | None:
    """Record one notification under `key` (e.g. "ack:<request id>") and send it once, after commit.

    Returns the row, or None when there is no recipient. Recording the same key again does nothing.
    """
    if channel not in Notification.Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    if not to:
        return None
    row = Notification(
        key=key, channel=channel, to=to, template=template, context=_plain(context), language=language, request=request
    )
    # One statement where get_or_create takes four (a look-up, a savepoint, the insert, its release).
    if not insert_new(row, unless_taken="key"):
        return Notification.objects.get(key=key)
    ring_on_commit(BELL, WAKE)
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
                copy.write_row(
                    (
                        r.key,
                        r.channel,
                        r.to,
                        r.template,
                        json.dumps(seal(r.context), cls=DjangoJSONEncoder),
                        r.language,
                        r.request_id,
                    )
                )
        cursor.execute(
            f"INSERT INTO {table} ({columns}, status, attempts, last_error, created_at, next_attempt_at, queued_at) "
            f"SELECT DISTINCT ON (key) {columns}, 'pending', 0, '', now(), now(), now() FROM {_STAGE} "
            f"ON CONFLICT (key) DO NOTHING RETURNING id"
        )
        return [row[0] for row in cursor.fetchall()]


DELIVER = "dsar.tasks.deliver_notification"
DELIVER_BATCH = "dsar.tasks.deliver_notifications"
# notify() rings this bell (dsar/outbox.py) instead of queueing a message per row.
BELL = "notifications"
WAKE = "dsar.tasks.deliver_pending_notifications"
PENDING_BATCH = 500


def _queue_after_commit(ids: list[int]) -> None:
    enqueue_on_commit(DELIVER, ids, batch_task=DELIVER_BATCH)


class OutboxKeyError(Exception):
    """A pending message's context cannot be decrypted: DSAR_OUTBOX_SECRET changed without
    the old secret in DSAR_OUTBOX_OLD_SECRETS."""


def _send(row: Notification) -> None:
    if is_sealed(row.context):
        raise OutboxKeyError(f"Notification {row.pk}: cannot decrypt its context")
    if row.channel == Notification.Channel.SMS:
        with translation.override(row.language):
            body = render_plain(f"dsar/sms/{row.template}.txt", _revived(row.context)).strip()
        sms.send_sms(to=row.to, body=body)
        return
    subject, text, html = render_email(template=row.template, context=row.context, language=row.language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [row.to])
    message.attach_alternative(html, "text/html")
    message.send()


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> bool:
    """Send one recorded notification if it is pending and its attempt is due. True if sent.

    A failure is recorded on the row (attempts, last error, the next attempt on the schedule,
    or FAILED after the last one) and the call returns False; it never raises for the backend.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if row is None:
            return False  # sent, failed for good, not due yet, or being sent right now
        row.attempts += 1
        try:
            _send(row)
        except Exception as exc:  # noqa: BLE001 - any backend failure waits for the next attempt
            row.last_error = f"{type(exc).__name__}: {exc}"[:300]
            row.queued_at = None
            retry_at = next_attempt(failures=row.attempts, now=now)
            if retry_at is None:
                row.status = Notification.Status.FAILED
                logger.error("Notification %s failed after %s attempts", row.pk, row.attempts)
            else:
                row.next_attempt_at = retry_at
                logger.warning("Notification %s failed (attempt %s); next at %s", row.pk, row.attempts, retry_at)
            row.save(update_fields=["attempts", "last_error", "queued_at", "status", "next_attempt_at"])
            return False
        row.status = Notification.Status.SENT
        row.sent_at = now
        row.last_error = ""
        row.context = {}  # what was sent (a one-time code, a link) is not kept
        row.save(update_fields=["status", "sent_at", "attempts", "last_error", "context"])
    return True


def notifications_deliver_pending(*, limit: int = PENDING_BATCH) -> int:
    """The woken task's work (dsar/outbox.py, "The bell"): send the pending notifications whose
    attempt is due, oldest first, up to `limit`; rings again when there may be more. Returns how
    many were sent. A row another task is sending is skipped by notification_deliver()."""
    answer(BELL)  # first: a row committed from here on rings again
    due = list(
        Notification.objects.filter(status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(notification_deliver(notification_id=pk) for pk in due)
    if len(due) == limit:
        ring(BELL, WAKE)
    return sent


def notifications_requeue_due(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue the pending rows whose attempt is due and whose message is missing (dsar/outbox.py)."""
    return requeue_due(
        Notification, task_name=DELIVER, batch_task=DELIVER_BATCH, now=now or timezone.now(), limit=limit
    )
