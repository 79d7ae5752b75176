"""Deadline arithmetic (domain.md, "How a deadline is counted").

Pure tests: no database, no Django settings. Pinned dates were checked by hand
against the 2024-2026 Kazakhstan production calendars.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dsar.deadlines import (
    CALENDAR_DAYS,
    KZ_TZ,
    WORKING_DAYS,
    WorkCalendar,
    calendar_for,
    due_at,
    extend_due,
    rebase_due,
    resume_due,
    time_left,
    working_seconds_between,
)

UTC = UTC
CAL = WorkCalendar()


def local(y, m, d, hh=12, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=KZ_TZ)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=KZ_TZ)


def due(received, n, unit=WORKING_DAYS, calendar=CAL):
    return due_at(received_at=received, n=n, unit=unit, calendar=calendar)


# --- What the holidays package says (the facts the tables below rely on) ----


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2025, 1, 3), False),  # Friday made a day off by decree ...
        (date(2025, 1, 5), True),  # ... in exchange for working Sunday 5 January
        (date(2025, 1, 7), False),  # Orthodox Christmas
        (date(2025, 3, 10), False),  # 8 March 2025 was a Saturday: observed Monday
        (date(2025, 3, 24), False),  # Nauryz 22-23 on the weekend: observed Mon-Tue
        (date(2025, 3, 25), False),
        (date(2025, 3, 26), True),
        (date(2025, 6, 6), False),  # Kurban Ait 2025 (confirmed in the package)
        (date(2024, 1, 8), True),  # 7 January 2024 was a Sunday: no day off in lieu
        (date(2024, 6, 17), True),  # Kurban Ait 2024 was a Sunday: no day off in lieu
        (date(2026, 3, 9), False),  # 8 March 2026 is a Sunday: observed Monday
        (date(2026, 3, 23), False),  # Nauryz 2026: 21 Sat, 22 Sun, 23 Mon ...
        (date(2026, 3, 24), False),  # ... observed Tue and Wed
        (date(2026, 3, 25), False),
        (date(2026, 3, 26), True),
        (date(2026, 5, 11), False),  # Victory Day 2026 is a Saturday: observed Monday
        (date(2026, 4, 4), False),  # an ordinary Saturday
        (date(2026, 4, 6), True),  # an ordinary Monday
    ],
)
def test_it_knows_the_kazakh_working_calendar(day, working):
    assert CAL.is_working_day(day) is working


def test_it_treats_decree_working_sunday_2025_01_05_as_a_working_day():
    assert CAL.is_working_day(date(2025, 1, 5))
    assert not CAL.is_working_day(date(2025, 1, 3))
    # Received on the New Year holiday: the first working day after it is that Sunday.
    assert due(local(2025, 1, 2), 1) == end_of(2025, 1, 5)
    # 6 Jan works, 7 Jan is Christmas.
    assert due(local(2025, 1, 2), 2) == end_of(2025, 1, 6)
    assert due(local(2025, 1, 2), 3) == end_of(2025, 1, 8)


# --- Working-day periods --------------------------------------------------------


@pytest.mark.parametrize(
    "received, n, expected",
    [
        # Nauryz 2026 swallows 21-25 March: Friday's request is due Thursday.
        (local(2026, 3, 20), 1, end_of(2026, 3, 26)),
        (local(2026, 3, 19), 3, end_of(2026, 3, 27)),
        (local(2025, 3, 20), 1, end_of(2025, 3, 26)),
        # Observed 8 March 2025 (Saturday -> Monday 10 March off).
        (local(2025, 3, 7), 1, end_of(2025, 3, 11)),
        # 7 January is not moved when it falls on a Sunday.
        (local(2024, 1, 5), 1, end_of(2024, 1, 8)),
        # Kurban Ait on a Sunday is not moved either.
        (local(2024, 6, 14), 1, end_of(2024, 6, 17)),
        # Saturday receipt, N = 1: due at the end of Monday.
        (local(2026, 4, 4), 1, end_of(2026, 4, 6)),
        # 15 working days across 1 May and 7-11 May 2026.
        (local(2026, 4, 27), 15, end_of(2026, 5, 21)),
        # Receipt at 00:00 still does not count its own day.
        (local(2026, 4, 6, 0, 0), 1, end_of(2026, 4, 7)),
    ],
)
def test_it_counts_working_days_from_the_day_after_receipt(received, n, expected):
    assert due(received, n) == expected


def test_it_uses_the_almaty_date_for_a_late_evening_request():
    # 18:30 UTC is 23:30 on 2 March in Almaty (UTC+5): still received on Monday.
    assert due(datetime(2026, 3, 2, 18, 30, tzinfo=UTC), 1) == end_of(2026, 3, 3)
    # 19:30 UTC is already 00:30 on Tuesday 3 March in Almaty.
    assert due(datetime(2026, 3, 2, 19, 30, tzinfo=UTC), 1) == end_of(2026, 3, 4)


def test_it_returns_a_due_date_in_utc_plus_five():
    result = due(datetime(2026, 3, 2, 18, 30, tzinfo=UTC), 1)
    assert result.utcoffset() == timedelta(hours=5)
    assert result.isoformat() == "2026-03-03T23:59:59+05:00"
    assert result.astimezone(UTC) == datetime(2026, 3, 3, 18, 59, 59, tzinfo=UTC)


def test_it_has_a_tz_database_that_knows_kazakhstan_moved_to_utc_plus_five():
    # tzdata 2024a: Almaty was UTC+6 until 1 March 2024.
    assert datetime(2024, 2, 1, tzinfo=KZ_TZ).utcoffset() == timedelta(hours=6)
    assert datetime(2024, 3, 2, tzinfo=KZ_TZ).utcoffset() == timedelta(hours=5)


def test_it_counts_in_the_zone_it_is_given():
    # 20:00 UTC on Friday is already Saturday in Almaty but still Friday in London.
    received = datetime(2026, 4, 3, 20, 0, tzinfo=UTC)
    london = ZoneInfo("Europe/London")
    assert due(received, 1) == end_of(2026, 4, 6)
    in_london = due_at(received_at=received, n=1, unit=WORKING_DAYS, calendar=CAL, tz=london)
    assert in_london == datetime(2026, 4, 6, 23, 59, 59, tzinfo=london)


# --- Calendar-day periods -------------------------------------------------------


@pytest.mark.parametrize(
    "received, n, expected",
    [
        # Sunday 8 March + 15 = Monday 23 March (Nauryz): rolls to Thursday 26.
        (local(2026, 3, 8), 15, end_of(2026, 3, 26)),
        # 2 Dec 2025 + 30 = 1 January 2026: 1, 2 Jan off, then the weekend.
        (local(2025, 12, 2), 30, end_of(2026, 1, 5)),
        # Ends on a Saturday: Monday.
        (local(2026, 4, 1), 10, end_of(2026, 4, 13)),
        # Ends on an ordinary working day: no roll.
        (local(2026, 4, 1), 15, end_of(2026, 4, 16)),
    ],
)
def test_it_rolls_a_calendar_period_ending_on_a_day_off_to_the_next_working_day(received, n, expected):
    assert due(received, n, CALENDAR_DAYS) == expected


# --- Administrator overrides ------------------------------------------------------


def test_it_moves_a_deadline_when_an_extra_day_off_is_added():
    cal = calendar_for(overrides=[(date(2026, 4, 6), False)])
    assert due(local(2026, 4, 4), 1, calendar=cal) == end_of(2026, 4, 7)


def test_it_shortens_a_deadline_when_a_weekend_day_is_made_working():
    cal = calendar_for(overrides=[(date(2026, 4, 4), True)])
    assert due(local(2026, 4, 3), 1, calendar=cal) == end_of(2026, 4, 4)


def test_it_lets_overrides_win_over_the_package():
    # e.g. the package's estimate of Kurban Ait 2026 (27 May) turns out wrong.
    assert not CAL.is_working_day(date(2026, 5, 27))
    cal = calendar_for(overrides=[(date(2026, 5, 27), True), (date(2026, 5, 26), False)])
    assert cal.is_working_day(date(2026, 5, 27))
    assert not cal.is_working_day(date(2026, 5, 26))


def test_it_refuses_a_date_that_is_both_an_extra_day_off_and_an_extra_working_day():
    with pytest.raises(ValueError, match="2026-04-04"):
        calendar_for(overrides=[(date(2026, 4, 4), True), (date(2026, 4, 4), False)])
    both = {date(2026, 4, 5), date(2026, 4, 4)}
    with pytest.raises(ValueError, match="working day: 2026-04-04, 2026-04-05$"):
        WorkCalendar(extra_days_off=both, extra_working_days=both)


def test_it_keeps_a_calendar_built_from_sets_hashable_and_equal_to_one_built_from_frozensets():
    from_sets = WorkCalendar(extra_days_off={date(2026, 4, 6)}, extra_working_days=[date(2026, 4, 4)])
    from_frozensets = WorkCalendar(
        extra_days_off=frozenset({date(2026, 4, 6)}), extra_working_days=frozenset({date(2026, 4, 4)})
    )
    assert from_sets == from_frozensets
    assert hash(from_sets) == hash(from_frozensets)


def test_it_refuses_datetimes_where_dates_are_expected():
    with pytest.raises(TypeError, match="^d must be a datetime.date, got datetime"):
        CAL.is_working_day(datetime(2025, 1, 3, 12))
    with pytest.raises(TypeError, match="^d must be a datetime.date, got datetime"):
        CAL.next_working_day(datetime(2025, 1, 3, 12))
    with pytest.raises(TypeError, match="^override date must be a datetime.date, got datetime"):
        calendar_for(overrides=[(datetime(2025, 1, 3, 12), False)])
    with pytest.raises(TypeError, match="^extra_days_off item must be a datetime.date, got datetime"):
        WorkCalendar(extra_days_off={datetime(2025, 1, 3, 12)})
    with pytest.raises(TypeError, match="^extra_working_days item must be a datetime.date, got str"):
        WorkCalendar(extra_working_days={"2025-01-04"})
    with pytest.raises(TypeError, match="^a must be a datetime.date"):
        CAL.working_days_between(datetime(2025, 1, 3, 12), date(2025, 1, 9))
    with pytest.raises(TypeError, match="^b must be a datetime.date"):
        CAL.working_days_between(date(2025, 1, 3), datetime(2025, 1, 9, 12))


def test_it_counts_working_days_in_a_half_open_interval():
    assert CAL.working_days_between(date(2026, 3, 20), date(2026, 3, 26)) == 1
    assert CAL.working_days_between(date(2026, 4, 6), date(2026, 4, 6)) == 0
    assert CAL.working_days_between(date(2026, 4, 10), date(2026, 4, 6)) == 0
    assert CAL.next_working_day(date(2026, 3, 21)) == date(2026, 3, 26)
    assert CAL.next_working_day(date(2026, 3, 26)) == date(2026, 3, 26)


# --- Pauses, extensions, time left --------------------------------------------------


def test_it_restarts_a_paused_working_day_clock_with_the_days_that_were_left():
    old = due(local(2026, 4, 6), 3)
    assert old == end_of(2026, 4, 9)
    # Paused Tuesday 7th: 8th and 9th were left. Resumed Monday 13th: due Wednesday 15th.
    new = resume_due(
        due_at=old, paused_at=local(2026, 4, 7), resumed_at=local(2026, 4, 13), unit=WORKING_DAYS, calendar=CAL
    )
    assert new == end_of(2026, 4, 15)


def test_it_gives_the_rest_of_the_resume_day_when_paused_on_the_last_day():
    old = end_of(2026, 4, 9)
    on_friday = resume_due(
        due_at=old, paused_at=local(2026, 4, 9), resumed_at=local(2026, 4, 10), unit=WORKING_DAYS, calendar=CAL
    )
    assert on_friday == end_of(2026, 4, 10)
    on_saturday = resume_due(
        due_at=old, paused_at=local(2026, 4, 9), resumed_at=local(2026, 4, 11), unit=WORKING_DAYS, calendar=CAL
    )
    assert on_saturday == end_of(2026, 4, 13)


def test_it_restarts_a_paused_calendar_day_clock_and_rolls_past_days_off():
    old = due(local(2026, 4, 1), 15, CALENDAR_DAYS)
    assert old == end_of(2026, 4, 16)
    # 10 days left on 6 April.
    kwargs = dict(due_at=old, paused_at=local(2026, 4, 6), unit=CALENDAR_DAYS, calendar=CAL)
    assert resume_due(resumed_at=local(2026, 4, 20), **kwargs) == end_of(2026, 4, 30)
    # 21 April + 10 = Friday 1 May (holiday), then the weekend.
    assert resume_due(resumed_at=local(2026, 4, 21), **kwargs) == end_of(2026, 5, 4)


def test_it_never_moves_a_deadline_earlier_on_resume():
    old = end_of(2026, 4, 9)
    same = resume_due(
        due_at=old, paused_at=local(2026, 4, 7), resumed_at=local(2026, 4, 7, 15), unit=WORKING_DAYS, calendar=CAL
    )
    assert same == old


def test_it_refuses_a_resume_before_the_pause():
    with pytest.raises(ValueError, match="^resumed_at is earlier than paused_at"):
        resume_due(
            due_at=end_of(2026, 4, 9),
            paused_at=local(2026, 4, 8),
            resumed_at=local(2026, 4, 7),
            unit=WORKING_DAYS,
            calendar=CAL,
        )


def test_it_extends_from_the_current_due_date():
    assert extend_due(due_at=end_of(2026, 4, 16), n=30, unit=CALENDAR_DAYS, calendar=CAL) == end_of(2026, 5, 18)
    # 7 May holiday, 8 Fri, weekend, 11 May observed Victory Day, 12, 13.
    assert extend_due(due_at=end_of(2026, 5, 6), n=3, unit=WORKING_DAYS, calendar=CAL) == end_of(2026, 5, 13)


def test_it_reports_negative_time_left_when_overdue():
    deadline = end_of(2026, 4, 9)
    assert time_left(now=deadline - timedelta(hours=2), due_at=deadline) == timedelta(hours=2)
    assert time_left(now=deadline + timedelta(hours=1), due_at=deadline) == timedelta(hours=-1)
    # Same instant in different zones.
    assert time_left(now=deadline.astimezone(UTC), due_at=deadline) == timedelta(0)


# --- Working seconds -----------------------------------------------------------------


def test_it_skips_the_weekend_when_counting_working_seconds():
    # Friday noon to Monday noon: 12 h + 12 h.
    seconds = working_seconds_between(start=local(2026, 4, 3), end=local(2026, 4, 6), calendar=CAL)
    assert seconds == 24 * 3600


def test_it_counts_a_whole_working_day_as_24_hours_and_holidays_as_nothing():
    whole = working_seconds_between(start=local(2026, 4, 6, 0), end=local(2026, 4, 7, 0), calendar=CAL)
    assert whole == 24 * 3600
    nauryz = working_seconds_between(start=local(2026, 3, 21, 0), end=local(2026, 3, 26, 0), calendar=CAL)
    assert nauryz == 0
    # Wednesday 25th (observed) evening to Thursday 26th 06:00: only Thursday counts.
    edge = working_seconds_between(start=local(2026, 3, 25, 20), end=local(2026, 3, 26, 6), calendar=CAL)
    assert edge == 6 * 3600


def test_it_counts_working_seconds_up_to_an_end_on_the_local_next_day():
    # Tuesday 02:00 in Almaty is still Monday in UTC: Tuesday's first two hours count too.
    assert working_seconds_between(start=local(2026, 4, 6), end=local(2026, 4, 7, 2), calendar=CAL) == 14 * 3600


def test_it_counts_from_the_local_date_of_an_early_morning_request():
    # 02:00 on Wednesday 8 April in Almaty is 7 April in UTC: one working day ends on Thursday.
    assert due(local(2026, 4, 8, 2), 1) == end_of(2026, 4, 9)


def test_it_reads_pause_resume_and_due_dates_on_the_local_clock():
    # Each moment at 02:00 local is the previous day in UTC; the local dates decide.
    # Paused Wednesday with Thursday and Friday left, resumed Monday 13th: due Wednesday 15th.
    moved = resume_due(
        due_at=end_of(2026, 4, 10),
        paused_at=local(2026, 4, 8, 2),
        resumed_at=local(2026, 4, 13, 2),
        unit=WORKING_DAYS,
        calendar=CAL,
    )
    assert moved == end_of(2026, 4, 15)
    early_due = resume_due(
        due_at=local(2026, 4, 10, 2),
        paused_at=local(2026, 4, 8),
        resumed_at=local(2026, 4, 13),
        unit=WORKING_DAYS,
        calendar=CAL,
    )
    assert early_due == end_of(2026, 4, 15)


def test_it_extends_from_the_local_due_date():
    # A due moment at 02:00 on 8 April (7 April in UTC) is a deadline of 8 April.
    assert extend_due(due_at=local(2026, 4, 8, 2), n=1, unit=CALENDAR_DAYS, calendar=CAL) == end_of(2026, 4, 9)


def test_it_returns_zero_working_seconds_for_an_empty_or_reversed_span():
    assert working_seconds_between(start=local(2026, 4, 7), end=local(2026, 4, 6), calendar=CAL) == 0.0


# --- Input validation ------------------------------------------------------------------


AWARE = local(2026, 4, 8)


@pytest.mark.parametrize(
    "name, call",
    [
        ("received_at", lambda naive: due_at(received_at=naive, n=1, unit=WORKING_DAYS, calendar=CAL)),
        ("due_at", lambda naive: extend_due(due_at=naive, n=1, unit=WORKING_DAYS, calendar=CAL)),
        (
            "due_at",
            lambda naive: resume_due(
                due_at=naive, paused_at=local(2026, 4, 7), resumed_at=AWARE, unit=WORKING_DAYS, calendar=CAL
            ),
        ),
        (
            "paused_at",
            lambda naive: resume_due(
                due_at=end_of(2026, 4, 9), paused_at=naive, resumed_at=AWARE, unit=WORKING_DAYS, calendar=CAL
            ),
        ),
        (
            "resumed_at",
            lambda naive: resume_due(
                due_at=end_of(2026, 4, 9), paused_at=AWARE, resumed_at=naive, unit=WORKING_DAYS, calendar=CAL
            ),
        ),
        ("now", lambda naive: time_left(now=naive, due_at=end_of(2026, 4, 9))),
        ("due_at", lambda naive: time_left(now=AWARE, due_at=naive)),
        ("start", lambda naive: working_seconds_between(start=naive, end=end_of(2026, 4, 9), calendar=CAL)),
        ("end", lambda naive: working_seconds_between(start=AWARE, end=naive, calendar=CAL)),
        (
            "due_at",
            lambda naive: rebase_due(due_at=naive, changed=date(2026, 4, 8), old=CAL, new=CAL, unit=WORKING_DAYS),
        ),
    ],
)
def test_it_refuses_naive_datetimes_and_names_the_argument(name, call):
    with pytest.raises(ValueError, match=f"^{name} must be timezone-aware"):
        call(datetime(2026, 4, 6, 12, 0))
    with pytest.raises(TypeError, match=f"^{name} must be a datetime, got date"):
        call(date(2026, 4, 6))


@pytest.mark.parametrize("n", [0, -1, True, 1.5])
def test_it_refuses_a_period_that_is_not_a_positive_integer(n):
    with pytest.raises(ValueError, match=f"^n must be a positive integer, got {n!r}$"):
        due(local(2026, 4, 6), n)


def test_it_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="^unit must be one of .*, got 'hours'$"):
        due(local(2026, 4, 6), 1, "hours")


def test_it_builds_each_years_days_off_once_however_many_deadlines_it_counts():
    # Speed is measured in bench/, not here; what keeps deadline maths fast is that the holiday
    # calendar of a year is built once and then only looked up. A lost cache shows as misses.
    from dsar import deadlines

    deadlines._days_off_in_year.cache_clear()
    base = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(2_000):
        due(base + timedelta(hours=7 * i), 15, WORKING_DAYS if i % 2 else CALENDAR_DAYS)
    info = deadlines._days_off_in_year.cache_info()
    assert info.misses <= 4  # 2025 and 2026, and their neighbours
    assert info.hits > 2_000


# --- Properties ------------------------------------------------------------------------

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

instants = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2030, 6, 30), timezones=st.sampled_from([UTC, KZ_TZ])
)
days = st.dates(min_value=date(2023, 1, 1), max_value=date(2031, 6, 30))
periods = st.integers(min_value=1, max_value=60)
units = st.sampled_from([WORKING_DAYS, CALENDAR_DAYS])
override_maps = st.dictionaries(days, st.booleans(), max_size=12)
calendars = override_maps.map(lambda m: calendar_for(overrides=m.items()))


@PROPS
@given(received=instants, n=periods, unit=units, cal=calendars)
def test_it_always_falls_due_at_the_end_of_a_working_day_after_receipt(received, n, unit, cal):
    result = due(received, n, unit, cal)
    assert result.tzinfo is KZ_TZ
    assert result.time() == time(23, 59, 59)
    assert result.microsecond == 0
    assert cal.is_working_day(result.date())
    assert result > received
    assert result.date() > received.astimezone(KZ_TZ).date()


@PROPS
@given(received=instants, n=periods, cal=calendars)
def test_it_leaves_exactly_n_working_days_after_the_receipt_date(received, n, cal):
    receipt_date = received.astimezone(KZ_TZ).date()
    result = due(received, n, WORKING_DAYS, cal)
    assert cal.working_days_between(receipt_date, result.date()) == n
    assert cal.working_days_between(receipt_date, result.date() - timedelta(days=1)) == n - 1


@PROPS
@given(received=instants, n=periods, cal=calendars)
def test_it_never_gives_less_than_n_calendar_days(received, n, cal):
    receipt_date = received.astimezone(KZ_TZ).date()
    result = due(received, n, CALENDAR_DAYS, cal).date()
    assert result >= receipt_date + timedelta(days=n)
    # ... and only the days off in between are added.
    assert all(not cal.is_working_day(receipt_date + timedelta(days=k)) for k in range(n, (result - receipt_date).days))


@PROPS
@given(a=instants, b=instants, n=periods, unit=units, cal=calendars)
def test_it_never_makes_a_later_request_due_earlier(a, b, n, unit, cal):
    first, second = sorted([a, b])
    assert due(first, n, unit, cal) <= due(second, n, unit, cal)


@PROPS
@given(received=instants, n=periods, unit=units, cal=calendars)
def test_it_never_makes_a_longer_period_due_earlier(received, n, unit, cal):
    assert due(received, n, unit, cal) <= due(received, n + 1, unit, cal)


@PROPS
@given(received=instants, n=periods, unit=units, overrides=override_maps, extra=days)
def test_it_never_makes_a_deadline_earlier_when_a_day_off_is_added(received, n, unit, overrides, extra):
    assume(extra not in overrides)
    before = calendar_for(overrides=overrides.items())
    after = calendar_for(overrides=[*overrides.items(), (extra, False)])
    assert due(received, n, unit, after) >= due(received, n, unit, before)


@PROPS
@given(received=instants, n=periods, unit=units, overrides=override_maps, extra=days)
def test_it_never_makes_a_deadline_later_when_a_working_day_is_added(received, n, unit, overrides, extra):
    assume(extra not in overrides)
    before = calendar_for(overrides=overrides.items())
    after = calendar_for(overrides=[*overrides.items(), (extra, True)])
    assert due(received, n, unit, after) <= due(received, n, unit, before)


@PROPS
@given(
    received=instants,
    n=periods,
    unit=units,
    cal=calendars,
    pause_fraction=st.floats(min_value=0, max_value=1.5),
    pause_length=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=90)),
)
def test_it_never_moves_a_deadline_earlier_after_a_pause(received, n, unit, cal, pause_fraction, pause_length):
    old = due(received, n, unit, cal)
    received = received.astimezone(UTC)  # plain arithmetic below, no wall-clock surprises
    paused = received + (old - received) * pause_fraction
    resumed = paused + pause_length
    new = resume_due(due_at=old, paused_at=paused, resumed_at=resumed, unit=unit, calendar=cal)
    assert new >= old
    assert new.time() == time(23, 59, 59)
    assert cal.is_working_day(new.date())
    # The new deadline is never on a day before the subject answered.
    assert new.date() >= resumed.astimezone(KZ_TZ).date()


@PROPS
@given(received=instants, n=periods, unit=units, cal=calendars, within=st.floats(min_value=0, max_value=1))
def test_it_gives_back_the_same_deadline_for_a_pause_of_no_length(received, n, unit, cal, within):
    old = due(received, n, unit, cal)
    received = received.astimezone(UTC)
    paused = received + (old - received) * within
    assert resume_due(due_at=old, paused_at=paused, resumed_at=paused, unit=unit, calendar=cal) == old


@PROPS
@given(received=instants, n=periods, cal=calendars, gap=st.integers(min_value=0, max_value=60))
def test_it_keeps_the_working_days_left_across_a_pause(received, n, cal, gap):
    # Paused on the receipt date itself: all n working days are still left.
    old = due(received, n, WORKING_DAYS, cal)
    resumed = received.astimezone(UTC) + timedelta(days=gap)
    new = resume_due(due_at=old, paused_at=received, resumed_at=resumed, unit=WORKING_DAYS, calendar=cal)
    assert cal.working_days_between(resumed.astimezone(KZ_TZ).date(), new.date()) == n


@PROPS
@given(due_date=days, n=periods, unit=units, cal=calendars)
def test_it_always_extends_a_deadline_later(due_date, n, unit, cal):
    old = datetime.combine(due_date, time(23, 59, 59), tzinfo=KZ_TZ)
    new = extend_due(due_at=old, n=n, unit=unit, calendar=cal)
    assert new > old
    assert cal.is_working_day(new.date())


spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=120))


@PROPS
@given(a=instants, ab=spans, bc=spans, cal=calendars)
def test_it_adds_up_working_seconds_over_adjacent_spans(a, ab, bc, cal):
    # Through UTC so that b and c are really later than a across 2024's clock change.
    b = a.astimezone(UTC) + ab
    c = b + bc
    whole = working_seconds_between(start=a, end=c, calendar=cal)
    first = working_seconds_between(start=a, end=b, calendar=cal)
    parts = first + working_seconds_between(start=b, end=c, calendar=cal)
    assert whole == pytest.approx(parts, abs=1e-3)
    assert 0 <= whole <= (c - a).total_seconds() + 1e-6


@PROPS
@given(start=days, n=periods, cal=calendars)
def test_it_inverts_add_working_days_with_working_days_between(start, n, cal):
    end = cal.add_working_days(start, n)
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n


@PROPS
@given(received=instants, n=periods, unit=units, cal=calendars)
def test_it_goes_negative_exactly_after_the_deadline(received, n, unit, cal):
    deadline = due(received, n, unit, cal)
    assert time_left(now=received, due_at=deadline) > timedelta(0)
    # Through UTC: wall-clock arithmetic would cross 2024's offset change wrongly.
    just_after = deadline.astimezone(UTC) + timedelta(seconds=1)
    assert time_left(now=just_after, due_at=deadline) == timedelta(seconds=-1)


def test_it_ends_the_day_of_the_2024_clock_change_at_its_last_instant():
    # Almaty went from UTC+6 to UTC+5 at midnight: 29 Feb 2024 ended at 18:59:59 UTC, not 17:59:59.
    result = due(local(2024, 2, 28), 1)
    assert result.date() == date(2024, 2, 29)
    assert result.utcoffset() == timedelta(hours=5)
    assert result.astimezone(UTC) == datetime(2024, 2, 29, 18, 59, 59, tzinfo=UTC)
