"""Read queries shared by the staff admin, the dashboard and exports.

Isolation lives here: every staff-facing query starts from `requests_for_user()` (or
`operator_ids_for()`), so a staff user only ever reads their own operators' rows.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .deadlines import KZ_TZ, WorkCalendar
from .models import CalendarOverride, DataRequest
from .states import CLOSED_STATES, OPEN_STATES, State

# Staff work: open, and past identity confirmation.
WORK_STATES = [State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT, State.BLOCKED]
# The clock runs (not paused, not answered yet): what can fall due or be overdue.
RUNNING_STATES = [State.RECEIVED, State.IN_PROGRESS]

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


def _global_calendar() -> WorkCalendar:
    rows = CalendarOverride.objects.filter(operator__isnull=True).values_list("date", "is_working_day")
    from .deadlines import calendar_for

    return calendar_for(overrides=rows)


def end_of_local_day(now: datetime, days_ahead: int = 0) -> datetime:
    local = timezone.localtime(now, KZ_TZ).date() + timedelta(days=days_ahead)
    return datetime.combine(local, time(23, 59, 59), tzinfo=KZ_TZ)


def end_of_next_working_day(now: datetime, calendar: WorkCalendar | None = None) -> datetime:
    """The end of the first working day after today (local time): "due within 1 working day"."""
    calendar = calendar or _global_calendar()
    today = timezone.localtime(now, KZ_TZ).date()
    return datetime.combine(calendar.add_working_days(today, 1), time(23, 59, 59), tzinfo=KZ_TZ)


def apply_queue(qs: QuerySet, queue: str | None, user, now: datetime | None = None) -> QuerySet:
    """Narrow a request queryset to one staff queue. Unknown or empty `queue`: open work.

    Every branch filters on the state first, so PostgreSQL can use the partial
    indexes on open requests (see DataRequest.Meta.indexes).
    """
    now = now or timezone.now()
    if queue == "mine":
        return qs.filter(assignee=user, state__in=OPEN_STATES)
    if queue == "unassigned":
        return qs.filter(assignee__isnull=True, state__in=WORK_STATES)
    if queue == "due_today":
        return qs.filter(state__in=RUNNING_STATES, due_at__gte=now, due_at__lte=end_of_local_day(now))
    if queue == "due_1wd":
        return qs.filter(state__in=RUNNING_STATES, due_at__gte=now, due_at__lte=end_of_next_working_day(now))
    if queue == "overdue":
        return qs.filter(state__in=RUNNING_STATES, due_at__lt=now)
    if queue == "awaiting_subject":
        return qs.filter(state=State.AWAITING_SUBJECT)
    if queue == "closed":
        # closed_at is set by every closing transition; naming it lets the partial index serve the list.
        return qs.filter(state__in=CLOSED_STATES, closed_at__isnull=False)
    return qs.filter(state__in=OPEN_STATES)


def queue_ordering(queue: str | None) -> list[str]:
    """Ordering that the queue indexes can serve (PostgreSQL puts NULLs last in ASC order,
    so requests without a clock yet, awaiting identity, come after everything due)."""
    if queue == "closed":
        return ["-closed_at", "-id"]
    return ["due_at", "id"]


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
