"""The public verification page and the chain check catch a changed letter or digest."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dsar.letters.rendering import short_code
from dsar.letters.services import letter_issue, letter_render, letter_verify, letters_check
from dsar.models import Event, Letter, LetterKind
from dsar.models.events import verify_chain

from .helpers import request_ready_for


@pytest.fixture
def letter(operator):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT, language="en", subject_name="Dana Serikova")
    issued = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    return letter_render(letter_id=issued.pk)


def page(client, code, lang="en"):
    return client.get(f"/{lang}/verify/", {"code": code})


def test_it_confirms_an_intact_letter_without_showing_personal_data(client, letter, operator):
    response = page(client, short_code(letter.verification_code).lower())
    body = response.content.decode()
    assert response.status_code == 200
    assert "This letter is authentic." in body
    assert letter.number in body and letter.context["date"] in body and operator.name_en in body
    for personal in ["Dana Serikova", "dana@example.kz", letter.request.reference]:
        assert personal not in body


def test_it_says_so_when_no_letter_has_the_code(client, db):
    response = page(client, "ABCD-EFGH-JKMN")
    assert response.status_code == 404
    assert "No letter has this code." in response.content.decode()


def test_it_shows_the_empty_form_without_a_code(client, db):
    response = client.get("/kk/verify/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_it_catches_a_changed_pdf(client, letter):
    path = letter.file.path
    data = open(path, "rb").read()
    with open(path, "wb") as fh:
        fh.write(data.replace(b"%%EOF", b"%%EOF\n% edited"))
    assert not letter_verify(code=letter.verification_code).authentic
    assert "This letter cannot be confirmed." in page(client, letter.verification_code).content.decode()
    assert letters_check(operator_id=letter.request.operator_id) == [
        f"letter {letter.number} (id {letter.pk}): stored file does not match its digest"
    ]


def test_it_catches_a_replaced_pdf_with_a_matching_digest_column(letter):
    """Swap the file and update Letter.sha256 to match: the audit event still holds the original digest."""
    import hashlib

    forged = letter.file.read() + b"\n% a forged copy"
    with open(letter.file.path, "wb") as fh:
        fh.write(forged)
    Letter.objects.filter(pk=letter.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    check = letter_verify(code=letter.verification_code)
    assert not check.authentic and check.problem == "digest differs from the one in the audit event"


def test_it_catches_an_edited_audit_digest_and_the_chain_check_fails(letter):
    import hashlib

    forged = letter.file.read() + b"\n"
    with open(letter.file.path, "wb") as fh:
        fh.write(forged)
    digest = hashlib.sha256(forged).hexdigest()
    Letter.objects.filter(pk=letter.pk).update(sha256=digest)
    event = Event.objects.get(action="letter_issued", data__letter=letter.pk)
    Event.objects.filter(pk=event.pk).update(data={**event.data, "sha256": digest})

    assert letter_verify(code=letter.verification_code).problem == "the audit event was edited"
    assert verify_chain(letter.request.operator_id).reason == "note or data was edited"
    with pytest.raises(CommandError):
        call_command("dsar_verify_chain", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))


def test_it_passes_the_chain_check_when_nothing_was_touched(letter, capsys):
    call_command("dsar_verify_chain", operator=letter.request.operator.slug)
    assert f"ok {letter.request.operator.slug}" in capsys.readouterr().out


def test_it_reports_a_letter_still_being_prepared(client, operator):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT)
    pending = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    check = letter_verify(code=pending.verification_code)
    assert check.found and check.pending and not check.authentic
    response = page(client, pending.verification_code)
    assert response.status_code == 200 and "still being prepared" in response.content.decode()


def test_it_asks_again_for_a_code_made_of_punctuation(client, db):
    response = page(client, "----")
    assert response.status_code == 200
    assert "Enter the code printed under the QR code" in response.content.decode()


def test_it_finds_a_letter_by_its_code_typed_in_lower_case_with_spaces_and_shows_the_letters_language(operator):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT, language="kk")
    letter = letter_render(letter_id=letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT).pk)
    code = letter.verification_code
    check = letter_verify(code=f" {code[:4].lower()} {code[4:8].lower()}-{code[8:]} ")
    assert check.found and check.authentic and not check.pending
    assert (check.number, check.date, check.operator) == (letter.number, letter.context["date"], operator.name_kk)
    assert not letter_verify(code=code + "Z").found


def broken(letter, how):
    """Spoil a stored letter in one of the ways the check must name."""
    if how == "no digest":
        Letter.objects.filter(pk=letter.pk).update(sha256="")
    elif how == "file gone":
        letter.file.storage.delete(letter.file.name)
    elif how == "no event":
        event = Event.objects.get(action="letter_issued", data__letter=letter.pk)
        Event.objects.filter(pk=event.pk).update(data={**event.data, "letter": 0})


@pytest.mark.parametrize(
    "how, problem",
    [
        ("no digest", "no stored file or digest"),
        ("file gone", "stored file is missing"),
        ("no event", "no audit event records the letter"),
    ],
)
def test_it_names_what_is_wrong_with_a_stored_letter(letter, how, problem, caplog):
    broken(letter, how)
    check = letter_verify(code=letter.verification_code)
    assert check.found and not check.authentic and check.problem == problem
    assert f"Letter {letter.pk} failed verification: {problem}" in caplog.messages


def test_it_checks_only_the_operators_ready_letters_in_order(letter, operator):
    from tests.factories import OperatorFactory

    request = letter.request
    second = letter_render(letter_id=letter_issue(request=request, kind=LetterKind.CLARIFICATION).pk)
    letter_issue(request=request, kind=LetterKind.CLARIFICATION)  # still pending: nothing stored to check
    other = request_ready_for(OperatorFactory(), LetterKind.ACKNOWLEDGMENT)
    elsewhere = letter_render(letter_id=letter_issue(request=other, kind=LetterKind.ACKNOWLEDGMENT).pk)
    for spoiled in (second, letter, elsewhere):
        broken(spoiled, "no digest")
    assert letters_check(operator_id=operator.pk) == [
        f"letter {letter.number} (id {letter.pk}): no stored file or digest",
        f"letter {second.number} (id {second.pk}): no stored file or digest",
    ]
