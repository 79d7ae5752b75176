"""Storing an operator's signing certificate: the one service the admin, dsar_demo and tests call."""

from __future__ import annotations

import base64
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .certs import CertificateError, open_pkcs12


class KeyRejected(ValueError):
    """The uploaded file cannot be this operator's signing key; the message says why."""


def signing_key_check(*, operator, p12: bytes, password: str, now: datetime | None = None):
    """What the PKCS#12 file holds, if it can be this operator's key now; else KeyRejected."""
    now = now or timezone.now()
    try:
        content = open_pkcs12(p12, password)
    except CertificateError as exc:
        raise KeyRejected(_("The file cannot be used: %(why)s.") % {"why": exc}) from exc
    info = content.info
    ids = {v for v in (info.bin, info.iin) if v}
    if operator.bin_iin and ids and operator.bin_iin not in ids:
        raise KeyRejected(
            _("The certificate is issued for BIN/IIN %(ids)s, not for this operator's %(own)s.")
            % {"ids": ", ".join(sorted(ids)), "own": operator.bin_iin}
        )
    if info.not_after <= now:
        raise KeyRejected(_("The certificate expired on %(date)s.") % {"date": info.not_after.strftime("%d.%m.%Y")})
    return content


def signing_key_upload(
    *, operator, p12: bytes, password: str, actor=None, is_demo: bool = False, now: datetime | None = None
):
    """Check the PKCS#12 file, seal it with its password, make it the operator's key in use."""
    from ...models import OperatorSigningKey

    now = now or timezone.now()
    content = signing_key_check(operator=operator, p12=p12, password=password, now=now)
    info = content.info
    from ..services import letters_release_waiting

    with transaction.atomic():
        OperatorSigningKey.objects.select_for_update().filter(operator=operator, is_active=True).update(is_active=False)
        key = OperatorSigningKey.objects.create(
            operator=operator,
            backend=OperatorSigningKey.Backend.PKCS12,
            is_demo=is_demo,
            secret={"p12": base64.b64encode(p12).decode(), "password": password},
            certificate_der=content.certificate_der,
            chain=[base64.b64encode(c).decode() for c in content.chain_der],
            certificate_sha256=info.sha256,
            subject=info.subject[:500],
            common_name=info.common_name[:200],
            bin=info.bin,
            iin=info.iin,
            serial=info.serial_hex,
            issuer=info.issuer[:500],
            not_before=info.not_before,
            not_after=info.not_after,
            uploaded_by=actor,
            uploaded_at=now,
        )
        # Letters that waited for a certificate are due now; the outbox sweep queues them.
        letters_release_waiting(operator=operator, now=now)
    return key
