import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from dsar.letters.services import letter_issue, letter_render
from dsar.models import Attachment, LetterKind, Role
from dsar.models.letters import AccessRecord
from tests.factories import OperatorFactory, otp_login, staff_user

from .helpers import pdf_text, request_ready_for


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="dsar", codename__in=codenames))
    return user


@pytest.fixture
def letter(operator):
    request = request_ready_for(operator, LetterKind.ACKNOWLEDGMENT, language="en")
    return letter_render(letter_id=letter_issue(request=request, kind=LetterKind.ACKNOWLEDGMENT).pk)


def test_it_gives_staff_of_the_operator_the_stored_pdf_unchanged(client, letter, operator):
    otp_login(client, grant(staff_user(operator, Role.CASEWORKER), "view_letter"))
    response = client.get(f"/admin/dsar/datarequest/{letter.request_id}/letter/{letter.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == letter.file.open("rb").read()


def test_it_hides_a_letter_from_staff_of_another_operator(client, letter):
    other = OperatorFactory()
    otp_login(client, grant(staff_user(other, Role.DPO), "view_letter"))
    assert client.get(f"/admin/dsar/datarequest/{letter.request_id}/letter/{letter.pk}/").status_code == 404


def test_it_stores_an_uploaded_record_privately_and_lists_it_in_the_access_answer(client, operator):
    request = request_ready_for(operator, LetterKind.ACCESS_ANSWER, language="en")
    user = grant(staff_user(operator, Role.CASEWORKER), "add_accessrecord", "view_accessrecord")
    otp_login(client, user)
    response = client.post(
        "/admin/dsar/accessrecord/add/",
        {
            "request": request.pk,
            "category": "Call recordings",
            "content": "",
            "source": "Call centre",
            "upload": SimpleUploadedFile("calls.csv", b"date,length\n2026-03-01,42\n", content_type="text/csv"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = AccessRecord.objects.get(request=request)
    assert record.attachment.purpose == Attachment.Purpose.STAFF and record.attachment.original_name == "calls.csv"
    assert record.created_by == user
    assert "calls.csv" not in record.attachment.file.name  # generated names only on disk
    text = pdf_text(
        letter_render(letter_id=letter_issue(request=request, kind=LetterKind.ACCESS_ANSWER).pk).file.read()
    )
    assert "Call recordings" in text and "calls.csv" in text


def test_it_refuses_a_record_for_another_operators_request(client, operator):
    other_request = request_ready_for(OperatorFactory(), LetterKind.ACCESS_ANSWER)
    otp_login(client, grant(staff_user(operator, Role.CASEWORKER), "add_accessrecord", "view_accessrecord"))
    response = client.post(
        "/admin/dsar/accessrecord/add/", {"request": other_request.pk, "category": "X", "content": "Y"}
    )
    assert response.status_code == 200
    assert not AccessRecord.objects.exists()


def test_it_asks_for_the_data_or_a_file(client, operator):
    request = request_ready_for(operator, LetterKind.ACCESS_ANSWER)
    otp_login(client, grant(staff_user(operator, Role.CASEWORKER), "add_accessrecord", "view_accessrecord"))
    response = client.post("/admin/dsar/accessrecord/add/", {"request": request.pk, "category": "X", "content": ""})
    assert "Enter the data held, or upload a file with it." in response.content.decode()
    assert not AccessRecord.objects.exists()
