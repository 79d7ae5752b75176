"""One definition of each queue: the admin lists, the dashboard's Now cards and the digest agree."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from dsar import deadlines
from dsar.dashboard.selectors.now import now_figures
from dsar.models import CalendarOverride, DataRequest
from dsar.selectors import apply_queue, requests_for_user
from dsar.services.sweep.digest import digest_counts
from dsar.states import State
from tests.factories import OperatorFactory, UserFactory, make_request

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
DUBAI = ZoneInfo("Asia/Dubai")  # an hour behind Almaty: "today" ends an hour later
START = datetime(2026, 3, 19, 8, 0, tzinfo=ALMATY)  # Thursday before Nauryz (23 March is a day off)


def _put(operator, state, due, *, assignee=None, paused=False, review=None):
    request = make_request(operator, now=START - timedelta(days=10))
    DataRequest.objects.filter(pk=request.pk).update(
        state=state,
        due_at=due,
        received_at=START - timedelta(days=10),
        assignee=assignee,
        clock_paused_at=START - timedelta(days=1) if paused else None,
        review_due_at=review,
    )


@pytest.fixture
def world():
    alpha = OperatorFactory(timezone="Asia/Almaty")
    bravo = OperatorFactory(timezone="Asia/Dubai")
    # Bravo's own decree: Friday 20 March is a day off for it only.
    CalendarOverride.objects.create(operator=bravo, date=date(2026, 3, 20), is_working_day=False, note="Decree")
    worker = UserFactory()
    for op in (alpha, bravo):
        tz = op.tz
        cal = op.work_calendar()
        day = START.astimezone(tz).date()
        for offset in range(-3, 9):
            d = day + timedelta(days=offset)
            end = deadlines.end_of_day(d, tz)
            _put(op, State.RECEIVED, end)
            _put(op, State.IN_PROGRESS, end, assignee=worker)
            _put(op, State.AWAITING_SUBJECT, end, paused=True)  # paused: neither due nor overdue
            _put(op, State.AWAITING_SUBJECT, end, assignee=worker)  # the policy does not pause
            _put(op, State.BLOCKED, end - timedelta(days=30), review=end)
            if cal.is_working_day(d):
                _put(op, State.IN_PROGRESS, datetime.combine(d, time(17, 30), tzinfo=tz))
        _put(op, State.AWAITING_IDENTITY, None)
        _put(op, State.FULFILLED, START - timedelta(days=2))
    return alpha, bravo


def test_it_counts_each_queue_the_same_in_the_admin_the_dashboard_and_the_digest(world):
    admin = UserFactory(is_superuser=True)
    for hours in range(0, 24 * 6, 9):  # Thursday to Wednesday, past midnight in both zones, over Nauryz
        now = START + timedelta(hours=hours, minutes=7)
        cards = {row.operator_id: row for row in now_figures(operators=list(world), now=now)}
        for op in world:
            listed = {
                queue: apply_queue(requests_for_user(admin), queue, admin, now).filter(operator=op).count()
                for queue in ("overdue", "due_today", "due_1wd", "unassigned")
            }
            card = cards[op.pk]
            digest = digest_counts(operator=op, now=now)
            assert listed == {
                "overdue": card.overdue,
                "due_today": card.due_today,
                "due_1wd": card.due_1wd,
                "unassigned": card.unassigned,
            }, (now, op.timezone)
            assert (digest["overdue"], digest["due_1wd"], digest["unassigned"]) == (
                listed["overdue"],
                listed["due_1wd"],
                listed["unassigned"],
            ), (now, op.timezone)
            assert listed["overdue"] > 0 and listed["unassigned"] > 0


def test_it_counts_to_the_end_of_the_next_working_day_on_the_operators_calendar(world):
    alpha, bravo = world
    friday_morning = datetime(2026, 3, 20, 9, 0, tzinfo=ALMATY)
    # Alpha: Friday 20 works; Nauryz (21-23, observed 24-25) makes Thursday 26 the next working day.
    # Bravo: Friday 20 is off by its own decree; the next working day after it is Thursday 26 too.
    cards = {row.operator_id: row for row in now_figures(operators=[alpha, bravo], now=friday_morning)}
    for op in world:
        tz = op.tz
        expected = (
            DataRequest.objects.filter(
                operator=op,
                state__in=[State.RECEIVED, State.IN_PROGRESS],
                due_at__gte=friday_morning,
                due_at__lte=deadlines.end_of_day(date(2026, 3, 26), tz),
            ).count()
            + DataRequest.objects.filter(
                operator=op,
                state=State.AWAITING_SUBJECT,
                clock_paused_at__isnull=True,
                due_at__gte=friday_morning,
                due_at__lte=deadlines.end_of_day(date(2026, 3, 26), tz),
            ).count()
            + DataRequest.objects.filter(
                operator=op,
                state=State.BLOCKED,
                review_due_at__gte=friday_morning,
                review_due_at__lte=deadlines.end_of_day(date(2026, 3, 26), tz),
            ).count()
        )
        assert cards[op.pk].due_1wd == expected > 0
