"""Second factors that staff set up themselves, recovery codes, and resets by the administrator.

Every enrolment, reset and recovery-code use writes a `StaffSecurityEvent` (append-only) and
e-mails the member through the notification outbox in the same transaction, so a member
always hears when someone touched their second factor.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..labels import moment_text
from ..models import StaffSecurityEvent
from .notifications import notify

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper
TOTP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"


def _language_of(user) -> str:
    membership = user.memberships.select_related("operator").order_by("pk").first()
    return membership.operator.default_language if membership else settings.LANGUAGE_CODE[:2]


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def staff_event_record(*, user, action: str, actor=None, request=None) -> StaffSecurityEvent:
    """Log one security event for `user` and tell them by e-mail (after commit, through the outbox)."""
    with transaction.atomic():
        event = StaffSecurityEvent.objects.create(
            user=user, username=user.get_username(), actor=actor, action=action, ip_address=_client_ip(request)
        )
        language = _language_of(user)
        notify(
            key=f"staff-security:{event.pk}",
            channel="email",
            to=user.email,
            template="staff_security",
            context={
                "name": user.get_full_name() or user.get_username(),
                "action": action,
                "by_administrator": actor is not None and actor.pk != user.pk,
                "at": moment_text(event.created_at, tz=timezone.get_default_timezone(), language=language),
            },
            language=language,
        )
    return event


def totp_enrol_start(*, user) -> TOTPDevice:
    """A fresh unconfirmed authenticator for the QR code; an earlier unconfirmed one is replaced."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def totp_enrol_confirm(*, user, device_id: int, token: str, request=None) -> list[str] | None:
    """Confirm the new authenticator with one code; returns the recovery codes, or None when the code is wrong.

    On success the session counts as verified (the member just proved the second factor).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user=user, confirmed=False).first()
        if device is None or not device.verify_token((token or "").strip()):
            return None
        # One authenticator at a time: the new one replaces any earlier.
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        staff_event_record(user=user, action=StaffSecurityEvent.Action.TOTP_ENROLLED, request=request)
        codes = recovery_codes_issue(user=user, request=request)
    if request is not None:
        otp_login(request, device)
    return codes


def recovery_codes_issue(*, user, request=None) -> list[str]:
    """New single-use recovery codes; the earlier ones stop working. Shown once, stored by django-otp."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8)) for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        staff_event_record(user=user, action=StaffSecurityEvent.Action.RECOVERY_CODES_ISSUED, request=request)
    return codes


def devices_reset(*, user, actor, request=None) -> int:
    """The platform administrator removes every second factor of `user`; they enrol again at next sign-in."""
    from django_otp import devices_for_user

    with transaction.atomic():
        removed = 0
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
            removed += 1
        staff_event_record(user=user, action=StaffSecurityEvent.Action.DEVICES_RESET, actor=actor, request=request)
    return removed


def _passkey_added(sender, instance, created, **kwargs):
    if created:
        staff_event_record(user=instance.user, action=StaffSecurityEvent.Action.PASSKEY_ADDED)


def _connect_passkey_log():
    from django.db.models.signals import post_save
    from django_otp_webauthn.models import WebAuthnCredential

    post_save.connect(_passkey_added, sender=WebAuthnCredential, dispatch_uid="dsar-passkey-added")


_connect_passkey_log()
