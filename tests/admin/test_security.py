"""Staff security: a second factor at every login, lockout on user and IP, idle expiry, audit of views."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from dsar.demo.staff_otp import current_code, ensure_demo_device
from dsar.models import Event
from tests.admin.conftest import in_state, otp_login
from tests.factories import stored_attachment

PASSWORD = "pw-for-tests-123"


def _login(client, username, password=PASSWORD, code=None, ip="10.0.0.1"):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post("/admin/login/", data, REMOTE_ADDR=ip)


def test_it_requires_the_second_factor_to_log_in(client, worker_a):
    ensure_demo_device(worker_a)
    response = _login(client, worker_a.username)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    assert _login(client, worker_a.username, code="000000").status_code == 200
    assert client.get("/admin/").status_code == 302


def test_it_logs_in_with_password_and_totp_code(client, worker_a):
    ensure_demo_device(worker_a)
    response = _login(client, worker_a.username, code=current_code())
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_it_sends_staff_without_a_device_to_enrol_and_opens_nothing_else(client, worker_a):
    response = _login(client, worker_a.username, code="123456")
    assert response.status_code == 302 and response["Location"] == "/admin/security/enrol/"
    for url in ("/admin/", "/admin/dsar/datarequest/", "/dashboard/", "/admin/security/"):
        assert client.get(url).status_code == 302, url
    assert client.get("/admin/security/enrol/").status_code == 200


def test_it_refuses_a_password_only_session(client, worker_a):
    client.force_login(worker_a)  # authenticated, but never verified a device
    assert client.get("/admin/dsar/datarequest/").status_code == 302


def test_it_locks_out_repeated_failures_on_the_account_from_every_address(client, worker_a, dpo_a, settings):
    ensure_demo_device(worker_a)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, worker_a.username, password="wrong-password", ip=f"10.0.0.{n + 1}")
    locked = _login(client, worker_a.username, code=current_code())
    assert locked.status_code == 429
    assert client.get("/admin/").status_code == 302
    assert _login(client, worker_a.username, code=current_code(), ip="10.9.9.9").status_code == 429
    # Other accounts are not locked.
    ensure_demo_device(dpo_a)
    assert _login(client, dpo_a.username, code=current_code()).status_code == 302


def test_it_expires_the_session_after_inactivity(client, worker_a, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        otp_login(client, worker_a)
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), tick=False):
        assert client.get("/admin/").status_code == 200  # activity renews the session
    with time_machine.travel(start + timedelta(seconds=2 * settings.SESSION_COOKIE_AGE), tick=False):
        assert client.get("/admin/").status_code == 302


def test_it_records_every_view_of_personal_data(client_a, worker_a, op_a):
    request_obj = in_state(op_a, worker_a, "received", subject_name="Zarina Omarova")
    page = client_a.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/")
    client_a.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/")
    assert "Zarina Omarova" in page.content.decode()
    views = Event.objects.filter(request=request_obj, action="viewed_personal_data")
    assert views.count() == 2
    assert all(not e.public and e.actor == worker_a for e in views)


def test_it_masks_personal_data_without_the_right_and_records_nothing(client, triage_only_user, op_a, worker_a):
    request_obj = in_state(
        op_a,
        worker_a,
        "received",
        subject_name="Zarina Omarova",
        subject_email="zarina@example.kz",
        subject_phone="+77015550011",
    )
    otp_login(client, triage_only_user)
    body = client.get(f"/admin/dsar/datarequest/{request_obj.pk}/change/").content.decode()
    for secret in ("Zarina Omarova", "zarina@example.kz", "+77015550011"):
        assert secret not in body
    assert "Z•••" in body and "z•••@example.kz" in body
    assert not Event.objects.filter(request=request_obj, action="viewed_personal_data").exists()


def test_it_serves_files_only_with_the_right_and_records_the_download(
    client, client_a, worker_a, op_a, triage_only_user
):
    request_obj = in_state(op_a, worker_a, "received")
    att = stored_attachment(request_obj)
    url = f"/admin/dsar/datarequest/{request_obj.pk}/attachment/{att.pk}/"
    response = client_a.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF"
    assert "passport.pdf" in response["Content-Disposition"]
    assert (
        Event.objects.filter(
            request=request_obj, action="viewed_personal_data", data__what=f"attachment:{att.pk}"
        ).count()
        == 1
    )
    from django.test import Client

    other = otp_login(Client(), triage_only_user)
    assert other.get(url).status_code == 403


@pytest.mark.parametrize(
    "method, url", [("post", "/admin/dsar/datarequest/{pk}/change/"), ("get", "/admin/dsar/datarequest/{pk}/assign/")]
)
def test_it_allows_no_edits_through_the_plain_change_form(client_a, worker_a, op_a, method, url):
    request_obj = in_state(op_a, worker_a, "received", subject_name="Zarina Omarova")
    response = getattr(client_a, method)(url.format(pk=request_obj.pk), {"subject_name": "Changed"})
    assert response.status_code == 405
    assert type(request_obj).objects.get(pk=request_obj.pk).subject_name == "Zarina Omarova"
