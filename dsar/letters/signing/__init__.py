"""Letters signed by their operator: PAdES signatures anyone can check (issue 27).

The delivery's render step calls two things (dsar/letters/services.py):

    readiness = can_sign_now(operator=..., now=...)   # ok, or why letters must wait
    signed = sign_letter_pdf(letter, pdf_bytes)       # raises SigningUnavailable to wait

Levels: PAdES B-B by default; B-T when `DSAR_SIGNING_TSA_URL` names an RFC 3161 timestamp
authority; B-LT on top of that (`DSAR_SIGNING_LT`), with the revocation information that the
certificate's OCSP/CRL addresses give, where they can be had. The signature covers the whole
file as rendered; a visible stamp (stamp.py) says who signed, the serial number and the time.

Keys live in backends.py (PKCS#12 by default, PKCS#11 by a setting, room for NCA's detached
CMS). Checking a letter is verify.py. This is not dsar/signing.py, the audit chain's key.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .backends import SigningUnavailable, backend_for
from .certs import CertificateInfo

FIELD_NAME = "OperatorSignature"
# Bytes kept in the file for the CMS signature (hex-encoded, so twice this on disk): an RSA-2048
# signature with NCA's chain of two certificates is about 4 KB; a timestamp token adds ~5 KB.
SIGNATURE_ROOM = 12 * 1024
TIMESTAMP_ROOM = 8 * 1024

__all__ = ["SigningUnavailable", "Readiness", "can_sign_now", "sign_letter_pdf", "sign_pdf", "active_key"]


def active_key(operator):
    from ...models import OperatorSigningKey

    return OperatorSigningKey.objects.filter(operator=operator, is_active=True).first()


@dataclass(frozen=True)
class Readiness:
    ok: bool
    key: object = None  # the OperatorSigningKey, or None (no key and signing not required)
    code: str = ""
    message: str = ""

    @property
    def signs(self) -> bool:
        return self.ok and self.key is not None


def _date(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y")


def can_sign_now(*, operator, now: datetime | None = None) -> Readiness:
    """Whether the operator's letters can be signed now; if not, why (a message for its administrators)."""
    now = now or timezone.now()
    key = active_key(operator)
    if key is None:
        if not settings.DSAR_LETTERS_SIGNING_REQUIRED:
            return Readiness(ok=True)
        return Readiness(False, None, "missing", str(_("No signing certificate is uploaded for this operator.")))
    if now < key.not_before:
        message = _("The signing certificate is valid only from %(date)s.") % {"date": _date(key.not_before)}
        return Readiness(False, key, "not_yet_valid", str(message))
    if now > key.not_after:
        message = _("The signing certificate expired on %(date)s: upload a new one.") % {"date": _date(key.not_after)}
        return Readiness(False, key, "expired", str(message))
    try:
        backend_for(key).check()
    except SigningUnavailable as exc:
        return Readiness(False, key, exc.code, str(exc.message))
    return Readiness(ok=True, key=key)


# --- trust roots and the timestamp authority -------------------------------------------------


def demo_ca_paths() -> tuple[Path, Path]:
    folder = Path(settings.DSAR_SIGNING_DEMO_CA_DIR)
    return folder / "ca.pem", folder / "ca-key.pem"


@functools.lru_cache(maxsize=8)
def _load_roots(paths: tuple[str, ...], stamps: tuple[float, ...]):
    from asn1crypto import pem, x509

    roots = []
    for path in paths:
        data = Path(path).read_bytes()
        blocks = [der for _t, _h, der in pem.unarmor(data, multiple=True)] if pem.detect(data) else [data]
        roots.extend(x509.Certificate.load(der) for der in blocks)
    return tuple(roots)


def trust_roots() -> tuple:
    """The roots signatures are checked against: DSAR_SIGNING_TRUST_ROOTS, and the demo CA where trusted."""
    paths = [p for p in settings.DSAR_SIGNING_TRUST_ROOTS if p]
    demo = demo_ca_paths()[0]
    if settings.DSAR_SIGNING_TRUST_DEMO_CA and demo.exists():
        paths.append(str(demo))
    paths = tuple(p for p in paths if Path(p).exists())
    return _load_roots(paths, tuple(Path(p).stat().st_mtime for p in paths))


def validation_context(*, fetch: bool = False):
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=list(trust_roots()), allow_fetching=fetch, revocation_mode="soft-fail")


def timestamper():
    """The RFC 3161 client, or None (PAdES B-B). Tests replace this with pyHanko's dummy TSA."""
    if not settings.DSAR_SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.DSAR_SIGNING_TSA_URL, timeout=settings.DSAR_SIGNING_TSA_TIMEOUT_SECONDS)


# --- signing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    record: dict


def _last_page(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]) - 1


def sign_pdf(pdf: bytes, *, key, language: str, tz, now: datetime | None = None) -> Signed:
    """Sign `pdf` with the operator's key; raises SigningUnavailable when it cannot be done now."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from .stamp import BOX, stamp_lines, stamp_style

    now = now or timezone.now()
    backend = backend_for(key)
    backend.check()
    info: CertificateInfo = backend.certificate()
    if not info.valid_at(now):
        raise SigningUnavailable("expired", _("The signing certificate is not valid now."))
    if backend.produces != "pades":
        raise SigningUnavailable("backend", _("This backend signs beside the PDF, which is not built yet."))
    tsa = timestamper()
    long_term = bool(tsa and settings.DSAR_SIGNING_LT)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=str(_("Letter of the personal data operator")),
        location="KZ",
        embed_validation_info=long_term,
        validation_context=validation_context(fetch=True) if long_term else None,
    )
    signer_name = info.common_name or info.subject
    lines = stamp_lines(language=language, signer=signer_name, serial=info.serial_hex, when=now, tz=tz)
    pdf_signer = signers.PdfSigner(
        meta,
        signer=backend.pyhanko_signer(),
        timestamper=tsa,
        stamp_style=stamp_style(lines),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=_last_page(pdf), box=BOX),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    # A fixed room for the signature spares pyHanko a trial signature to measure it; B-LT's
    # revocation data has no size known in advance, so pyHanko measures that one.
    reserved = None if long_term else (SIGNATURE_ROOM + (TIMESTAMP_ROOM if tsa else 0))
    out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
    level = "B-LT" if long_term else "B-T" if tsa else "B-B"
    record = {
        "certificate_sha256": info.sha256,
        "serial": info.serial_hex,
        "subject": info.subject,
        "signer": signer_name,
        "level": level,
        "signed_at": now.isoformat(),
        "demo": bool(key.is_demo),
    }
    return Signed(pdf=out.getvalue(), record=record)


def sign_letter_pdf(letter, pdf_bytes: bytes, *, now: datetime | None = None) -> bytes:
    """The letter's PDF signed by its operator, or unchanged when the operator has no key and
    signing is not required. Records who signed on `letter.signature` (the caller saves it).
    Raises SigningUnavailable: the letter then waits, nothing is stored."""
    operator = letter.request.operator
    readiness = can_sign_now(operator=operator, now=now)
    if not readiness.ok:
        raise SigningUnavailable(readiness.code, readiness.message)
    if readiness.key is None:
        letter.signature = {}
        return pdf_bytes
    signed = sign_pdf(pdf_bytes, key=readiness.key, language=letter.language, tz=operator.tz, now=now)
    letter.signature = signed.record
    return signed.pdf
