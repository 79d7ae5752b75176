"""Clocks, pauses and extensions (issue #11): time to answer, extension rules, the blocked clock."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_fsm import TransitionNotAllowed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsar import deadlines
from dsar.deadlines import CALENDAR_DAYS, KZ_TZ, WORKING_DAYS, WorkCalendar
from dsar.kinds import EXTENDABLE_KINDS, Kind, window_exceeds_cap
from dsar.models import DataRequest, Policy
from dsar.services.sweep import plan
from dsar.services.transitions import transition
from dsar.workflow import State, TransitionInputError, available_transitions, extension_latest
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db


def local(*args) -> datetime:
    return datetime(*args, tzinfo=KZ_TZ)


def _in_progress(operator, *, kind="access", at):
    worker = staff_user(operator)
    request = make_request(operator, kind=kind, now=at)
    transition(request.pk, "confirm_identity", now=at)
    transition(request.pk, "start_work", actor=worker, now=at)
    return DataRequest.objects.get(pk=request.pk), worker


# --- time to answer -----------------------------------------------------------------


def test_it_does_not_charge_the_weekend_of_a_pause_twice(operator):
    # Received Monday 09:00, paused Friday 09:00 to Monday 09:00, answered Monday 10:00.
    Policy.objects.create(operator=operator, kind="enquiry", deadline_n=15, deadline_unit=CALENDAR_DAYS)
    request, worker = _in_progress(operator, kind="enquiry", at=local(2026, 11, 9, 9, 0))
    transition(request.pk, "ask_subject", actor=worker, question="Which account?", now=local(2026, 11, 13, 9, 0))
    transition(request.pk, "resume", now=local(2026, 11, 16, 9, 0))
    done = transition(request.pk, "fulfil", actor=worker, now=local(2026, 11, 16, 10, 0))
    # Mon-Fri 09:00 is 4 days = 96 h of working time, plus Monday 09:00-10:00 = 97 h.
    assert done.answer_working_seconds == 97 * 3600


def test_it_adds_up_every_pause_of_a_request(operator):
    # Received Monday 09:00; paused Tuesday to Wednesday and Thursday to Friday, 09:00 each; answered Friday 10:00.
    request, worker = _in_progress(operator, kind="enquiry", at=local(2026, 11, 9, 9, 0))
    for asked, resumed in (
        (local(2026, 11, 10, 9, 0), local(2026, 11, 11, 9, 0)),
        (local(2026, 11, 12, 9, 0), local(2026, 11, 13, 9, 0)),
    ):
        transition(request.pk, "ask_subject", actor=worker, question="Which account?", now=asked)
        transition(request.pk, "resume", now=resumed)
    done = transition(request.pk, "fulfil", actor=worker, now=local(2026, 11, 13, 10, 0))
    assert done.paused_seconds == 2 * 24 * 3600
    # 97 h from Monday 09:00 to Friday 10:00, less the two days of pause.
    assert done.answer_working_seconds == (97 - 48) * 3600


def test_it_charges_no_working_time_for_a_request_received_and_answered_over_a_weekend(operator):
    request, worker = _in_progress(operator, kind="enquiry", at=local(2026, 11, 14, 10, 0))  # Saturday
    done = transition(request.pk, "fulfil", actor=worker, now=local(2026, 11, 15, 18, 0))  # Sunday
    assert done.answer_working_seconds == 0
    assert done.closed_at == local(2026, 11, 15, 18, 0)


def test_it_counts_the_days_of_an_operator_in_another_time_zone_in_its_own_zone(db):
    # Tokyo is four hours ahead of Almaty: Friday 22:00 there is Friday 18:00 in Almaty, and
    # Monday 02:00 there is still Sunday in Almaty.
    tokyo = ZoneInfo("Asia/Tokyo")
    operator = OperatorFactory(timezone="Asia/Tokyo")
    request, worker = _claim(operator, datetime(2026, 11, 27, 22, 0, tzinfo=tokyo))
    # 30 calendar days end on Sunday 27 December, moved to Monday: the end of that day in Tokyo.
    assert request.due_at == datetime(2026, 12, 28, 23, 59, 59, tzinfo=tokyo)
    # The longest extension (15 calendar days more) also ends at the end of a day in Tokyo.
    assert extension_latest(request, now=request.received_at) == datetime(2027, 1, 12, 23, 59, 59, tzinfo=tokyo)
    transition(request.pk, "ask_subject", actor=worker, question="?", now=datetime(2026, 11, 27, 23, 0, tzinfo=tokyo))
    transition(request.pk, "resume", now=datetime(2026, 11, 30, 2, 0, tzinfo=tokyo))
    done = transition(request.pk, "fulfil", actor=worker, now=datetime(2026, 11, 30, 3, 0, tzinfo=tokyo))
    # Paused Friday 23:00-24:00 and Monday 00:00-02:00 in Tokyo: 3 working hours.
    assert done.paused_seconds == 3 * 3600
    # Worked Friday 22:00-23:00 and Monday 02:00-03:00.
    assert done.answer_working_seconds == 2 * 3600


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pause_start=st.integers(min_value=1, max_value=20 * 24),
    pause_hours=st.integers(min_value=1, max_value=10 * 24),
)
def test_it_counts_the_same_time_to_answer_as_the_working_time_outside_the_pause(operator, pause_start, pause_hours):
    received = local(2026, 11, 2, 9, 0)
    asked = received + timedelta(hours=pause_start)
    resumed = asked + timedelta(hours=pause_hours)
    answered = resumed + timedelta(hours=3)
    request, worker = _in_progress(operator, kind="enquiry", at=received)
    transition(request.pk, "ask_subject", actor=worker, question="?", now=asked)
    transition(request.pk, "resume", now=resumed)
    done = transition(request.pk, "fulfil", actor=worker, now=answered)
    cal = operator.work_calendar()

    def ws(a, b):
        return deadlines.working_seconds_between(start=a, end=b, calendar=cal)

    # Whole seconds are stored: allow the rounding of two sums.
    assert abs(done.answer_working_seconds - (ws(received, asked) + ws(resumed, answered))) <= 2


# --- extensions -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [k for k in Kind.values])
def test_it_allows_extensions_only_for_claims_and_enquiries(operator, kind):
    from dsar.kinds import KIND_RULES

    rule = KIND_RULES[kind]
    policy = Policy(
        operator=operator,
        kind=kind,
        deadline_n=rule.n,
        deadline_unit=rule.unit,
        extension_allowed=True,
        extension_max_n=5,
    )
    if kind in EXTENDABLE_KINDS:
        policy.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            policy.full_clean()
        assert "extension_allowed" in error.value.message_dict
    assert (kind in EXTENDABLE_KINDS) == (kind in (Kind.CLAIM, Kind.ENQUIRY))


def _claim(operator, at, *, extension_allowed=True):
    Policy.objects.create(
        operator=operator,
        kind="claim",
        deadline_n=30,
        deadline_unit=CALENDAR_DAYS,
        extension_allowed=extension_allowed,
        extension_max_n=15,
        extension_unit=CALENDAR_DAYS,
    )
    return _in_progress(operator, kind="claim", at=at)


def test_it_offers_and_accepts_the_same_extension_after_a_long_pause(operator):
    request, worker = _claim(operator, local(2026, 11, 2, 10, 0))
    original = request.due_at
    transition(request.pk, "ask_subject", actor=worker, question="Send the contract.", now=local(2026, 11, 5, 10, 0))
    resumed_at = local(2026, 12, 10, 10, 0)  # weeks later: the due date moved with the pause
    request = transition(request.pk, "resume", now=resumed_at)
    assert request.due_at > original
    latest = extension_latest(request, now=resumed_at)
    assert latest is not None and latest > request.due_at
    assert "extend" in available_transitions(request, worker, now=resumed_at)
    # Whatever is offered is accepted: the ceiling day itself.
    extended = transition(request.pk, "extend", actor=worker, new_due=latest, reason="Expert review", now=resumed_at)
    assert extended.due_at == latest
    # That used the longest extension up: none is offered any more.
    assert extension_latest(extended, now=resumed_at) is None
    assert "extend" not in available_transitions(extended, worker, now=resumed_at)


def test_it_allows_no_extension_once_the_original_deadline_has_passed(operator):
    request, worker = _claim(operator, local(2026, 11, 2, 10, 0))
    first = transition(
        request.pk,
        "extend",
        actor=worker,
        new_due=request.due_at + timedelta(days=3),
        reason="Expert review",
        now=local(2026, 11, 20, 10, 0),
    )
    after = first.original_due_at + timedelta(hours=1)
    # Still open, and the policy's ceiling is not used up, but the original deadline has passed.
    assert extension_latest(first, now=after - timedelta(days=2)) is not None
    assert extension_latest(first, now=first.original_due_at) is None  # the last second is not before it
    assert extension_latest(first, now=after) is None
    assert "extend" not in available_transitions(first, worker, now=after)
    with pytest.raises(TransitionInputError):
        transition(
            request.pk, "extend", actor=worker, new_due=first.due_at + timedelta(days=1), reason="More", now=after
        )
    # The wall clock plays no part: the same call at a `now` before the deadline succeeds.
    before = first.original_due_at - timedelta(days=1)
    again = transition(
        request.pk, "extend", actor=worker, new_due=first.due_at + timedelta(days=1), reason="More", now=before
    )
    assert again.due_at == first.due_at + timedelta(days=1)


def test_it_never_extends_a_claim_when_the_policy_turned_extensions_off(operator):
    # Turned off with the number of days (15) left in place: the switch alone decides.
    request, worker = _claim(operator, local(2026, 11, 2, 10, 0), extension_allowed=False)
    now = local(2026, 11, 3, 10, 0)
    assert extension_latest(request, now=now) is None
    assert "extend" not in available_transitions(request, worker, now=now)
    with pytest.raises(TransitionNotAllowed):
        transition(request.pk, "extend", actor=worker, new_due=request.due_at + timedelta(days=1), reason="x", now=now)


def test_it_never_offers_an_extension_for_an_access_request(operator):
    request, worker = _in_progress(operator, kind="access", at=local(2026, 11, 2, 10, 0))
    assert "extend" not in available_transitions(request, worker, now=local(2026, 11, 2, 11, 0))
    with pytest.raises(TransitionNotAllowed):
        transition(
            request.pk,
            "extend",
            actor=worker,
            new_due=request.due_at + timedelta(days=1),
            reason="x",
            now=local(2026, 11, 2, 11, 0),
        )


# --- the statutory cap ------------------------------------------------------------------


def test_it_accepts_16_calendar_days_under_a_15_working_day_cap(operator):
    Policy(operator=operator, kind="consent_withdrawal", deadline_n=16, deadline_unit=CALENDAR_DAYS).full_clean()
    with pytest.raises(ValidationError):
        Policy(operator=operator, kind="consent_withdrawal", deadline_n=22, deadline_unit=CALENDAR_DAYS).full_clean()
    with pytest.raises(ValidationError):
        Policy(operator=operator, kind="consent_withdrawal", deadline_n=16, deadline_unit=WORKING_DAYS).full_clean()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(min_value=1, max_value=30))
def test_it_refuses_a_calendar_window_exactly_when_some_receipt_date_would_end_after_the_cap(n):
    cal = WorkCalendar()
    exceeds = window_exceeds_cap(kind="consent_withdrawal", n=n, unit=CALENDAR_DAYS, calendar=cal, years=(2026, 2026))
    d, worst = date(2026, 1, 1), False
    while d.year == 2026:
        received = local(d.year, d.month, d.day, 12)
        by_policy = deadlines.due_at(received_at=received, n=n, unit=CALENDAR_DAYS, calendar=cal)
        by_law = deadlines.due_at(received_at=received, n=15, unit=WORKING_DAYS, calendar=cal)
        worst = worst or by_policy > by_law
        d += timedelta(days=1)
    assert exceeds == worst


# --- the blocked clock ---------------------------------------------------------------------


def test_it_gives_blocked_data_a_one_working_day_check_with_reminders(operator):
    request, worker = _in_progress(operator, kind="blocking", at=local(2026, 11, 2, 10, 0))
    blocked = transition(request.pk, "block", actor=worker, now=local(2026, 11, 2, 15, 0))
    assert blocked.state == State.BLOCKED
    assert blocked.review_due_at == local(2026, 11, 3, 23, 59, 59)
    actions = plan.actions_for(blocked, operator.policy_for("blocking"))
    kinds = {a.kind for a in actions}
    assert {plan.STAFF_REMINDER, plan.ESCALATION} <= kinds
    assert blocked.next_action_at == min(a.at for a in actions if a.at >= local(2026, 11, 2, 15, 0))
