from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from dsar import sms
from dsar.models import Letter, OneTimeCode, StatusAccess
from dsar.models.portal import CodePurpose
from dsar.services.verification import (
    CODE_MAX_ATTEMPTS,
    code_check,
    code_confirmed,
    code_issue,
    download_link_create,
    download_resolve,
    status_access_get,
    status_link_create,
    token_new,
)
from tests.factories import make_request, stored_attachment

from .conftest import last_code, last_sms_code
from .test_status import _letter
from .test_uploads import PDF

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


def test_it_tells_what_the_code_is_for_and_how_long_it_works(operator, django_capture_on_commit_callbacks):
    request = make_request(operator, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.EMAIL)
    body = mail.outbox[-1].body
    assert f"a request about personal data to {operator.short_name}" in body
    assert "works for 15 minutes" in body
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.DOWNLOAD)
    assert f"download a document about request {request.reference}" in mail.outbox[-1].body
    # Both messages are filed under the request (its history; retention erases them with it).
    assert request.notifications.filter(template="portal_code").count() == 2


def test_it_draws_codes_from_all_six_digits(operator, django_capture_on_commit_callbacks):
    request, first = _issued(operator, django_capture_on_commit_callbacks)
    codes = [first]
    for _ in range(19):
        with django_capture_on_commit_callbacks(execute=True):
            code_issue(request=request, purpose=CodePurpose.EMAIL)
        codes.append(last_code())
    # 20 codes all below 1000 would happen once in 10**60 draws.
    assert all(len(code) == 6 for code in codes) and max(int(code) for code in codes) >= 1000


def test_it_sends_a_representatives_phone_code_to_the_representative(operator, django_capture_on_commit_callbacks):
    request = make_request(
        operator,
        acting_for_other=True,
        representative_name="Asel Nurlanova",
        representative_email="asel@example.kz",
        representative_phone="+77017654321",
        representative_basis="power_of_attorney",
    )
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.PHONE)
    assert sms.outbox[-1]["to"] == "+77017654321"
    assert code_check(request=request, purpose=CodePurpose.PHONE, code=last_sms_code()) is True


def test_it_keeps_the_e_mail_code_alive_when_a_phone_code_is_sent(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        code_issue(request=request, purpose=CodePurpose.PHONE)
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=code) is True


def test_it_accepts_a_code_typed_with_spaces(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=f" {code[:3]} {code[3:]} ") is True


def test_it_takes_a_code_only_for_the_request_it_was_sent_for(operator, django_capture_on_commit_callbacks):
    request, code = _issued(operator, django_capture_on_commit_callbacks)
    other, other_code = _issued(operator, django_capture_on_commit_callbacks)
    if other_code != code:
        assert code_check(request=request, purpose=CodePurpose.EMAIL, code=other_code) is False
    assert code_check(request=request, purpose=CodePurpose.EMAIL, code=code) is True
    assert code_confirmed(request=request, purpose=CodePurpose.EMAIL)
    assert not code_confirmed(request=other, purpose=CodePurpose.EMAIL)


def test_it_opens_nothing_through_a_revoked_status_link(operator):
    request = make_request(operator)
    token = status_link_create(request=request)
    StatusAccess.objects.filter(request=request).update(revoked_at=timezone.now())
    assert status_access_get(token=token) is None


# --- downloads ---------------------------------------------------------------------


def test_it_hands_out_a_letter_once_as_a_pdf_named_after_its_number(operator):
    request = make_request(operator)
    token = download_link_create(request=request, letter=_letter(request, number="OUT/2026/45"))
    found = download_resolve(request=request, token=token)
    assert (found.filename, found.content_type) == ("OUT-2026-45.pdf", "application/pdf")
    with found.file.open("rb") as stored:
        assert stored.read() == PDF
    assert download_resolve(request=request, token=token) is None


def test_it_hands_out_nothing_once_the_link_has_expired(operator):
    request = make_request(operator)
    issued = timezone.now()
    token = download_link_create(request=request, letter=_letter(request), now=issued)
    assert download_resolve(request=request, token=token, now=issued + timedelta(minutes=10)) is None
    assert download_resolve(request=request, token=token, now=issued + timedelta(minutes=9)) is not None


def test_it_names_a_letter_without_a_number_after_the_request(operator):
    request = make_request(operator)
    found = download_resolve(request=request, token=download_link_create(request=request, letter=_letter(request, "")))
    assert found.filename == f"{request.reference}.pdf"


def test_it_hands_out_nothing_for_a_letter_not_rendered_yet(operator):
    request = make_request(operator)
    pending = Letter.objects.create(
        request=request, kind="acknowledgment", number="L-2", language="en", verification_code="PENDING2"
    )
    assert download_resolve(request=request, token=download_link_create(request=request, letter=pending)) is None


def test_it_opens_each_download_link_only_with_its_own_token_on_its_own_request(operator):
    request = make_request(operator)
    other = make_request(operator, subject_email="aru@example.kz")
    first = download_link_create(request=request, letter=_letter(request, "L-1"))
    second = download_link_create(request=request, letter=_letter(request, "L-2"))
    assert download_resolve(request=request, token=token_new()) is None
    # Tried through another request's page, the link opens nothing and is not used up.
    assert download_resolve(request=other, token=first) is None
    assert download_resolve(request=request, token=first).filename == "L-1.pdf"
    # Using one link leaves the others of the request alone.
    assert download_resolve(request=request, token=second).filename == "L-2.pdf"


def test_it_hands_out_an_export_under_its_own_name_and_type(operator):
    request = make_request(operator)
    export = stored_attachment(
        request, purpose="export", name="my-data.json", content_type="application/json", body=b"{}"
    )
    found = download_resolve(request=request, token=download_link_create(request=request, attachment=export))
    assert (found.filename, found.content_type) == ("my-data.json", "application/json")
    with found.file.open("rb") as stored:
        assert stored.read() == b"{}"
