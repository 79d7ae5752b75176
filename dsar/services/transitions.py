"""The one way a request changes state: `transition(request_id, name, ...)`.

The transitions themselves (sources, targets, conditions, permissions, what each one writes on
the request) are the state machine in `dsar/workflow.py`; this service runs one of them: one
transaction, the request row locked, the guards checked, the letter the subject must get recorded
(dsar/letters/outbox.py), exactly one audit event appended, the dashboard's daily figures moved.
Locks are taken in the order documented at the top of dsar/workflow.py.

It lives here, not in workflow.py, so that the state machine needs no model: models import the
workflow, and this service imports both (no import cycle).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from ..letters.outbox import letter_issue_for_transition, letter_link_event
from ..models import DataRequest, Event
from ..workflow import SERVICE_TRANSITIONS, STAFF_TRANSITIONS, SUBJECT_TRANSITIONS, can_triage
from . import rollup


def transition(
    request_id: int,
    name: str,
    *,
    actor=None,
    actor_label: str = "",
    note: str = "",
    public: bool = True,
    now: datetime | None = None,
    **kwargs,
) -> DataRequest:
    """Move one request through one transition, or raise and write nothing.

    `actor` is a staff user; None means the subject or the system (`actor_label` says which).
    Raises TransitionNotAllowed, PermissionDenied or TransitionInputError.
    """

    now = now or timezone.now()
    with transaction.atomic():
        # Lock order (module docstring): the request (1) first; the letter counter (3) and
        # the chain head (4) come last, in letter_issue_for_transition and Event.append.
        request = (
            DataRequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("operator")
            .get(pk=request_id)
        )
        method = getattr(request, name, None)
        staff_names = STAFF_TRANSITIONS + sorted(SERVICE_TRANSITIONS)
        if name not in staff_names and name not in SUBJECT_TRANSITIONS or method is None:
            raise TransitionNotAllowed(f"Unknown transition {name!r}")
        if actor is not None and (name not in staff_names or not can_triage(request, actor)):
            raise PermissionDenied(_("You may not do this to this request."))
        if actor is None and name not in SUBJECT_TRANSITIONS:
            raise PermissionDenied(_("Only staff may do this."))
        if not can_proceed(method):
            raise TransitionNotAllowed(
                _("This request is %(state)s now; that step is not possible.") % {"state": request.get_state_display()}
            )
        if actor is not None and not has_transition_perm(method, actor):
            raise PermissionDenied(_("You may not do this to this request."))
        source = request.state
        counted = rollup.snapshot(request)
        method(now=now, by=actor, **kwargs)
        request.save()
        letter = letter_issue_for_transition(request=request, name=name, actor=actor, now=now, kwargs=kwargs)
        event = Event.append(
            request=request,
            action=name,
            actor=actor,
            actor_label=actor_label or ("staff" if actor else "subject"),
            from_state=source,
            to_state=request.state,
            note=note,
            data=_event_data(kwargs),
            public=public,
            at=now,
        )
        letter_link_event(letter=letter, event=event)
        rollup.rollup_apply(before=counted, after=rollup.snapshot(request))
    return request


def _event_data(kwargs: dict) -> dict:
    """What the audit event keeps of a transition's input: plain values only."""
    data = {}
    for key, value in kwargs.items():
        if hasattr(value, "pk"):
            data[key] = value.pk
        elif isinstance(value, datetime):
            data[key] = value.isoformat()
        elif isinstance(value, (str, int, float, bool)) or value is None:
            data[key] = value
    return data
