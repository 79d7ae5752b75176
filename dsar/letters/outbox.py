"""Which transition sends which letter, and how a letter gets rendered whatever fails.

A transition that the subject must hear about records its `Letter` row (status PENDING) inside
its own transaction (`services.transitions.transition` calls `letter_issue_for_transition`), like the
notification outbox: a rolled-back transition has no letter, a committed one always has one.
The render task is queued on commit only to be quick; the outbox sweep (`letters_requeue_due`,
beat every minute) queues any pending letter whose message went missing, and the render task
follows the row's retry schedule (dsar/outbox.py). After the last attempt the letter is FAILED
and the operator's managers and responsible person get an e-mail.

Which transition sends which letter is the one table in `dsar/notices.py` (`NOTICES`), with
the e-mail that goes with it. `dsar_verify_chain` reports a transition whose letter is missing
through `letters_missing()`, which reads the same table as the issuing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from ..models import Event, Letter
from ..notices import NOTICES, letter_kind_for, notice_due
from ..outbox import requeue_due
from .services import RENDER

logger = logging.getLogger(__name__)


# What a letter may quote from the transition's input.
QUOTED_INPUT = ("question", "reason", "closed_because")


def expected_letter_kind(event: Event) -> str | None:
    """The letter a transition's audit event calls for, or None (not a transition, or no letter)."""
    if event.request_id is None or not event.to_state:
        return None
    return letter_kind_for(request_kind=event.request.kind, transition=event.action, channel=event.request.channel)


def event_cause(event_id: int) -> str:
    return f"event:{event_id}"


def letters_missing(*, operator_id: int) -> list[str]:
    """Transitions of the operator whose letter was never recorded (a purged request excepted)."""
    with_letters = [name for name, notice in NOTICES.items() if notice.letter or notice.letter_by_kind]
    events = (
        Event.objects.filter(
            operator_id=operator_id, action__in=with_letters, request__isnull=False, request__purged_at__isnull=True
        )
        .exclude(to_state="")
        # Nobody was proven to write to before the identity was confirmed (notices.notice_due).
        .exclude(Q(request__identity_confirmed_at__isnull=True) & ~Q(action="confirm_identity"))
        .values_list("pk", "seq", "action", "request_id", "request__kind")
        .order_by("seq")
    )
    causes = set(
        Letter.objects.filter(request__operator_id=operator_id, cause__startswith="event:").values_list(
            "cause", flat=True
        )
    )
    problems = []
    for pk, seq, action, request_id, request_kind in events.iterator(chunk_size=2000):
        kind = letter_kind_for(request_kind=request_kind, transition=action)
        if kind and event_cause(pk) not in causes:
            problems.append(f"event #{seq} ({action}, request {request_id}): no {kind} letter was recorded")
    return problems


def letter_issue_for_transition(*, request, name: str, actor, now: datetime, kwargs: dict) -> Letter | None:
    """Record the letter a transition sends, in the transition's transaction (before its event)."""
    from .services import letter_issue

    notice = notice_due(request=request, transition=name)
    kind = notice.letter_for(request.kind, request.channel) if notice else None
    if kind is None:
        return None
    extra = {k: kwargs[k] for k in QUOTED_INPUT if isinstance(kwargs.get(k), str)}
    return letter_issue(request=request, kind=kind, actor=actor, now=now, extra=extra)


def letter_link_event(*, letter: Letter | None, event: Event) -> None:
    """Name the transition's event as the letter's cause (one letter per transition)."""
    if letter is not None:
        Letter.objects.filter(pk=letter.pk).update(cause=event_cause(event.pk))
        letter.cause = event_cause(event.pk)


def letters_requeue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue the pending letters whose attempt is due and whose render message went missing."""
    return requeue_due(Letter, task_name=RENDER, now=now or timezone.now(), limit=limit)
