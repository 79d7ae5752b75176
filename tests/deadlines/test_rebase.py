"""A calendar override moves a deadline as if the request had been counted on the new calendar."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.deadlines import CALENDAR_DAYS, KZ_TZ, WORKING_DAYS, WorkCalendar, due_at, rebase_due

OLD = WorkCalendar()


def _received(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 15, 0, tzinfo=KZ_TZ)


@settings(max_examples=300, deadline=None)
@given(
    received=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 1)),
    n=st.integers(min_value=1, max_value=20),
    offset=st.integers(min_value=1, max_value=40),
    working=st.booleans(),
)
def test_it_moves_a_working_day_deadline_to_where_the_new_calendar_counts_it(received, n, offset, working):
    changed = received + timedelta(days=offset)
    if OLD.is_working_day(changed) == working:
        return  # no change to that day
    new = WorkCalendar(extra_working_days={changed}) if working else WorkCalendar(extra_days_off={changed})
    old_due = due_at(received_at=_received(received), n=n, unit=WORKING_DAYS, calendar=OLD)
    moved = rebase_due(due_at=old_due, changed=changed, old=OLD, new=new, unit=WORKING_DAYS)
    assert moved == due_at(received_at=_received(received), n=n, unit=WORKING_DAYS, calendar=new)


@settings(max_examples=300, deadline=None)
@given(
    received=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 1)),
    n=st.integers(min_value=1, max_value=30),
    offset=st.integers(min_value=1, max_value=40),
)
def test_it_moves_a_calendar_day_deadline_off_a_new_day_off(received, n, offset):
    changed = received + timedelta(days=offset)
    if not OLD.is_working_day(changed):
        return
    new = WorkCalendar(extra_days_off={changed})
    old_due = due_at(received_at=_received(received), n=n, unit=CALENDAR_DAYS, calendar=OLD)
    moved = rebase_due(due_at=old_due, changed=changed, old=OLD, new=new, unit=CALENDAR_DAYS)
    assert moved == due_at(received_at=_received(received), n=n, unit=CALENDAR_DAYS, calendar=new)


def test_it_reads_the_due_date_on_the_operator_clock():
    # 02:00 on 8 April in Almaty is still 7 April in UTC: the local date is the one that moves.
    due = datetime(2026, 4, 8, 2, 0, tzinfo=KZ_TZ)
    new = WorkCalendar(extra_days_off={date(2026, 4, 8)})
    moved = rebase_due(due_at=due, changed=date(2026, 4, 8), old=OLD, new=new, unit=CALENDAR_DAYS)
    assert moved == datetime(2026, 4, 9, 23, 59, 59, tzinfo=KZ_TZ)


def test_it_keeps_a_deadline_that_had_no_working_day_left_when_its_day_becomes_working():
    # An extension chose Saturday 11 April; that Saturday becomes a working day: nothing to move.
    due = datetime(2026, 4, 11, 23, 59, 59, tzinfo=KZ_TZ)
    new = WorkCalendar(extra_working_days={date(2026, 4, 11)})
    assert rebase_due(due_at=due, changed=date(2026, 4, 11), old=OLD, new=new, unit=WORKING_DAYS) == due
