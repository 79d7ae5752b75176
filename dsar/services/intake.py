"""Creating requests: the web form, and paper or e-mail requests staff record."""

import uuid
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import DataRequest, Event, Operator, Policy, ReferenceCounter
from .rollup import rollup_apply, snapshot


def reference_next(*, operator: Operator, at: datetime) -> str:
    """The next human reference for the operator, e.g. QZT-2026-000123. Call inside a transaction."""
    year = timezone.localtime(at, operator.tz).year
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(operator=operator, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{operator.reference_prefix}-{year}-{counter.last:06d}"


def request_draft(
    *,
    operator: Operator,
    kind: str,
    subject_name: str,
    subject_email: str,
    subject_phone: str = "",
    subject_iin: str = "",
    language: str = "ru",
    description: str = "",
    details: dict | None = None,
    acting_for_other: bool = False,
    representative_name: str = "",
    representative_email: str = "",
    representative_phone: str = "",
    representative_basis: str = "",
    received_at: datetime | None = None,
    channel: str = "web",
    now: datetime,
) -> DataRequest:
    """Insert the request row under a provisional reference; `request_number()` and
    `request_submitted_event()` complete it, in that order, last in the transaction.

    Split in two so that the slow part of a submission (its files) runs before the operator-wide
    locks are taken (see "Lock order" in dsar/workflow.py). Call inside a transaction.
    """
    policy = operator.policy_for(kind)
    request = DataRequest(
        operator=operator,
        kind=kind,
        # Never seen outside the transaction: request_number() replaces it before commit.
        reference=f"~{uuid.uuid4().hex[:24]}",
        language=language,
        subject_name=subject_name,
        subject_email=subject_email,
        subject_phone=subject_phone,
        subject_iin=subject_iin,
        description=description,
        details=details or {},
        acting_for_other=acting_for_other,
        representative_name=representative_name,
        representative_email=representative_email,
        representative_phone=representative_phone,
        representative_basis=representative_basis,
        channel=channel,
        submitted_at=now,
        last_contact_at=now,
    )
    if received_at is not None:
        request.start_clock(received_at)
    elif policy.clock_starts == Policy.ClockStart.SUBMISSION:
        request.start_clock(now)
    request.save()
    return request


def request_number(*, request: DataRequest, now: datetime) -> None:
    """Give a drafted request its reference (the operator's counter: a lock held until commit)."""
    request.reference = reference_next(operator=request.operator, at=now)
    DataRequest.objects.filter(pk=request.pk).update(reference=request.reference)


def request_submitted_event(*, request: DataRequest, now: datetime, actor=None) -> None:
    """The audit event of a new request: takes the chain head, so call it last."""
    Event.append(
        request=request,
        action="submitted",
        actor=actor,
        actor_label="staff" if actor else "subject",
        to_state=request.state,
        data={"channel": request.channel},
        public=True,
        at=now,
    )


def request_create(*, operator: Operator, now: datetime | None = None, actor=None, **fields) -> DataRequest:
    """Record a new request awaiting identity confirmation (request_draft's fields).

    `received_at` is for paper or e-mail requests: staff record when it reached the operator,
    and the clock starts from then.
    """
    now = now or timezone.now()
    # No savepoint of its own: an error here rolls back the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        request = request_draft(operator=operator, now=now, **fields)
        request_number(request=request, now=now)
        request_submitted_event(request=request, now=now, actor=actor)
        rollup_apply(before=None, after=snapshot(request))
    return request
