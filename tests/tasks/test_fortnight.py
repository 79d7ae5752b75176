"""A simulated fortnight: the sweep every 15 minutes and the digest at beat's 08:00, over Nauryz 2026.

Requests arrive, are confirmed, paused, blocked and answered on a script; after each step
the new notification rows are stamped with the simulated moment. Then every staff reminder
and escalation is checked against rules stated here, independently of the planner: once,
on time, in working hours on a working day, with the right time left.
"""

import math
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

import pytest

from dsar.models import DataRequest, Notification, Policy
from dsar.services.sweep import digests_send, sweep_run
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.tasks.conftest import ALMATY, at

pytestmark = pytest.mark.django_db

START = at(2026, 3, 16, 0, 0)  # Monday; Nauryz 21-23 March, observed to Wednesday 25
END = at(2026, 3, 30, 12, 0)
STEP = timedelta(minutes=15)
DIGEST_AT = time(8, 0)  # beat's crontab(hour=8, minute=0) in Asia/Almaty
IN_HOURS = {"rectification", "blocking", "destruction"}


def _script(operator, staff):
    """(moment, label, action): what people do during the fortnight."""
    worker = staff["caseworker"]
    made: dict[str, int] = {}

    def new(label, kind, when, *, confirm=True, assign=True):
        def run():
            r = make_request(operator, kind=kind, now=when, subject_email=f"{label}@example.kz")
            made[label] = r.pk
            if confirm:
                transition(r.pk, "confirm_identity", now=when)
                if assign:
                    transition(r.pk, "start_work", actor=worker, now=when)

        return (when, run)

    def step(label, name, when, **kwargs):
        return (
            when,
            lambda: transition(
                made[label], name, actor=None if name == "confirm_identity" else worker, now=when, **kwargs
            ),
        )

    events = [
        new("access-mon", "access", at(2026, 3, 16, 10, 0)),
        new("access-thu", "access", at(2026, 3, 19, 14, 0)),
        new("destroy-fri", "destruction", at(2026, 3, 20, 15, 0)),
        new("rectify-late", "rectification", at(2026, 3, 16, 10, 0), confirm=False),
        step("rectify-late", "confirm_identity", at(2026, 3, 18, 11, 0)),
        new("consent", "consent_withdrawal", at(2026, 3, 16, 12, 0)),
        new("unconfirmed", "access", at(2026, 3, 17, 10, 0), confirm=False),
        new("block", "blocking", at(2026, 3, 16, 11, 0)),
        step("block", "block", at(2026, 3, 16, 16, 0)),
        new("answered", "access", at(2026, 3, 16, 10, 30)),
        step("answered", "fulfil", at(2026, 3, 17, 8, 0)),
        new("enquiry", "enquiry", at(2026, 3, 16, 9, 45)),
        new("objection", "automated_decision_objection", at(2026, 3, 18, 17, 0), assign=False),
        new("paused", "access", at(2026, 3, 16, 13, 0)),
        step("paused", "ask_subject", at(2026, 3, 17, 10, 0), question="Which account?"),
        step("paused", "resume", at(2026, 3, 20, 10, 15)),
        new("weekend-paper", "destruction", at(2026, 3, 21, 11, 0)),
        # Issue 23: QARAT's blocking clock runs from submission (Tue 10:00, due Wed 23:59); the
        # subject confirms on Wed at 11:00, after both reminder moments, with 7 working hours left.
        new("block-late", "blocking", at(2026, 3, 17, 10, 0), confirm=False),
        step("block-late", "confirm_identity", at(2026, 3, 18, 11, 0)),
    ]
    return sorted(events, key=lambda e: e[0]), made


