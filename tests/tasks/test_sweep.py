from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dsar.models import DataRequest, Notification, Policy, State
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


def _in_progress(operator, caseworker, *, kind="access", when, **fields):
    with time_machine.travel(when, tick=False):
        request = make_request(operator, kind=kind, now=when, **fields)
        transition(request.pk, "confirm_identity", now=when)
        if caseworker is not None:
            transition(request.pk, "start_work", actor=caseworker, now=when)
    return DataRequest.objects.get(pk=request.pk)


def test_it_schedules_the_first_reminder_when_the_clock_starts(operator, staff):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))

    # Access: 3 working days -> end of Thursday 5 March; default offsets 48 h and 24 h, which
    # fall at midnight and move to the start of that working day (09:00 by default).
    assert request.due_at == at(2026, 3, 5, 23, 59, 59)
    assert request.next_action_at == at(2026, 3, 3, 9, 0)


def test_it_reminds_the_assignee_at_each_offset_and_not_before(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))
    first = at(2026, 3, 3, 9, 0)

    assert sweep(first - timedelta(seconds=1)) == []
    sent = sweep(first)
    assert [m.to for m in sent] == [[staff["caseworker"].email]]
    assert request.reference in sent[0].subject
    assert operator.name_en in sent[0].body  # the operator's name, in its language (en here)
    assert "Asel Nurova" in sent[0].body
    assert sent[0].alternatives[0][1] == "text/html"
    assert sweep(first + timedelta(hours=1)) == []

    assert DataRequest.objects.get(pk=request.pk).next_action_at == at(2026, 3, 4, 9, 0)
    sent = sweep(at(2026, 3, 4, 9, 0))
    assert [m.to for m in sent] == [[staff["caseworker"].email]]
    assert "2 days left" in sent[0].body  # Wednesday 09:00 to the end of Thursday, rounded up


def test_it_counts_hours_for_one_working_day_kinds(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], kind="rectification", when=at(2026, 3, 2, 10, 0))
    # Rectification: 1 working day -> end of Tuesday; default offsets 4 h and 1 h.
    assert request.due_at == at(2026, 3, 3, 23, 59, 59)

    # Both offsets (20:00 and 23:00) are after working hours: one reminder on the due day's morning.
    assert sweep(at(2026, 3, 3, 8, 59, 59)) == []
    sent = sweep(at(2026, 3, 3, 9, 0))
    assert len(sent) == 1 and "15 hours left" in sent[0].body
    assert sent[0].to == [staff["caseworker"].email]
    assert sweep(at(2026, 3, 3, 19, 59, 59)) == [] and sweep(at(2026, 3, 3, 22, 59, 59)) == []


def test_it_uses_the_policys_offsets(operator, staff, sweep):
    Policy.objects.create(
        operator=operator, kind="access", deadline_n=3, deadline_unit="working_days", reminder_offsets_hours=[6]
    )
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))

    assert request.next_action_at == request.due_at - timedelta(hours=6)
    assert sweep(request.due_at - timedelta(hours=24)) == []
    assert len(sweep(request.due_at - timedelta(hours=6))) == 1


def test_it_tells_the_managers_when_nobody_owns_the_request(operator, staff, sweep):
    _in_progress(operator, None, when=at(2026, 3, 2, 10, 0))

    sent = sweep(at(2026, 3, 3, 9, 0))
    assert [m.to for m in sent] == [[staff["manager"].email]]
    assert "no assignee" in sent[0].body


def test_it_escalates_an_overdue_request_once_to_managers_and_dpo(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))
    sweep(request.due_at - timedelta(hours=1))

    # Due at midnight; the escalation ("answer it today") comes at the start of the next working day.
    assert sweep(request.due_at + timedelta(minutes=1)) == []
    sent = sweep(at(2026, 3, 6, 9, 0))
    assert sorted(m.to[0] for m in sent) == sorted([staff["manager"].email, staff["dpo"].email])
    assert all("Overdue" in m.subject for m in sent)
    assert DataRequest.objects.get(pk=request.pk).next_action_at is None
    assert sweep(request.due_at + timedelta(days=2)) == []

    # Even if something else makes the row due again, the escalation key holds.
    DataRequest.objects.filter(pk=request.pk).update(next_action_at=request.due_at)
    assert sweep(request.due_at + timedelta(days=3)) == []


def test_it_sends_only_the_latest_reminder_after_downtime(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))

    sent = sweep(request.due_at - timedelta(hours=2))  # both offsets passed while beat was down
    assert len(sent) == 1
    assert Notification.objects.filter(request=request).values_list("key", flat=True).get().count(":24h:") == 1


