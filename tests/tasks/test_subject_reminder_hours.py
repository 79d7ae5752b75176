"""Every reminder to a requester goes out in the day on the operator's clock, and in time (issue 23)."""

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.services.sweep import plan
from dsar.states import State

ALMATY = ZoneInfo("Asia/Almaty")
moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC))


def _request(state, submitted_at):
    operator = SimpleNamespace(tz=ALMATY)
    return SimpleNamespace(
        state=state, submitted_at=submitted_at, due_at=None, review_due_at=None, clock_paused_at=submitted_at,
        operator=operator, purged_at=None,
    )  # fmt: skip


def _check(reminders, start, end):
    for action in reminders:
        local = action.at.astimezone(ALMATY).time()
        assert time(8) <= local < time(22), (start, end, action)
        assert start < action.at < end, (start, end, action)
    assert len({a.at for a in reminders}) == len(reminders)


@settings(max_examples=300, deadline=None)
@given(submitted=moments, days=st.integers(min_value=1, max_value=30))
def test_it_sends_identity_reminders_in_the_day_and_before_the_expiry(submitted, days):
    policy = SimpleNamespace(identity_expiry_days=days)
    actions = plan.actions_for(_request(State.AWAITING_IDENTITY, submitted), policy)
    reminders = [a for a in actions if a.kind == plan.IDENTITY_REMINDER]
    _check(reminders, submitted, submitted + timedelta(days=days))
    if days >= 2:
        assert reminders  # a wait of two days or more always has a daytime moment to remind in


@settings(max_examples=300, deadline=None)
@given(asked=moments, days=st.integers(min_value=1, max_value=60))
def test_it_sends_clarification_reminders_in_the_day_and_before_the_lapse(asked, days):
    policy = SimpleNamespace(clarification_timeout_days=days, clarification_outcome="refuse")
    request = _request(State.AWAITING_SUBJECT, asked)
    actions = plan.actions_for(request, policy, asked_at=asked)
    reminders = [a for a in actions if a.kind == plan.CLARIFICATION_REMINDER]
    _check(reminders, asked, asked + timedelta(days=days))
    if days >= 2:
        assert reminders


def test_it_moves_the_friday_night_half_way_reminder_to_saturday_morning():
    submitted = datetime(2026, 3, 17, 10, 0, tzinfo=ALMATY)  # Tuesday; expires the next Tuesday 10:00
    policy = SimpleNamespace(identity_expiry_days=7)
    actions = plan.actions_for(_request(State.AWAITING_IDENTITY, submitted), policy)
    assert [a.at for a in actions if a.kind == plan.IDENTITY_REMINDER] == [
        datetime(2026, 3, 21, 8, 0, tzinfo=ALMATY),  # half-way is Friday 22:00
        datetime(2026, 3, 23, 10, 0, tzinfo=ALMATY),
    ]
