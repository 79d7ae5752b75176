"""Recording webhook messages: one `WebhookDelivery` row per endpoint, inside the caller's transaction.

The row's `msg_id` is unique and derived from what caused it (an audit event, a letter, a
deadline), so recording the same cause twice records nothing new. Delivery is queued after
commit; the sweep picks up any row whose task was lost.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import DataRequest, WebhookDelivery, WebhookEndpoint
from ..models.channels import WebhookEvent
from ..outbox import enqueue_on_commit
from .ordering import sequence_next

logger = logging.getLogger(__name__)


def request_payload(request: DataRequest) -> dict:
    """What every request event carries: no personal data, only what identifies and times the request."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "reference": request.reference,
        "kind": request.kind,
        "state": request.state,
        "channel": request.channel,
        "received_at": iso(request.received_at),
        "due_at": iso(request.due_at),
        "outcome": request.outcome or None,
    }


def endpoints_for(*, operator_id: int, event: str):
    endpoints = WebhookEndpoint.objects.filter(operator_id=operator_id, is_active=True)
    return [e for e in endpoints if (event in (e.events or []))]


def webhook_emit(
    *, operator_id: int, event: str, cause: str, data: dict, endpoints=None, now: datetime | None = None
) -> list[int]:
    """Record `event` for each subscribed endpoint (or the given ones). Returns the new rows' ids."""
    now = now or timezone.now()
    targets = endpoints if endpoints is not None else endpoints_for(operator_id=operator_id, event=event)
    created = []
    for endpoint in targets:
        msg_id = f"msg_{cause}_{endpoint.pk}"[:100]
        try:
            with transaction.atomic():
                payload = {"type": event, "timestamp": now.isoformat(), "sequence": sequence_next(endpoint.pk)}
                payload["data"] = data
                row = WebhookDelivery.objects.create(
                    endpoint=endpoint, msg_id=msg_id, event=event, payload=payload, next_attempt_at=now
                )
        except IntegrityError:
            continue  # recorded already by whoever saw this cause first
        created.append(row.pk)
    queue_after_commit(created)
    return created


def queue_after_commit(ids: list[int]) -> None:
    """Queue the deliveries after commit, by task name; a lost message is found by the sweep."""
    enqueue_on_commit("dsar.webhooks.tasks.deliver_webhook", ids)


EVENTS = WebhookEvent
