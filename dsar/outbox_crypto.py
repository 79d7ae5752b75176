"""Encryption of what waits in the notification outbox (one-time codes, status links).

The key is derived (HKDF-SHA256) from `DSAR_OUTBOX_SECRET`, a setting of its own rather than
SECRET_KEY: rotating the session/HMAC secret then does not strand pending messages, and a
leaked SECRET_KEY does not open the outbox. `DSAR_OUTBOX_OLD_SECRETS` still decrypts rows
written before a rotation. Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`.
"""

from __future__ import annotations

import base64
import functools
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

SEALED = "sealed"


def _fernet_key(secret: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"dsar outbox context v1").derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


@functools.lru_cache(maxsize=4)
def _box(secret: str, old: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(s)) for s in (secret, *old)])


def box() -> MultiFernet:
    return _box(settings.DSAR_OUTBOX_SECRET, tuple(settings.DSAR_OUTBOX_OLD_SECRETS))


def seal(value: dict) -> dict:
    """{"sealed": token} for a non-empty context; an empty one stays {} (nothing to hide)."""
    if not value or is_sealed(value):
        return value
    plain = json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True).encode()
    return {SEALED: box().encrypt(plain).decode()}


def is_sealed(value) -> bool:
    return isinstance(value, dict) and set(value) == {SEALED}


def unseal(value):
    """The context a sealed value holds; a value that cannot be decrypted (lost key) stays sealed."""
    if not is_sealed(value):
        return value
    try:
        return json.loads(box().decrypt(value[SEALED].encode()))
    except InvalidToken:
        return value
