"""What the data subject (or their representative) does through the portal."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils import timezone, translation

from .. import workflow
from ..models import Attachment, DataRequest, Message, Operator, State
from ..models.portal import CodePurpose
from ..files import atomic_with_files
from ..notices import ACKNOWLEDGMENT_EMAIL, notice_due
from .intake import request_draft, request_number, request_submitted_event
from .rollup import rollup_apply, snapshot
from .notifications import notify
from .uploads import attachment_store
from .verification import code_check, code_confirmed, code_issue, identity_purposes, status_link_create


@dataclass(frozen=True)
class Submitted:
    request: DataRequest
    token: str


def status_url(*, token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("portal:status", kwargs={"token": token})
    return settings.DSAR_PUBLIC_BASE_URL.rstrip("/") + path


def on_behalf_of(request: DataRequest) -> str:
    """The subject's name when a representative receives the mail, else empty."""
    return request.subject_name if request.acting_for_other and request.representative_email else ""


def _mail_link(*, request: DataRequest, key: str, template: str, token: str, **context) -> None:
    """One e-mail to the requester (the representative, if any), in their language, carrying a status-page link."""
    notify(
        key=key,
        channel="email",
        to=request.requester_email,
        template=template,
        context={"reference": request.reference, "status_url": status_url(token=token, language=request.language),
                 "on_behalf_of": on_behalf_of(request), **context},
        language=request.language,
        request=request,
    )


def request_submit(*, operator: Operator, fields: dict, evidence: list, authority: list,
                   now: datetime | None = None) -> Submitted:
    """Create the request with its files and send the identity codes, all or nothing.

    `fields` are request_create's keyword arguments. Returns the new status-page token,
    which the caller passes to the browser; only its hash is stored.
    """
    now = now or timezone.now()
    # Lock order (dsar/workflow.py): the files first, holding no shared lock; then the operator's
    # reference counter; the chain head last, just before the commit.
    with atomic_with_files():
        request = request_draft(operator=operator, now=now, **fields)
        for upload in authority:
            attachment_store(request=request, upload=upload, purpose=Attachment.Purpose.AUTHORITY)
        for upload in evidence:
            attachment_store(request=request, upload=upload, purpose=Attachment.Purpose.EVIDENCE)
        request_number(request=request, now=now)
        token = status_link_create(request=request, now=now)
        for purpose in identity_purposes(request=request):
            code_issue(request=request, purpose=purpose, now=now)
        request_submitted_event(request=request, now=now)
        rollup_apply(before=None, after=snapshot(request))  # after the chain head (rollup.py)
    return Submitted(request=request, token=token)


def identity_pending(*, request: DataRequest) -> list[str]:
    """The identity codes still to be entered."""
    return [p for p in identity_purposes(request=request) if not code_confirmed(request=request, purpose=p)]


def identity_confirm(*, request: DataRequest, codes: dict[str, str], token: str,
                     now: datetime | None = None) -> dict[str, bool]:
    """Check the codes given; once every required one is right, the request is received.

    Returns {purpose: accepted} for the codes given. The acknowledgment with the reference
    and due date goes out after commit.
    """
    now = now or timezone.now()
    results = {}
    with transaction.atomic():
        # The request before its codes: the lock order of dsar/workflow.py.
        DataRequest.objects.select_for_update(of=("self",), no_key=True).filter(pk=request.pk).first()
        for purpose in identity_pending(request=request):
            if not codes.get(purpose):
                continue
            results[purpose] = code_check(request=request, purpose=purpose, code=codes.get(purpose, ""), now=now)
        if identity_pending(request=request) or request.state != State.AWAITING_IDENTITY:
            return results
        received = workflow.transition(request.pk, "confirm_identity", actor_label="subject", now=now)
        acknowledgment_send(request=received, token=token)
    return results


