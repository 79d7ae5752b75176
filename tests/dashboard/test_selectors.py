"""Every figure against the hand-computed world in fixture.py."""

from datetime import date

from dsar.dashboard import selectors
from dsar.dashboard.forms import Scope
from dsar.dashboard.selectors.register import register_rows
from dsar.deadlines import end_of_day
from dsar.models import CalendarOverride, DataRequest
from tests.factories import OperatorFactory

from .fixture import NOW, PERIOD, at, received, within_one_bucket


def test_it_counts_the_queue_now(world):
    (row,) = selectors.now_figures(operators=[world.a], now=NOW)
    assert (row.open, row.due_today, row.due_1wd, row.overdue, row.awaiting_subject, row.unassigned) == (
        5,
        1,
        2,
        2,
        1,
        2,
    )


def test_it_keeps_each_operator_to_its_own_row(world):
    rows = selectors.now_figures(operators=[world.a, world.b], now=NOW)
    b = next(r for r in rows if r.operator_id == world.b.pk)
    # B's one open request: received Tue 17 09:00, due end of Fri 20; unassigned.
    assert (b.open, b.due_today, b.due_1wd, b.overdue, b.awaiting_subject, b.unassigned) == (1, 0, 0, 0, 0, 1)


def test_it_counts_due_within_one_working_day_over_a_day_off(db, roles):
    operator = OperatorFactory()
    received(operator, "rectification", at(11, 19, 10))  # due end of Fri 20: today
    received(operator, "rectification", at(11, 20, 9))  # due end of Mon 23
    received(operator, "access", at(11, 19, 10))  # due end of Tue 24
    received(operator, "access", at(11, 20, 9))  # due end of Wed 25
    now = at(11, 20, 10)
    (before,) = selectors.now_figures(operators=[operator], now=now)
    assert (before.due_today, before.due_1wd) == (1, 2)
    # An extra day off on Monday 23: the next working day after Friday is Tuesday 24. Written
    # without signals, so only the bound moves, not the deadlines (see the next test).
    CalendarOverride.objects.bulk_create(
        [CalendarOverride(operator=operator, date=at(11, 23, 0).date(), is_working_day=False, note="decree")]
    )
    (after,) = selectors.now_figures(operators=[operator], now=now)
    assert (after.due_today, after.due_1wd) == (1, 3)


def test_it_counts_moved_deadlines_after_a_day_off_is_saved(db, roles):
    operator = OperatorFactory()
    monday = received(operator, "rectification", at(11, 20, 9))  # due end of Mon 23
    tuesday = received(operator, "access", at(11, 19, 10))  # due end of Tue 24
    now = at(11, 20, 10)
    CalendarOverride.objects.create(operator=operator, date=at(11, 23, 0).date(), is_working_day=False, note="decree")
    # Saved through the model, the day off moves both deadlines by a working day.
    moved = [DataRequest.objects.get(pk=r.pk).due_at for r in (monday, tuesday)]
    assert moved == [end_of_day(date(2026, 11, 24)), end_of_day(date(2026, 11, 25))]
    (after,) = selectors.now_figures(operators=[operator], now=now)
    assert after.due_1wd == 1


def test_it_buckets_open_requests_by_age(world):
    rows = selectors.age_of_open(operator_ids=[world.a.pk], now=NOW)
    assert [(r["bucket"], r["open"], r["overdue"]) for r in rows] == [
        ("0-1", 0, 0),
        ("1-3", 2, 0),
        ("3-7", 2, 1),
        ("7-15", 0, 0),
        ("15-30", 0, 0),
        ("30+", 1, 1),
    ]


def test_it_counts_workload_per_assignee(world):
    rows = selectors.workload(operator_ids=[world.a.pk], now=NOW)
    assert [(r["assignee"], r["open"], r["overdue"]) for r in rows] == [
        ("", 2, 1),  # nobody: R2 and R5 (late)
        ("cw2", 1, 1),  # R3
        ("Aigerim Abenova", 2, 0),  # R1, R4 (paused)
    ]


def test_it_computes_on_time_rate_by_kind(world, scope_a):
    rows = selectors.on_time_by_kind(scope=scope_a)
    assert [(r["kind"], r["answered"], r["on_time"], r["late"], r["rate"]) for r in rows] == [
        ("access", 3, 2, 1, 66.7),  # A1, A2 late, A3; withdrawn A7 and A9 (answered after) left out
        ("rectification", 3, 2, 1, 66.7),  # A4, A5, A6 late
        ("blocking", 1, 1, 0, 100.0),  # A8 answered by blocking
        ("enquiry", 1, 1, 0, 100.0),  # A10 answered 00:30 Almaty on the first day
    ]


