"""Requests that arrive by other channels than the web form, and what the operator's systems send back.

- `request_submit_api`: the operator's app submits; with a verified identity the request starts
  received and the audit event records the assurance level ("operator_account").
- `request_record_staff`: staff record a paper, e-mail or in-person request with the moment it
  reached the operator (the clock starts then), through the same intake as the portal.
- `records_add` and `system_job_answer`: records for the access answer, from the API or from a
  data system; they become `AccessRecord` rows, so the answer letter and the export merge them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import TransitionNotAllowed

from ..kinds import Kind
from ..models import Attachment, DataRequest, Event
from ..models.channels import Channel, SystemJob
from ..models.letters import AccessRecord
from ..services import transitions
from ..states import OPEN_STATES, State
from .intake import request_create
from .notifications import notify
from .subject import acknowledgment_send, request_submit
from .uploads import attachment_store
from .verification import code_issue, identity_purposes, status_link_create

# Older than this, a recorded receipt date earns a warning (the clock may already have run out).
BACKDATE_WARNING = timedelta(days=3)


@dataclass(frozen=True)
class Recorded:
    request: DataRequest
    confirm_url: str = ""


def confirm_url(*, token: str, language: str) -> str:
    from django.conf import settings

    with translation.override(language):
        path = reverse("portal:confirm", kwargs={"token": token})
    return settings.DSAR_PUBLIC_BASE_URL.rstrip("/") + path


def _confirm_as_verified(*, request: DataRequest, now: datetime, actor_label: str, **evidence) -> DataRequest:
    """The identity was checked outside the portal; the audit event says how."""
    received = transitions.transition(request.pk, "confirm_identity", actor_label=actor_label, now=now, **evidence)
    if received.requester_email:
        acknowledgment_send(request=received, token=status_link_create(request=received, now=now))
    return received


def request_submit_api(
    *, operator, fields: dict, api_key, verified: bool, account_reference: str = "", now: datetime | None = None
) -> Recorded:
    now = now or timezone.now()
    fields = {**fields, "channel": Channel.API}
    if not verified:
        submitted = request_submit(
            operator=operator, fields=fields, evidence=[], authority=[], now=now, api_key=api_key
        )
        return Recorded(submitted.request, confirm_url(token=submitted.token, language=submitted.request.language))
    with transaction.atomic():
        request = request_create(operator=operator, now=now, api_key=api_key, **fields)
        received = _confirm_as_verified(
            request=request,
            now=now,
            actor_label="operator_account",
            assurance="operator_account",
            api_key=api_key.prefix,
            account_reference=account_reference,
        )
    return Recorded(received)


def _store_email_file(*, request: DataRequest, upload, actor) -> Attachment:
    """An e-mail saved as .eml: kept as it came, once it parses as a message with headers."""
    data = upload.read()
    message = message_from_bytes(data)
    if not (message.get("From") or message.get("Date")) or len(data) == 0:
        raise ValidationError(
            {"files": [_("%(name)s is not a PDF, JPEG, PNG or e-mail (.eml) file.") % {"name": upload.name}]}
        )
    attachment = Attachment(
        request=request,
        purpose=Attachment.Purpose.EVIDENCE,
        original_name="message.eml",
        content_type="message/rfc822",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("message.eml", ContentFile(data), save=False)
    attachment.save()
    return attachment


def received_at_check(*, received_at: datetime, now: datetime) -> str:
    """Raise for a receipt in the future; return a warning for one older than a few days."""
    if received_at > now + timedelta(minutes=1):
        raise ValidationError({"received_at": _("The receipt cannot be in the future.")})
    if now - received_at > BACKDATE_WARNING:
        return _("This request was received more than %(days)s days ago; check its deadline at once.") % {
            "days": BACKDATE_WARNING.days
        }
    return ""


def request_record_staff(
    *,
    operator,
    fields: dict,
    channel: str,
    received_at: datetime,
    actor,
    identity: str,
    document_type: str = "",
    files: list | None = None,
    now: datetime | None = None,
) -> Recorded:
    """Record a request that reached the operator on paper, by e-mail or in person.

    `identity` is "in_person" (staff saw a document; only its type is kept) or "code" (codes go to
    the e-mail or phone given, as on the portal). Files are the scanned letter or the e-mail.
    """
    now = now or timezone.now()
    if channel not in (Channel.PAPER, Channel.EMAIL, Channel.IN_PERSON):
        raise ValidationError({"channel": _("Choose paper, e-mail or in person.")})
    received_at_check(received_at=received_at, now=now)
    if identity == "in_person" and not document_type:
        raise ValidationError({"document_type": _("Say which document you checked.")})
    with transaction.atomic():
        request = request_create(
            operator=operator, now=now, actor=actor, channel=channel, received_at=received_at, **fields
        )
        for upload in files or []:
            if upload.name.lower().endswith(".eml"):
                _store_email_file(request=request, upload=upload, actor=actor)
            else:
                attachment_store(request=request, upload=upload, purpose=Attachment.Purpose.EVIDENCE)
        if identity == "in_person":
            request = _confirm_as_verified(
                request=request,
                now=now,
                actor_label="staff",
                assurance="in_person",
                document_type=document_type,
                checked_by=actor.pk,
            )
            return Recorded(request)
        if not request.requester_email:
            raise ValidationError(
                {"identity": _("Codes go by e-mail: give the e-mail, or check the identity in person.")}
            )
        token = status_link_create(request=request, now=now)
        for purpose in identity_purposes(request=request):
            code_issue(request=request, purpose=purpose, now=now)
        url = confirm_url(token=token, language=request.language)
        notify(
            key=f"recorded:{request.pk}",
            channel="email",
            to=request.requester_email,
            template="staff_recorded_confirm",
            language=request.language,
            request=request,
            context={
                "reference": request.reference,
                "confirm_url": url,
                "operator_name": operator.legal_name(request.language),
            },
        )
    return Recorded(request, url)


def records_add(
    *, request: DataRequest, records: list[dict], actor, default_source: str = "", now: datetime | None = None
) -> list[AccessRecord]:
    """What the operator holds about the subject, for the access answer and its export."""
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
        if locked.kind != Kind.ACCESS or locked.state not in OPEN_STATES or locked.state == State.AWAITING_IDENTITY:
            raise TransitionNotAllowed(_("Records can be added to an access request in work only."))
        rows = AccessRecord.objects.bulk_create(
            [
                AccessRecord(
                    request=locked,
                    category=r["category"],
                    content=r.get("content", ""),
                    source=r.get("source") or default_source,
                    created_by=actor,
                )
                for r in records
            ]
        )
        Event.append(
            request=locked, action="records_added", actor=actor, actor_label="api", data={"count": len(rows)}, at=now
        )
    return rows


def _answer_refusal(job: SystemJob, *, status: str, records: list[dict]) -> str:
    """Why a job's answer is not taken ("" when it is, or when it repeats the answer given)."""
    if job.status != SystemJob.Status.SENT:
        return "" if status == job.status and not records else "already_answered"
    if job.request.state not in OPEN_STATES:
        return "request_closed"  # the answer went out: a late one must not change it
    return ""


