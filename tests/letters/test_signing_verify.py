"""The verify page, the upload page and `dsar_letter_verify` give one verdict on a letter's file."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from dsar.letters.rendering import letter_pdf
from dsar.letters.services import letter_issue, letter_render, letter_verify
from dsar.letters.signing import sign_pdf
from dsar.models import Letter, LetterKind
from tests.factories import OperatorFactory

from .helpers import request_ready_for

pytestmark = pytest.mark.django_db

CASES = ["intact", "one_byte_changed", "another_operators_signature", "unsigned"]


@pytest.fixture
def signed_letter(operator, give_key, signing_required):
    give_key(operator)
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    return letter_render(letter_id=letter.pk, now=timezone.now())


def file_for(case, letter, give_key):
    stored = letter.file.read()
    unsigned = letter_pdf(context=letter.context, number=letter.number, code=letter.verification_code)
    if case == "intact":
        return stored
    if case == "one_byte_changed":
        changed = bytearray(stored)
        at = len(unsigned) // 2
        changed[at] = (changed[at] + 1) % 256
        return bytes(changed)
    if case == "another_operators_signature":
        other = OperatorFactory()
        return sign_pdf(unsigned, key=give_key(other), language=letter.language, tz=other.tz).pdf
    return unsigned


def command_ok(path) -> bool:
    try:
        call_command("dsar_letter_verify", str(path), stdout=io.StringIO())
    except CommandError:
        return False
    return True


def upload_ok(client, data) -> bool:
    response = client.post(reverse("letters:check_file"), {"pdf": SimpleUploadedFile("letter.pdf", data)})
    assert response.status_code == 200
    return response.context["verdict"].ok


def replace_stored_file(letter, data):
    # Someone with write access to the file store swaps the stored letter.
    name = letter.file.name
    storage = letter.file.storage
    storage.delete(name)
    storage.save(name, ContentFile(data))


@pytest.mark.parametrize("case", CASES)
def test_it_gives_the_same_verdict_on_the_verify_page_the_upload_page_and_the_command(
    case, signed_letter, give_key, client, tmp_path
):
    data = file_for(case, signed_letter, give_key)
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)

    by_command = command_ok(path)
    by_upload = upload_ok(client, data)
    replace_stored_file(signed_letter, data)
    by_page = letter_verify(code=signed_letter.verification_code).authentic
    page = client.get(reverse("letters:verify"), {"code": signed_letter.verification_code})

    assert by_command == by_upload == by_page == (case == "intact")
    assert page.context["check"].authentic == by_page


def test_it_shows_the_signer_time_and_register_entry_on_the_verify_page(signed_letter, client, operator):
    page = client.get(reverse("letters:verify"), {"code": signed_letter.verification_code})
    body = page.content.decode()
    key = operator.signing_keys.get(is_active=True)
    assert page.context["check"].authentic
    assert key.common_name in body and key.serial in body and signed_letter.number in body
    assert signed_letter.context["subject"]["name"] not in body, "no personal data on a public page"
    assert page.context["verdict"].signed_at is not None


def test_it_names_the_letter_and_signer_of_an_uploaded_authentic_file(signed_letter, client, operator):
    response = client.post(
        reverse("letters:check_file"), {"pdf": SimpleUploadedFile("x.pdf", signed_letter.file.read())}
    )
    body = response.content.decode()
    assert signed_letter.number in body and operator.signing_keys.get().serial in body


def test_it_refuses_an_upload_over_the_size_limit_and_keeps_nothing(client, settings, db, private_storage):
    settings.DSAR_LETTER_CHECK_MAX_BYTES = 1024
    response = client.post(reverse("letters:check_file"), {"pdf": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 4096)})
    assert response.status_code == 400 and response.context["verdict"] is None
    assert not private_storage.exists() or not any(private_storage.rglob("*"))


def test_it_answers_a_file_that_is_not_a_pdf_without_an_error(client, db):
    response = client.post(reverse("letters:check_file"), {"pdf": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert response.status_code == 200 and not response.context["verdict"].ok
    assert "unreadable" in response.context["verdict"].problems or "unsigned" in response.context["verdict"].problems


def test_it_keeps_a_letter_signed_with_a_retired_certificate_authentic(signed_letter, operator, give_key, tmp_path):
    give_key(operator, now=timezone.now() + timedelta(seconds=1))  # a new certificate replaces the old one
    path = tmp_path / "l.pdf"
    path.write_bytes(signed_letter.file.read())
    assert command_ok(path)
    assert Letter.objects.get(pk=signed_letter.pk).signature


def test_it_exits_2_for_a_file_it_cannot_read(tmp_path, db):
    with pytest.raises(CommandError) as caught:
        call_command("dsar_letter_verify", str(tmp_path / "missing.pdf"), stdout=io.StringIO())
    assert caught.value.returncode == 2