def test_it_computes_on_time_rate_by_operator(world):
    scope = Scope(operator_ids=(world.a.pk, world.b.pk), start=PERIOD[0], end=PERIOD[1])
    rows = selectors.on_time_by_operator(scope=scope)
    assert [(r["operator"], r["answered"], r["on_time"], r["rate"]) for r in rows] == [
        ("Alpha", 8, 6, 75.0),
        ("Bravo", 1, 1, 100.0),
    ]


def test_it_computes_median_and_90th_percentile_in_working_units(world, scope_a):
    rows = {r.kind: r for r in selectors.answer_times(scope=scope_a)}
    assert set(rows) == {"access", "rectification", "blocking", "enquiry"}
    # Exact figures (PERCENTILE_CONT) by hand; the histogram gives them within one bucket.
    # access: 1.0, 2.0, 4.0 days -> median 2.0; p90 at 0.9 * 2 = 1.8 -> 2 + 0.8 * 2 = 3.6
    # rectification: 18, 28, 48 hours -> median 28; p90 28 + 0.8 * 20 = 44
    # blocking: 10 hours; enquiry: 86.5 h / 24 = 3.604 days
    exact = {
        "access": ("days", 3, 2.0, 3.6),
        "rectification": ("hours", 3, 28.0, 44.0),
        "blocking": ("hours", 1, 10.0, 10.0),
        "enquiry": ("days", 1, 3.604, 3.604),
    }
    for kind, (unit, n, median, p90) in exact.items():
        row, per_unit = rows[kind], 3600 if unit == "hours" else 86400
        assert (row.unit, row.answered) == (unit, n)
        assert within_one_bucket(row.median, median, per_unit), (kind, row.median, median)
        assert within_one_bucket(row.p90, p90, per_unit), (kind, row.p90, p90)


def test_it_counts_volume_by_almaty_week_and_kind(world, scope_a):
    data = selectors.volume_by_week(scope=scope_a)
    assert [w.isoformat() for w in data["weeks"]] == ["2026-11-02", "2026-11-09"]
    assert data["kinds"] == ["access", "rectification", "blocking"]
    # Week of 2 Nov: A1, A2, A7 / A5, A6 / A8. Week of 9 Nov: A3, A9 (Mon 02:00 Almaty), R4 / A4, R3.
    assert data["counts"] == {"access": [3, 3], "rectification": [2, 2], "blocking": [1, 0]}
    assert data["totals"] == [6, 5]


def test_it_counts_outcomes_with_refusals_by_ground(world, scope_a):
    rows = selectors.outcomes(scope=scope_a)
    assert [(r["outcome"], r["ground"], r["count"]) for r in rows] == [
        ("fulfilled", "", 5),  # A1, A2, A5, A6, A10
        ("partly_fulfilled", "", 1),  # A3
        ("refused", "", 1),  # A4
        ("refused", "no_supporting_documents", 1),
        ("unblocked", "", 1),  # A8, answered in the period by blocking
        ("withdrawn", "", 1),  # A7
        ("expired", "", 1),  # E1
    ]


def test_it_lists_every_request_submitted_in_the_period_in_the_register(world, scope_a):
    rows = list(register_rows(scope=scope_a))
    refs = [row[0] for row in rows]
    expected = {world.refs[n] for n in ("a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "e1", "r3", "r4")}
    assert set(refs) == expected and len(refs) == 12
    by_ref = {row[0]: row for row in rows}
    a1 = by_ref[world.refs["a1"]]
    assert a1[13] == "ALP-2026/1; ALP-2026/2" and a1[14] == "web"  # letters, then the channel
    a4 = by_ref[world.refs["a4"]]
    assert (a4[10], a4[11], a4[12], a4[13]) == (
        "refused",
        "no_supporting_documents",
        "Law No. 94-V, art. 13, art. 24(1)(2)",
        "ALP-2026/3",
    )
    assert by_ref[world.refs["a2"]][13] is None


def test_it_ignores_requests_of_operators_outside_the_scope(world):
    scope = Scope(operator_ids=(world.b.pk,), start=PERIOD[0], end=PERIOD[1])
    assert [r["kind"] for r in selectors.on_time_by_kind(scope=scope)] == ["access"]
    assert len(list(register_rows(scope=scope))) == 1
    assert selectors.workload(operator_ids=[world.b.pk], now=NOW) == [
        {"assignee_id": None, "assignee": "", "open": 1, "overdue": 0}
    ]


def test_it_shows_nothing_for_an_empty_period(world):
    scope = Scope(operator_ids=(world.a.pk,), start=at(1, 5, 0).date(), end=at(1, 11, 0).date())
    assert selectors.on_time_by_kind(scope=scope) == []
    assert selectors.answer_times(scope=scope) == []
    assert selectors.outcomes(scope=scope) == []
    assert selectors.volume_by_week(scope=scope)["kinds"] == []
    assert list(register_rows(scope=scope)) == []
