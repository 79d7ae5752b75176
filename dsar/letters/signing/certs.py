"""Reading the operator's certificate the way NCA writes it, and making the demo CA.

NCA (the National Certification Authority of Kazakhstan, pki.gov.kz) puts the company's BIN in
the subject's OU as "BIN123456789012" and the signer's IIN in the subject's serialNumber as
"IIN123456789012". A key issued for a legal entity carries both.

Nothing here signs a PDF (backends.py does) and nothing here is the audit chain's key
(dsar/signing.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


class CertificateError(ValueError):
    """A PKCS#12 file that cannot be opened, or holds no RSA key and certificate."""


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    common_name: str
    bin: str
    iin: str
    serial_hex: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str  # of the DER certificate: what a letter records as its signer
    issuer: str

    def valid_at(self, when: dt.datetime) -> bool:
        return self.not_before <= when <= self.not_after


def _attr(name: x509.Name, oid) -> list[str]:
    return [str(a.value) for a in name.get_attributes_for_oid(oid)]


def _tagged(values: list[str], tag: str) -> str:
    for value in values:
        if value.upper().startswith(tag) and value[len(tag) :].isdigit():
            return value[len(tag) :]
    return ""


def certificate_info(cert: x509.Certificate) -> CertificateInfo:
    subject = cert.subject
    return CertificateInfo(
        subject=subject.rfc4514_string(),
        common_name=", ".join(_attr(subject, NameOID.COMMON_NAME)),
        bin=_tagged(_attr(subject, NameOID.ORGANIZATIONAL_UNIT_NAME), "BIN"),
        iin=_tagged(_attr(subject, NameOID.SERIAL_NUMBER), "IIN"),
        serial_hex=format(cert.serial_number, "x").upper(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        issuer=cert.issuer.rfc4514_string(),
    )


def certificate_info_der(der: bytes) -> CertificateInfo:
    return certificate_info(x509.load_der_x509_certificate(der))


@dataclass(frozen=True)
class Pkcs12Content:
    certificate_der: bytes
    chain_der: tuple[bytes, ...]
    info: CertificateInfo


def open_pkcs12(data: bytes, password: str) -> Pkcs12Content:
    """The certificate and chain of a PKCS#12 file; CertificateError when it cannot be used."""
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError as exc:
        raise CertificateError("wrong password or not a PKCS#12 file") from exc
    if cert is None or key is None:
        raise CertificateError("the file holds no key with its certificate")
    if not isinstance(key, rsa.RSAPrivateKey):
        # GOST 34.310 keys (NCA's other kind) cannot sign PAdES with pyHanko: docs/operators/signing.md.
        raise CertificateError("the key is not an RSA key (GOST keys need the NCA SDK)")
    der = serialization.Encoding.DER
    return Pkcs12Content(
        certificate_der=cert.public_bytes(der),
        chain_der=tuple(c.public_bytes(der) for c in chain or ()),
        info=certificate_info(cert),
    )


# --- the demo CA (dsar_demo, tests, the preview without a real key) ------------------------


@dataclass(frozen=True)
class DemoAuthority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)


def _rsa(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def demo_authority(*, now: dt.datetime, years: int = 10) -> DemoAuthority:
    """A self-signed root whose name says DEMO: nobody mistakes it for NCA."""
    key = _rsa()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DEMO DSAR portal"),
            x509.NameAttribute(NameOID.COMMON_NAME, "DEMO certification authority (not NCA)"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return DemoAuthority(key=key, certificate=cert)


def load_demo_authority(key_pem: bytes, cert_pem: bytes) -> DemoAuthority:
    return DemoAuthority(
        key=serialization.load_pem_private_key(key_pem, password=None),
        certificate=x509.load_pem_x509_certificate(cert_pem),
    )


def demo_authority_pem(ca: DemoAuthority) -> tuple[bytes, bytes]:
    key = ca.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key, ca.pem


def demo_pkcs12(
    ca: DemoAuthority,
    *,
    organisation: str,
    bin_iin: str,
    password: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
    key: rsa.RSAPrivateKey | None = None,
) -> bytes:
    """A PKCS#12 file shaped like NCA's for a legal entity (BIN in OU, IIN in serialNumber), CN "DEMO ..."."""
    key = key or _rsa()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"DEMO {organisation}"[:64]),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{bin_iin}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64] or "DEMO"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"BIN{bin_iin}"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()), critical=False)
        .sign(ca.key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(b"signing", key, cert, [ca.certificate], encryption)
