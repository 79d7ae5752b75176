from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from dsar.models import DataRequest, Event, Membership, Policy, Role
from dsar.services.transitions import transition
from dsar.workflow import State, TransitionInputError, available_transitions, subject_may_act
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db

# Tuesday 2026-11-17 10:00 in Almaty (UTC+5).
T0 = datetime(2026, 11, 17, 5, 0, tzinfo=UTC)


def _in_progress(operator, kind="access", at=T0):
    worker = staff_user(operator)
    request = make_request(operator, kind=kind, now=at)
    transition(request.pk, "confirm_identity", now=at + timedelta(minutes=5))
    transition(request.pk, "start_work", actor=worker, now=at + timedelta(hours=1))
    return DataRequest.objects.get(pk=request.pk), worker


def test_it_takes_a_request_from_submission_to_fulfilled_with_one_event_per_step(operator):
    request, worker = _in_progress(operator)
    done = transition(request.pk, "fulfil", actor=worker, now=T0 + timedelta(hours=3))
    assert done.state == State.FULFILLED
    assert done.outcome == "fulfilled"
    assert done.answered_at == T0 + timedelta(hours=3)
    actions = list(done.events.order_by("seq").values_list("action", "from_state", "to_state"))
    assert actions == [
        ("submitted", "", "awaiting_identity"),
        ("confirm_identity", "awaiting_identity", "received"),
        ("start_work", "received", "in_progress"),
        ("fulfil", "in_progress", "fulfilled"),
    ]


def test_it_starts_the_clock_at_confirmation_and_sets_the_due_date(operator):
    request = make_request(operator, kind="access", now=T0)
    assert request.due_at is None
    confirmed_at = T0 + timedelta(hours=2)
    request = transition(request.pk, "confirm_identity", now=confirmed_at)
    assert request.received_at == confirmed_at
    # 3 working days after Tue 17 Nov 2026: Fri 20 Nov, end of day in Almaty.
    assert request.due_at == datetime(2026, 11, 20, 18, 59, 59, tzinfo=UTC)


def test_it_starts_the_clock_at_submission_when_the_policy_says_so(operator):
    Policy.objects.create(
        operator=operator,
        kind="rectification",
        deadline_n=1,
        deadline_unit="working_days",
        clock_starts=Policy.ClockStart.SUBMISSION,
    )
    request = make_request(operator, kind="rectification", now=T0)
    assert request.received_at == T0
    request = transition(request.pk, "confirm_identity", now=T0 + timedelta(days=1))
    assert request.received_at == T0
    assert request.due_at == datetime(2026, 11, 18, 18, 59, 59, tzinfo=UTC)


def test_it_refuses_a_transition_from_the_wrong_state_and_writes_nothing(operator):
    worker = staff_user(operator)
    request = make_request(operator, now=T0)
    before = Event.objects.count()
    with pytest.raises(TransitionNotAllowed):
        transition(request.pk, "fulfil", actor=worker)
    assert DataRequest.objects.get(pk=request.pk).state == State.AWAITING_IDENTITY
    assert Event.objects.count() == before


def test_it_refuses_staff_of_another_operator(operator):
    request, _worker = _in_progress(operator)
    stranger = staff_user(OperatorFactory(), Role.MANAGER)
    with pytest.raises(PermissionDenied):
        transition(request.pk, "fulfil", actor=stranger)
    assert DataRequest.objects.get(pk=request.pk).state == State.IN_PROGRESS


def test_it_decides_by_the_role_at_the_requests_operator_not_elsewhere(operator):
    from tests.factories import OperatorFactory, staff_user

    request, _worker = _in_progress(operator)
    elsewhere = OperatorFactory()
    person = staff_user(elsewhere, Role.DPO)  # DPO at another operator...
    Membership.objects.create(user=person, operator=operator, role=Role.ASSISTANT)  # ...only an assistant here
    with pytest.raises(PermissionDenied):
        transition(request.pk, "fulfil", actor=person)
    assert DataRequest.objects.get(pk=request.pk).state == State.IN_PROGRESS
    transition(request.pk, "ask_subject", actor=person, question="Send your ID.")  # triage is an assistant's work


def test_it_requires_a_ground_basis_and_explanation_to_refuse(operator):
    request, worker = _in_progress(operator)
    events = Event.objects.count()
    with pytest.raises(TransitionInputError) as error:
        transition(request.pk, "refuse", actor=worker, ground="", explanation="x")
    assert "ground" in error.value.message_dict
    with pytest.raises(TransitionInputError) as error:
        transition(request.pk, "refuse", actor=worker, ground="identity_not_proven", explanation=" ")
    assert "explanation" in error.value.message_dict
    assert Event.objects.count() == events
    assert DataRequest.objects.get(pk=request.pk).state == State.IN_PROGRESS


