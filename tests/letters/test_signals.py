"""Each transition records its letter in its own transaction; the task renders it after commit."""

import pytest
from django.core import mail

from dsar.kinds import Kind
from dsar.letters.outbox import expected_letter_kind, letter_kind_for
from dsar.models import DataRequest, Event, Letter, LetterKind, Role
from dsar.services.transitions import transition
from tests.factories import make_request, staff_user

from .helpers import allow_extensions


@pytest.fixture
def manager(operator):
    return staff_user(operator, Role.MANAGER)


def kinds_of(request_id):
    return list(Letter.objects.filter(request_id=request_id).order_by("pk").values_list("kind", flat=True))


def test_it_issues_and_renders_the_acknowledgment_after_identity_is_confirmed(
    operator, run_tasks_inline, django_capture_on_commit_callbacks
):
    request = make_request(operator, language="kk")
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
    letter = Letter.objects.get(request=request)
    assert letter.kind == LetterKind.ACKNOWLEDGMENT
    assert letter.status == Letter.Status.READY and letter.sha256
    assert letter.cause == f"event:{Event.objects.get(request=request, action='confirm_identity').pk}"
    assert Event.objects.filter(request=request, action="letter_issued", data__letter=letter.pk).exists()


def test_it_announces_a_letter_staff_issue_by_hand_without_attaching_it(
    operator, manager, run_tasks_inline, django_capture_on_commit_callbacks
):
    from dsar.letters.services import letter_issue

    request = make_request(operator, language="en", subject_email="dana@example.kz")
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        letter_issue(request=request, kind=LetterKind.CLARIFICATION, actor=manager)
    sent = [m for m in mail.outbox if request.reference in m.subject]
    assert len(sent) == 1
    assert sent[0].to == ["dana@example.kz"]
    assert sent[0].attachments == []
    assert "not attached" in sent[0].body and "/r/" in sent[0].body


def test_it_sends_one_e_mail_for_a_transition_that_also_issues_a_letter(
    operator, manager, run_tasks_inline, django_capture_on_commit_callbacks
):
    request = make_request(operator, language="en", subject_email="dana@example.kz")
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "ask_subject", actor=manager, question="Which account?")
    assert Letter.objects.filter(request=request, kind=LetterKind.CLARIFICATION, status="ready").exists()
    sent = [m for m in mail.outbox if request.reference in m.subject]
    assert len(sent) == 1 and sent[0].to == ["dana@example.kz"] and sent[0].attachments == []


def test_it_sends_nothing_when_the_transition_rolls_back(
    operator, manager, run_tasks_inline, django_capture_on_commit_callbacks
):
    from dsar.workflow import TransitionInputError

    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
        with pytest.raises(TransitionInputError):
            transition(request.pk, "refuse", actor=manager, ground="", explanation="")
    assert kinds_of(request.pk) == [LetterKind.ACKNOWLEDGMENT]


def test_it_issues_the_right_letter_through_a_whole_claim(
    operator, manager, run_tasks_inline, django_capture_on_commit_callbacks
):
    allow_extensions(operator)
    request = make_request(operator, kind=Kind.CLAIM)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
        transition(request.pk, "ask_subject", actor=manager, question="Send the order number.")
        transition(request.pk, "resume", actor=manager)
        due = DataRequest.objects.get(pk=request.pk).due_at
        from datetime import timedelta

        transition(
            request.pk, "extend", actor=manager, new_due=due + timedelta(days=3), reason="Bank statement pending."
        )
        transition(request.pk, "fulfil", actor=manager)
    assert kinds_of(request.pk) == [
        LetterKind.ACKNOWLEDGMENT,
        LetterKind.CLARIFICATION,
        LetterKind.EXTENSION,
        LetterKind.CLAIM_RESULT,
    ]
    clarification = Letter.objects.get(request=request, kind=LetterKind.CLARIFICATION)
    assert "Send the order number." in " ".join(clarification.context["paragraphs"])
    assert all(
        s == Letter.Status.READY for s in Letter.objects.filter(request=request).values_list("status", flat=True)
    )


def test_it_issues_blocked_then_unblocked_notices(
    operator, manager, run_tasks_inline, django_capture_on_commit_callbacks
):
    request = make_request(operator, kind=Kind.BLOCKING)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
        transition(request.pk, "block", actor=manager)
        transition(request.pk, "unblock", actor=manager, explanation="Consent was on file.")
    assert kinds_of(request.pk) == [LetterKind.ACKNOWLEDGMENT, LetterKind.BLOCKED, LetterKind.UNBLOCKED]
    unblocked = Letter.objects.get(request=request, kind=LetterKind.UNBLOCKED)
    assert unblocked.context["refusal"]["explanation"] == "Consent was on file."
    assert unblocked.context["appeal"] is True


