"""The Ed25519 key that signs audit-chain checkpoints. It never lives in the database.

Where the key comes from (settings, from the environment):
- `DSAR_CHAIN_SIGNING_KEY`: the private key itself, PEM (PKCS#8) or the base64 of its 32 raw bytes;
- else `DSAR_CHAIN_SIGNING_KEY_FILE`: a PEM file (default `var/keys/chain-signing-key.pem`).
Development creates that file on first use (`DSAR_CHAIN_SIGNING_KEY_CREATE`, on by default);
production refuses to start without one of the two (config/settings/production.py).

Someone who can write the database but not read this key can rewrite the chain, but cannot
sign a checkpoint that matches the rewrite: see "Audit chain" in the README.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _load(raw: str) -> Ed25519PrivateKey:
    raw = raw.strip()
    if raw.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(raw.encode(), password=None)
    else:
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw))
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("The chain signing key must be an Ed25519 private key.")
    return key


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # O_EXCL: two processes starting at once keep one key (the loser reads the winner's file).
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


@functools.lru_cache(maxsize=4)
def _private_key(inline: str, path: str, create: bool) -> Ed25519PrivateKey:
    if inline:
        return _load(inline)
    if not path:
        raise ImproperlyConfigured("Set DSAR_CHAIN_SIGNING_KEY or DSAR_CHAIN_SIGNING_KEY_FILE.")
    file = Path(path)
    if not file.exists():
        if not create:
            raise ImproperlyConfigured(f"The chain signing key file {path} does not exist.")
        _create(file)
    return _load(file.read_text())


def private_key() -> Ed25519PrivateKey:
    return _private_key(
        settings.DSAR_CHAIN_SIGNING_KEY,
        str(settings.DSAR_CHAIN_SIGNING_KEY_FILE or ""),
        settings.DSAR_CHAIN_SIGNING_KEY_CREATE,
    )


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_text(key: Ed25519PublicKey | None = None) -> str:
    """The public key as base64 of its 32 raw bytes: what a DPO or the regulator keeps to verify."""
    key = key or public_key()
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short fingerprint of the public key, stored with each signature."""
    return hashlib.sha256(base64.b64decode(public_key_text(key))).hexdigest()[:16]


def verifying_keys() -> dict[str, Ed25519PublicKey]:
    """The keys checkpoints may be signed with, by key id: the current one and the retired ones
    (`DSAR_CHAIN_OLD_PUBLIC_KEYS`, base64 of each raw public key), so a rotation keeps old
    checkpoints verifiable."""
    keys = [public_key()] + [
        Ed25519PublicKey.from_public_bytes(base64.b64decode(text)) for text in settings.DSAR_CHAIN_OLD_PUBLIC_KEYS
    ]
    return {key_id(key): key for key in keys}


def sign(message: bytes) -> str:
    return base64.b64encode(private_key().sign(message)).decode()


def signature_valid(message: bytes, signature: str, key: Ed25519PublicKey | None = None) -> bool:
    key = key or public_key()
    try:
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True