def test_it_refuses_a_ground_that_does_not_fit_the_kind(operator):
    request, worker = _in_progress(operator, kind="access")
    with pytest.raises(TransitionInputError) as error:
        transition(request.pk, "refuse", actor=worker, ground="violation_not_confirmed", explanation="No.")
    assert "ground" in error.value.message_dict


def test_it_records_the_ground_and_its_default_legal_basis_on_refusal(operator):
    request, worker = _in_progress(operator, kind="destruction")
    refused = transition(request.pk, "refuse", actor=worker, ground="law_requires_keeping", explanation="Tax law.")
    assert refused.state == State.REFUSED
    assert refused.refusal_ground == "law_requires_keeping"
    assert refused.refusal_basis == "Law No. 94-V, art. 18"
    assert refused.events.get(action="refuse").data["ground"] == "law_requires_keeping"


def test_it_pauses_the_clock_while_awaiting_the_subject_and_resumes_with_the_time_left(operator):
    request, worker = _in_progress(operator, kind="access")  # due Fri 20 Nov
    assert request.due_at == datetime(2026, 11, 20, 18, 59, 59, tzinfo=UTC)
    asked_at = T0 + timedelta(hours=2)  # Tue 17 Nov: 3 working days left (18, 19, 20)
    paused = transition(request.pk, "ask_subject", actor=worker, question="Send your ID.", now=asked_at)
    assert paused.state == State.AWAITING_SUBJECT and paused.clock_paused_at == asked_at
    answered_at = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # Mon 23 Nov
    resumed = transition(request.pk, "resume", now=answered_at)
    assert resumed.state == State.IN_PROGRESS
    assert resumed.clock_paused_at is None
    # Working seconds of the pause: Tue 12:00-24:00, Wed-Fri, Mon 00:00-11:00 local (not the weekend).
    assert resumed.paused_seconds == (12 + 3 * 24 + 11) * 3600
    # 3 working days after Mon 23 Nov: Thu 26 Nov.
    assert resumed.due_at == datetime(2026, 11, 26, 18, 59, 59, tzinfo=UTC)


def test_it_keeps_the_clock_running_when_the_policy_does_not_pause(operator):
    Policy.objects.create(
        operator=operator, kind="access", deadline_n=3, deadline_unit="working_days", pause_while_awaiting_subject=False
    )
    request, worker = _in_progress(operator, kind="access")
    due = request.due_at
    transition(request.pk, "ask_subject", actor=worker, question="Which account?", now=T0 + timedelta(hours=2))
    resumed = transition(request.pk, "resume", now=T0 + timedelta(days=4))
    assert resumed.due_at == due and resumed.paused_seconds == 0


def test_it_needs_a_question_to_ask_the_subject(operator):
    request, worker = _in_progress(operator)
    with pytest.raises(TransitionInputError):
        transition(request.pk, "ask_subject", actor=worker, question="")


def test_it_blocks_then_unblocks_a_blocking_request(operator):
    request, worker = _in_progress(operator, kind="blocking")
    blocked = transition(request.pk, "block", actor=worker, now=T0 + timedelta(hours=2))
    assert blocked.state == State.BLOCKED and blocked.answered_at == T0 + timedelta(hours=2)
    assert blocked.is_open
    unblocked = transition(
        request.pk, "unblock", actor=worker, explanation="Not confirmed.", now=T0 + timedelta(hours=5)
    )
    assert unblocked.state == State.UNBLOCKED
    assert unblocked.answered_at == T0 + timedelta(hours=2)  # the blocking answered it


def test_it_destroys_blocked_data_when_the_violation_is_confirmed(operator):
    request, worker = _in_progress(operator, kind="blocking")
    transition(request.pk, "block", actor=worker)
    assert transition(request.pk, "destroy", actor=worker).state == State.DESTROYED


def test_it_only_blocks_blocking_requests(operator):
    request, worker = _in_progress(operator, kind="access")
    with pytest.raises(TransitionNotAllowed):
        transition(request.pk, "block", actor=worker)


def test_it_lets_rectification_end_in_destruction_but_not_access(operator):
    rect, worker = _in_progress(operator, kind="rectification")
    assert transition(rect.pk, "destroy", actor=worker).state == State.DESTROYED
    access, worker = _in_progress(operator, kind="access")
    with pytest.raises(TransitionNotAllowed):
        transition(access.pk, "destroy", actor=worker)


