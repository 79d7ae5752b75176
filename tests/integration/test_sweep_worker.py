"""The sweep on a real worker: PostgreSQL row locks, Redis broker, delivery tasks."""

import re
from datetime import timedelta

import pytest

from dsar.models import DataRequest, Notification
from tests.integration.harness import wait_for
from tests.tasks.conftest import at
from tests.tasks.test_sweep import _in_progress

pytestmark = pytest.mark.integration

START = at(2026, 3, 2, 10, 0)


def test_it_reminds_at_the_right_moment_and_escalates_once(services, operator, staff):
    request = _in_progress(operator, staff["caseworker"], when=START)
    # 48 h before the end of Thursday falls at midnight: moved to the start of that working day.
    reminder_at = at(2026, 3, 3, 9, 0)
    assert request.next_action_at == reminder_at
    services.worker("w1")

    services.run("sweep", now=(reminder_at - timedelta(seconds=1)).isoformat())
    assert services.mail.lines() == []

    services.run("sweep", now=reminder_at.isoformat())
    wait_for(services.mail.lines, what="the reminder")
    assert services.mail.lines() == [
        f"{staff['caseworker'].email}\tReminder: request {request.reference} "
        f"is due 5 March 2026, 23:59 · {operator.name_en}"
    ]

    for _ in range(2):  # overdue, escalated on the next working morning; the second sweep must not escalate again
        services.run("sweep", now=at(2026, 3, 6, 9, 5).isoformat())
    wait_for(lambda: len(services.mail.lines()) >= 3, what="the escalations")
    services.run("sweep", now=(request.due_at + timedelta(days=1)).isoformat())
    escalations = [line for line in services.mail.lines() if "Overdue" in line]
    assert sorted(line.split("\t")[0] for line in escalations) == sorted([staff["manager"].email, staff["dpo"].email])
    assert Notification.objects.filter(status="sent").count() == 3


def test_two_sweeps_at_once_send_each_reminder_once(services, operator, staff):
    requests = [_in_progress(operator, staff["caseworker"], when=START) for _ in range(40)]
    reminder_at = at(2026, 3, 3, 9, 0)  # 48 h before the deadline, moved into working hours
    assert {r.next_action_at for r in requests} == {reminder_at}
    w1, w2 = services.worker("w1"), services.worker("w2")

    # Small batches so the two sweeps interleave over many transactions.
    first = services.send("sweep", now=reminder_at.isoformat(), batch_size=3)
    second = services.send("sweep", now=reminder_at.isoformat(), batch_size=3)
    wait_for(lambda: all(w1.finished(t.id) or w2.finished(t.id) for t in (first, second)), what="both sweeps")
    wait_for(lambda: Notification.objects.filter(status="sent").count() == 40, what="delivery")

    lines = services.mail.lines()
    assert len(lines) == 40 and len(set(lines)) == 40
    claimed = [int(n) for n in re.findall(r"Sweep at \S+: \{'claimed': (\d+)", w1.output() + w2.output())]
    assert len(claimed) == 2 and sum(claimed) == 40  # the sweeps split the rows; none handled twice
    assert not DataRequest.objects.filter(next_action_at__lte=reminder_at).exists()
