"""Letters signed with PAdES (dsar/letters/signing/): pyHanko's own validator is the judge."""

import io
from datetime import timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from dsar.letters.rendering import letter_pdf
from dsar.letters.signing import SigningUnavailable, can_sign_now, sign_pdf
from dsar.letters.signing.certs import certificate_info_der, demo_authority, demo_pkcs12, open_pkcs12
from dsar.letters.signing.stamp import BOX, stamp_lines
from tests.factories import OperatorFactory

from .helpers import pdf_text

pytestmark = pytest.mark.django_db

CONTEXT = {
    "language": "kk",
    "kind": "acknowledgment",
    "title": "Өтінішті алғаны туралы хабарлама",
    "paragraphs": ["Құрметті Әлия Қасымқызы!", "Сіздің өтінішіңіз алынды."],
    "date": "10.03.2026",
    "operator": {
        "name": "Сәуле ЖШС",
        "bin_iin": "240640012348",
        "address": "Астана",
        "email": "a@b.kz",
        "phone": "",
        "website": "",
        "responsible": "Е. Касымова",
    },
    "subject": {"name": "Әлия", "representative": ""},
    "request": {
        "reference": "QZT-2026-000123",
        "kind": "access",
        "kind_label": "Қол жеткізу",
        "received": "",
        "due": "13.03.2026",
    },
    "refusal": None,
    "claim_outcome": "",
    "appeal": False,
    "register": None,
    "records": [],
}


@pytest.fixture(scope="module")
def letter_bytes():
    return letter_pdf(context=CONTEXT, number="QZT-OUT-2026-000001", code="ABCDEFGHJKMN")


def root_of(ca):
    return asn1_x509.Certificate.load(ca.certificate.public_bytes(serialization.Encoding.DER))


def pyhanko_status(data: bytes, ca):
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[root_of(ca)]))


@pytest.fixture
def operator(db):
    return OperatorFactory(bin_iin="240640012348")


def test_it_signs_a_letter_that_pyhankos_validator_accepts_with_the_demo_ca_as_root(
    operator, give_key, signing_required, letter_bytes
):
    key = give_key(operator)
    signed = sign_pdf(letter_bytes, key=key, language="kk", tz=operator.tz)

    status = pyhanko_status(signed.pdf, signing_required)
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signed.pdf.startswith(letter_bytes), "the signature is an incremental update of the rendered letter"
    assert signed.record["level"] == "B-B" and signed.record["serial"] == key.serial
    assert signed.record["certificate_sha256"] == key.certificate_sha256
    # The letter's text is still there, unchanged.
    assert "QZT-OUT-2026-000001" in pdf_text(signed.pdf)


def test_it_is_not_trusted_under_another_root(operator, give_key, signing_required, letter_bytes):
    signed = sign_pdf(letter_bytes, key=give_key(operator), language="ru", tz=operator.tz)
    stranger = demo_authority(now=timezone.now())
    status = pyhanko_status(signed.pdf, stranger)
    assert status.intact and not status.trusted and not status.bottom_line


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_it_fails_validation_when_one_byte_changes(operator, give_key, signing_required, letter_bytes, where):
    signed = sign_pdf(letter_bytes, key=give_key(operator), language="ru", tz=operator.tz).pdf
    # A byte of the rendered letter (the signed range), never of the signature's own placeholder.
    at = int(len(letter_bytes) * where)
    changed = bytearray(signed)
    changed[at] = (changed[at] + 1) % 256
    try:
        status = pyhanko_status(bytes(changed), signing_required)
    except Exception:  # noqa: BLE001 - a file pyHanko can no longer read fails too
        return
    assert not (status.intact and status.valid) and not status.bottom_line


def test_it_timestamps_the_signature_when_a_tsa_is_configured(
    operator, give_key, signing_required, dummy_tsa, letter_bytes, settings
):
    settings.DSAR_SIGNING_LT = False
    signed = sign_pdf(letter_bytes, key=give_key(operator), language="en", tz=operator.tz)
    status = pyhanko_status(signed.pdf, signing_required)
    assert signed.record["level"] == "B-T"
    assert status.bottom_line and status.timestamp_validity is not None and status.timestamp_validity.valid


def test_it_embeds_validation_information_for_b_lt(operator, give_key, signing_required, dummy_tsa, letter_bytes):
    signed = sign_pdf(letter_bytes, key=give_key(operator), language="en", tz=operator.tz)
    reader = PdfFileReader(io.BytesIO(signed.pdf))
    assert signed.record["level"] == "B-LT"
    assert "/DSS" in reader.root, "the document security store holds the chain (and revocation data where had)"
    assert pyhanko_status(signed.pdf, signing_required).bottom_line


def test_it_puts_the_visible_stamp_on_the_last_page(operator, give_key, signing_required, letter_bytes):
    signed = sign_pdf(letter_bytes, key=give_key(operator), language="kk", tz=operator.tz).pdf
    reader = PdfFileReader(io.BytesIO(signed))
    pages = reader.root["/Pages"]
    last = pages["/Kids"][int(pages["/Count"]) - 1]
    widgets = [a.get_object() for a in last["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert len(widgets) == 1
    assert [round(float(v), 1) for v in widgets[0]["/Rect"]] == [round(v, 1) for v in BOX]
    assert "/AP" in widgets[0], "a visible appearance, not an invisible signature"


@pytest.mark.parametrize(
    "language,words",
    [("kk", "Қол қойған"), ("ru", "Подписал"), ("en", "Signer")],
)
def test_it_writes_the_stamp_in_the_letters_language(operator, give_key, language, words):
    key = give_key(operator)
    lines = stamp_lines(
        language=language, signer=key.common_name, serial=key.serial, when=timezone.now(), tz=operator.tz
    )
    text = " ".join(lines)
    assert words in text and key.serial in text and key.common_name in text


def test_it_reads_bin_and_iin_as_nca_writes_them(demo_ca):
    now = timezone.now()
    p12 = demo_pkcs12(
        demo_ca,
        organisation="Test",
        bin_iin="240640012348",
        password="x",
        not_before=now,
        not_after=now + timedelta(days=10),
    )
    info = certificate_info_der(open_pkcs12(p12, "x").certificate_der)
    assert (info.bin, info.iin) == ("240640012348", "240640012348")
    assert info.common_name.startswith("DEMO ")


@pytest.mark.parametrize("shift,code", [(-400, "expired"), (30, "not_yet_valid")])
def test_it_will_not_sign_outside_the_certificates_validity(
    operator, give_key, signing_required, shift, code, letter_bytes
):
    now = timezone.now()
    if shift < 0:
        key = give_key(operator, valid_from=now - timedelta(days=800), valid_until=now + timedelta(days=shift))
    else:
        key = give_key(operator, valid_from=now + timedelta(days=shift), valid_until=now + timedelta(days=400))
    readiness = can_sign_now(operator=operator)
    assert not readiness.ok and readiness.code == code
    with pytest.raises(SigningUnavailable):
        sign_pdf(letter_bytes, key=key, language="ru", tz=operator.tz)


def test_it_needs_a_certificate_when_signing_is_required(operator, signing_required):
    readiness = can_sign_now(operator=operator)
    assert not readiness.ok and readiness.code == "missing"