def test_it_issues_no_letter_for_a_withdrawal_before_the_identity_is_confirmed(
    operator, run_tasks_inline, django_capture_on_commit_callbacks
):
    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "withdraw")
    assert kinds_of(request.pk) == []


def test_it_records_the_letter_with_the_transition_before_any_callback_runs(
    operator, django_capture_on_commit_callbacks
):
    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(request.pk, "confirm_identity")
    # The process could die here, after the commit: the letter is recorded all the same.
    letter = Letter.objects.get(request=request)
    event = Event.objects.get(request=request, action="confirm_identity")
    assert letter.status == Letter.Status.PENDING and letter.cause == f"event:{event.pk}"
    assert expected_letter_kind(event) == letter.kind == LetterKind.ACKNOWLEDGMENT
    with django_capture_on_commit_callbacks(execute=False):  # the renders queued by each replay are not run here
        for callback in callbacks + callbacks:
            callback()
    assert kinds_of(request.pk) == [LetterKind.ACKNOWLEDGMENT]


@pytest.mark.parametrize(
    "request_kind, name, expected",
    [
        (Kind.ACCESS, "fulfil", LetterKind.ACCESS_ANSWER),
        (Kind.RECTIFICATION, "fulfil", LetterKind.FULFILLED),
        (Kind.CLAIM, "refuse", LetterKind.CLAIM_RESULT),
        (Kind.DESTRUCTION, "refuse", LetterKind.REFUSAL),
        (Kind.DESTRUCTION, "destroy", LetterKind.DESTROYED),
        (Kind.ACCESS, "start_work", None),
        (Kind.ACCESS, "resume", None),
        (Kind.ACCESS, "close_as_duplicate", LetterKind.DUPLICATE),
        (Kind.ACCESS, "withdraw", LetterKind.WITHDRAWN),
        (Kind.ACCESS, "answer_no_data", LetterKind.NO_DATA_HELD),
        (Kind.CLAIM, "answer_unfounded", LetterKind.CLAIM_RESULT),
        (Kind.ACCESS, "expire", LetterKind.EXPIRED),  # to paper requests only: tests/workflow/test_expiry_notice.py
    ],
)
def test_it_maps_transitions_to_letters(request_kind, name, expected):
    assert letter_kind_for(request_kind=request_kind, transition=name) == expected


def test_it_sends_the_expiry_letter_only_to_requests_that_came_on_paper():
    assert letter_kind_for(request_kind=Kind.ACCESS, transition="expire", channel="paper") == LetterKind.EXPIRED
    assert letter_kind_for(request_kind=Kind.ACCESS, transition="expire", channel="web") is None


def test_it_issues_a_letter_for_each_of_two_questions_in_one_transaction(
    operator, manager, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    request = make_request(operator, kind=Kind.RECTIFICATION)
    t0 = timezone.now()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(request.pk, "confirm_identity", now=t0)
        transition(request.pk, "start_work", actor=manager, now=t0 + timedelta(minutes=1))
        transition(request.pk, "ask_subject", actor=manager, question="First?", now=t0 + timedelta(minutes=2))
        transition(request.pk, "resume", actor=manager, now=t0 + timedelta(minutes=3))
        transition(request.pk, "ask_subject", actor=manager, question="Second?", now=t0 + timedelta(minutes=4))
    with django_capture_on_commit_callbacks(execute=False):
        for callback in callbacks:
            callback()
    questions = [
        " ".join(c["paragraphs"])
        for c in Letter.objects.filter(request=request, kind=LetterKind.CLARIFICATION)
        .order_by("pk")
        .values_list("context", flat=True)
    ]
    assert len(questions) == 2 and "First?" in questions[0] and "Second?" in questions[1]


def test_it_makes_the_export_once_when_the_access_answer_is_issued(
    operator, manager, run_tasks_inline, django_capture_on_commit_callbacks
):
    from dsar.models import Attachment

    request = make_request(operator, kind=Kind.ACCESS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
        transition(request.pk, "fulfil", actor=manager)
    callbacks[-1]()  # a replay makes no second letter or export
    assert kinds_of(request.pk) == [LetterKind.ACKNOWLEDGMENT, LetterKind.ACCESS_ANSWER]
    assert Attachment.objects.filter(request=request, purpose=Attachment.Purpose.EXPORT).count() == 1
