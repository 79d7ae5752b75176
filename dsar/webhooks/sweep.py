"""Once a minute (beat): send due deliveries whose task was lost or whose retry time came, record
deadline events, chase data systems and switch off endpoints that have failed for days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .. import deadlines
from ..kinds import HOURS_KINDS
from ..models import DataRequest, WebhookEndpoint
from ..models.channels import WebhookEvent
from ..states import State
from .delivery import deliveries_due, endpoints_disable_failing
from .outbox import queue_after_commit, request_payload, webhook_emit
from .systems import jobs_chase

# "Deadline approaching": this long before the deadline.
APPROACHING = {True: timedelta(hours=4), False: timedelta(hours=48)}
# An overdue event is recorded within this long after the deadline (the scan stays small).
OVERDUE_WINDOW = timedelta(days=1)
RUNNING = [State.RECEIVED, State.IN_PROGRESS]


def deadline_events(*, now: datetime) -> int:
    operators = set(
        e.operator_id
        for e in WebhookEndpoint.objects.filter(is_active=True)
        if {WebhookEvent.APPROACHING, WebhookEvent.OVERDUE} & set(e.events or [])
    )
    if not operators:
        return 0
    recorded = 0
    candidates = DataRequest.objects.filter(
        operator_id__in=operators,
        state__in=RUNNING,
        due_at__gte=now - OVERDUE_WINDOW,
        due_at__lte=now + APPROACHING[False],
    ).order_by("due_at")[:2000]
    for request in candidates:
        due_stamp = int(request.due_at.timestamp())
        with transaction.atomic():
            if request.due_at < now:
                recorded += len(
                    webhook_emit(
                        operator_id=request.operator_id,
                        event=WebhookEvent.OVERDUE,
                        cause=f"r{request.pk}-overdue-{due_stamp}",
                        data=request_payload(request),
                        now=now,
                    )
                )
            elif deadlines.time_left(now=now, due_at=request.due_at) <= APPROACHING[request.kind in HOURS_KINDS]:
                recorded += len(
                    webhook_emit(
                        operator_id=request.operator_id,
                        event=WebhookEvent.APPROACHING,
                        cause=f"r{request.pk}-approaching-{due_stamp}",
                        data=request_payload(request),
                        now=now,
                    )
                )
    return recorded


def webhooks_sweep_run(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    result = {
        "deadline_events": deadline_events(now=now),
        **jobs_chase(now=now),
        "disabled": endpoints_disable_failing(now=now),
    }
    with transaction.atomic():
        due = deliveries_due(now=now)
        queue_after_commit(due)
    result["queued"] = len(due)
    return result
