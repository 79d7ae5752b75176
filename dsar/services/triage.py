"""Staff triage: assignment, internal notes, duplicates, the questions to the subject, audit of views.

State changes still go through `dsar.services.transitions.transition()`; these services add what
surrounds them (the message to the subject, the link to the original) in the same
transaction, and write one audit event for each thing that is not a transition.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import DataRequest, Event, Membership, Message
from ..services.transitions import transition
from ..workflow import TransitionInputError

VIEWED_PERSONAL_DATA = "viewed_personal_data"


def _check_triage(*, user, operator_id: int) -> None:
    if not permissions.can(user, "triage", operator_id):
        raise PermissionDenied(_("You may not do this to this request."))


def _check_assignee(*, assignee, operator_id: int) -> None:
    if assignee is None:
        return
    if not assignee.is_active or not Membership.objects.filter(user=assignee, operator_id=operator_id).exists():
        raise TransitionInputError({"assignee": _("%(user)s does not work for this operator.") % {"user": assignee}})


def request_assign(*, request_id: int, assignee, actor, now: datetime | None = None) -> DataRequest:
    """Assign (or with None, release) one request. No-op when nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.select_for_update(of=("self",), no_key=True).get(pk=request_id)
        _check_triage(user=actor, operator_id=request.operator_id)
        _check_assignee(assignee=assignee, operator_id=request.operator_id)
        new_id = assignee.pk if assignee else None
        if request.assignee_id == new_id:
            return request
        previous = request.assignee_id
        # A plain UPDATE: the FSM state field is protected and must not be re-saved here.
        DataRequest.objects.filter(pk=request.pk).update(assignee_id=new_id, updated_at=now)
        Event.append(
            request=request,
            action="assigned" if new_id else "unassigned",
            actor=actor,
            actor_label="staff",
            data={"from": previous, "to": new_id},
            at=now,
        )
    return DataRequest.objects.get(pk=request_id)


def requests_bulk_assign(*, request_ids: Iterable[int], assignee, actor, now: datetime | None = None) -> int:
    """Assign many requests at once: all or nothing. Returns how many changed."""
    changed = 0
    with transaction.atomic():
        for request_id in sorted(set(request_ids)):
            before = DataRequest.objects.filter(pk=request_id).values_list("assignee_id", flat=True).first()
            request_assign(request_id=request_id, assignee=assignee, actor=actor, now=now)
            changed += before != (assignee.pk if assignee else None)
    return changed


def request_note_add(*, request_id: int, body: str, actor, now: datetime | None = None) -> Message:
    """An internal note: staff only, never shown to the subject."""
    body = (body or "").strip()
    if not body:
        raise TransitionInputError({"body": _("Write the note.")})
    with transaction.atomic():
        request = DataRequest.objects.get(pk=request_id)
        _check_triage(user=actor, operator_id=request.operator_id)
        message = Message.objects.create(request=request, channel=Message.Channel.INTERNAL, author=actor, body=body)
        Event.append(
            request=request, action="note_added", actor=actor, actor_label="staff", data={"message": message.pk}, at=now
        )
    return message


def request_ask_subject(*, request_id: int, question: str, actor, now: datetime | None = None) -> DataRequest:
    """Move to "awaiting subject" and keep the question as a message for the status page.

    The requester hears of it from the transition's news e-mail (dsar.services.subject), which
    carries a fresh link, not the question: the content stays behind the link and a code."""
    with transaction.atomic():
        request = transition(request_id, "ask_subject", actor=actor, now=now, question=question)
        Message.objects.create(request=request, channel=Message.Channel.TO_SUBJECT, author=actor, body=question.strip())
    return request


def requests_close_as_duplicate(
    *, request_ids: Iterable[int], original: DataRequest, actor, now: datetime | None = None
) -> list[DataRequest]:
    """Close many requests as duplicates of `original`: all or nothing."""
    closed = []
    with transaction.atomic():
        for request_id in sorted(set(request_ids) - {original.pk}):
            closed.append(transition(request_id, "close_as_duplicate", actor=actor, now=now, original=original))
    return closed


def request_personal_data_viewed(
    *, request: DataRequest, actor, what: str = "details", api_key=None, now: datetime | None = None
) -> Event:
    """Record that a staff user saw the subject's personal data (page, file or letter), or that an
    API key read it (`api_key`, acting as its creator `actor`): one event in the operator's chain."""
    data = {"what": what}
    if api_key is not None:
        data["api_key"] = api_key.prefix
    with transaction.atomic():
        return Event.append(
            request=request,
            action=VIEWED_PERSONAL_DATA,
            actor=actor,
            actor_label="api" if api_key is not None else "staff",
            data=data,
            public=False,
            at=now,
        )


def request_answered_with_unanswered_jobs(*, request_id: int, step: str, systems: list[str], actor) -> Event:
    """Staff confirmed an answering step although these data systems had not answered yet."""
    with transaction.atomic():
        return Event.append(
            request=DataRequest.objects.get(pk=request_id),
            action="answered_with_unanswered_jobs",
            actor=actor,
            actor_label="staff",
            data={"step": step, "systems": systems},
        )
