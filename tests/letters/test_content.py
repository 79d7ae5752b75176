"""What a letter says, read from the HTML its PDF is made of: placeholders, the operator's time zone
and language, the refusal box, the right to appeal, the register; fast, without WeasyPrint."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from dsar.letters import texts
from dsar.letters.services import CODE_ALPHABET, letter_issue
from dsar.models import Attachment, DataRequest, Letter, LetterKind, Role
from dsar.models.letters import AccessRecord, LetterTemplate, ProcessingActivity
from tests.factories import OperatorFactory, make_request, staff_user, stored_attachment

from .helpers import english_register, letter_text

# 21:30 on 10 March in Almaty, 01:30 on 11 March in Tokyo.
LATE = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
SUBMITTED = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
DUE = datetime(2026, 4, 21, 16, 30, tzinfo=UTC)  # 22.04 in Tokyo, 21.04 in Almaty
APPEAL = texts.LABELS["en"]["appeal_title"]
REFUSAL_BOX = texts.LABELS["en"]["ground"]
REGISTER = texts.LABELS["en"]["register"]


@pytest.fixture
def tokyo(db):
    return OperatorFactory(timezone="Asia/Tokyo", name_en="Tokyo Trading LLP", default_language="en")


def request_with(operator, *, kind="access", language="en", **fields):
    """A request whose fields stand as given when the letter is issued."""
    request = make_request(operator, kind=kind, language=language, now=SUBMITTED, subject_name="Dana Serikova")
    DataRequest.objects.filter(pk=request.pk).update(**fields)
    return DataRequest.objects.select_related("operator").get(pk=request.pk)


def issue(request, kind, **kwargs):
    kwargs.setdefault("now", LATE)
    return letter_issue(request=request, kind=kind, **kwargs)


def test_it_fills_every_placeholder_of_the_operators_wording_in_the_operators_time_zone(tokyo):
    LetterTemplate.objects.create(
        operator=tokyo,
        kind=LetterKind.CLARIFICATION,
        language="en",
        title="About $reference",
        body="ref=$reference received=$received due=$due name=$subject_name to=$addressee original=$original "
        "operator=$operator kind=$kind question=$question reason=$reason new_due=$new_due "
        "explanation=$explanation",
    )
    original = make_request(tokyo, language="en")
    request = request_with(
        tokyo,
        received_at=LATE,
        due_at=DUE,
        acting_for_other=True,
        representative_name="Asel Nurlanova",
        duplicate_of=original,
        extension_reason="We await the bank.",
        refusal_explanation="As the contract says.",
    )
    letter = issue(request, LetterKind.CLARIFICATION, extra={"question": "Which passport?"})
    text = letter_text(letter)
    assert (
        f"About {request.reference} ref={request.reference} received=11.03.2026 due=22.04.2026 name=Dana Serikova "
        f"to=Asel Nurlanova original={original.reference} operator=Tokyo Trading LLP kind=Access to personal data "
        "question=Which passport? reason=We await the bank. new_due=22.04.2026 explanation=As the contract says."
    ) in text
    # The header: the letter's date, the receipt with its time, the due date, all in Tokyo.
    assert "Date 11.03.2026" in text
    assert "Received 11.03.2026 01:30 Answer due 22.04.2026" in text
    assert (
        f"To Asel Nurlanova On behalf of Dana Serikova Your request {request.reference} "
        "Kind of request Access to personal data Received"
    ) in text


def test_it_quotes_the_reason_given_with_the_transition_before_the_stored_one(tokyo):
    LetterTemplate.objects.create(
        operator=tokyo,
        kind=LetterKind.EXTENSION,
        language="en",
        title="Extended",
        body="Why: $reason Asked: [$question] Original: [$original]",
    )
    request = request_with(tokyo, extension_reason="We await the bank.")
    assert "Why: We await the registry. Asked: []" in letter_text(
        issue(request, LetterKind.EXTENSION, extra={"reason": "We await the registry."})
    )
    assert "Why: We await the bank. Asked: [] Original: []" in letter_text(issue(request, LetterKind.EXTENSION))


def test_it_uses_an_operators_wording_only_for_its_own_letters_of_that_kind_and_language(tokyo):
    LetterTemplate.objects.create(
        operator=tokyo, kind=LetterKind.ACKNOWLEDGMENT, language="ru", title="Получили", body="$operator: $kind."
    )
    own = letter_text(issue(request_with(tokyo, language="ru"), LetterKind.ACKNOWLEDGMENT))
    assert f"Получили {tokyo.name_ru}: Доступ к персональным данным." in own
    default_title = texts.default_text(LetterKind.ACKNOWLEDGMENT, "en")[0]
    assert default_title in letter_text(issue(request_with(tokyo, language="en"), LetterKind.ACKNOWLEDGMENT))
    clarification = letter_text(issue(request_with(tokyo, language="ru"), LetterKind.CLARIFICATION))
    assert "Получили" not in clarification
    elsewhere = letter_text(issue(request_with(OperatorFactory(), language="ru"), LetterKind.ACKNOWLEDGMENT))
    assert "Получили" not in elsewhere


def test_it_writes_to_the_subject_when_no_representative_acts(operator):
    # A name typed in the representative's field, then the box unticked: the subject is written to.
    request = request_with(operator, acting_for_other=False, representative_name="Asel Nurlanova")
    text = letter_text(issue(request, LetterKind.ACKNOWLEDGMENT))
    assert f"To Dana Serikova Your request {request.reference}" in text and "Dear Dana Serikova," in text
    assert "Asel Nurlanova" not in text and "On behalf of" not in text


def test_it_dates_the_receipt_from_submission_when_no_receipt_was_recorded(tokyo):
    request = request_with(tokyo, received_at=None, due_at=None)
    text = letter_text(issue(request, LetterKind.ACKNOWLEDGMENT))
    assert "Received 05.03.2026 13:00" in text  # 04:00 UTC is 13:00 in Tokyo
    assert "Answer due" not in text


def test_it_numbers_a_letter_by_the_year_in_the_operators_time_zone(tokyo):
    new_year_in_tokyo = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # still 21:00 on 31 December in Almaty
    letter = issue(request_with(tokyo), LetterKind.ACKNOWLEDGMENT, now=new_year_in_tokyo)
    assert letter.number == f"{tokyo.reference_prefix}-OUT-2027-000001"
    assert "Date 01.01.2027" in letter_text(letter)


def test_it_writes_in_the_operators_default_language_when_the_subjects_is_not_offered(tokyo):
    request = request_with(tokyo, language="de")
    letter = issue(request, LetterKind.ACKNOWLEDGMENT)
    assert letter.language == "en"
    assert texts.default_text(LetterKind.ACKNOWLEDGMENT, "en")[0] in letter_text(letter)


def test_it_writes_in_russian_when_neither_language_is_offered(tokyo):
    type(tokyo).objects.filter(pk=tokyo.pk).update(default_language="de")
    request = request_with(tokyo, language="de")
    letter = issue(request, LetterKind.ACKNOWLEDGMENT)
    assert letter.language == "ru"
    text = letter_text(letter)
    assert texts.default_text(LetterKind.ACKNOWLEDGMENT, "ru")[0] in text
    assert tokyo.name_ru in text


def test_it_prints_the_operators_letterhead_in_the_letters_language(db):
    operator = OperatorFactory(
        legal_address_kk="Астана, Мәңгілік Ел 55",
        responsible_person_kk="Әйгерім Әбенова",
        contact_phone="+7 717 200 00 00",
        website="https://example.kz",
    )
    text = letter_text(issue(request_with(operator, language="kk"), LetterKind.ACKNOWLEDGMENT))
    assert (
        f"{operator.name_kk} {texts.LABELS['kk']['bin_iin']}: {operator.bin_iin} · "
        f"{texts.LABELS['kk']['address']}: Астана, Мәңгілік Ел 55 "
        f"{texts.LABELS['kk']['contact']}: {operator.contact_email}, +7 717 200 00 00, https://example.kz "
        f"{texts.LABELS['kk']['responsible']}: Әйгерім Әбенова"
    ) in text
    assert f"{texts.LABELS['kk']['signature']} Әйгерім Әбенова" in text


def test_it_refuses_on_the_general_ground_of_article_24_when_staff_named_none(operator):
    request = request_with(operator, refusal_ground="", refusal_basis="", refusal_explanation="See the attached act.")
    text = letter_text(issue(request, LetterKind.REFUSAL))
    assert "Ground of the refusal Other reasoned ground Legal basis Law No. 94-V, art. 24" in text
    assert "Explanation See the attached act." in text
    assert APPEAL in text


def test_it_keeps_the_legal_basis_staff_typed(operator):
    request = request_with(
        operator, language="ru", refusal_ground="law_requires_keeping", refusal_basis="Налоговый кодекс, ст. 48"
    )
    text = letter_text(issue(request, LetterKind.REFUSAL))
    assert "Правовое основание Налоговый кодекс, ст. 48" in text
    assert "ст. 18" not in text


def test_it_explains_an_unblocking_like_a_refusal_with_the_right_to_appeal(operator):
    request = request_with(
        operator, kind="blocking", refusal_ground="violation_not_confirmed", refusal_explanation="Consent was signed."
    )
    text = letter_text(issue(request, LetterKind.UNBLOCKED))
    assert f"{REFUSAL_BOX} {texts.REFUSAL_GROUNDS['en']['violation_not_confirmed']}" in text
    assert "Law No. 94-V, art. 24(1)(3), art. 25" in text and APPEAL in text


@pytest.mark.parametrize(
    "outcome, said, refused, appeal, explained",
    [
        ("fulfilled", "The claim is satisfied.", False, False, False),
        ("partly_fulfilled", "The claim is satisfied in part.", False, True, True),
        ("refused", "The claim is rejected.", True, True, False),
        ("claim_unfounded", "The claim is unfounded and is not satisfied.", False, True, True),
    ],
)
def test_it_states_the_result_of_a_claim_and_the_right_to_appeal_where_it_is_not_all_granted(
    operator, outcome, said, refused, appeal, explained
):
    request = request_with(
        operator,
        kind="claim",
        outcome=outcome,
        refusal_ground="violation_not_confirmed" if refused else "",
        refusal_explanation="The cameras were switched off in May.",
    )
    text = letter_text(issue(request, LetterKind.CLAIM_RESULT))
    assert f"{texts.LABELS['en']['outcome']} {said}" in text
    assert (REFUSAL_BOX in text) is refused
    assert (APPEAL in text) is appeal
    # The reasons are told once: in the refusal box, or as a paragraph of their own.
    assert text.count("The cameras were switched off in May.") == (1 if refused or explained else 0)


def test_it_states_no_result_in_a_claim_letter_staff_issue_before_the_decision(operator):
    text = letter_text(issue(request_with(operator, kind="claim", outcome=""), LetterKind.CLAIM_RESULT))
    # "Result of the review" only in the title ("... of your claim"): no result heading, no appeal.
    assert text.count(texts.LABELS["en"]["outcome"]) == 1 and APPEAL not in text


@pytest.mark.parametrize("outcome", ["refused", "partly_fulfilled", "claim_unfounded"])
def test_it_keeps_a_claims_outcome_out_of_other_letters(operator, outcome):
    request = request_with(
        operator, kind="claim", outcome=outcome, refusal_ground="other", refusal_explanation="Internal note."
    )
    text = letter_text(issue(request, LetterKind.FULFILLED))
    assert "Internal note." not in text
    assert REFUSAL_BOX not in text and APPEAL not in text and texts.LABELS["en"]["outcome"] not in text


def test_it_adds_how_the_search_was_made_to_a_no_data_held_letter_only_when_staff_wrote_it(operator):
    told = letter_text(issue(request_with(operator, refusal_explanation="We searched CRM."), LetterKind.NO_DATA_HELD))
    assert "We searched CRM." in told and APPEAL in told and REFUSAL_BOX not in told
    silent = issue(request_with(operator, refusal_explanation=""), LetterKind.NO_DATA_HELD)
    assert "" not in silent.context["paragraphs"]  # no empty paragraph where the explanation would be


def test_it_tells_why_a_request_was_closed_as_withdrawn(operator):
    request = request_with(operator)
    unanswered = letter_text(issue(request, LetterKind.WITHDRAWN, extra={"closed_because": "unanswered"}))
    assert texts.WITHDRAWAL_REASONS["unanswered"]["en"] in unanswered
    at_wish = letter_text(issue(request, LetterKind.WITHDRAWN))
    assert texts.WITHDRAWAL_REASONS["subject"]["en"] in at_wish


def test_it_lists_the_register_and_the_subjects_records_and_files_only_in_an_answer_to_access(operator):
    english_register(operator)
    ProcessingActivity.objects.create(
        operator=operator,
        language="ru",
        name="Заказы",
        purposes="Договор",
        legal_grounds="Согласие",
        storage_period="3 года",
    )
    access = request_with(operator)
    another = request_with(operator)
    AccessRecord.objects.create(request=another, category="Email", content="someone@example.kz", source="CRM")
    scan = stored_attachment(access, purpose=Attachment.Purpose.STAFF, name="call-2026-02-01.mp3")
    AccessRecord.objects.create(request=access, category="Phone", content="+7 701 123 45 67", source="CRM")
    AccessRecord.objects.create(request=access, category="Calls", content="One call", source="PBX", attachment=scan)
    for kind in (LetterKind.ACCESS_ANSWER, LetterKind.PARTLY_FULFILLED):
        text = letter_text(issue(access, kind))
        assert f"{REGISTER} 1. Orders Purposes Performing the contract" in text
        assert "Phone +7 701 123 45 67 Source: CRM" in text
        assert "Calls One call [file: call-2026-02-01.mp3] Source: PBX" in text
        assert "someone@example.kz" not in text  # another request's records stay out
        assert "Заказы" not in text  # the register in the letter's language, not the Russian one
    assert REGISTER not in letter_text(issue(access, LetterKind.ACKNOWLEDGMENT))
    rectification = request_with(operator, kind="rectification")
    assert REGISTER not in letter_text(issue(rectification, LetterKind.PARTLY_FULFILLED))


def test_it_records_who_issued_a_letter_by_hand_and_refuses_staff_of_another_operator(operator):
    request = request_with(operator)
    caseworker = staff_user(operator, Role.CASEWORKER)
    letter = issue(request, LetterKind.CLARIFICATION, actor=caseworker)
    assert letter.issued_by == caseworker and letter.status == Letter.Status.PENDING
    stranger = staff_user(OperatorFactory(), Role.MANAGER)
    with pytest.raises(PermissionDenied):
        issue(request, LetterKind.CLARIFICATION, actor=stranger)
    assert Letter.objects.filter(request=request).count() == 1


def test_it_gives_each_letter_a_code_that_cannot_be_misread(operator):
    request = request_with(operator)
    codes = {issue(request, LetterKind.CLARIFICATION).verification_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) == 12 and set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("01OIL")
