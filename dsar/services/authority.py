"""Representatives prove their authority before anything is disclosed.

Staff record the check of the authority document on the request page: who, when, which document,
accepted or rejected with a reason. Until it is accepted, the workflow offers and allows no step
that discloses or changes data (`workflow.authority_accepted`). A rejection refuses the request on
the ground "identity or authority not proven" (`refuse_authority`, with its letter and e-mail).
Either way the copies of identity and authority documents are deleted once the check is recorded;
the check itself and an audit event with the deleted files' digests stay.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import workflow
from ..models import Attachment, AuthorityCheck, DataRequest, Event, State
from ..services import transitions

CHECKABLE_STATES = (State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT)
IDENTITY_PURPOSES = (Attachment.Purpose.AUTHORITY, Attachment.Purpose.IDENTITY)


def authority_check_record(
    *, request_id: int, actor, document: str, accepted: bool, reason: str = "", now: datetime | None = None
) -> AuthorityCheck:
    """Record one check; accept (disclosure becomes possible) or reject (the request is refused).

    Raises PermissionDenied (not allowed to decide for this operator) or TransitionInputError
    (nothing to check, missing document description or reason).
    """
    now = now or timezone.now()
    document, reason = (document or "").strip(), (reason or "").strip()
    with transaction.atomic():
        request = DataRequest.objects.select_for_update().select_related("operator").get(pk=request_id)
        if not workflow.can_decide(request, actor):
            raise PermissionDenied(_("You may not do this to this request."))
        if not request.acting_for_other:
            raise workflow.TransitionInputError(
                {"document": _("The subject acts in person: there is no authority to check.")}
            )
        if request.authority_verified_at is not None or request.state not in CHECKABLE_STATES:
            raise workflow.TransitionInputError(
                {"document": _("The authority of this request can no longer be checked.")}
            )
        if not document:
            raise workflow.TransitionInputError({"document": _("Say which document was checked.")})
        if not accepted and not reason:
            raise workflow.TransitionInputError(
                {"reason": _("Give the reason the authority is not accepted; the subject is told it.")}
            )
        check = AuthorityCheck.objects.create(
            request=request,
            document=document,
            reason=reason,
            checked_by=actor,
            checked_at=now,
            decision=AuthorityCheck.Decision.ACCEPTED if accepted else AuthorityCheck.Decision.REJECTED,
        )
        if accepted:
            # A plain UPDATE: the FSM state field is protected and must not be re-saved here.
            DataRequest.objects.filter(pk=request.pk).update(authority_verified_at=now, updated_at=now)
        Event.append(
            request=request,
            action="authority_checked",
            actor=actor,
            actor_label="staff",
            data={"check": check.pk, "decision": check.decision},
            at=now,
        )
        check.documents_deleted = _delete_documents(request=request, actor=actor, now=now)
        check.save(update_fields=["documents_deleted"])
        if not accepted:
            transitions.transition(request.pk, "refuse_authority", actor=actor, now=now, explanation=reason)
    return check


def _delete_documents(*, request: DataRequest, actor, now: datetime) -> int:
    """Delete the copies of identity and authority documents; the files go only after commit, so a
    rolled-back check keeps them."""
    copies = list(Attachment.objects.filter(request=request, purpose__in=IDENTITY_PURPOSES).order_by("pk"))
    if not copies:
        return 0
    files = [(a.file.storage, a.file.name) for a in copies if a.file]
    Event.append(
        request=request,
        action="identity_documents_deleted",
        actor=actor,
        actor_label="staff",
        data={"count": len(copies), "sha256": [a.sha256 for a in copies]},
        at=now,
    )
    Attachment.objects.filter(pk__in=[a.pk for a in copies]).delete()

    def remove_files():
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files, robust=True)
    return len(copies)
