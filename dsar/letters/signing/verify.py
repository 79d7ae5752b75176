"""Checking a letter's PDF: the one verdict behind the verify page, the upload page and
`manage.py dsar_letter_verify`.

A letter is authentic when (1) its PAdES signature is intact and covers the whole file,
(2) the signing certificate is one the letter's operator registered (OperatorSigningKey, kept
after a rotation), and (3) the file's SHA-256 is the one the register (Letter.sha256, and the
audit event that recorded it) holds. Whether the certificate chains to a trusted root (NCA, or
the demo CA in development) is shown beside it; it is not part of the verdict, because a letter
signed with a certificate that has since expired stays the operator's letter.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime

logger = logging.getLogger(__name__)


@dataclass
class Verdict:
    signed: bool = False
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    timestamped: bool = False
    signer: str = ""
    serial: str = ""
    bin_iin: str = ""
    certificate_sha256: str = ""
    signed_at: datetime | None = None
    sha256: str = ""
    letter: object = None  # the Letter whose register entry the file matches, if any
    operator_match: bool = False
    register_match: bool = False
    problems: list[str] = field(default_factory=list)  # stable codes, see PROBLEMS

    @property
    def ok(self) -> bool:
        """The file is the register's letter, and signed by its operator. A letter the register
        records as issued unsigned (only where DSAR_LETTERS_SIGNING_REQUIRED is off) is proven by
        the register's digest alone."""
        if not self.register_match:
            return False
        if not self.letter.signature:
            return not self.signed
        return self.signed and self.intact and self.whole_file and self.operator_match


# code -> what a person reads (verify pages, the command's output)
def problem_text(code: str) -> str:
    from django.utils.translation import gettext as _

    return {
        "unreadable": _("The file is not a readable PDF."),
        "unsigned": _("The file carries no signature."),
        "several": _("The file carries more than one signature; a letter has one."),
        "broken": _("The signature does not match the file: the file was changed after signing."),
        "partial": _("The signature does not cover the whole file: something was added after signing."),
        "not_in_register": _("No letter in the register has exactly this file."),
        "other_signer": _("The signature is not one of the operator's registered certificates."),
        "register_entry": _("The register entry of this letter does not match its stored record."),
    }.get(code, code)


def _signature_status(data: bytes, verdict: Verdict):
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    from . import certs, validation_context

    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        logger.info("Uploaded letter could not be read: %s", type(exc).__name__)
        verdict.problems.append("unreadable")
        return
    if not signatures:
        verdict.problems.append("unsigned")
        return
    if len(signatures) > 1:
        verdict.problems.append("several")
    verdict.signed = True
    try:
        status = validate_pdf_signature(signatures[-1], validation_context())
    except Exception as exc:  # noqa: BLE001 - a damaged signature is a verdict, not a crash
        logger.info("Signature could not be validated: %s", type(exc).__name__)
        verdict.problems.append("broken")
        return
    verdict.intact = bool(status.intact and status.valid)
    verdict.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    verdict.trusted = bool(status.trusted)
    verdict.timestamped = status.timestamp_validity is not None and bool(status.timestamp_validity.valid)
    verdict.signed_at = (
        status.timestamp_validity.timestamp if verdict.timestamped else None
    ) or status.signer_reported_dt
    info = certs.certificate_info_der(status.signing_cert.dump())
    verdict.signer = info.common_name or info.subject
    verdict.serial = info.serial_hex
    verdict.bin_iin = info.bin or info.iin
    verdict.certificate_sha256 = info.sha256
    if not verdict.intact:
        verdict.problems.append("broken")
    elif not verdict.whole_file:
        verdict.problems.append("partial")


def verify_letter_pdf(data: bytes, *, letter=None) -> Verdict:
    """The verdict on a PDF, against `letter` when the caller knows it (the verify page reads the
    stored file of a known letter), else against the letter whose register digest it matches."""
    from ...models import Letter, OperatorSigningKey
    from ..integrity import integrity_problem as _integrity_problem

    verdict = Verdict(sha256=hashlib.sha256(data).hexdigest())
    _signature_status(data, verdict)
    if letter is None:
        letter = (
            Letter.objects.select_related("request__operator")
            .filter(sha256=verdict.sha256, status=Letter.Status.READY)
            .first()
        )
    elif letter.sha256 != verdict.sha256:
        letter = None
    if letter is None:
        verdict.problems.append("not_in_register")
        return verdict
    verdict.letter = letter
    if not letter.signature and "unsigned" in verdict.problems:
        verdict.problems.remove("unsigned")  # issued unsigned where signing was not required
    verdict.register_match = not _integrity_problem(letter)
    if not verdict.register_match:
        verdict.problems.append("register_entry")
    if verdict.signed and verdict.certificate_sha256:
        verdict.operator_match = OperatorSigningKey.objects.filter(
            operator_id=letter.request.operator_id, certificate_sha256=verdict.certificate_sha256
        ).exists()
        if not verdict.operator_match:
            verdict.problems.append("other_signer")
    return verdict
