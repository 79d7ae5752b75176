"""A calendar override saved by an administrator moves the deadlines of the open requests it affects."""

from datetime import datetime, timedelta

from django.utils import timezone

from dsar import deadlines
from dsar.models import DataRequest, Event, Notification
from tests.admin.conftest import in_state, otp_login


def test_it_moves_open_deadlines_with_an_audit_event_naming_who_saved_the_day_off(
    client, dpo_a, worker_a, op_a, op_b, worker_b
):
    mine = in_state(op_a, worker_a, "in_progress")
    blocked = in_state(op_a, worker_a, "blocked", kind="blocking")
    theirs = in_state(op_b, worker_b, "in_progress")
    cal = op_a.work_calendar()
    received = timezone.localtime(mine.received_at, op_a.tz).date()
    day = cal.next_working_day(received + timedelta(days=1))
    assert day <= timezone.localtime(mine.due_at, op_a.tz).date()

    otp_login(client, dpo_a)
    client.post(
        "/admin/dsar/calendaroverride/add/",
        {"operator": op_a.pk, "date": day.isoformat(), "is_working_day": "", "note": "Decree No. 1"},
    )

    moved = DataRequest.objects.get(pk=mine.pk)
    new_cal = op_a.work_calendar()
    assert moved.due_at == deadlines.due_at(
        received_at=mine.received_at, n=3, unit="working_days", calendar=new_cal, tz=op_a.tz
    )
    assert moved.due_at > mine.due_at
    event = Event.objects.get(request=mine, action="deadline_moved")
    assert event.actor == dpo_a and datetime.fromisoformat(event.data["to"]) == moved.due_at
    assert Notification.objects.filter(request=mine, template="subject_due_moved").count() == 1
    # The review of blocked data is on the same calendar.
    assert DataRequest.objects.get(pk=blocked.pk).review_due_at >= blocked.review_due_at
    # Another operator's requests keep their dates and hear nothing.
    assert DataRequest.objects.get(pk=theirs.pk).due_at == theirs.due_at
    assert not Event.objects.filter(request=theirs, action="deadline_moved").exists()