class AnswerRefused(TransitionNotAllowed):
    """Raised after the refusal's audit event is written (the caller must not roll it back)."""


ANSWER_REFUSED = {
    "already_answered": _lazy("This job was already answered; a different answer is not taken."),
    "request_closed": _lazy("This request has been answered already; this answer is not taken. Staff can see it."),
}


def system_job_answer(
    *, job_id: int, status: str, records: list[dict], note: str, api_key, now: datetime | None = None
) -> SystemJob:
    """A data system's answer. Answering twice the same way is harmless. Another answer to an
    answered job, or any answer once the request is closed, is refused (TransitionNotAllowed:
    409) and recorded in the chain ("system_answer_refused"), so that nothing is lost unseen."""
    now = now or timezone.now()
    request_id = SystemJob.objects.values_list("request_id", flat=True).get(pk=job_id)
    with transaction.atomic():
        # Lock order: the request, then the job (as a transition that looks at its jobs).
        DataRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        job = SystemJob.objects.select_for_update(of=("self",)).select_related("system", "request").get(pk=job_id)
        refusal = _answer_refusal(job, status=status, records=records)
        if refusal:
            Event.append(
                request=job.request,
                action="system_answer_refused",
                actor_label=f"system:{job.system.name}"[:40],
                data={
                    "system": job.system_id,
                    "status": status,
                    "records": len(records),
                    "reason": refusal,
                    "api_key": api_key.prefix,
                },
                at=now,
            )
        elif job.status != SystemJob.Status.SENT:
            return job
        else:
            _answer_take(job, status=status, records=records, note=note, api_key=api_key, now=now)
    if refusal:
        raise AnswerRefused(str(ANSWER_REFUSED[refusal]))
    return job


def _answer_take(job: SystemJob, *, status: str, records: list[dict], note: str, api_key, now: datetime) -> None:
    if records and job.request.kind == Kind.ACCESS:
        AccessRecord.objects.bulk_create(
            [
                AccessRecord(
                    request=job.request,
                    category=r["category"],
                    content=r.get("content", ""),
                    source=r.get("source") or job.system.name,
                )
                for r in records
            ]
        )
    job.status, job.answered_at, job.note = status, now, note
    job.save(update_fields=["status", "answered_at", "note"])
    Event.append(
        request=job.request,
        action="system_answered",
        actor_label=f"system:{job.system.name}"[:40],
        data={"system": job.system_id, "status": status, "records": len(records), "api_key": api_key.prefix},
        at=now,
    )
