"""Creating and revoking API keys (the admin calls these; the raw key is shown once)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import ApiKey, ApiScope, Event


def _check_may_manage_keys(*, actor, operator, action: str = "add_apikey") -> None:
    if not permissions.can(actor, action, operator):
        raise PermissionDenied(_("Only the operator's managers and DPO manage API keys."))


def api_key_create(*, operator, name: str, scopes: list[str], actor, rate_per_minute: int = 120) -> tuple[ApiKey, str]:
    """A new key; returns the row and the raw key, which is never stored or shown again."""
    _check_may_manage_keys(actor=actor, operator=operator)
    bad = [s for s in scopes if s not in ApiScope.values]
    if bad or not scopes:
        raise ValidationError({"scopes": _("Choose one or more scopes.")})
    raw, prefix, digest = ApiKey.generate()
    with transaction.atomic():
        key = ApiKey.objects.create(
            operator=operator,
            name=name,
            prefix=prefix,
            key_hash=digest,
            scopes=scopes,
            created_by=actor,
            rate_per_minute=rate_per_minute,
        )
        Event.append(
            operator=operator,
            action="api_key_created",
            actor=actor,
            actor_label="staff",
            data={"key": prefix, "scopes": scopes},
        )
    return key, raw


def api_key_revoke(*, key: ApiKey, actor, now: datetime | None = None) -> None:
    _check_may_manage_keys(actor=actor, operator=key.operator, action="change_apikey")
    with transaction.atomic():
        if ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now or timezone.now()):
            Event.append(
                operator=key.operator,
                action="api_key_revoked",
                actor=actor,
                actor_label="staff",
                data={"key": key.prefix},
            )