def test_it_lets_the_subject_withdraw_from_any_open_state(operator):
    request, _ = _in_progress(operator)
    withdrawn = transition(request.pk, "withdraw")
    assert withdrawn.state == State.WITHDRAWN and withdrawn.answered_at is None
    closed = make_request(operator)
    transition(closed.pk, "withdraw")
    with pytest.raises(TransitionNotAllowed):
        transition(closed.pk, "withdraw")


def test_it_lets_the_subject_reply_only_between_identity_confirmation_and_the_close(operator):
    # What the status page offers (reply, send documents, withdraw) follows the request's state.
    request = make_request(operator, kind="blocking")
    assert not subject_may_act(request)  # first the identity is confirmed, nothing else
    worker = staff_user(operator)
    steps = [("confirm_identity", None), ("start_work", worker), ("block", worker)]
    for name, actor in steps:
        request = transition(request.pk, name, actor=actor)
        assert subject_may_act(request), request.state
    closed = transition(request.pk, "destroy", actor=worker)
    assert not subject_may_act(closed)


def test_it_expires_a_request_whose_identity_was_never_confirmed(operator):
    request = make_request(operator)
    assert transition(request.pk, "expire").state == State.EXPIRED
    confirmed = make_request(operator)
    transition(confirmed.pk, "confirm_identity")
    with pytest.raises(TransitionNotAllowed):
        transition(confirmed.pk, "expire")


def test_it_closes_a_duplicate_with_a_link_to_the_original(operator):
    worker = staff_user(operator)
    original = make_request(operator)
    duplicate = make_request(operator)
    closed = transition(duplicate.pk, "close_as_duplicate", actor=worker, original=original)
    assert closed.state == State.DUPLICATE and closed.duplicate_of_id == original.pk
    with pytest.raises(TransitionInputError):
        transition(original.pk, "close_as_duplicate", actor=worker, original=original)


def test_it_refuses_a_duplicate_link_to_another_operators_request(operator):
    worker = staff_user(operator)
    foreign = make_request(OperatorFactory())
    request = make_request(operator)
    with pytest.raises(TransitionInputError):
        transition(request.pk, "close_as_duplicate", actor=worker, original=foreign)


def test_it_extends_only_where_the_policy_allows_and_within_its_limit(operator):
    Policy.objects.create(
        operator=operator,
        kind="claim",
        deadline_n=30,
        deadline_unit="calendar_days",
        extension_allowed=True,
        extension_max_n=15,
        extension_unit="calendar_days",
    )
    request, manager = _in_progress(operator, kind="claim", at=datetime.now(UTC))
    too_late = request.due_at + timedelta(days=40)
    with pytest.raises(TransitionInputError):
        transition(request.pk, "extend", actor=manager, new_due=too_late, reason="Complex case")
    with pytest.raises(TransitionInputError):
        transition(request.pk, "extend", actor=manager, new_due=request.due_at + timedelta(days=5), reason="")
    new_due = request.due_at + timedelta(days=10)
    extended = transition(request.pk, "extend", actor=manager, new_due=new_due, reason="Complex case")
    assert extended.due_at == new_due and extended.original_due_at == request.due_at
    access, manager = _in_progress(operator, kind="access", at=datetime.now(UTC))
    with pytest.raises(TransitionNotAllowed):
        transition(access.pk, "extend", actor=manager, new_due=access.due_at + timedelta(days=1), reason="x")


def test_it_offers_staff_exactly_the_transitions_they_may_take(operator):
    request, worker = _in_progress(operator, kind="blocking")
    offered = available_transitions(request, worker)
    assert offered == [
        "ask_subject",
        "fulfil",
        "partly_fulfil",
        "answer_no_data",
        "refuse",
        "block",
        "close_as_duplicate",
        "withdraw",
    ]
    stranger = staff_user(OperatorFactory())
    assert available_transitions(request, stranger) == []


def test_it_counts_working_time_to_answer_without_pauses(operator):
    request, worker = _in_progress(operator, kind="access")  # received Tue 17 Nov 10:05 local
    done = transition(request.pk, "fulfil", actor=worker, now=T0 + timedelta(hours=5, minutes=5))
    assert done.answer_working_seconds == 5 * 3600


def test_it_refuses_unknown_transition_names(operator):
    request = make_request(operator)
    with pytest.raises(TransitionNotAllowed):
        transition(request.pk, "delete_everything")


def test_it_refuses_staff_only_steps_without_a_staff_actor(operator):
    request, _ = _in_progress(operator)
    with pytest.raises(PermissionDenied):
        transition(request.pk, "fulfil")
