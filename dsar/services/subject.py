"""What the data subject (or their representative) does through the portal."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_fsm import TransitionNotAllowed

from .. import workflow
from ..files import atomic_with_files
from ..models import Attachment, DataRequest, Message, Operator, State
from ..services import transitions
from .intake import request_draft, request_submitted_event
from .rollup import rollup_apply, snapshot
from .subject_mail import acknowledgment_send, requester_mail, status_url, subject_update_notify  # noqa: F401 (re-exported)
from .uploads import attachment_store
from .verification import code_check, code_confirmed, code_issue, identity_purposes, status_link_create


@dataclass(frozen=True)
class Submitted:
    request: DataRequest
    token: str


def request_submit(
    *, operator: Operator, fields: dict, evidence: list, authority: list, now: datetime | None = None, api_key=None
) -> Submitted:
    """Create the request with its files and send the identity codes, all or nothing.

    `fields` are request_create's keyword arguments. Returns the new status-page token,
    which the caller passes to the browser; only its hash is stored.
    """
    now = now or timezone.now()
    # Lock order (dsar/workflow.py): the files first, holding no operator-wide lock (on PostgreSQL
    # the reference comes from a sequence, which locks nothing); the chain head last, before commit.
    with atomic_with_files():
        request = request_draft(operator=operator, now=now, **fields)
        for upload in authority:
            attachment_store(request=request, upload=upload, purpose=Attachment.Purpose.AUTHORITY)
        for upload in evidence:
            attachment_store(request=request, upload=upload, purpose=Attachment.Purpose.EVIDENCE)
        token = status_link_create(request=request, now=now)
        for purpose in identity_purposes(request=request):
            code_issue(request=request, purpose=purpose, now=now, first=True)
        request_submitted_event(request=request, now=now, api_key=api_key)
        rollup_apply(before=None, after=snapshot(request))  # after the chain head (rollup.py)
    return Submitted(request=request, token=token)


def identity_pending(*, request: DataRequest) -> list[str]:
    """The identity codes still to be entered."""
    return [p for p in identity_purposes(request=request) if not code_confirmed(request=request, purpose=p)]


def identity_confirm(
    *, request: DataRequest, codes: dict[str, str], token: str, now: datetime | None = None
) -> dict[str, bool]:
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
        received = transitions.transition(request.pk, "confirm_identity", actor_label="subject", now=now)
        acknowledgment_send(request=received, token=token)
    return results


def reply_create(*, request: DataRequest, body: str, uploads: list, now: datetime | None = None) -> Message:
    """The subject answers the operator, with files; an answer to a question restarts the clock."""
    now = now or timezone.now()
    with atomic_with_files():
        locked = DataRequest.objects.select_for_update(of=("self",), no_key=True).get(pk=request.pk)
        if not workflow.subject_may_act(locked):
            raise TransitionNotAllowed("closed")
        message = Message.objects.create(request=locked, channel=Message.Channel.FROM_SUBJECT, body=body)
        for upload in uploads:
            attachment_store(request=locked, upload=upload, purpose=Attachment.Purpose.REPLY, message=message)
        if locked.state == State.AWAITING_SUBJECT:
            transitions.transition(locked.pk, "resume", actor_label="subject", now=now)
        else:
            DataRequest.objects.filter(pk=locked.pk).update(last_contact_at=now)
    return message


def request_withdraw(*, request: DataRequest, now: datetime | None = None) -> DataRequest:
    """The subject withdraws the request. Raises TransitionNotAllowed once it is closed."""
    return transitions.transition(request.pk, "withdraw", actor_label="subject", now=now)


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
    target = (
        request
        if matched
        else DataRequest(
            pk=0,
            reference=reference.strip()[:32],
            subject_email=email,
            language=(request.language if request else "ru"),
        )
    )
    with transaction.atomic():
        checkpoint = transaction.savepoint()
        token = status_link_create(request=target)
        requester_mail(
            request=target, key=f"status-link:{target.pk}:{token[:8]}", template="portal_status_link", token=token
        )
        if matched:
            transaction.savepoint_commit(checkpoint)
        else:
            transaction.savepoint_rollback(checkpoint)
    return matched
