"""The daily digest: one e-mail per operator's staff member, in the operator's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from ... import queues
from ...deadlines import WorkCalendar
from ...labels import day_text
from ...models import DataRequest, Membership, Notification, Operator
from ...states import OPEN_STATES, State
from ..notifications import notifications_record


def digest_counts(*, operator: Operator, now: datetime, calendar: WorkCalendar | None = None) -> dict:
    """The operator's queue at `now`, in one aggregate query over its open requests.

    Overdue, due (by the end of the next working day) and unassigned are the queues of
    dsar/queues.py, the same the admin lists and the dashboard count.
    """
    q = queues.conditions(
        operators=[operator], now=now, calendars={operator.pk: calendar} if calendar is not None else None
    )
    return DataRequest.objects.filter(operator=operator, state__in=OPEN_STATES).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=q["overdue"]),
        due_1wd=Count("pk", filter=q["due_1wd"]),
        unassigned=Count("pk", filter=q["unassigned"]),
        awaiting_subject=Count("pk", filter=Q(state=State.AWAITING_SUBJECT)),
        awaiting_identity=Count("pk", filter=Q(state=State.AWAITING_IDENTITY)),
        new_24h=Count("pk", filter=Q(submitted_at__gte=now - timedelta(hours=24))),
    )


def digests_send(*, now: datetime | None = None) -> int:
    """Record today's digest for every active operator's staff, on the operator's working days.

    Idempotent per operator, day and person: run twice, sent once.
    """
    now = now or timezone.now()
    notes = []
    operators = list(Operator.objects.filter(is_active=True).order_by("pk"))
    calendars = queues.calendars_for(operators)
    for operator in operators:
        calendar = calendars[operator.pk]
        day = timezone.localtime(now, operator.tz).date()
        if not calendar.is_working_day(day):
            continue  # nobody reads it on a day off; the next working day's digest covers the gap
        members = (
            Membership.objects.filter(operator=operator, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("user_id")
        )
        if not members:
            continue
        language = operator.default_language
        context = digest_counts(operator=operator, now=now, calendar=calendar) | {
            "operator_name": operator.legal_name(language),
            "date": day_text(day, language=language),
            "url": f"{settings.DSAR_PUBLIC_BASE_URL}/admin/dsar/datarequest/?operator__id__exact={operator.pk}",
        }
        for m in members:
            notes.append(
                Notification(
                    key=f"digest:{operator.pk}:{day.isoformat()}:{m.user_id}",
                    channel=Notification.Channel.EMAIL,
                    to=m.user.email,
                    template="digest",
                    context=context | {"recipient_name": m.user.get_full_name() or m.user.username},
                    language=language,
                )
            )
    return len(notifications_record(rows=notes))
