from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from dsar.models import OneTimeCode, StatusAccess
from dsar.models.portal import CodePurpose
from dsar.services.verification import (
    CODE_MAX_ATTEMPTS,
    code_check,
    code_issue,
    status_access_get,
    status_link_create,
)
from tests.factories import make_request

from .conftest import last_code

pytestmark = pytest.mark.django_db(transaction=False)


def _issued(operator, django_capture_on_commit_callbacks):
    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.EMAIL)
    return request, last_code()


def test_it_accepts_the_right_code_once_and_refuses_it_reused(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=code) is True
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=code) is False


def test_it_refuses_a_wrong_code(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=wrong) is False
    assert OneTimeCode.objects.get(request=request).attempts == 1


def test_it_refuses_an_expired_code(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert code_check(request=request, purpose=CodePurpose.EMAIL, code=code) is False


def test_it_refuses_the_right_code_after_too_many_wrong_attempts(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    for _attempt in range(CODE_MAX_ATTEMPTS):
        assert code_check(request=request, purpose=CodePurpose.EMAIL, code=wrong) is False
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=code) is False


def test_it_kills_the_older_code_when_a_new_one_is_sent(operator, django_capture_on_commit_callbacks):
    request, old = _issued(operator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.EMAIL)
    new = last_code()
    if new != old:
        assert code_check(request=request, purpose=CodePurpose.EMAIL, code=old) is False
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=new) is True


def test_it_never_revives_an_older_code_once_a_new_one_is_sent(operator, django_capture_on_commit_callbacks):
    """The older code stays dead after the new one is used (a download code, say), and a worn-out new
    code gives a guesser no fresh attempts at an older one."""
    request, old = _issued(operator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.EMAIL)
    new = last_code()
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=new) is True
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=old) is False
    assert OneTimeCode.objects.filter(request=request, used_at__isnull=True, superseded=False).count() == 0


def test_it_keeps_a_code_for_one_purpose_only(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    assert code_check(request=request, purpose=CodePurpose.DOWNLOAD, code=code) is False


def test_it_stores_neither_codes_nor_tokens_in_clear(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    token = status_link_create(request=request)
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    row = OneTimeCode.objects.get(request=request)
    assert code not in row.code_hash
    assert not StatusAccess.objects.filter(token_hash=token).exists()
    assert status_access_get(token=token).request_id == request.pk
    assert status_access_get(token=token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert mail.outbox[-1].to == ["dana@example.kz"]
