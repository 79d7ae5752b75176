"""Read queries shared by the staff admin, the dashboard and exports.

Isolation lives here: every staff-facing query starts from `requests_for_user()` (or
`operator_ids_for()`), so a staff user only ever reads their own operators' rows.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import queues
from .models import DataRequest, Operator
from .states import CLOSED_STATES, OPEN_STATES, State

QUEUES = ("mine", "unassigned", "due_today", "due_1wd", "overdue", "awaiting_subject", "closed")


def operator_ids_for(user) -> list[int] | None:
    """The operators a user works for; None means all (platform administrator)."""
    from .permissions import _is_admin, roles_of

    if _is_admin(user):
        return None
    return sorted(roles_of(user))


def limit_to_user(qs: QuerySet, user, field: str = "operator_id") -> QuerySet:
    """Filter any queryset with an operator path (`field`) to the user's operators."""
    ids = operator_ids_for(user)
    if ids is None:
        return qs
    return qs.filter(**{f"{field}__in": ids})


def requests_for_user(user) -> QuerySet:
    return limit_to_user(DataRequest.objects.all(), user)


def _user_operators(user) -> list[Operator]:
    ids = operator_ids_for(user)
    qs = Operator.objects.all() if ids is None else Operator.objects.filter(pk__in=ids)
    return list(qs.only("pk", "timezone"))


def apply_queue(qs: QuerySet, queue: str | None, user, now: datetime | None = None) -> QuerySet:
    """Narrow a request queryset to one staff queue. Unknown or empty `queue`: open work.

    Every branch filters on the state first, so PostgreSQL can use the partial
    indexes on open requests (see DataRequest.Meta.indexes).
    """
    now = now or timezone.now()
    if queue == "mine":
        return qs.filter(assignee=user, state__in=OPEN_STATES)
    if queue in queues.COUNTED:
        # The one definition (dsar/queues.py), on each operator's own calendar and zone.
        return qs.filter(queues.conditions(operators=_user_operators(user), now=now)[queue])
    if queue == "awaiting_subject":
        return qs.filter(state=State.AWAITING_SUBJECT)
    if queue == "closed":
        # closed_at is set by every closing transition; naming it lets the partial index serve the list.
        return qs.filter(state__in=CLOSED_STATES, closed_at__isnull=False)
    return qs.filter(state__in=OPEN_STATES)


def queue_ordering(queue: str | None) -> list:
    """Ordering that the queue indexes can serve. Requests without a clock yet (awaiting
    identity) come after everything due on every database: PostgreSQL puts NULLs last in ASC
    order anyway (so its indexes still serve it), SQLite would put them first."""
    if queue == "closed":
        return ["-closed_at", "-id"]
    return [F("due_at").asc(nulls_last=True), "id"]


def duplicate_candidates(request: DataRequest, limit: int = 10) -> QuerySet:
    """Other open requests of the same operator from the same e-mail, phone or IIN."""
    match = Q(subject_email__iexact=request.subject_email) if request.subject_email else Q(pk__in=[])
    if request.subject_phone:
        match |= Q(subject_phone=request.subject_phone)
    if request.subject_iin:
        match |= Q(subject_iin=request.subject_iin)
    return (
        DataRequest.objects.filter(operator_id=request.operator_id, state__in=OPEN_STATES)
        .filter(match)
        .exclude(pk=request.pk)
        .order_by("submitted_at")[:limit]
    )


def staff_users_for(user):
    """Users who work for any of `user`'s operators (assignee choices, filters)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ids = operator_ids_for(user)
    qs = User.objects.filter(is_active=True, memberships__isnull=False)
    if ids is not None:
        qs = qs.filter(memberships__operator_id__in=ids)
    return qs.distinct().order_by("username")
