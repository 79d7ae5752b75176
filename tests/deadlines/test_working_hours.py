"""Working hours, reminder snapping, whole units left, window caps and the Almaty zone.

Pure tests of dsar/deadlines.py (no database). Written to kill the mutants that the
tests through the sweep and the operator settings left alive (bench/RESULTS.md).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dsar import deadlines
from dsar.deadlines import (
    CALENDAR_DAYS,
    KZ_TZ,
    WORKING_DAYS,
    WorkCalendar,
    in_working_hours,
    snap_back_to_working_hours,
    snap_forward_to_working_hours,
    whole_units_left,
    window_exceeds_cap,
)

UTC = UTC
CAL = WorkCalendar()
HOURS = (time(9, 0), time(18, 0))
# 2026-04-03 is a Friday, 04-04/05 the weekend, 04-06 a Monday.
FRI, SAT, SUN, MON, TUE = (date(2026, 4, d) for d in (3, 4, 5, 6, 7))


def at(d, hh, mm=0, tz=KZ_TZ):
    return datetime.combine(d, time(hh, mm), tzinfo=tz)


# --- in_working_hours -------------------------------------------------------------------


def test_it_counts_the_first_minute_but_not_the_closing_minute_as_working_hours():
    assert in_working_hours(at(MON, 9), hours=HOURS, calendar=CAL)
    assert not in_working_hours(at(MON, 8, 59), hours=HOURS, calendar=CAL)
    assert in_working_hours(at(MON, 17, 59), hours=HOURS, calendar=CAL)
    assert not in_working_hours(at(MON, 18), hours=HOURS, calendar=CAL)


def test_it_reads_working_hours_on_the_local_clock_and_calendar():
    # 04:00 UTC is 09:00 in Almaty; 03:59 UTC is still before the office opens.
    assert in_working_hours(at(MON, 4, tz=UTC), hours=HOURS, calendar=CAL)
    assert not in_working_hours(at(MON, 3, 59, tz=UTC), hours=HOURS, calendar=CAL)
    assert not in_working_hours(at(SAT, 10), hours=HOURS, calendar=CAL)
    assert in_working_hours(at(SAT, 10), hours=HOURS, calendar=WorkCalendar(extra_working_days={SAT}))
    assert not in_working_hours(at(MON, 10), hours=HOURS, calendar=WorkCalendar(extra_days_off={MON}))


def test_it_refuses_a_naive_moment_for_working_hours():
    with pytest.raises(ValueError, match="^at must be timezone-aware"):
        in_working_hours(datetime(2026, 4, 6, 10), hours=HOURS, calendar=CAL)


# --- snapping reminders -----------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(MON, 10), at(MON, 10)),  # already at work: unchanged
        (at(MON, 9), at(MON, 9)),
        (at(MON, 20), at(MON, 9)),  # the evening goes back to the same morning
        (at(TUE, 7), at(MON, 9)),  # before opening: today has not started yet
        (at(SAT, 12), at(FRI, 9)),  # the weekend goes back to Friday
        (at(MON, 18), at(MON, 9)),
    ],
)
def test_it_snaps_a_reminder_back_to_the_last_working_morning(moment, expected):
    assert snap_back_to_working_hours(moment, hours=HOURS, calendar=CAL) == expected


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(MON, 10), at(MON, 10)),
        (at(MON, 7), at(MON, 9)),  # before opening: this morning
        (at(MON, 20), at(TUE, 9)),  # after closing: the next morning
        (at(FRI, 18), at(MON, 9)),  # Friday evening: Monday
        (at(SAT, 9), at(MON, 9)),
    ],
)
def test_it_snaps_a_lapse_forward_to_the_next_working_morning(moment, expected):
    assert snap_forward_to_working_hours(moment, hours=HOURS, calendar=CAL) == expected


def test_it_keeps_the_zone_of_the_moment_it_snaps():
    evening_utc = at(MON, 20).astimezone(UTC)
    back = snap_back_to_working_hours(evening_utc, hours=HOURS, calendar=CAL)
    forward = snap_forward_to_working_hours(evening_utc, hours=HOURS, calendar=CAL)
    assert back.tzinfo is UTC and back == at(MON, 9)
    assert forward.tzinfo is UTC and forward == at(TUE, 9)


def test_it_snaps_around_days_off_from_the_calendar():
    cal = WorkCalendar(extra_days_off={MON}, extra_working_days={SAT})
    assert snap_back_to_working_hours(at(MON, 12), hours=HOURS, calendar=cal) == at(SAT, 9)
    assert snap_forward_to_working_hours(at(FRI, 19), hours=HOURS, calendar=cal) == at(SAT, 9)
    assert snap_forward_to_working_hours(at(SUN, 19), hours=HOURS, calendar=cal) == at(TUE, 9)


def test_it_gives_up_snapping_when_no_working_day_is_near():
    never = WorkCalendar(extra_days_off={MON + timedelta(days=i) for i in range(-400, 400)})
    with pytest.raises(ValueError, match="before"):
        snap_back_to_working_hours(at(MON, 12), hours=HOURS, calendar=never)
    with pytest.raises(ValueError, match="after"):
        snap_forward_to_working_hours(at(MON, 12), hours=HOURS, calendar=never)


def test_it_reads_working_hours_in_the_zone_it_is_given():
    # 08:00 UTC on Monday is 13:00 in Almaty: at work there, not yet in a UTC office.
    monday_8_utc = at(MON, 8, tz=UTC)
    assert in_working_hours(monday_8_utc, hours=HOURS, calendar=CAL)
    assert not in_working_hours(monday_8_utc, hours=HOURS, calendar=CAL, tz=UTC)
    assert snap_back_to_working_hours(monday_8_utc, hours=HOURS, calendar=CAL, tz=UTC) == at(FRI, 9, tz=UTC)
    assert snap_forward_to_working_hours(monday_8_utc, hours=HOURS, calendar=CAL, tz=UTC) == at(MON, 9, tz=UTC)


def test_it_extends_and_rebases_on_the_date_of_the_zone_it_is_given():
    # 02:00 on 8 April in Almaty is 7 April in UTC.
    due = at(date(2026, 4, 8), 2)
    extended = deadlines.extend_due(due_at=due, n=1, unit=CALENDAR_DAYS, calendar=CAL, tz=UTC)
    assert extended == datetime(2026, 4, 8, 23, 59, 59, tzinfo=UTC)
    new = WorkCalendar(extra_days_off={date(2026, 4, 8)})
    # In UTC the deadline is on the 7th, before the changed day: it does not move.
    assert (
        deadlines.rebase_due(due_at=due, changed=date(2026, 4, 8), old=CAL, new=new, unit=CALENDAR_DAYS, tz=UTC) == due
    )


def test_it_counts_and_resumes_on_the_dates_of_the_zone_it_is_given():
    # Each Almaty moment at 02:00 is the previous day in UTC.
    received = at(date(2026, 4, 8), 2)
    assert deadlines.due_at(received_at=received, n=1, unit=WORKING_DAYS, calendar=CAL, tz=UTC) == datetime(
        2026, 4, 8, 23, 59, 59, tzinfo=UTC
    )
    # Paused 7 April (UTC) with the 8th to 10th left, resumed Sunday 12th: due Wednesday 15th.
    moved = deadlines.resume_due(
        due_at=datetime(2026, 4, 10, 23, 59, 59, tzinfo=UTC),
        paused_at=received,
        resumed_at=at(date(2026, 4, 13), 2),
        unit=WORKING_DAYS,
        calendar=CAL,
        tz=UTC,
    )
    assert moved == datetime(2026, 4, 15, 23, 59, 59, tzinfo=UTC)
    # Due Thursday 9th (UTC; Friday in Almaty), paused Tuesday 7th: two days left after Monday 13th.
    moved = deadlines.resume_due(
        due_at=datetime(2026, 4, 9, 20, 0, tzinfo=UTC),
        paused_at=at(TUE, 12),
        resumed_at=at(date(2026, 4, 13), 12),
        unit=WORKING_DAYS,
        calendar=CAL,
        tz=UTC,
    )
    assert moved == datetime(2026, 4, 15, 23, 59, 59, tzinfo=UTC)


# --- whole units left -------------------------------------------------------------------


@pytest.mark.parametrize(
    "left, expected",
    [
        (timedelta(hours=3, minutes=59), (4, 1)),
        (timedelta(hours=1), (1, 1)),
        (timedelta(seconds=1), (1, 1)),
        (timedelta(hours=24), (24, 1)),
        (timedelta(hours=24, seconds=1), (25, 2)),
        (timedelta(days=3), (72, 3)),
        (timedelta(0), (0, 0)),
        (timedelta(hours=-5), (0, 0)),  # overdue: nothing left, never negative
    ],
)
def test_it_rounds_time_left_up_to_whole_hours_and_days(left, expected):
    due = at(MON, 23, 59)
    assert whole_units_left(at=due - left, due_at=due) == expected


# --- window caps ------------------------------------------------------------------------

YEAR = dict(first=date(2026, 1, 1), last=date(2026, 12, 31))


def test_it_compares_windows_of_the_same_unit_directly():
    for unit in (WORKING_DAYS, CALENDAR_DAYS):
        assert window_exceeds_cap(n=16, unit=unit, cap_n=15, cap_unit=unit, calendar=CAL, **YEAR)
        assert not window_exceeds_cap(n=15, unit=unit, cap_n=15, cap_unit=unit, calendar=CAL, **YEAR)
        # Same unit needs no receipt date at all: an empty range still answers.
        assert window_exceeds_cap(
            n=2, unit=unit, cap_n=1, cap_unit=unit, calendar=CAL, first=FRI, last=MON - timedelta(30)
        )


def test_it_finds_the_calendar_window_that_outlasts_a_working_day_cap():
    assert not window_exceeds_cap(n=15, unit=CALENDAR_DAYS, cap_n=15, cap_unit=WORKING_DAYS, calendar=CAL, **YEAR)
    assert not window_exceeds_cap(n=16, unit=CALENDAR_DAYS, cap_n=15, cap_unit=WORKING_DAYS, calendar=CAL, **YEAR)
    assert window_exceeds_cap(n=22, unit=CALENDAR_DAYS, cap_n=15, cap_unit=WORKING_DAYS, calendar=CAL, **YEAR)


def test_it_finds_a_working_day_window_that_outlasts_a_calendar_cap():
    # 10 working days always span a weekend, so they outlast 10 calendar days.
    assert window_exceeds_cap(n=10, unit=WORKING_DAYS, cap_n=10, cap_unit=CALENDAR_DAYS, calendar=CAL, **YEAR)
    assert not window_exceeds_cap(n=5, unit=WORKING_DAYS, cap_n=30, cap_unit=CALENDAR_DAYS, calendar=CAL, **YEAR)


def test_it_checks_only_the_receipt_dates_of_the_range():
    # Received Friday 3 April: 3 working days end Wednesday 8th; 4 calendar days end Tuesday 7th.
    one_day = dict(first=FRI, last=FRI)
    assert window_exceeds_cap(n=3, unit=WORKING_DAYS, cap_n=4, cap_unit=CALENDAR_DAYS, calendar=CAL, **one_day)
    # Received Monday 6th: 3 working days end Thursday 9th, 4 calendar days end Friday 10th.
    monday = dict(first=MON, last=MON)
    assert not window_exceeds_cap(n=3, unit=WORKING_DAYS, cap_n=4, cap_unit=CALENDAR_DAYS, calendar=CAL, **monday)
    # Monday to Wednesday: no receipt date of the range outlasts the cap (Wednesday 8th: both
    # end Monday 13th) ...
    to_wednesday = dict(first=MON, last=MON + timedelta(days=2))
    assert not window_exceeds_cap(n=3, unit=WORKING_DAYS, cap_n=4, cap_unit=CALENDAR_DAYS, calendar=CAL, **to_wednesday)
    # ... but the last date counts: received Thursday 9th, 3 working days end Tuesday 14th.
    to_thursday = dict(first=MON, last=MON + timedelta(days=3))
    assert window_exceeds_cap(n=3, unit=WORKING_DAYS, cap_n=4, cap_unit=CALENDAR_DAYS, calendar=CAL, **to_thursday)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n=0),
        dict(cap_n=0),
        dict(unit="hours"),
        dict(cap_unit="hours"),
    ],
)
def test_it_refuses_a_bad_window_or_cap(kwargs):
    args = dict(n=3, unit=WORKING_DAYS, cap_n=4, cap_unit=CALENDAR_DAYS, calendar=CAL, first=FRI, last=FRI)
    with pytest.raises(ValueError):
        window_exceeds_cap(**{**args, **kwargs})


def test_it_refuses_datetimes_for_the_receipt_range():
    args = dict(n=3, unit=WORKING_DAYS, cap_n=4, cap_unit=CALENDAR_DAYS, calendar=CAL)
    with pytest.raises(TypeError, match="^first must"):
        window_exceeds_cap(**args, first=at(FRI, 9), last=FRI)
    with pytest.raises(TypeError, match="^last must"):
        window_exceeds_cap(**args, first=FRI, last=at(FRI, 9))


# --- the Almaty zone --------------------------------------------------------------------


def test_it_loads_an_almaty_zone_on_utc_plus_five():
    tz = deadlines._load_kz_tz()
    assert tz.key == "Asia/Almaty"
    assert datetime(2025, 1, 1, tzinfo=tz).utcoffset() == timedelta(hours=5)
    # Before March 2024 Almaty was on UTC+6: the real history, not a fixed offset.
    assert datetime(2023, 1, 1, tzinfo=tz).utcoffset() == timedelta(hours=6)


def test_it_trusts_the_system_zone_when_it_already_says_utc_plus_five(monkeypatch):
    plus_five = ZoneInfo("Asia/Karachi")  # UTC+5, stands in for an up-to-date system zone
    monkeypatch.setattr(deadlines, "ZoneInfo", _FakeZoneInfo(plus_five))
    assert deadlines._load_kz_tz() is plus_five


def test_it_falls_back_to_the_tzdata_package_when_the_system_zone_is_stale(monkeypatch):
    plus_six = ZoneInfo("Asia/Omsk")  # UTC+6, like a system tz database older than 2024a
    monkeypatch.setattr(deadlines, "ZoneInfo", _FakeZoneInfo(plus_six))
    tz = deadlines._load_kz_tz()
    assert tz is not plus_six
    assert tz.key == "Asia/Almaty"
    assert datetime(2025, 1, 1, tzinfo=tz).utcoffset() == timedelta(hours=5)
    assert datetime(2023, 1, 1, tzinfo=tz).utcoffset() == timedelta(hours=6)


class _FakeZoneInfo:
    """ZoneInfo("Asia/Almaty") answers with a chosen zone; from_file stays real."""

    def __init__(self, answer):
        self.answer = answer
        self.from_file = ZoneInfo.from_file

    def __call__(self, key):
        assert key == "Asia/Almaty"
        return self.answer