def test_it_reminds_and_escalates_once_on_time_in_working_hours_with_the_right_time_left(operator, staff):
    # Rectification clocks start at submission: a late confirmation finds the request overdue.
    Policy.objects.create(
        operator=operator,
        kind="rectification",
        deadline_n=1,
        deadline_unit="working_days",
        clock_starts=Policy.ClockStart.SUBMISSION,
        reminder_offsets_hours=[4, 1],
    )
    Policy.objects.create(
        operator=operator,
        kind="blocking",
        deadline_n=1,
        deadline_unit="working_days",
        clock_starts=Policy.ClockStart.SUBMISSION,
        reminder_offsets_hours=[4, 1],
    )
    calendar = operator.work_calendar()
    events, made = _script(operator, staff)
    stamped: dict[int, datetime] = {}
    last_id = 0
    now = START
    while now <= END:
        acted = bool(events and events[0][0] <= now)
        while events and events[0][0] <= now:
            events.pop(0)[1]()
        recorded = sweep_run(now=now).notifications
        if now.astimezone(ALMATY).time() == DIGEST_AT:
            recorded += digests_send(now=now)
        if recorded or acted:
            for pk in Notification.objects.filter(pk__gt=last_id).values_list("pk", flat=True):
                stamped[pk] = now
                last_id = max(last_id, pk)
        now += STEP
    assert not events

    notes = list(Notification.objects.filter(pk__in=stamped).order_by("pk"))
    assert Notification.objects.count() == len(notes)  # every row was stamped with its moment
    counts = Counter(n.template for n in notes)
    assert counts["staff_reminder"] >= 10 and counts["escalation"] >= 16 and counts["digest"] == 8 * len(staff)
    requests = DataRequest.objects.in_bulk([n.request_id for n in notes if n.request_id])

    def working_moment(t):
        local = t.astimezone(ALMATY)
        return calendar.is_working_day(local.date()) and time(9) <= local.time() < time(18)

    # Staff reminders: in working hours, before the deadline, with the time left rounded up.
    sent_moments: dict[tuple, set] = defaultdict(set)
    for n in notes:
        if n.template not in ("staff_reminder", "escalation") or n.context.get("reason") == "unanswered":
            continue
        t, request = stamped[n.pk], requests[n.request_id]
        due_key = n.key.split(":")[2]
        sent_moments[(n.template, request.pk, due_key, n.key.split(":")[3])].add(t)
        due = datetime.fromtimestamp(int(due_key), tz=ALMATY)
        if n.template == "staff_reminder":
            assert working_moment(t), (request.kind, t)
            left = (due - t).total_seconds()
            assert left > 0
            assert n.context["hours_left"] == math.ceil(left / 3600)
            assert n.context["days_left"] == math.ceil(left / 86400)
            if _confirmed(request) > t - STEP:
                # The clock started after the reminder's moment: reminded at once.
                assert t - STEP < _confirmed(request) <= t, (request.kind, t)
            elif request.kind in IN_HOURS:
                # 1-working-day kinds: on the morning of the due day.
                assert t.astimezone(ALMATY).date() == due.astimezone(ALMATY).date()
                assert t.astimezone(ALMATY).time() == time(9)
            else:
                # The first reminder leaves at least one working day to act.
                assert calendar.working_days_between(t.astimezone(ALMATY).date(), due.astimezone(ALMATY).date()) >= 1
        else:
            assert t >= due
            assert working_moment(t), (request.kind, t)
            next_morning = datetime.combine(
                calendar.next_working_day(due.astimezone(ALMATY).date() + timedelta(days=1)), time(9), tzinfo=ALMATY
            )
            # On time: the first working morning after the deadline, or at once when the clock
            # started after the deadline had already passed.
            if t != next_morning:
                assert _confirmed(request) > due and t == _confirmed(request), (request.kind, t)

    # Once: each reminder and escalation went out at exactly one moment.
    assert all(len(moments) == 1 for moments in sent_moments.values()), sent_moments

    escalated = {requests[pk].reference for (template, pk, *_rest) in sent_moments if template == "escalation"}
    expected = {
        "access-mon",
        "destroy-fri",
        "rectify-late",
        "block",
        "objection",
        "paused",
        "access-thu",
        "weekend-paper",
        "block-late",
    }
    assert escalated == {DataRequest.objects.get(pk=made[label]).reference for label in expected}
    reminded = {requests[pk].reference for (template, pk, *_rest) in sent_moments if template == "staff_reminder"}
    # Every clock with working time left gets a reminder, however late it started.
    for label, pk in made.items():
        request = DataRequest.objects.get(pk=pk)
        if request.reference in escalated and _working_time_left(calendar, _confirmed(request), request.due_at):
            assert request.reference in reminded, label
    late_block = DataRequest.objects.get(pk=made["block-late"])
    assert {stamped[n.pk] for n in notes if n.request_id == late_block.pk and n.template == "staff_reminder"} == {
        at(2026, 3, 18, 11, 0)
    }

    # Every reminder to a requester goes out between 08:00 and 22:00 operator time, before the
    # moment it reminds of (the expiry of the unconfirmed request, the lapse of the question).
    subject_reminders = [n for n in notes if n.template.startswith("subject_") and "reminder" in n.template]
    assert subject_reminders
    for n in subject_reminders:
        t, request = stamped[n.pk], requests[n.request_id]
        assert time(8) <= t.astimezone(ALMATY).time() < time(22), (n.template, t.astimezone(ALMATY))
        assert t < _reminded_of(n, request), (n.template, t)
    assert DataRequest.objects.get(pk=made["answered"]).reference not in reminded | escalated
    assert DataRequest.objects.get(pk=made["consent"]).reference not in reminded | escalated

    # The late-confirmed rectification was escalated the moment its clock started (it was overdue).
    late = DataRequest.objects.get(pk=made["rectify-late"])
    late_escalations = [stamped[n.pk] for n in notes if n.request_id == late.pk and n.template == "escalation"]
    assert late_escalations and set(late_escalations) == {at(2026, 3, 18, 11, 0)}

    # The subject who never confirmed was reminded with a link to get a fresh code.
    identity = [n for n in notes if n.template == "subject_identity_reminder"]
    assert identity and all("/confirm/" in n.context["confirm_url"] for n in identity)

    # Digests: once per working day and person, at 08:00, none at weekends or over Nauryz.
    digest_days = Counter(stamped[n.pk].astimezone(ALMATY).date() for n in notes if n.template == "digest")
    working_days = {
        d
        for d in (START.date() + timedelta(days=i) for i in range(15))
        if calendar.is_working_day(d) and datetime.combine(d, DIGEST_AT, tzinfo=ALMATY) <= END
    }
    assert set(digest_days) == working_days
    assert set(digest_days.values()) == {len(staff)}
    assert all(stamped[n.pk].astimezone(ALMATY).time() == DIGEST_AT for n in notes if n.template == "digest")


def _working_time_left(calendar, start: datetime, due: datetime) -> bool:
    """Whether some working hour (09:00-18:00 on a working day) lies between start and due."""
    moment = start
    while moment < due:
        local = moment.astimezone(ALMATY)
        if calendar.is_working_day(local.date()) and time(9) <= local.time() < time(18):
            return True
        moment += STEP
    return False


def _reminded_of(note, request) -> datetime:
    """The moment a subject reminder warns of, computed from the policy, not the planner."""
    policy = Policy.objects.filter(operator=request.operator, kind=request.kind).first()
    if note.template == "subject_identity_reminder":
        days = policy.identity_expiry_days if policy else 7
        return request.submitted_at + timedelta(days=days)
    asked = datetime.fromtimestamp(int(note.key.split(":")[2]), tz=ALMATY)
    return asked + timedelta(days=policy.clarification_timeout_days if policy else 30)


def _confirmed(request) -> datetime:
    return request.identity_confirmed_at or request.submitted_at
