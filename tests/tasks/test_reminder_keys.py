"""A moved deadline gets its own reminders: the notification key carries the due date."""

from datetime import timedelta

import pytest
import time_machine

from dsar.kinds import Kind
from dsar.models import DataRequest, Policy
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


def test_it_reminds_again_before_the_new_deadline_after_an_extension(operator, staff, sweep):
    Policy.objects.create(
        operator=operator,
        kind=Kind.CLAIM,
        deadline_n=3,
        deadline_unit="calendar_days",
        extension_allowed=True,
        extension_max_n=15,
        reminder_offsets_hours=[48, 24],
    )
    start = at(2026, 3, 2, 10, 0)
    request = make_request(operator, kind=Kind.CLAIM, now=start)
    transition(request.pk, "confirm_identity", now=start)
    transition(request.pk, "start_work", actor=staff["caseworker"], now=start)
    old_due = DataRequest.objects.get(pk=request.pk).due_at

    def reminders_until(end, moment):
        sent = []
        while moment < end:
            sent += [m for m in sweep(moment) if m.to == [staff["caseworker"].email]]
            moment += timedelta(hours=1)
        return sent

    before = reminders_until(old_due - timedelta(hours=2), start)
    assert before, "no reminder before the original deadline"
    moment = old_due - timedelta(hours=2)
    new_due = old_due + timedelta(days=5)
    with time_machine.travel(moment, tick=False):
        transition(request.pk, "extend", actor=staff["manager"], new_due=new_due, reason="Bank statement", now=moment)
    after = reminders_until(new_due, moment + timedelta(hours=1))
    # Reminders before the new date go out; none is dropped as "already sent" for the old date.
    assert after, "no reminder before the new deadline"
    assert all(request.reference in m.subject for m in before + after)
