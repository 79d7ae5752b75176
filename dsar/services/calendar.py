"""Calendar overrides move deadlines: a decree day off saved today changes when open requests are due.

`calendar_override_changed` runs in the same transaction as the save or delete of a
`CalendarOverride` (signals in dsar/signals.py call it): for each open request of the
operators it affects whose clock runs over the changed day, the due date is counted again
on the new calendar (deadlines.rebase_due), an audit event records the move, and the
subject is told their new date by e-mail through the notification outbox.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import deadlines, queues
from ..deadlines import WorkCalendar
from ..labels import moment_text
from ..models import DataRequest, Event, Operator
from ..states import State
from .notifications import notify
from .subject_mail import on_behalf_of

# Requests with a deadline that is still to be met.
MOVABLE_STATES = [*queues.ANSWER_CLOCK_STATES, State.BLOCKED]


def calendars_before(*, operator_id: int | None) -> dict[int, WorkCalendar]:
    """The calendars an override for `operator_id` (None: every operator) can change, as they are now."""
    operators = Operator.objects.all() if operator_id is None else Operator.objects.filter(pk=operator_id)
    return queues.calendars_for(operators)


def calendar_override_changed(
    *, before: dict[int, WorkCalendar], days: set[date], actor=None, now: datetime | None = None
) -> int:
    """Move the deadlines that `days` changing affects; returns how many requests moved."""
    now = now or timezone.now()
    operators = Operator.objects.in_bulk(before.keys())
    after = queues.calendars_for(operators.values())
    changed = [op_id for op_id in before if before[op_id] != after[op_id]]
    if not changed or not days:
        return 0
    moved = 0
    # A deadline before the earliest changed day cannot move (a day of margin for time zones).
    earliest = datetime.combine(min(days) - timedelta(days=1), time(0), tzinfo=UTC)
    requests = (
        DataRequest.objects.select_for_update(of=("self",))
        .filter(operator_id__in=changed, state__in=MOVABLE_STATES, received_at__isnull=False)
        .filter(Q(due_at__gte=earliest) | Q(review_due_at__gte=earliest))
        .select_related("operator")
        .order_by("pk")
    )
    policies: dict[tuple[int, str], object] = {}
    with transaction.atomic():
        for request in requests:
            op_id = request.operator_id
            key = (op_id, request.kind)
            if key not in policies:
                policies[key] = request.operator.policy_for(request.kind)
            if _move(request, policies[key], days, before[op_id], after[op_id], actor, now):
                moved += 1
    return moved


def _rebase(due: datetime | None, days, received: date, old, new, unit, tz) -> datetime | None:
    if due is None:
        return None
    for day in sorted(days):
        # A period runs from the day after receipt: a day before that is not part of it.
        if day > received:
            due = deadlines.rebase_due(due_at=due, changed=day, old=old, new=new, unit=unit, tz=tz)
    return due


def _move(request: DataRequest, policy, days, old: WorkCalendar, new: WorkCalendar, actor, now) -> bool:
    from .sweep.receivers import request_schedule

    tz = request.operator.tz
    received = timezone.localtime(request.received_at, tz).date()
    if request.state == State.BLOCKED:
        field, unit = "review_due_at", deadlines.WORKING_DAYS
    else:
        field, unit = "due_at", policy.deadline_unit
    old_due = getattr(request, field)
    new_due = _rebase(old_due, days, received, old, new, unit, tz)
    if new_due == old_due:
        return False
    setattr(request, field, new_due)
    fields = [field, "next_action_at"]
    if field == "due_at" and request.original_due_at:
        request.original_due_at = _rebase(request.original_due_at, days, received, old, new, unit, tz)
        fields.append("original_due_at")
    request_schedule(request=request, since=now)
    request.save(update_fields=fields)
    old_local = timezone.localtime(old_due, tz).date().isoformat()
    new_local = timezone.localtime(new_due, tz).date().isoformat()
    Event.append(
        request=request,
        action="deadline_moved",
        actor=actor,
        actor_label="staff" if actor else "system",
        from_state=request.state,
        to_state=request.state,
        note=f"Calendar override: due {old_local} -> {new_local}",
        data={
            "field": field,
            "from": old_due.isoformat(),
            "to": new_due.isoformat(),
            "days": sorted(d.isoformat() for d in days),
        },
        public=True,
        at=now,
    )
    if field == "due_at":
        language = request.language
        notify(
            key=f"due_moved:{request.pk}:{int(new_due.timestamp())}",
            channel="email",
            to=request.requester_email,
            template="subject_due_moved",
            context={
                "operator_name": request.operator.legal_name(language),
                "reference": request.reference,
                "old_due_local": moment_text(old_due, tz=tz, language=language, date_only=True),
                "new_due_local": moment_text(new_due, tz=tz, language=language, date_only=True),
                "portal_url": f"{settings.DSAR_PUBLIC_BASE_URL}/{language}/",
                "on_behalf_of": on_behalf_of(request),
            },
            language=language,
            request=request,
        )
    return True
