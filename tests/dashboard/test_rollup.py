"""The daily figures against the requests: after answers, reopenings, purges and a rebuild."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.dashboard import selectors
from dsar.dashboard.forms import Scope
from dsar.dashboard.selectors.performance import bucket_percentile, cover
from dsar.models import DailyFigure, DailyOutcome, DataRequest, Role
from dsar.models.rollup import BUCKET_FIELDS, BUCKET_LOWER
from dsar.services import rollup
from dsar.services.retention import request_purge
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, make_request, staff_user

from .fixture import NOW, PERIOD, at, received


def _exact_percentile(values: list[int], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    k = int(position)
    upper = ordered[min(k + 1, len(ordered) - 1)]
    return ordered[k] + (upper - ordered[k]) * (position - k)


def _width(bucket: int) -> float:
    return BUCKET_LOWER[bucket + 1] - BUCKET_LOWER[bucket]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(min_value=0, max_value=BUCKET_LOWER[-1] - 1), min_size=1, max_size=200),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_it_estimates_percentiles_within_one_bucket(values, fraction):
    counts = [0] * len(BUCKET_FIELDS)
    for value in values:
        counts[rollup.bucket_of(value)] += 1
    estimate = bucket_percentile(counts, fraction)
    exact = _exact_percentile(values, fraction)
    ordered = sorted(values)
    k = int(fraction * (len(values) - 1))
    neighbours = {rollup.bucket_of(ordered[k]), rollup.bucket_of(ordered[min(k + 1, len(values) - 1)])}
    assert abs(estimate - exact) <= max(_width(b) for b in neighbours)
    if len(neighbours) == 1:  # both neighbours in one bucket: the estimate is in it too
        assert rollup.bucket_of(estimate) == neighbours.pop()


@settings(max_examples=200, deadline=None)
@given(seconds=st.integers(min_value=0, max_value=10**9))
def test_it_puts_every_time_in_the_bucket_that_holds_it(seconds):
    bucket = rollup.bucket_of(seconds)
    assert BUCKET_LOWER[bucket] <= seconds
    assert bucket == len(BUCKET_LOWER) - 1 or seconds < BUCKET_LOWER[bucket + 1]


@pytest.fixture
def world_built(world):
    return world


def _agree():
    assert rollup.rollup_differences() == []


def test_it_keeps_the_figures_equal_to_the_requests_after_answers(world_built):
    assert DailyFigure.objects.exists() and DailyOutcome.objects.exists()
    _agree()


def test_it_follows_a_blocking_answer_that_later_changes_its_outcome(world_built, db):
    operator = world_built.a
    cw = world_built.caseworker
    with time_machine.travel(NOW, tick=False):
        request = received(operator, "blocking", at(11, 18, 9))
        transition(request.pk, "start_work", actor=cw, now=at(11, 18, 9, 30))
        transition(request.pk, "block", actor=cw, now=at(11, 18, 10))
        _agree()
        transition(request.pk, "unblock", actor=cw, now=at(11, 18, 11), explanation="Not confirmed.")
    _agree()
    scope = Scope(operator_ids=(operator.pk,), start=NOW.date(), end=NOW.date())
    assert [(r["outcome"], r["count"]) for r in selectors.outcomes(scope=scope) if not r["ground"]] == [
        ("unblocked", 1)
    ]


def test_it_takes_a_reopened_request_out_of_the_answered_figures(world_built):
    """A reopening clears the answer; whatever transition does it, transition() hands the
    hook the request before and after, as here."""
    request = DataRequest.objects.filter(operator=world_built.a, answered_at__isnull=False).order_by("pk").first()
    scope = Scope(operator_ids=(world_built.a.pk,), start=PERIOD[0], end=PERIOD[1])
    answered_before = sum(r["answered"] for r in selectors.on_time_by_kind(scope=scope))
    before = rollup.snapshot(request)
    DataRequest.objects.filter(pk=request.pk).update(
        answered_at=None, closed_at=None, outcome="", answer_working_seconds=None
    )
    request.refresh_from_db()
    rollup.rollup_apply(before=before, after=rollup.snapshot(request))
    _agree()
    assert sum(r["answered"] for r in selectors.on_time_by_kind(scope=scope)) == answered_before - 1


def test_it_keeps_the_figures_when_retention_purges_requests(world_built):
    scope = Scope(operator_ids=(world_built.a.pk,), start=PERIOD[0], end=PERIOD[1])
    figures = (
        selectors.on_time_by_kind(scope=scope),
        selectors.outcomes(scope=scope),
        selectors.volume_by_week(scope=scope),
    )
    closed = DataRequest.objects.filter(closed_at__isnull=False).values_list("pk", flat=True)
    assert closed
    for pk in closed:
        request_purge(request_id=pk, now=NOW + timedelta(days=1200))
    _agree()
    assert (
        selectors.on_time_by_kind(scope=scope),
        selectors.outcomes(scope=scope),
        selectors.volume_by_week(scope=scope),
    ) == figures


def test_it_rebuilds_the_same_figures_from_the_requests(world_built):
    scope = Scope(operator_ids=(world_built.a.pk, world_built.b.pk), start=PERIOD[0], end=PERIOD[1])

    def page():
        return (
            selectors.on_time_by_kind(scope=scope),
            selectors.on_time_by_operator(scope=scope),
            selectors.answer_times(scope=scope),
            selectors.volume_by_week(scope=scope),
            selectors.outcomes(scope=scope),
        )

    kept = page()
    DailyFigure.objects.all().delete()
    DailyOutcome.objects.filter(outcome="fulfilled").update(count=99)
    with pytest.raises(CommandError):
        call_command("dsar_rollup_rebuild", "--check")
    call_command("dsar_rollup_rebuild")
    call_command("dsar_rollup_rebuild", "--check")
    assert page() == kept


def test_it_counts_a_request_received_at_submission(db, roles):
    operator = OperatorFactory()
    operator.policies.update_or_create(
        kind="enquiry", defaults={"deadline_n": 15, "deadline_unit": "calendar_days", "clock_starts": "submission"}
    )
    staff_user(operator, Role.MANAGER)
    with time_machine.travel(NOW, tick=False):
        make_request(operator, kind="enquiry", now=NOW)
    assert DailyFigure.objects.get(operator=operator, kind="enquiry", span="d").received == 1
    _agree()


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)), length=st.integers(0, 800))
def test_it_covers_every_day_of_a_period_once_with_weeks_and_days(start, length):
    end = start + timedelta(days=length)
    weeks, runs = cover(start, end)
    days = []
    if weeks:
        assert weeks[0].weekday() == 0 and weeks[1].weekday() == 0
        monday = weeks[0]
        while monday <= weeks[1]:
            days += [monday + timedelta(days=i) for i in range(7)]
            monday += timedelta(days=7)
    for first, last in runs:
        days += [first + timedelta(days=i) for i in range((last - first).days + 1)]
    assert sorted(days) == [start + timedelta(days=i) for i in range(length + 1)]