def acknowledgment_send(*, request: DataRequest, token: str) -> None:
    # due_at is stored as an ISO string in the outbox row and turned back into a datetime when the
    # e-mail is rendered (notifications.render_email), so the template's `date` filter can format it
    # in the operator's time zone (`tz`).
    _mail_link(request=request, key=f"ack:{request.pk}", template=ACKNOWLEDGMENT_EMAIL, token=token,
               operator_name=request.operator.legal_name(request.language), kind=request.kind,
               due_at=request.due_at, tz=request.operator.timezone, in_hours=request.in_hours)


def status_code_send(*, request: DataRequest, purpose: str = CodePurpose.STATUS) -> None:
    code_issue(request=request, purpose=purpose)


def reply_create(*, request: DataRequest, body: str, uploads: list, now: datetime | None = None) -> Message:
    """The subject answers the operator, with files; an answer to a question restarts the clock."""
    now = now or timezone.now()
    with atomic_with_files():
        locked = DataRequest.objects.select_for_update(of=("self",), no_key=True).get(pk=request.pk)
        if locked.state not in (State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT, State.BLOCKED):
            raise workflow.TransitionNotAllowed("closed")
        message = Message.objects.create(request=locked, channel=Message.Channel.FROM_SUBJECT, body=body)
        for upload in uploads:
            attachment_store(request=locked, upload=upload, purpose=Attachment.Purpose.REPLY, message=message)
        if locked.state == State.AWAITING_SUBJECT:
            workflow.transition(locked.pk, "resume", actor_label="subject", now=now)
        else:
            DataRequest.objects.filter(pk=locked.pk).update(last_contact_at=now)
    return message


def request_withdraw(*, request: DataRequest, now: datetime | None = None) -> DataRequest:
    """The subject withdraws the request. Raises TransitionNotAllowed once it is closed."""
    return workflow.transition(request.pk, "withdraw", actor_label="subject", now=now)


def status_link_resend(*, reference: str, email: str) -> bool:
    """Mail a new status-page link when the reference and e-mail match a confirmed request.

    The caller shows the same answer whether or not anything matched, and the work is the same
    too, so timing does not confirm a pair: one look-up, a constant-time comparison, a token
    hashed, the link and the e-mail written. Without a match they are written for a stand-in
    request inside a savepoint that is then rolled back (foreign keys are checked at commit,
    so the stand-in never needs to exist), and nothing is sent. Returns whether it matched.
    """
    email = email.strip().lower()
    request = (
        DataRequest.objects.select_related("operator")
        .filter(reference__iexact=reference.strip(), identity_confirmed_at__isnull=False)
        .first()
    )
    on_file = request.requester_email.lower() if request is not None else ""
    matched = constant_time_compare(on_file, email) and request is not None
    target = request if matched else DataRequest(pk=0, reference=reference.strip()[:32], subject_email=email,
                                                   language=(request.language if request else "ru"))
    with transaction.atomic():
        checkpoint = transaction.savepoint()
        token = status_link_create(request=target)
        _mail_link(request=target, key=f"status-link:{target.pk}:{token[:8]}", template="portal_status_link",
                   token=token)
        if matched:
            transaction.savepoint_commit(checkpoint)
        else:
            transaction.savepoint_rollback(checkpoint)
    return matched


def subject_update_notify(*, request: DataRequest, transition_name: str) -> None:
    """E-mail the requester that there is news, with a fresh link to the private page.

    Which transitions send which e-mail is the table in dsar/notices.py. The e-mail says only what
    kind of news it is; the content stays behind the link and a code.
    """
    notice = notice_due(request=request, transition=transition_name)
    if notice is None or notice.email is None or not request.requester_email:
        return
    if notice.email == ACKNOWLEDGMENT_EMAIL:
        return  # sent by identity_confirm, with the link the subject already holds
    token = status_link_create(request=request)
    _mail_link(request=request, key=f"update:{request.pk}:{transition_name}:{token[:12]}", template=notice.email,
               token=token, operator_name=request.operator.short_name, update=notice.update)
