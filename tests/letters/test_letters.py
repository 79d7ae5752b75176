"""Every kind of letter, in Kazakh, Russian and English, read back from the PDF."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from dsar.letters import texts
from dsar.letters.services import LetterError, letter_issue, letter_render
from dsar.models import Event, Letter, LetterKind
from dsar.models.letters import AccessRecord, LetterTemplate, ProcessingActivity
from tests.factories import OperatorFactory

from .helpers import KAZAKH_LETTERS, KAZAKH_NAME, PLANS, english_register, flat, pdf_text, request_ready_for

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ALMATY)  # a Tuesday


@pytest.fixture
def kz_operator(db):
    return OperatorFactory(
        name_kk="Сәуле Қызмет ЖШС",
        name_ru="ТОО «Сауле Кызмет»",
        name_en="Saule Kyzmet LLP",
        contact_phone="+7 717 200 00 00",
    )


def issue_and_render(request, kind):
    letter = letter_issue(request=request, kind=kind)
    return letter_render(letter_id=letter.pk)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("kind", list(PLANS))
def test_it_renders_every_kind_of_letter_in_each_language(kz_operator, kind, language):
    with time_machine.travel(NOW, tick=False):
        request = request_ready_for(kz_operator, kind, language=language)
        letter = issue_and_render(request, kind)

    data = letter.file.read()
    text = pdf_text(data)
    one_line = flat(text)
    tz = kz_operator.tz
    assert letter.status == Letter.Status.READY and letter.language == language
    assert kz_operator.legal_name(language) in text
    assert kz_operator.bin_iin in text
    assert request.reference in text
    assert letter.number in text and re.fullmatch(rf"{kz_operator.reference_prefix}-OUT-2026-\d{{6}}", letter.number)
    assert "10.03.2026" in text  # the letter's date and the receipt
    assert timezone.localtime(request.due_at, tz).strftime("%d.%m.%Y") in text
    assert texts.default_text(kind, language)[0] in one_line
    assert KAZAKH_NAME in one_line, "a Kazakh letter was lost or replaced in the PDF text"
    assert texts.LABELS[language]["code"] in text
    # Page numbers come from @page counters.
    assert re.search(
        rf"{re.escape(texts.LABELS[language]['page'])} 1 {re.escape(texts.LABELS[language]['of'])} \d", text
    )


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_states_the_ground_basis_and_the_right_to_appeal_in_a_refusal(kz_operator, language):
    with time_machine.travel(NOW, tick=False):
        request = request_ready_for(kz_operator, LetterKind.REFUSAL, language=language)
        letter = issue_and_render(request, LetterKind.REFUSAL)
    text = flat(pdf_text(letter.file.read()))
    assert texts.REFUSAL_GROUNDS[language]["law_requires_keeping"] in text
    assert {"kk": "ҚР № 94-V Заңы, 18-бап", "ru": "Закон РК № 94-V, ст. 18", "en": "Law No. 94-V, art. 18"}[
        language
    ] in text
    assert "Accounting law keeps invoices 5 years." in text
    assert flat(texts.LABELS[language]["appeal"]) in text
    ministry = {
        "kk": "Жасанды интеллект және цифрлық даму министрлігіне",
        "ru": "Министерство искусственного интеллекта",
        "en": "Ministry of Artificial Intelligence and Digital Development",
    }[language]
    assert ministry in text


def test_it_keeps_the_kazakh_letters_intact_in_the_pdf_text_layer(kz_operator):
    request = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT, language="kk")
    letter = issue_and_render(request, LetterKind.ACKNOWLEDGMENT)
    extracted = "".join(page.extract_text() for page in PdfReader(letter.file.path).pages)
    for ch in KAZAKH_LETTERS + KAZAKH_LETTERS.upper():
        if ch in KAZAKH_NAME + "Сәуле Қызмет ЖШС" + texts.DEFAULTS["acknowledgment"]["kk"][1]:
            assert ch in extracted, ch
    assert "Өтініштің қабылданғаны туралы хабарлама" in flat(extracted)
    assert "\ufffd" not in extracted  # no replacement characters: every glyph had a font


def test_it_tells_the_result_of_a_claim_review(kz_operator):
    request = request_ready_for(kz_operator, LetterKind.CLAIM_RESULT, language="en")
    text = flat(pdf_text(issue_and_render(request, LetterKind.CLAIM_RESULT).file.read()))
    # An unfounded claim is answered, not refused: the result of the review, its reasons, the way to court.
    assert "The claim is unfounded and is not satisfied. This is the result of our review" in text
    assert "The data was kept as the contract says." in text
    assert "Ground of the refusal" not in text
    assert "Ministry of Artificial Intelligence" in text


def test_it_builds_the_access_answer_from_the_register_and_the_subjects_records(kz_operator):
    ProcessingActivity.objects.create(
        operator=kz_operator,
        language="ru",
        name="Заказы",
        purposes="Исполнение договора",
        legal_grounds="Согласие (ст. 8)",
        data_categories="Имя, телефон",
        sources="Субъект",
        recipients="Хостинг ps.kz (Казахстан)",
        cross_border="Нет",
        storage_period="3 года с последнего контакта",
    )
    english_register(kz_operator)
    request = request_ready_for(kz_operator, LetterKind.ACCESS_ANSWER, language="ru")
    AccessRecord.objects.create(request=request, category="Телефон", content="+7 701 123 45 67", source="CRM")
    text = flat(pdf_text(issue_and_render(request, LetterKind.ACCESS_ANSWER).file.read()))
    for item in [
        "Исполнение договора",
        "Согласие (ст. 8)",
        "Имя, телефон",
        "Хостинг ps.kz (Казахстан)",
        "3 года с последнего контакта",
        "+7 701 123 45 67",
        "Ответ предоставляется бесплатно.",
    ]:
        assert item in text, item
    assert "Performing the contract" not in text  # the register in another language stays out


def test_it_falls_back_to_the_russian_register_for_a_kazakh_letter(kz_operator):
    ProcessingActivity.objects.create(
        operator=kz_operator,
        language="ru",
        name="Заказы",
        purposes="Исполнение договора",
        legal_grounds="Согласие",
        data_categories="Имя",
        sources="Субъект",
        storage_period="3 года",
    )
    request = request_ready_for(kz_operator, LetterKind.ACCESS_ANSWER, language="kk")
    text = flat(pdf_text(issue_and_render(request, LetterKind.ACCESS_ANSWER).file.read()))
    assert "Исполнение договора" in text
    assert "Жауап тегін беріледі." in text


def test_it_uses_the_operators_own_wording_when_one_is_saved(kz_operator):
    LetterTemplate.objects.create(
        operator=kz_operator,
        kind=LetterKind.ACKNOWLEDGMENT,
        language="en",
        title="We got it",
        body="Hello $subject_name.\n\nRef $reference, due $due. {{ secret }} $unknown",
    )
    request = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT, language="en", subject_name="Dana Serikova")
    letter = issue_and_render(request, LetterKind.ACKNOWLEDGMENT)
    text = flat(pdf_text(letter.file.read()))
    assert "We got it" in text
    assert f"Ref {request.reference}, due" in text
    assert "Hello Dana Serikova." in text
    assert "{{ secret }} $unknown" in text  # no template language runs in operator texts


def test_it_freezes_what_the_letter_says_at_issue(kz_operator):
    request = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT, language="en", subject_name="Dana Serikova")
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    kz_operator.name_en = "Renamed LLP"
    kz_operator.save()
    text = pdf_text(letter_render(letter_id=letter.pk).file.read())
    assert "Saule Kyzmet LLP" in text and "Renamed LLP" not in text


def test_it_numbers_letters_per_operator_without_gaps(kz_operator):
    other = OperatorFactory()
    r1 = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT)
    r2 = request_ready_for(other, LetterKind.ACKNOWLEDGMENT)
    for _ in range(3):
        letter_issue(request=r1, kind=LetterKind.ACKNOWLEDGMENT)
    letter_issue(request=r2, kind=LetterKind.ACKNOWLEDGMENT)
    year = timezone.localtime(timezone.now(), kz_operator.tz).year
    for operator, count in ((kz_operator, 4), (other, 2)):  # with the acknowledgment the transition issued
        numbers = list(
            Letter.objects.filter(request__operator=operator).order_by("pk").values_list("number", flat=True)
        )
        assert numbers == [f"{operator.reference_prefix}-OUT-{year}-{n:06d}" for n in range(1, count + 1)]


def test_it_issues_one_letter_per_cause(kz_operator):
    request = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT)
    before = Letter.objects.filter(request=request).count()
    first = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT, cause="test:first")
    again = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT, cause="test:first")
    assert again.pk == first.pk
    assert Letter.objects.filter(request=request).count() == before + 1
    # A repeated cause takes no number: the next letter follows on, no gaps.
    nxt = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT, cause="test:second")
    assert int(nxt.number[-6:]) == int(first.number[-6:]) + 1


def test_it_renders_once_and_records_the_digest_in_the_audit_chain(kz_operator):
    request = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT)
    letter = letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT)
    first = letter_render(letter_id=letter.pk)
    stored = first.file.read()
    second = letter_render(letter_id=letter.pk)
    events = Event.objects.filter(request=request, action="letter_issued")
    assert events.count() == 1
    import hashlib

    assert events.get().data == {
        "letter": letter.pk,
        "sha256": hashlib.sha256(stored).hexdigest(),
        "number": letter.number,
        "kind": "acknowledgment",
    }
    assert second.file.name == first.file.name and second.sha256 == first.sha256


def test_it_rejects_an_unknown_kind_of_letter(kz_operator):
    request = request_ready_for(kz_operator, LetterKind.ACKNOWLEDGMENT)
    before = Letter.objects.filter(request=request).count()
    with pytest.raises(LetterError, match="Unknown kind of letter: 'love_letter'"):
        letter_issue(request=request, kind="love_letter")
    assert Letter.objects.filter(request=request).count() == before


def test_it_loads_nothing_from_outside_the_letter(tmp_path):
    import base64

    import segno
    from pypdf import PdfReader

    from dsar.letters.rendering import html_to_pdf

    png = tmp_path / "logo.png"
    segno.make("x").save(str(png), kind="png", scale=4)

    def images(html):
        pdf = html_to_pdf(html)
        from io import BytesIO

        return sum(len(page.images) for page in PdfReader(BytesIO(pdf)).pages)

    inline = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()
    assert images(f'<img src="{inline}">') == 1  # the control: embedded images do render
    assert images(f'<img src="file://{png}"><img src="http://127.0.0.1:9/x.png">') == 0
