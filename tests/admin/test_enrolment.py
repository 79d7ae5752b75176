"""Second factors staff set up themselves: TOTP at first sign-in, recovery codes, resets, the security log."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dsar.models import StaffSecurityEvent
from tests.admin.test_security import _login
from tests.factories import UserFactory, otp_login


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _enrol(client, user, django_capture_on_commit_callbacks):
    response = _login(client, user.username)
    assert response["Location"] == "/admin/security/enrol/"
    page = client.get("/admin/security/enrol/")
    assert page.status_code == 200 and 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/admin/security/enrol/", {"token": _code(device)})
    return done


def _actions(user):
    return list(StaffSecurityEvent.objects.filter(user=user).order_by("id").values_list("action", flat=True))


def test_it_enrols_an_authenticator_at_first_sign_in_and_gives_recovery_codes(
    client, worker_a, django_capture_on_commit_callbacks
):
    done = _enrol(client, worker_a, django_capture_on_commit_callbacks)
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=worker_a, confirmed=True).count() == 1
    assert client.get("/admin/").status_code == 200  # the session is verified now
    assert _actions(worker_a) == ["totp_enrolled", "recovery_codes_issued"]
    assert [m.to for m in mail.outbox] == [[worker_a.email], [worker_a.email]]


def test_it_refuses_a_wrong_confirmation_code(client, worker_a):
    _login(client, worker_a.username)
    client.get("/admin/security/enrol/")
    device = TOTPDevice.objects.get(user=worker_a, confirmed=False)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post("/admin/security/enrol/", {"token": wrong})
    assert response.status_code == 200 and response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=worker_a, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302
    assert _actions(worker_a) == []


def test_it_does_not_let_a_password_only_session_replace_an_existing_factor(client, worker_a):
    from dsar.demo.staff_otp import ensure_demo_device

    ensure_demo_device(worker_a)
    client.force_login(worker_a)  # password only
    assert client.get("/admin/security/enrol/").status_code == 302
    assert not TOTPDevice.objects.filter(user=worker_a, confirmed=False).exists()


def test_it_signs_in_with_a_recovery_code_once(client, worker_a, django_capture_on_commit_callbacks):
    codes = _enrol(client, worker_a, django_capture_on_commit_callbacks).context["codes"]
    client.logout()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _login(client, worker_a.username, code=codes[0]).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert _actions(worker_a)[-1] == "recovery_code_used"
    assert [m.to for m in mail.outbox] == [[worker_a.email]]
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        assert _login(client, worker_a.username, code=codes[0]).status_code == 200  # used up
    assert StaticToken.objects.filter(device__user=worker_a, token=codes[0]).count() == 0


def test_it_issues_new_recovery_codes_that_replace_the_old(client, worker_a, django_capture_on_commit_callbacks):
    old = _enrol(client, worker_a, django_capture_on_commit_callbacks).context["codes"]
    new = client.post("/admin/security/recovery-codes/").context["codes"]
    left = set(StaticToken.objects.filter(device__user=worker_a).values_list("token", flat=True))
    assert left == set(new) and not (left & set(old))


def test_it_lets_the_platform_administrator_reset_a_members_factors(
    client, worker_a, django_capture_on_commit_callbacks
):
    from dsar.demo.staff_otp import ensure_demo_device

    ensure_demo_device(worker_a)
    root = UserFactory(username="root", is_superuser=True)
    otp_login(client, root)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [worker_a.pk]})
    assert not TOTPDevice.objects.filter(user=worker_a).exists()
    event = StaffSecurityEvent.objects.get(user=worker_a)
    assert event.action == "devices_reset" and event.actor == root
    assert [m.to for m in mail.outbox] == [[worker_a.email]]
    client.logout()
    assert _login(client, worker_a.username)["Location"] == "/admin/security/enrol/"


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/dsar/staffsecurityevent/"])
def test_it_keeps_accounts_and_the_security_log_from_everyone_but_the_platform_administrator(client, dpo_a, url):
    otp_login(client, dpo_a)
    assert client.get(url).status_code == 403


def test_it_keeps_the_security_log_append_only(worker_a):
    from dsar.services.staff_security import staff_event_record

    event = staff_event_record(user=worker_a, action="devices_reset")
    event.action = "totp_enrolled"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_the_security_mail_gives_the_moment_in_the_members_language(worker_a, op_a, django_capture_on_commit_callbacks):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dsar.services.staff_security import staff_event_record

    op_a.default_language = "ru"
    op_a.save()
    with (
        time_machine.travel(datetime(2026, 3, 5, 14, 7, tzinfo=ZoneInfo("Asia/Almaty")), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        staff_event_record(user=worker_a, action="devices_reset")
    (sent,) = mail.outbox
    assert "5 марта 2026 г., 14:07" in sent.body
    assert "2026-03-05" not in sent.body
