"""Telling the operator's people about its signing certificate.

- Letters wait because the operator cannot sign (no certificate, expired, unusable): its
  administrators (the DPO role) are told at once, once per cause; when the oldest letter has
  waited `DSAR_SIGNING_ESCALATE_AFTER_HOURS`, the managers and the operator's contact address
  are told too (escalation), once per cause.
- The certificate in use expires in 30 days, and again in 7: one e-mail per threshold to the
  administrators (`signing_expiry_warn`, daily from Celery beat); the dashboard shows a card
  (`signing_notices`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from ...models import Letter, Membership, Role
from ...models.signing import OperatorSigningKey

THRESHOLDS = (30, 7)  # days before expiry; each has its warned_<n>_at column


def _people(operator, roles) -> list[tuple[str, str]]:
    staff = (
        Membership.objects.filter(operator=operator, role__in=roles, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    return [(str(m.user_id), m.user.email) for m in staff]


def _admin_url() -> str:
    return f"{settings.DSAR_PUBLIC_BASE_URL}/admin/dsar/operatorsigningkey/"


def _send(*, key: str, people, template: str, context: dict, language: str) -> int:
    from ...services.notifications import notify

    sent = 0
    for user_key, email in people:
        if notify(
            key=f"{key}:{user_key}", channel="email", to=email, template=template, context=context, language=language
        ):
            sent += 1
    return sent


def signing_blocked_alert(*, operator, readiness, now: datetime) -> None:
    """Letters of `operator` wait for a usable certificate: tell, and escalate when they wait long."""
    language = operator.default_language
    cause = f"{readiness.code}:{getattr(readiness.key, 'pk', 0)}"
    waiting = Letter.objects.filter(
        request__operator=operator, status=Letter.Status.PENDING, signing_wait_since__isnull=False
    )
    context = {
        "operator_name": operator.legal_name(language),
        "why": readiness.message,
        "waiting": waiting.count(),
        "url": _admin_url(),
    }
    administrators = _people(operator, [Role.DPO]) or [("contact", operator.contact_email)]
    _send(
        key=f"signing-blocked:{operator.pk}:{cause}",
        people=administrators,
        template="signing_blocked",
        context=context,
        language=language,
    )
    since = waiting.aggregate(first=Min("signing_wait_since"))["first"]
    if since and now - since >= timedelta(hours=settings.DSAR_SIGNING_ESCALATE_AFTER_HOURS):
        everyone = _people(operator, [Role.DPO, Role.MANAGER]) + [("contact", operator.contact_email)]
        _send(
            key=f"signing-escalated:{operator.pk}:{cause}",
            people=everyone,
            template="signing_escalated",
            context={**context, "hours": settings.DSAR_SIGNING_ESCALATE_AFTER_HOURS},
            language=language,
        )


def _threshold_due(key: OperatorSigningKey, now: datetime) -> int | None:
    """The smallest threshold the key has crossed and not been warned about, or None."""
    left = key.not_after - now
    crossed = [d for d in THRESHOLDS if left <= timedelta(days=d) and getattr(key, f"warned_{d}_at") is None]
    return min(crossed) if crossed else None


def signing_expiry_warn(*, now: datetime | None = None) -> int:
    """E-mail the administrators of every operator whose certificate in use crosses 30 or 7 days
    before expiry, once per threshold (a key first seen at 5 days left gets the 7-day e-mail only).
    Returns how many keys were warned about."""
    now = now or timezone.now()
    soon = now + timedelta(days=max(THRESHOLDS))
    warned = 0
    keys = OperatorSigningKey.objects.filter(is_active=True, not_after__lte=soon, not_after__gt=now)
    for key in keys.select_related("operator").order_by("pk"):
        days = _threshold_due(key, now)
        if days is None:
            continue
        # Claimed by a conditional UPDATE: two beat runs at once send one e-mail.
        stamp = {f"warned_{d}_at": now for d in THRESHOLDS if d >= days}
        claimed = OperatorSigningKey.objects.filter(pk=key.pk, **{f"warned_{days}_at__isnull": True}).update(**stamp)
        if not claimed:
            continue
        operator = key.operator
        language = operator.default_language
        context = {
            "operator_name": operator.legal_name(language),
            "days": max((key.not_after - now).days, 0),
            "not_after": timezone.localtime(key.not_after, operator.tz).strftime("%d.%m.%Y"),
            "serial": key.serial,
            "url": _admin_url(),
        }
        people = _people(operator, [Role.DPO]) or [("contact", operator.contact_email)]
        _send(
            key=f"signing-expiry:{key.pk}:{days}",
            people=people,
            template="signing_expiry",
            context=context,
            language=language,
        )
        warned += 1
    return warned


def signing_notices(*, operator_ids: list[int] | None, now: datetime | None = None) -> list[dict]:
    """Dashboard cards: operators (of `operator_ids`, None = all) whose letters cannot be signed,
    or whose certificate expires within 30 days."""
    from ...models import Operator
    from . import can_sign_now

    now = now or timezone.now()
    operators = Operator.objects.all() if operator_ids is None else Operator.objects.filter(pk__in=operator_ids)
    cards = []
    for operator in operators.order_by("short_name"):
        readiness = can_sign_now(operator=operator, now=now)
        if not readiness.ok:
            waiting = Letter.objects.filter(
                request__operator=operator, status=Letter.Status.PENDING, signing_wait_since__isnull=False
            ).count()
            cards.append(
                {"operator": operator, "level": "error", "why": readiness.message, "waiting": waiting, "days": None}
            )
        elif readiness.key is not None and readiness.key.not_after - now <= timedelta(days=max(THRESHOLDS)):
            cards.append(
                {
                    "operator": operator,
                    "level": "warning",
                    "why": "",
                    "waiting": 0,
                    "days": (readiness.key.not_after - now).days,
                }
            )
    return cards
