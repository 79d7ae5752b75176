"""The daily digest: one e-mail per operator's staff member, in the operator's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from ...models import DataRequest, Membership, Notification, Operator
from ...states import OPEN_STATES, State
from ..notifications import notifications_record


def digest_counts(*, operator: Operator, now: datetime) -> dict:
    """The operator's queue at `now`, in one aggregate query over its open requests."""
    tomorrow = now + timedelta(hours=24)
    running = Q(state__in=[State.RECEIVED, State.IN_PROGRESS, State.AWAITING_SUBJECT], clock_paused_at__isnull=True)
    return DataRequest.objects.filter(operator=operator, state__in=OPEN_STATES).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=running & Q(due_at__lt=now)),
        due_24h=Count("pk", filter=running & Q(due_at__gte=now, due_at__lt=tomorrow)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True, state__in=[State.RECEIVED, State.IN_PROGRESS])),
        awaiting_subject=Count("pk", filter=Q(state=State.AWAITING_SUBJECT)),
        awaiting_identity=Count("pk", filter=Q(state=State.AWAITING_IDENTITY)),
        new_24h=Count("pk", filter=Q(submitted_at__gte=now - timedelta(hours=24))),
    )


def digests_send(*, now: datetime | None = None) -> int:
    """Record today's digest for every active operator's staff; run twice a day, sent once."""
    now = now or timezone.now()
    notes = []
    for operator in Operator.objects.filter(is_active=True).order_by("pk"):
        members = (
            Membership.objects.filter(operator=operator, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("user_id")
        )
        if not members:
            continue
        language = operator.default_language
        day = timezone.localtime(now, operator.tz).date()
        context = digest_counts(operator=operator, now=now) | {
            "operator_name": operator.legal_name(language),
            "date": day.isoformat(),
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
