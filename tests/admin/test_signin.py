"""Sign-in reveals nothing: one answer for every failure, wrong codes count toward the lock-out."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from dsar.admin_site import SIGN_IN_FAILED
from dsar.demo.staff_otp import current_code, ensure_demo_device
from tests.admin.test_security import PASSWORD, _login


def _answer(response) -> str:
    errors = response.context["form"].non_field_errors()
    return " ".join(str(e) for e in errors)


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_it_answers_a_wrong_password_and_a_wrong_code_the_same_in_the_users_language(client, worker_a, language):
    ensure_demo_device(worker_a)
    client.cookies["django_language"] = language
    wrong_password = _login(client, worker_a.username, password="not-the-password", code=current_code())
    wrong_code = _login(client, worker_a.username, password=PASSWORD, code="000000")
    no_code = _login(client, worker_a.username, password=PASSWORD, code="")
    unknown_user = _login(client, "nobody-here", password=PASSWORD, code="000000")
    answers = {_answer(r) for r in (wrong_password, wrong_code, no_code, unknown_user)}
    with translation.override(language):
        expected = str(SIGN_IN_FAILED)
    assert answers == {expected}
    for response in (wrong_password, wrong_code):
        body = response.content.decode()
        assert "Invalid token" not in body and "otp_device" not in body
    assert client.get("/admin/").status_code == 302


def test_it_counts_wrong_codes_toward_the_lock_out(client, worker_a, settings):
    ensure_demo_device(worker_a)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, worker_a.username, password=PASSWORD, code="000000")
    assert _login(client, worker_a.username, password=PASSWORD, code=current_code()).status_code == 429
    assert client.get("/admin/").status_code == 302


def test_it_resets_the_failure_count_only_after_a_full_sign_in(client, worker_a, settings):
    from axes.models import AccessAttempt

    ensure_demo_device(worker_a)
    start = timezone.now()
    _login(client, worker_a.username, password=PASSWORD, code="000000")
    assert AccessAttempt.objects.filter(username=worker_a.username).exists()
    with time_machine.travel(start + timedelta(seconds=5)):  # past django-otp's throttle after a wrong code
        assert _login(client, worker_a.username, code=current_code()).status_code == 302
    assert not AccessAttempt.objects.filter(username=worker_a.username).exists()
