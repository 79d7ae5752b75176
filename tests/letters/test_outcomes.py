"""Every outcome reaches the subject: the sweep's refusals and closures, representatives, and the
answers that are not refusals ("no data held", "claim unfounded")."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from dsar.dashboard.forms import Scope
from dsar.dashboard.selectors import on_time_by_kind, outcomes
from dsar.kinds import Kind
from dsar.letters import texts
from dsar.letters.services import letter_render
from dsar.models import DataRequest, Letter, LetterKind, Notification, Policy, Role, State
from dsar.services.sweep import sweep_run
from dsar.services.transitions import transition
from dsar.states import Outcome
from dsar.workflow import available_transitions
from tests.factories import make_request, staff_user

from .helpers import flat, pdf_text

ALMATY = ZoneInfo("Asia/Almaty")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY)
REPRESENTATIVE = dict(
    acting_for_other=True,
    representative_name="Asel Nurlanova",
    representative_email="asel@example.kz",
    representative_basis="power_of_attorney",
)


@pytest.fixture
def manager(operator):
    return staff_user(operator, Role.MANAGER)


def in_progress(operator, manager, *, kind=Kind.ACCESS, language="kk", now=MONDAY, **fields):
    request = make_request(operator, kind=kind, language=language, now=now, subject_email="dana@example.kz", **fields)
    transition(request.pk, "confirm_identity", now=now)
    transition(request.pk, "start_work", actor=manager, now=now)
    return DataRequest.objects.get(pk=request.pk)


def letters_of(request):
    return {letter.kind: letter for letter in Letter.objects.filter(request=request)}


def _lapse(operator, manager, outcome, capture, *, language="kk"):
    Policy.objects.create(
        operator=operator,
        kind=Kind.ACCESS,
        deadline_n=3,
        deadline_unit="working_days",
        clarification_timeout_days=10,
        clarification_outcome=outcome,
    )
    request = in_progress(operator, manager, language=language)
    asked = MONDAY + timedelta(hours=2)
    with capture(execute=True):  # the question is sent (a pending e-mail goes with the next one)
        transition(request.pk, "ask_subject", actor=manager, question="Which account?", now=asked)
    mail.outbox.clear()
    # The worker runs in whatever language; the subject reads theirs.
    with translation.override("en"), capture(execute=True):
        sweep_run(now=asked + timedelta(days=10))
    return DataRequest.objects.get(pk=request.pk)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_sends_the_refusal_letter_and_e_mail_when_the_sweep_refuses_an_unanswered_clarification(
    operator, manager, django_capture_on_commit_callbacks, run_tasks_inline, language
):
    request = _lapse(
        operator, manager, Policy.ClarificationOutcome.REFUSE, django_capture_on_commit_callbacks, language=language
    )
    assert request.state == State.REFUSED
    # Stored in the request's language, not the worker's.
    assert request.refusal_explanation == texts.AUTOMATIC_EXPLANATIONS["clarification_unanswered"][language]
    letter = letters_of(request)[LetterKind.REFUSAL]
    assert letter.language == language and letter.status == Letter.Status.READY
    text = flat(pdf_text(letter.file.read()))
    assert texts.REFUSAL_GROUNDS[language]["identity_not_proven"] in text
    assert texts.localise_basis("Law No. 94-V, art. 24", language) in text
    assert request.refusal_explanation in text
    assert flat(texts.LABELS[language]["appeal"]) in text
    assert [m.to for m in mail.outbox] == [["dana@example.kz"]]
    assert Notification.objects.filter(request=request, key__contains=":refuse_unanswered:").count() == 1


def test_it_sends_the_withdrawal_letter_and_e_mail_when_the_sweep_closes_an_unanswered_clarification(
    operator, manager, django_capture_on_commit_callbacks, run_tasks_inline
):
    request = _lapse(
        operator, manager, Policy.ClarificationOutcome.CLOSE, django_capture_on_commit_callbacks, language="ru"
    )
    assert request.state == State.WITHDRAWN
    letter = letters_of(request)[LetterKind.WITHDRAWN]
    text = flat(pdf_text(letter.file.read()))
    assert texts.WITHDRAWAL_REASONS["unanswered"]["ru"] in text
    assert texts.WITHDRAWAL_REASONS["subject"]["ru"] not in text
    assert [m.to for m in mail.outbox] == [["dana@example.kz"]]
    assert Notification.objects.filter(request=request, key__contains=":withdraw:").count() == 1


def test_it_tells_a_subject_who_withdrew_that_the_request_is_closed_at_their_wish(
    operator, manager, django_capture_on_commit_callbacks
):
    request = in_progress(operator, manager, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "withdraw", actor_label="subject")
    letter = letters_of(request)[LetterKind.WITHDRAWN]
    assert texts.WITHDRAWAL_REASONS["subject"]["en"] in letter.context["paragraphs"]


def test_it_writes_to_the_representative_on_the_subjects_behalf(
    operator, manager, django_capture_on_commit_callbacks, run_tasks_inline
):
    from dsar.services.authority import authority_check_record

    request = in_progress(operator, manager, language="en", subject_name="Dana Serikova", **REPRESENTATIVE)
    authority_check_record(request_id=request.pk, actor=manager, document="Power of attorney No. 7", accepted=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "answer_no_data", actor=manager)
    letter = letters_of(request)[LetterKind.NO_DATA_HELD]
    text = flat(pdf_text(letter.file.read()))
    assert "To Asel Nurlanova" in text and "On behalf of Dana Serikova" in text
    assert "Dear Asel Nurlanova," in text
    assert [m.to for m in mail.outbox] == [["asel@example.kz"]]
    assert "on behalf of Dana Serikova" in mail.outbox[0].body
    assert "on behalf of Dana Serikova" in mail.outbox[0].alternatives[0][0]


def test_it_answers_no_data_held_as_an_answer_on_time_not_a_refusal(
    operator, manager, django_capture_on_commit_callbacks, run_tasks_inline
):
    request = in_progress(operator, manager, language="en")
    assert "answer_no_data" in available_transitions(request, manager)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "answer_no_data", actor=manager, now=MONDAY + timedelta(hours=3))
    request = DataRequest.objects.get(pk=request.pk)
    assert (request.state, request.outcome, request.refusal_ground) == (State.ANSWERED, Outcome.NO_DATA_HELD, "")
    assert request.answered_at and request.answered_at <= request.due_at
    text = flat(pdf_text(letters_of(request)[LetterKind.NO_DATA_HELD].file.read()))
    assert "This is our answer to your request, not a refusal" in text
    assert "Ground of the refusal" not in text
    scope = Scope(
        operator_ids=(operator.pk,), start=MONDAY.date() - timedelta(days=1), end=MONDAY.date() + timedelta(days=7)
    )
    assert on_time_by_kind(scope=scope) == [
        {"kind": Kind.ACCESS, "answered": 1, "on_time": 1, "late": 0, "rate": 100.0}
    ]
    assert [(r["outcome"], r["count"]) for r in outcomes(scope=scope)] == [(Outcome.NO_DATA_HELD, 1)]


def test_it_answers_an_unfounded_claim_with_the_result_of_the_review(
    operator, manager, django_capture_on_commit_callbacks
):
    request = in_progress(operator, manager, kind=Kind.CLAIM, language="ru")
    assert "answer_no_data" not in available_transitions(request, manager)
    with django_capture_on_commit_callbacks(execute=True):
        transition(
            request.pk,
            "answer_unfounded",
            actor=manager,
            explanation="Плата списана по договору.",
            now=MONDAY + timedelta(days=2),
        )
    request = DataRequest.objects.get(pk=request.pk)
    assert (request.state, request.outcome) == (State.ANSWERED, Outcome.CLAIM_UNFOUNDED)
    assert request.answered_at <= request.due_at
    context = letters_of(request)[LetterKind.CLAIM_RESULT].context
    assert context["claim_outcome"] == texts.CLAIM_OUTCOMES["ru"]["claim_unfounded"]
    assert context["refusal"] is None and context["appeal"] is True
    assert "Плата списана по договору." in context["paragraphs"]


def test_it_no_longer_offers_no_data_held_or_an_unfounded_claim_as_refusal_grounds():
    from dsar.kinds import GROUNDS_BY_KIND

    assert all({"no_data_held", "claim_unfounded"}.isdisjoint(grounds) for grounds in GROUNDS_BY_KIND.values())


def test_it_renders_the_letter_date_in_almaty_not_utc(operator, manager):
    # 20:30 UTC on 9 March is 01:30 on 10 March in Almaty.
    from dsar.letters.services import letter_issue

    request = in_progress(operator, manager, language="en")
    late_evening = datetime(2026, 3, 9, 20, 30, tzinfo=ZoneInfo("UTC"))
    letter = letter_issue(
        request=DataRequest.objects.get(pk=request.pk), kind=LetterKind.CLARIFICATION, now=late_evening
    )
    assert letter.context["date"] == "10.03.2026"
    assert "10.03.2026" in pdf_text(letter_render(letter_id=letter.pk).file.read())


def test_it_prints_the_new_due_date_in_the_extension_letter(
    operator, manager, django_capture_on_commit_callbacks, run_tasks_inline
):
    Policy.objects.create(
        operator=operator,
        kind=Kind.CLAIM,
        deadline_n=30,
        deadline_unit="calendar_days",
        extension_allowed=True,
        extension_max_n=15,
    )
    request = in_progress(operator, manager, kind=Kind.CLAIM, language="en", now=datetime.now(ALMATY))
    request = DataRequest.objects.get(pk=request.pk)
    new_due = request.due_at + timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "extend", actor=manager, new_due=new_due, reason="Bank statement pending.")
    text = flat(pdf_text(letters_of(request)[LetterKind.EXTENSION].file.read()))
    old, new = (d.astimezone(ALMATY).strftime("%d.%m.%Y") for d in (request.due_at, new_due))
    assert f"The new due date is {new}." in text
    assert old not in text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_it_keeps_the_right_to_appeal_in_a_partly_fulfilled_letter(
    operator, manager, language, django_capture_on_commit_callbacks, run_tasks_inline
):
    request = in_progress(operator, manager, kind=Kind.RECTIFICATION, language=language)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "partly_fulfil", actor=manager, explanation="The address could not be changed.")
    letter = letters_of(request)[LetterKind.PARTLY_FULFILLED]
    text = flat(pdf_text(letter.file.read()))
    assert flat(texts.LABELS[language]["appeal_title"]) in text
    assert flat(texts.LABELS[language]["appeal"]) in text
