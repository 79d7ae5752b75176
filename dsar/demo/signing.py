"""Demo signing keys: a demo CA and one certificate per operator, so letters in bin/dev are signed.

Everything says DEMO (the CA's name, each certificate's CN); the CA is trusted only where
DSAR_SIGNING_TRUST_DEMO_CA is on (development; production turns it off).
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.utils import timezone

from dsar.letters.signing import active_key, demo_ca_paths
from dsar.letters.signing.certs import (
    DemoAuthority,
    demo_authority,
    demo_authority_pem,
    demo_pkcs12,
    load_demo_authority,
)
from dsar.letters.signing.keys import signing_key_upload

DEMO_KEY_PASSWORD = "demo-only"


def demo_ca() -> DemoAuthority:
    """The demo CA from DSAR_SIGNING_DEMO_CA_DIR, made there on first use (key file 0600)."""
    cert_path, key_path = demo_ca_paths()
    if cert_path.exists() and key_path.exists():
        return load_demo_authority(key_path.read_bytes(), cert_path.read_bytes())
    ca = demo_authority(now=timezone.now())
    key_pem, cert_pem = demo_authority_pem(ca)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    cert_path.write_bytes(cert_pem)
    return ca


def load_signing_keys(operators) -> int:
    """A demo certificate (valid a year) for each operator that has no key in use; how many were made."""
    ca = None
    made = 0
    now = timezone.now()
    for operator in operators:
        if active_key(operator) is not None:
            continue
        ca = ca or demo_ca()
        p12 = demo_pkcs12(
            ca,
            organisation=operator.name_ru or operator.short_name,
            bin_iin=operator.bin_iin,
            password=DEMO_KEY_PASSWORD,
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=365),
        )
        signing_key_upload(operator=operator, p12=p12, password=DEMO_KEY_PASSWORD, is_demo=True, now=now)
        made += 1
    return made
