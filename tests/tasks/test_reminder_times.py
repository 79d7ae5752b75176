"""Reminders that reach people at the right time (issue #11)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from dsar.models import CalendarOverride, DataRequest, Notification, Policy
from dsar.services.sweep import digests_send
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import at
from tests.tasks.test_sweep import _in_progress

pytestmark = pytest.mark.django_db


def _staff_mail(sent, staff):
    emails = {u.email for u in staff.values()}
    return [m for m in sent if emails & set(m.to)]


def test_it_escalates_at_once_a_request_already_overdue_when_its_clock_starts(operator, staff, sweep):
    # The clock starts at submission; the subject confirms two days after the deadline.
    Policy.objects.create(
        operator=operator,
        kind="rectification",
        deadline_n=1,
        deadline_unit="working_days",
        clock_starts=Policy.ClockStart.SUBMISSION,
    )
    request = make_request(operator, kind="rectification", now=at(2026, 3, 2, 10, 0))
    confirmed = at(2026, 3, 5, 11, 0)
    request = transition(request.pk, "confirm_identity", now=confirmed)
    assert request.due_at == at(2026, 3, 3, 23, 59, 59)
    assert DataRequest.objects.get(pk=request.pk).next_action_at == confirmed

    sent = _staff_mail(sweep(confirmed), staff)
    assert sorted(m.to[0] for m in sent) == sorted([staff["manager"].email, staff["dpo"].email])
    assert all("Overdue" in m.subject for m in sent)
    assert sweep(confirmed + timedelta(days=1)) == []


def test_it_escalates_a_request_confirmed_overdue_at_night_when_the_working_day_starts(operator, staff, sweep):
    Policy.objects.create(
        operator=operator,
        kind="rectification",
        deadline_n=1,
        deadline_unit="working_days",
        clock_starts=Policy.ClockStart.SUBMISSION,
    )
    request = make_request(operator, kind="rectification", now=at(2026, 3, 2, 10, 0))
    transition(request.pk, "confirm_identity", now=at(2026, 3, 5, 2, 0))
    assert DataRequest.objects.get(pk=request.pk).next_action_at == at(2026, 3, 5, 9, 0)
    assert sweep(at(2026, 3, 5, 2, 0)) == []
    assert len(sweep(at(2026, 3, 5, 9, 0))) == 2


def test_it_reminds_a_friday_afternoon_one_day_request_on_the_monday_morning(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], kind="destruction", when=at(2026, 3, 13, 15, 0))
    assert request.due_at == at(2026, 3, 16, 23, 59, 59)
    # Nothing in the evening or over the weekend.
    for moment in (at(2026, 3, 13, 20, 0), at(2026, 3, 14, 12, 0), at(2026, 3, 15, 23, 0), at(2026, 3, 16, 8, 45)):
        assert sweep(moment) == []
    sent = sweep(at(2026, 3, 16, 9, 0))
    assert len(sent) == 1 and "15 hours left" in sent[0].body
    assert sweep(at(2026, 3, 16, 21, 0)) == []
    # The escalation comes when people are at work, the next working morning.
    assert sweep(at(2026, 3, 17, 0, 0)) == []
    assert len(sweep(at(2026, 3, 17, 9, 0))) == 2


def test_it_plans_staff_mail_in_the_operators_own_working_hours(operator, staff, sweep):
    from datetime import time

    operator.working_hours_start, operator.working_hours_end = time(10, 0), time(19, 0)
    operator.save()
    request = _in_progress(operator, staff["caseworker"], kind="destruction", when=at(2026, 3, 13, 15, 0))
    assert request.next_action_at == at(2026, 3, 16, 10, 0)


def test_it_reminds_again_when_the_deadline_moves(operator, staff, sweep):
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 2, 10, 0))  # due Thu 5 March
    first = sweep(at(2026, 3, 4, 9, 0))
    assert len(first) == 1 and "5 March 2026, 23:59" in first[0].body

    # A decree makes Wednesday 4 March a day off: the request is now due on Friday 6 March.
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        CalendarOverride.objects.create(date=at(2026, 3, 4).date(), is_working_day=False, note="Decree")
    moved = DataRequest.objects.get(pk=request.pk)
    assert moved.due_at == at(2026, 3, 6, 23, 59, 59)

    assert moved.events.filter(action="deadline_moved").count() == 1
    subject_note = Notification.objects.get(request=request, template="subject_due_moved")
    assert subject_note.to == request.subject_email and subject_note.context["new_due_local"] in (
        "6 марта 2026 г.",
        "6 наурыз 2026 ж.",
        "6 March 2026",
    )

    again = _staff_mail(sweep(at(2026, 3, 5, 9, 0)), staff)
    assert len(again) == 1 and "6 March 2026, 23:59" in again[0].body
    keys = list(Notification.objects.filter(request=request, template="staff_reminder").values_list("key", flat=True))
    assert len(keys) == 2 and all(":24h:" in k for k in keys)


def test_it_lets_the_subject_get_a_fresh_code_from_the_identity_reminder(operator, sweep, client):
    start = at(2026, 3, 2, 10, 0)
    with time_machine.travel(start, tick=False):
        request = make_request(operator, now=start, language="en", subject_email="aru@example.kz")
    sent = sweep(at(2026, 3, 6, 8, 0))  # half-way, Thu 22:00, moved to the morning
    assert [m.to for m in sent] == [["aru@example.kz"]]
    link = re.search(r"https?://\S+/en/r/(\S+)/confirm/", sent[0].body)
    assert link, sent[0].body
    token = link.group(1)
    page = client.get(f"/en/r/{token}/confirm/")
    assert page.status_code == 200
    assert f"/en/r/{token}/confirm/resend/".encode() in page.content
    codes = request.one_time_codes.count()
    client.post(f"/en/r/{token}/confirm/resend/")
    assert request.one_time_codes.count() == codes + 1  # a fresh code, sent to the address on file


def test_it_sends_the_digest_on_working_days_covering_the_next_working_day(
    operator, staff, django_capture_on_commit_callbacks
):
    # Received Thursday 12 March; a 1-working-day request is due at the end of Friday 13 March.
    friday = _in_progress(operator, staff["caseworker"], kind="rectification", when=at(2026, 3, 12, 10, 0))
    # Received Friday 13 March: due Monday 16 March, which Friday's digest must already show.
    monday = _in_progress(operator, staff["caseworker"], kind="rectification", when=at(2026, 3, 13, 10, 0))
    assert (friday.due_at, monday.due_at) == (at(2026, 3, 13, 23, 59, 59), at(2026, 3, 16, 23, 59, 59))

    with django_capture_on_commit_callbacks(execute=True):
        digests_send(now=at(2026, 3, 13, 8, 0))
    friday_digest = [m for m in mail.outbox if m.to == [staff["dpo"].email]]
    assert len(friday_digest) == 1 and "Due within 1 working day: 2" in friday_digest[0].body

    for weekend in (at(2026, 3, 14, 8, 0), at(2026, 3, 15, 8, 0), at(2026, 3, 23, 8, 0)):  # Sat, Sun, Nauryz
        before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            digests_send(now=weekend)
        assert len(mail.outbox) == before


def test_it_escalates_an_unanswered_clarification_on_the_next_working_morning(operator, staff, sweep):
    Policy.objects.create(
        operator=operator,
        kind="access",
        deadline_n=3,
        deadline_unit="working_days",
        clarification_timeout_days=10,
        clarification_outcome="keep_open",
    )
    request = _in_progress(operator, staff["caseworker"], when=at(2026, 3, 4, 10, 0), subject_email="s@example.kz")
    transition(
        request.pk, "ask_subject", actor=staff["caseworker"], question="Which account?", now=at(2026, 3, 4, 12, 0)
    )
    sweep(at(2026, 3, 13, 12, 0))  # the subject's reminder, a day before the wait ends
    assert _staff_mail(sweep(at(2026, 3, 14, 12, 0)), staff) == []  # the wait ends on a Saturday
    sent = _staff_mail(sweep(at(2026, 3, 16, 9, 0)), staff)
    assert sorted(m.to[0] for m in sent) == sorted([staff["manager"].email, staff["dpo"].email])
