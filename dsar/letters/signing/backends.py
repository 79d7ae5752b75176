"""Where the operator's signing key lives, behind one small interface.

A backend answers two questions: which certificate signs (`certificate()`), and how the bytes
are signed. PAdES backends hand pyHanko a `Signer` and the signature goes inside the PDF; a
detached backend returns a CMS signature that is stored beside the PDF.

- `Pkcs12Backend` (default): the PKCS#12 file NCA issues, uploaded in the admin, kept sealed
  (dsar/outbox_crypto.py through SealedJSONField) with its password.
- `Pkcs11Backend`: a key on an HSM or token (`DSAR_SIGNING_PKCS11_LIB`, needs python-pkcs11,
  which is not installed here); the row names the key and certificate labels.
- `NcaCmsBackend`: for an operator whose only key is GOST 34.310, which pyHanko cannot use. It
  would call NCA's own SDK (Kalkan, or NCANode as a service) for a detached CMS signature. Not
  built: selecting it makes letters wait with a clear message, as a missing key does.
"""

from __future__ import annotations

import base64
import functools
from abc import ABC, abstractmethod
from typing import ClassVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .certs import CertificateInfo, certificate_info_der


class SigningUnavailable(Exception):
    """The operator cannot sign now: letters wait (nothing is lost) until this is put right.

    `code` is stable ("missing", "expired", "not_yet_valid", "unusable", "backend"); `message`
    is for the operator's administrators, in their language when rendered through str().
    """

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


class SigningBackend(ABC):
    # "pades": the signature is embedded in the PDF; "detached_cms": returned beside it.
    produces: ClassVar[str] = "pades"

    def __init__(self, key):
        self.key = key  # the OperatorSigningKey row

    def certificate(self) -> CertificateInfo:
        return certificate_info_der(bytes(self.key.certificate_der))

    def chain_der(self) -> list[bytes]:
        return [base64.b64decode(c) for c in self.key.chain]

    def pyhanko_signer(self):
        """The pyHanko Signer (PAdES backends)."""
        raise NotImplementedError

    def sign_detached(self, data: bytes) -> bytes:
        """A detached CMS SignedData over `data` (detached backends)."""
        raise NotImplementedError

    @abstractmethod
    def check(self) -> None:
        """Raise SigningUnavailable when this backend cannot sign at all (not about dates)."""


@functools.lru_cache(maxsize=64)
def _pkcs12_signer(fingerprint: str, p12: bytes, password: str):
    """A pyHanko signer for the PKCS#12 file, once per key per process: opening the file runs its
    key derivation, and pyHanko's SimpleSigner parses the private key again for every signature
    (a costly RSA key check), so the key is parsed here once and kept."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        key, cert, chain = pkcs12.load_key_and_certificates(p12, password.encode() if password else None)
    except ValueError as exc:
        raise SigningUnavailable("unusable", _("The PKCS#12 file or its password cannot be opened.")) from exc
    if key is None or cert is None:
        raise SigningUnavailable("unusable", _("The PKCS#12 file holds no key with its certificate."))
    der = serialization.Encoding.DER

    class _LoadedKeySigner(SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    private_der = key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return _LoadedKeySigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(private_der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(der)) for c in chain or ()]
        ),
    )


class Pkcs12Backend(SigningBackend):
    def _secret(self) -> tuple[bytes, str]:
        secret = self.key.secret or {}
        if "p12" not in secret:  # sealed with a key that is gone (DSAR_OUTBOX_SECRET rotated away)
            raise SigningUnavailable("unusable", _("The stored key cannot be decrypted: upload it again."))
        return base64.b64decode(secret["p12"]), secret.get("password", "")

    def check(self) -> None:
        self._secret()

    def pyhanko_signer(self):
        p12, password = self._secret()
        return _pkcs12_signer(self.key.certificate_sha256, p12, password)


class Pkcs11Backend(SigningBackend):
    def check(self) -> None:
        if not settings.DSAR_SIGNING_PKCS11_LIB:
            raise SigningUnavailable("backend", _("PKCS#11 signing is not configured (DSAR_SIGNING_PKCS11_LIB)."))
        try:
            import pkcs11  # noqa: F401
        except ImportError as exc:
            raise SigningUnavailable("backend", _("PKCS#11 signing needs the python-pkcs11 package.")) from exc

    def pyhanko_signer(self):
        from pyhanko.sign.pkcs11 import PKCS11Signer

        self.check()
        session = _pkcs11_session(
            settings.DSAR_SIGNING_PKCS11_LIB, settings.DSAR_SIGNING_PKCS11_TOKEN, settings.DSAR_SIGNING_PKCS11_PIN
        )
        return PKCS11Signer(session, key_label=self.key.pkcs11_key_label, cert_label=self.key.pkcs11_key_label or None)


@functools.lru_cache(maxsize=1)
def _pkcs11_session(lib: str, token: str, pin: str):
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    return open_pkcs11_session(lib, token_label=token or None, user_pin=pin or None)


class NcaCmsBackend(SigningBackend):
    produces = "detached_cms"

    def check(self) -> None:
        raise SigningUnavailable(
            "backend",
            _("Detached CMS signing through the NCA SDK (Kalkan or NCANode) is not available in this installation."),
        )


BACKENDS: dict[str, type[SigningBackend]] = {
    "pkcs12": Pkcs12Backend,
    "pkcs11": Pkcs11Backend,
    "nca_cms": NcaCmsBackend,
}


def backend_for(key) -> SigningBackend:
    try:
        return BACKENDS[key.backend](key)
    except KeyError as exc:
        raise SigningUnavailable("backend", _("Unknown signing backend.")) from exc
