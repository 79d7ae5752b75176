"""Creating requests: the web form, and paper or e-mail requests staff record."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import DataRequest, Event, Operator, Policy, ReferenceCounter


def reference_next(*, operator: Operator, at: datetime) -> str:
    """The next human reference for the operator, e.g. QZT-2026-000123. Call inside a transaction."""
    year = timezone.localtime(at, operator.tz).year
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(operator=operator, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{operator.reference_prefix}-{year}-{counter.last:06d}"


def request_create(*, operator: Operator, kind: str, subject_name: str, subject_email: str,
                   subject_phone: str = "", subject_iin: str = "", language: str = "ru",
                   description: str = "", details: dict | None = None, acting_for_other: bool = False,
                   representative_name: str = "", representative_email: str = "", representative_phone: str = "",
                   representative_basis: str = "", received_at: datetime | None = None, channel: str = "web",
                   now: datetime | None = None, actor=None) -> DataRequest:
    """Record a new request awaiting identity confirmation.

    `received_at` is for paper or e-mail requests: staff record when it reached the operator,
    and the clock starts from then.
    """
    now = now or timezone.now()
    policy = operator.policy_for(kind)
    with transaction.atomic():
        request = DataRequest(
            operator=operator,
            kind=kind,
            reference=reference_next(operator=operator, at=now),
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
        Event.append(
            request=request,
            action="submitted",
            actor=actor,
            actor_label="staff" if actor else "subject",
            to_state=request.state,
            data={"channel": channel},
            public=True,
            at=now,
        )
    return request