def test_it_stops_reminding_once_the_request_is_answered(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        transition(request.pk, "fulfil", actor=staff["manager"])

    request = DataRequest.objects.get(pk=request.pk)
    # Only retention is left: 3 years after the last contact.
    assert request.next_action_at == request.last_contact_at + timedelta(days=operator.retention_days)
    staff_emails = {u.email for u in staff.values()}
    assert [m for m in sweep(request.due_at + timedelta(days=1)) if staff_emails & set(m.to)] == []


def test_it_reminds_the_subject_to_confirm_then_expires_the_request(operator, sweep):
    start = at(2026, 3, 2, 10, 0)
    with time_machine.travel(start, tick=False):
        request = make_request(operator, now=start, language="kk", subject_email="aru@example.kz")
    # Half of 7 days is Thursday 22:00: the reminder waits for Friday morning (issue 23).
    assert request.next_action_at == at(2026, 3, 6, 8, 0)

    sent = sweep(at(2026, 3, 6, 8, 0))  # half-way, Thu 22:00, moved to the morning
    assert [m.to for m in sent] == [["aru@example.kz"]]
    assert operator.name_kk in sent[0].body  # the subject's language
    assert sweep(start + timedelta(days=6)) and sweep(start + timedelta(days=6, hours=1)) == []

    # The expiry itself is told neutrally (issue 23): one e-mail, no status link.
    expired = sweep(start + timedelta(days=7))
    assert [m.to for m in expired] == [["aru@example.kz"]] and "/r/" not in expired[0].body
    request = DataRequest.objects.get(pk=request.pk)
    assert request.state == State.EXPIRED
    assert request.events.filter(action="expire", actor_label="system").count() == 1


@pytest.mark.parametrize(
    ("outcome", "state"),
    [("refuse", State.REFUSED), ("close", State.WITHDRAWN), ("keep_open", State.AWAITING_SUBJECT)],
)
def test_it_applies_the_policys_outcome_to_an_unanswered_clarification(operator, staff, sweep, outcome, state):
    Policy.objects.create(
        operator=operator,
        kind="access",
        deadline_n=3,
        deadline_unit="working_days",
        clarification_timeout_days=10,
        clarification_outcome=outcome,
    )
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0), subject_email="s@example.kz")
    asked = at(2026, 3, 2, 12, 0)
    transition(request.pk, "ask_subject", actor=staff["caseworker"], question="Which account?", now=asked)

    assert [m.to for m in sweep(asked + timedelta(days=5))] == [["s@example.kz"]]
    assert [m.to for m in sweep(asked + timedelta(days=9))] == [["s@example.kz"]]
    sent = sweep(asked + timedelta(days=10))

    request = DataRequest.objects.get(pk=request.pk)
    assert request.state == state
    if outcome == "keep_open":
        assert sorted(m.to[0] for m in sent) == sorted([staff["manager"].email, staff["dpo"].email])
        assert sweep(asked + timedelta(days=20)) == []
    if outcome == "refuse":
        assert request.refusal_ground == "identity_not_proven"


def test_it_costs_the_same_number_of_queries_whatever_the_number_of_idle_requests(operator, staff):
    from dsar.services.sweep import sweep_run

    def queries_for_one_sweep(idle: int) -> int:
        when = at(2026, 3, 2, 10, 0)
        for _ in range(idle):
            _in_progress(operator, staff["caseworker"], when=when)
        due = [_in_progress(operator, staff["caseworker"], when=when) for _ in range(3)]
        DataRequest.objects.filter(pk__in=[r.pk for r in due]).update(next_action_at=at(2026, 3, 2, 11, 0))
        with CaptureQueriesContext(connection) as ctx:
            result = sweep_run(now=at(2026, 3, 2, 11, 0))
        assert result.claimed == 3
        return len(ctx.captured_queries)

    assert queries_for_one_sweep(2) == queries_for_one_sweep(20)


def test_it_runs_twice_at_the_same_moment_without_sending_twice(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))
    DataRequest.objects.filter(pk=request.pk).update(next_action_at=request.due_at - timedelta(hours=48))
    assert len(sweep(request.due_at - timedelta(hours=48))) == 1
    # A second sweep finds the row due again (as if the first one's update were lost).
    DataRequest.objects.filter(pk=request.pk).update(next_action_at=request.due_at - timedelta(hours=48))
    assert sweep(request.due_at - timedelta(hours=48)) == []
    assert len(mail.outbox) == 1


def test_it_writes_plain_text_without_html_escaping(operator, staff, sweep):
    operator.name_en = '"Qazeta & Co" LLP'
    operator.save()
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))

    sent = sweep(request.due_at - timedelta(hours=48))
    assert '"Qazeta & Co" LLP' in sent[0].subject and '"Qazeta & Co" LLP' in sent[0].body
    assert "Qazeta &amp; Co" in sent[0].alternatives[0][0]


def test_it_reminds_the_representative_who_sent_the_request(operator, sweep):
    start = at(2026, 3, 2, 10, 0)
    with time_machine.travel(start, tick=False):
        make_request(
            operator,
            now=start,
            acting_for_other=True,
            representative_name="Lawyer",
            representative_email="lawyer@example.kz",
            representative_basis="power_of_attorney",
        )

    assert [m.to for m in sweep(start + timedelta(days=4))] == [["lawyer@example.kz"]]
