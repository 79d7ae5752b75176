"""When a data-subject request is due (domain.md, "How a deadline is counted").

Pure date arithmetic: no Django, no database. Callers pass in the calendar
overrides an administrator entered; everything else comes from the `holidays`
package (country KZ) and the tz database (`tzdata`).

The conventions, in one place:

* a period starts the day after receipt (Civil Code), so the receipt date never
  counts, whatever the hour;
* a request is due at the end (23:59:59, local) of its last day;
* calendar periods that end on a day off move to the next working day;
* the local date, in the operator's time zone, decides every "day" question:
  a request sent at 23:30 in Almaty is received on that date even though it is
  already 18:30 UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "CALENDAR_DAYS",
    "KZ_TZ",
    "UNITS",
    "WORKING_DAYS",
    "WorkCalendar",
    "calendar_for",
    "due_at",
    "end_of_day",
    "extend_due",
    "in_working_hours",
    "snap_back_to_working_hours",
    "snap_forward_to_working_hours",
    "window_exceeds_cap",
    "resume_due",
    "time_left",
    "working_seconds_between",
]

WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
UNITS = (WORKING_DAYS, CALENDAR_DAYS)


def _load_kz_tz() -> ZoneInfo:
    # zoneinfo prefers the system tz database over the `tzdata` package. A system
    # older than 2024a still puts Almaty on UTC+6, which shifts late-evening
    # receipts to the wrong date, so fall back to the package when that happens.
    tz = ZoneInfo("Asia/Almaty")
    if datetime(2025, 1, 1, tzinfo=tz).utcoffset() == timedelta(hours=5):
        return tz
    from importlib.resources import files

    with files("tzdata.zoneinfo").joinpath("Asia", "Almaty").open("rb") as f:
        return ZoneInfo.from_file(f, key="Asia/Almaty")


KZ_TZ = _load_kz_tz()

END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)

# A safety net for the day-by-day searches below: no real calendar has a run of
# days off this long, so hitting it means a broken override set, not a deadline.
_MAX_SEARCH_DAYS = 366


@cache
def _days_off_in_year(year: int) -> frozenset[date]:
    """Every day of `year` that is not a working day by law and decree.

    One `holidays` object per year is built once and reduced to a frozenset, so
    later look-ups are a hash probe. Neighbouring years are populated too
    because a decree in one year can make a weekend of the previous year a
    working day (2014's decree moved 28 December 2013), and observed days can
    spill over New Year.
    """
    kz = holidays.country_holidays("KZ", years=range(year - 1, year + 2))
    first = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - first).days
    # The library's own is_working_day combines weekend, holidays, observed days,
    # substituted days off and weekend_workdays: reuse it rather than re-deriving.
    return frozenset(d for d in (first + timedelta(i) for i in range(days)) if not kz.is_working_day(d))


def _require_date(d: date, name: str = "d") -> date:
    # datetime is a subclass of date but never equals one, so a datetime would
    # silently miss every holiday and override in the frozensets.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date, got {type(d).__name__}")
    return d


def _require_aware(dt: datetime, name: str) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError(f"{name} must be timezone-aware (got naive {dt.isoformat()})")
    return dt


def _require_n(n: int) -> int:
    # bool is an int; "True working days" is always a bug upstream.
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    return n


def _require_unit(unit: str) -> str:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    return unit


@dataclass(frozen=True)
class WorkCalendar:
    """Kazakhstan's working days, with an administrator's corrections on top.

    The `holidays` package knows the decrees only up to the year it was
    released, and estimates Kurban Ait; the overrides fill those gaps and always
    win over the package.
    """

    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Accept any iterable for convenience, but keep the instance hashable.
        off = frozenset(_require_date(d, "extra_days_off item") for d in self.extra_days_off)
        on = frozenset(_require_date(d, "extra_working_days item") for d in self.extra_working_days)
        clash = off & on
        if clash:
            # A legal deadline must not depend on which set we happen to check first.
            listed = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"dates are both an extra day off and an extra working day: {listed}")
        object.__setattr__(self, "extra_days_off", off)
        object.__setattr__(self, "extra_working_days", on)

    def is_working_day(self, d: date) -> bool:
        return self._is_working(_require_date(d))

    def _is_working(self, d: date) -> bool:
        # Unchecked: the loops below validate their argument once, not per day.
        if d in self.extra_working_days:
            return True
        if d in self.extra_days_off:
            return False
        return d not in _days_off_in_year(d.year)

    def next_working_day(self, d: date) -> date:
        _require_date(d)
        for _ in range(_MAX_SEARCH_DAYS):
            if self._is_working(d):
                return d
            d += _ONE_DAY
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {d.isoformat()}")

    def add_working_days(self, d: date, n: int) -> date:
        _require_date(d)
        _require_n(n)
        remaining = n
        for _ in range(n + _MAX_SEARCH_DAYS):
            d += _ONE_DAY
            if self._is_working(d):
                remaining -= 1
                if remaining == 0:
                    return d
        raise ValueError(f"could not find {n} working days after the start date")

    def working_days_between(self, a: date, b: date) -> int:
        _require_date(a, "a")
        _require_date(b, "b")
        # Half-open (a, b]: the start day is the day of the event and does not count.
        return sum(1 for i in range(1, (b - a).days + 1) if self._is_working(a + timedelta(i)))


def calendar_for(*, overrides: Iterable[tuple[date, bool]]) -> WorkCalendar:
    """Build a calendar from (date, is_working_day) pairs as stored by admins.

    Contradictory pairs for one date raise ValueError (via WorkCalendar): the
    caller decides precedence (e.g. operator over global) before calling.
    """
    off: set[date] = set()
    on: set[date] = set()
    for day, is_working in overrides:
        (on if is_working else off).add(_require_date(day, "override date"))
    return WorkCalendar(extra_days_off=frozenset(off), extra_working_days=frozenset(on))


def _local_date(dt: datetime, tz: ZoneInfo) -> date:
    return dt.astimezone(tz).date()


def end_of_day(d: date, tz: ZoneInfo = KZ_TZ) -> datetime:
    """The last second of local day `d`: the moment every deadline falls on."""
    _require_date(d)
    return _end_of(d, tz)


def _end_of(d: date, tz: ZoneInfo) -> datetime:
    # fold=1 picks the later instant when the clock is set back over midnight
    # (Almaty lived 23:00-24:00 on 29 February 2024 twice): a day ends last.
    return datetime.combine(d, END_OF_DAY, tzinfo=tz).replace(fold=1)


def _due_date(start: date, n: int, unit: str, calendar: WorkCalendar) -> date:
    if unit == WORKING_DAYS:
        return calendar.add_working_days(start, n)
    return calendar.next_working_day(start + timedelta(days=n))


def due_at(*, received_at: datetime, n: int, unit: str, calendar: WorkCalendar, tz: ZoneInfo = KZ_TZ) -> datetime:
    """End of the last day to answer a request received at `received_at`."""
    _require_aware(received_at, "received_at")
    _require_n(n)
    _require_unit(unit)
    return _end_of(_due_date(_local_date(received_at, tz), n, unit, calendar), tz)


def extend_due(*, due_at: datetime, n: int, unit: str, calendar: WorkCalendar, tz: ZoneInfo = KZ_TZ) -> datetime:
    """Push a deadline by n more days, counted from the current due date."""
    _require_aware(due_at, "due_at")
    _require_n(n)
    _require_unit(unit)
    return _end_of(_due_date(_local_date(due_at, tz), n, unit, calendar), tz)


def resume_due(
    *,
    due_at: datetime,
    paused_at: datetime,
    resumed_at: datetime,
    unit: str,
    calendar: WorkCalendar,
    tz: ZoneInfo = KZ_TZ,
) -> datetime:
    """The deadline after a pause, restarting the clock "with the time that was left".

    Time is counted in whole days, like the original period: the day the clock
    stops is spent, and the day it restarts is a free gift (the period restarts
    the day after, as it started the day after receipt).
    """
    _require_aware(due_at, "due_at")
    _require_aware(paused_at, "paused_at")
    _require_aware(resumed_at, "resumed_at")
    _require_unit(unit)
    if resumed_at < paused_at:
        raise ValueError("resumed_at is earlier than paused_at")

    old_due = due_at.astimezone(tz)
    due_date = old_due.date()
    pause_date = _local_date(paused_at, tz)
    resume_date = _local_date(resumed_at, tz)

    if unit == WORKING_DAYS:
        remaining = calendar.working_days_between(pause_date, due_date)
        if remaining == 0:
            # Paused on (or after) the last day: the subject's answer still
            # deserves the rest of a working day, not an instant breach.
            new_date = calendar.next_working_day(resume_date)
        else:
            new_date = calendar.add_working_days(resume_date, remaining)
    else:
        remaining = max(0, (due_date - pause_date).days)
        new_date = calendar.next_working_day(resume_date + timedelta(days=remaining))

    # A pause must never cost the operator time it already had, e.g. when a
    # remaining period lands before an old due date that had been rolled forward.
    return max(_end_of(new_date, tz), old_due)


def time_left(*, now: datetime, due_at: datetime) -> timedelta:
    """Time until the deadline; negative once it has passed."""
    _require_aware(now, "now")
    _require_aware(due_at, "due_at")
    # Through UTC: subtracting two datetimes that share a tzinfo object ignores
    # their offsets, which is wrong across any offset change.
    return due_at.astimezone(UTC) - now.astimezone(UTC)


def working_seconds_between(*, start: datetime, end: datetime, calendar: WorkCalendar, tz: ZoneInfo = KZ_TZ) -> float:
    """Seconds of [start, end) that fall on working days (a working day counts all 24 hours).

    Used for "time to answer" statistics, so a request answered on Monday that
    arrived on Friday evening is not charged for the weekend.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    start_utc = start.astimezone(UTC)
    end_utc = end.astimezone(UTC)
    if end_utc <= start_utc:
        return 0.0

    total = 0.0
    day = _local_date(start_utc, tz)
    last = _local_date(end_utc, tz)
    while day <= last:
        if calendar.is_working_day(day):
            # Midnights are converted to UTC individually so that a day with an
            # offset change is measured by its true length.
            day_start = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
            day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
            lo = max(start_utc, day_start)
            hi = min(end_utc, day_end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += _ONE_DAY
    return total


def window_exceeds_cap(
    *, n: int, unit: str, cap_n: int, cap_unit: str, calendar: WorkCalendar, first: date, last: date
) -> bool:
    """True when a window of n `unit` ends after the cap for some receipt date in [first, last].

    Exact, not a rule of thumb: both deadlines are computed for every receipt date of the
    range on the given calendar (16 calendar days always end before the 15th working day,
    22 do not). Same units compare directly, since the counts run over the same days.
    """
    _require_n(n)
    _require_n(cap_n)
    _require_unit(unit)
    _require_unit(cap_unit)
    if unit == cap_unit:
        return n > cap_n
    if unit == CALENDAR_DAYS and n <= cap_n:
        # Each working day is a calendar day, and a roll to the next working day lands on
        # at most the n-th working day: n calendar days never outlast n working days.
        return False
    d = _require_date(first, "first")
    while d <= _require_date(last, "last"):
        if _due_date(d, n, unit, calendar) > _due_date(d, cap_n, cap_unit, calendar):
            return True
        d += _ONE_DAY
    return False


# --- working hours: when people are at work to read a reminder --------------------


def in_working_hours(at: datetime, *, hours: tuple[time, time], calendar: WorkCalendar, tz: ZoneInfo = KZ_TZ) -> bool:
    _require_aware(at, "at")
    local = at.astimezone(tz)
    return calendar.is_working_day(local.date()) and hours[0] <= local.time().replace(tzinfo=None) < hours[1]


def snap_back_to_working_hours(
    at: datetime, *, hours: tuple[time, time], calendar: WorkCalendar, tz: ZoneInfo = KZ_TZ
) -> datetime:
    """`at` if people are at work then, else the start of the last working day that began before it.

    A reminder planned for the evening or a day off moves to the morning of the last
    working day before it: earlier, so there is still time to act on it.
    """
    if in_working_hours(at, hours=hours, calendar=calendar, tz=tz):
        return at
    day = at.astimezone(tz).date()
    for _ in range(_MAX_SEARCH_DAYS):
        start = datetime.combine(day, hours[0], tzinfo=tz)
        if calendar.is_working_day(day) and start <= at:
            return start.astimezone(at.tzinfo)
        day -= _ONE_DAY
    raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days before {at.isoformat()}")


def snap_forward_to_working_hours(
    at: datetime, *, hours: tuple[time, time], calendar: WorkCalendar, tz: ZoneInfo = KZ_TZ
) -> datetime:
    """`at` if people are at work then, else the start of the next working day (or of today's hours)."""
    if in_working_hours(at, hours=hours, calendar=calendar, tz=tz):
        return at
    day = at.astimezone(tz).date()
    for _ in range(_MAX_SEARCH_DAYS):
        start = datetime.combine(day, hours[0], tzinfo=tz)
        if calendar.is_working_day(day) and start >= at:
            return start.astimezone(at.tzinfo)
        day += _ONE_DAY
    raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days after {at.isoformat()}")


def whole_units_left(*, at: datetime, due_at: datetime) -> tuple[int, int]:
    """(hours, days) left at `at`, rounded up: 3 h 59 min left is "4 hours", never "3"."""
    seconds = max(0.0, time_left(now=at, due_at=due_at).total_seconds())
    return -int(-seconds // 3600), -int(-seconds // 86400)


def rebase_due(
    *, due_at: datetime, changed: date, old: WorkCalendar, new: WorkCalendar, unit: str, tz: ZoneInfo = KZ_TZ
) -> datetime:
    """The deadline after day `changed` switched between working day and day off.

    A working-day deadline keeps the number of working days it had left from the day
    before the change; a calendar-day deadline that now ends on a day off moves to the next
    working day. A change after the due date moves nothing.
    """
    _require_aware(due_at, "due_at")
    _require_unit(unit)
    due_date = _local_date(due_at, tz)
    if changed > due_date:
        return due_at
    if unit == WORKING_DAYS:
        since = changed - _ONE_DAY
        left = old.working_days_between(since, due_date)
        new_date = new.add_working_days(since, left) if left else new.next_working_day(changed)
    else:
        new_date = new.next_working_day(due_date)
    if new_date == due_date:
        return due_at
    return _end_of(new_date, tz)
