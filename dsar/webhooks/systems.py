"""Jobs for the operator's data systems, and chasing the ones that do not answer.

When an access, rectification, blocking or destruction request goes into work, every active
system of the operator that handles that kind gets a job, sent as a `system.job` webhook to its
endpoint. The system answers through the API (`POST /api/v1/jobs/{id}/answer/`).

Chasing: a job must be answered well before the legal deadline. The sweep reminds the system
(the job is sent again) at half the time between sending and the deadline, and escalates to the
operator's managers and DPO at three quarters; for the 1-working-day kinds that is hours.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import deadlines
from ..kinds import Kind
from ..models import DataRequest, DataSystem, Event, Membership, Role, SystemJob
from ..models.channels import WebhookEvent
from ..services.notifications import notify
from .outbox import request_payload, webhook_emit

SYSTEM_KINDS = (Kind.ACCESS, Kind.RECTIFICATION, Kind.BLOCKING, Kind.DESTRUCTION)
ACTIONS = {Kind.ACCESS: "export", Kind.RECTIFICATION: "rectify", Kind.BLOCKING: "block", Kind.DESTRUCTION: "destroy"}


def _job_payload(job: SystemJob, request: DataRequest) -> dict:
    return {
        "job_id": job.pk,
        "system": job.system.name,
        "action": job.action,
        "request": request_payload(request),
        # The subject as the request names them: the system needs it to find the data.
        "subject": {
            "name": request.subject_name,
            "email": request.subject_email,
            "phone": request.subject_phone,
            "iin": request.subject_iin,
        },
        "details": request.details,
        "answer_url": settings.DSAR_PUBLIC_BASE_URL.rstrip("/") + reverse("api:job_answer", args=[job.pk]),
    }


def jobs_dispatch(*, request: DataRequest, now: datetime) -> list[SystemJob]:
    """Create and send the jobs for a request that has just gone into work (inside its transaction)."""
    if request.kind not in SYSTEM_KINDS:
        return []
    systems = DataSystem.objects.filter(operator_id=request.operator_id, is_active=True).select_related("endpoint")
    jobs = []
    for system in systems:
        if system.kinds and request.kind not in system.kinds:
            continue
        remind_at = escalate_at = None
        if request.due_at and request.due_at > now:
            span = deadlines.time_left(now=now, due_at=request.due_at)
            remind_at, escalate_at = now + span / 2, now + span * 3 / 4
        job, created = SystemJob.objects.get_or_create(
            request=request,
            system=system,
            defaults=dict(action=ACTIONS[request.kind], sent_at=now, remind_at=remind_at, escalate_at=escalate_at),
        )
        if not created:
            continue
        jobs.append(job)
        webhook_emit(
            operator_id=request.operator_id,
            event=WebhookEvent.JOB,
            cause=f"job{job.pk}",
            data=_job_payload(job, request),
            endpoints=[system.endpoint],
            now=now,
        )
    if jobs:
        Event.append(
            request=request,
            action="systems_asked",
            actor_label="system",
            data={"systems": [j.system_id for j in jobs]},
            at=now,
        )
    return jobs


def jobs_chase(*, now: datetime | None = None, limit: int = 500) -> dict:
    """Remind, then escalate, the systems that have not answered. Each happens once per job."""
    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    due = SystemJob.objects.filter(status=SystemJob.Status.SENT, reminded_at__isnull=True, remind_at__lte=now)
    for job_id in due.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            job = (
                SystemJob.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("system__endpoint", "request")
                .filter(pk=job_id, reminded_at__isnull=True)
                .first()
            )
            if job is None:
                continue
            job.reminded_at = now
            job.save(update_fields=["reminded_at"])
            webhook_emit(
                operator_id=job.request.operator_id,
                event=WebhookEvent.JOB,
                cause=f"job{job.pk}-reminder",
                data={**_job_payload(job, job.request), "reminder": True},
                endpoints=[job.system.endpoint],
                now=now,
            )
            counts["reminded"] += 1
    due = SystemJob.objects.filter(status=SystemJob.Status.SENT, escalated_at__isnull=True, escalate_at__lte=now)
    for job_id in due.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            job = (
                SystemJob.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("system", "request__operator")
                .filter(pk=job_id, escalated_at__isnull=True)
                .first()
            )
            if job is None:
                continue
            job.escalated_at = now
            job.save(update_fields=["escalated_at"])
            _escalate(job, now)
            counts["escalated"] += 1
    return counts


def _escalate(job: SystemJob, now: datetime) -> None:
    request, operator = job.request, job.request.operator
    staff = Membership.objects.filter(operator=operator, role__in=[Role.MANAGER, Role.DPO], user__is_active=True)
    for membership in staff.select_related("user"):
        if not membership.user.email:
            continue
        notify(
            key=f"job-escalation:{job.pk}:{membership.user_id}",
            channel="email",
            to=membership.user.email,
            template="system_job_escalation",
            language=operator.default_language,
            context={
                "reference": request.reference,
                "system": job.system.name,
                "sent_at": job.sent_at,
                "due_at": request.due_at,
                "operator_name": operator.short_name,
            },
        )
    Event.append(
        request=request, action="system_escalated", actor_label="system", data={"system": job.system_id}, at=now
    )
