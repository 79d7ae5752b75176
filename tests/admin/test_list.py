"""The request list: queues, time left, search, filters, and no full COUNT."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dsar.admin.requests import COUNT_CAP, time_left_label
from dsar.models import DataRequest
from dsar.selectors import apply_queue, requests_for_user
from tests.admin.conftest import in_state, otp_login

ALMATY = ZoneInfo("Asia/Almaty")
# A Wednesday: the next working day is Thursday.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ALMATY)


def _set(request_obj, **fields):
    DataRequest.objects.filter(pk=request_obj.pk).update(**fields)
    return DataRequest.objects.get(pk=request_obj.pk)


@pytest.fixture
def queue_set(op_a, worker_a, dpo_a):
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        r = {
            "mine_overdue": in_state(op_a, worker_a, "in_progress"),
            "unassigned_today": in_state(op_a, worker_a, "received"),
            "tomorrow": in_state(op_a, dpo_a, "in_progress"),
            "later": in_state(op_a, dpo_a, "in_progress"),
            "waiting": in_state(op_a, worker_a, "awaiting_subject"),
            "done": in_state(op_a, worker_a, "fulfilled"),
        }
    r["mine_overdue"] = _set(r["mine_overdue"], due_at=NOW - timedelta(hours=3), assignee=worker_a)
    r["unassigned_today"] = _set(r["unassigned_today"], due_at=NOW + timedelta(hours=5), assignee=None)
    r["tomorrow"] = _set(r["tomorrow"], due_at=NOW + timedelta(days=1), assignee=dpo_a)
    r["later"] = _set(r["later"], due_at=NOW + timedelta(days=9), assignee=dpo_a)
    return r


@pytest.mark.parametrize(
    "queue, expected",
    [
        ("mine", {"mine_overdue", "waiting"}),
        ("unassigned", {"unassigned_today"}),
        ("due_today", {"unassigned_today"}),
        ("due_1wd", {"unassigned_today", "tomorrow"}),
        ("overdue", {"mine_overdue"}),
        ("awaiting_subject", {"waiting"}),
        ("closed", {"done"}),
        (None, {"mine_overdue", "unassigned_today", "tomorrow", "later", "waiting"}),
    ],
)
def test_it_puts_each_request_in_its_queues(queue_set, worker_a, queue, expected):
    if queue != "mine":
        DataRequest.objects.filter(pk=queue_set["waiting"].pk).update(assignee=None)
        if queue == "unassigned":
            DataRequest.objects.filter(pk=queue_set["waiting"].pk).update(assignee=worker_a)
    got = apply_queue(requests_for_user(worker_a), queue, worker_a, NOW)
    names = {k for k, v in queue_set.items() if v.pk in set(got.values_list("pk", flat=True))}
    assert names == expected


def test_it_selects_queues_with_the_get_parameter(client_a, queue_set):
    with time_machine.travel(NOW, tick=False):
        listing = client_a.get("/admin/dsar/datarequest/", {"queue": "overdue"})
    rows = [r.reference for r in listing.context["cl"].result_list]
    assert rows == [queue_set["mine_overdue"].reference]
    assert "tl-overdue" in listing.content.decode()


def test_it_orders_open_work_by_due_date(client_a, queue_set):
    with time_machine.travel(NOW, tick=False):
        rows = [r.pk for r in client_a.get("/admin/dsar/datarequest/").context["cl"].result_list]
    due = [DataRequest.objects.get(pk=pk).due_at for pk in rows]
    assert [d for d in due if d] == sorted(d for d in due if d)


def test_it_puts_requests_without_a_due_date_last_on_every_database(client_a, queue_set, op_a, worker_a):
    # Awaiting identity: no clock yet. SQLite sorts NULL first unless told (issue 23).
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        unconfirmed = in_state(op_a, worker_a, "awaiting_identity")
    with time_machine.travel(NOW, tick=False):
        rows = [r.pk for r in client_a.get("/admin/dsar/datarequest/").context["cl"].result_list]
    assert unconfirmed.pk in rows
    due = [DataRequest.objects.get(pk=pk).due_at for pk in rows]
    assert due[0] is not None and due[0] == min(d for d in due if d)  # the most urgent comes first
    assert all(d is None for d in due[due.index(None) :])


def test_it_shows_hours_for_one_working_day_kinds_and_days_otherwise(op_a, worker_a):
    with time_machine.travel(NOW, tick=False):
        hours = in_state(op_a, worker_a, "in_progress", kind="destruction")
        days = in_state(op_a, worker_a, "in_progress", kind="enquiry")
        hours = _set(hours, due_at=NOW + timedelta(hours=7, minutes=30))
        days = _set(days, due_at=NOW + timedelta(days=4, hours=12))
        assert time_left_label(hours, NOW) == ("7 h", "tl-soon")
        assert time_left_label(days, NOW) == ("4.5 d", "tl-ok")
        late = _set(days, due_at=NOW - timedelta(days=2))
        assert time_left_label(late, NOW) == ("overdue 2.0 d", "tl-overdue")


def test_it_searches_by_reference_name_email_and_phone(client, dpo_a, op_a):
    target = in_state(
        op_a,
        dpo_a,
        "received",
        subject_name="Zarina Omarova",
        subject_email="zarina@example.kz",
        subject_phone="+77015550011",
        subject_iin="900101300123",
    )
    other = in_state(
        op_a,
        dpo_a,
        "received",
        subject_name="Timur Bekov",
        subject_email="timur@example.kz",
        subject_phone="+77015550022",
    )
    otp_login(client, dpo_a)
    for term in (
        target.reference,
        target.reference.lower(),
        "Omarova",
        "zarina@example.kz",
        "ZARINA@example.kz",
        "+7 701 555 00 11",
        "87015550011",
        "900101300123",
    ):
        rows = {r.pk for r in client.get("/admin/dsar/datarequest/", {"q": term}).context["cl"].result_list}
        assert rows == {target.pk}, term
    assert other.pk not in rows


def test_it_searches_only_references_without_the_right_to_personal_data(client, triage_only_user, op_a, dpo_a):
    target = in_state(op_a, dpo_a, "received", subject_name="Zarina Omarova")
    otp_login(client, triage_only_user)
    assert not list(client.get("/admin/dsar/datarequest/", {"q": "Omarova"}).context["cl"].result_list)
    rows = client.get("/admin/dsar/datarequest/", {"q": target.reference}).context["cl"].result_list
    assert [r.pk for r in rows] == [target.pk]


def test_it_filters_by_kind_state_operator_assignee_and_received_date(client_a, op_a, worker_a):
    access = in_state(op_a, worker_a, "in_progress", kind="access")
    claim = in_state(op_a, worker_a, "received", kind="claim")
    for params, expected in (
        ({"kind__exact": "claim"}, {claim.pk}),
        ({"state__exact": "in_progress"}, {access.pk}),
        ({"operator__id__exact": op_a.pk}, {access.pk, claim.pk}),
        ({"assignee__id__exact": worker_a.pk}, {access.pk}),
        ({"received_at__gte": "2000-01-01"}, {access.pk, claim.pk}),
    ):
        rows = {r.pk for r in client_a.get("/admin/dsar/datarequest/", params).context["cl"].result_list}
        assert rows == expected, params


def test_it_caps_the_count_instead_of_counting_everything(client_a, op_a, worker_a, monkeypatch):
    from dsar.admin import requests as admin_requests

    for _ in range(3):
        in_state(op_a, worker_a, "received")
    monkeypatch.setattr(admin_requests, "COUNT_CAP", 2)
    response = client_a.get("/admin/dsar/datarequest/")
    assert response.context["cl"].result_count == 3  # cap + 1: "more than 2"
    assert response.context["cl"].full_result_count is None
    assert "More than 2 requests" in response.content.decode()
    assert COUNT_CAP >= 1000
