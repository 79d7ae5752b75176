"""Staff record a paper, e-mail or in-person request in the admin: back-dated receipt, the deadline
counted from it, identity in person or by code, the acknowledgment, the channel on the page and
in the register."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from dsar.models import DataRequest, Event, Letter, Role
from tests.factories import OperatorFactory, otp_login, staff_user

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
URL = "/admin/dsar/recordedrequest/add/"


@pytest.fixture
def operator(db):
    return OperatorFactory()


@pytest.fixture
def worker(operator):
    return staff_user(operator, Role.CASEWORKER)


def form(operator, **overrides):
    data = {
        "operator": operator.pk,
        "kind": "rectification",
        "channel": "paper",
        "received_at": "2026-03-20T10:00",
        "language": "ru",
        "subject_name": "Dana Serikova",
        "subject_email": "",
        "what_is_wrong": "Surname",
        "correct_value": "Serikova",
        "identity": "in_person",
        "document_type": "id_card",
    }
    data.update(overrides)
    return data


@time_machine.travel(datetime(2026, 3, 27, 9, 0, tzinfo=ALMATY), tick=False)
def test_it_records_a_backdated_paper_letter_with_its_deadline(
    client, operator, worker, django_capture_on_commit_callbacks
):
    otp_login(client, worker)
    scan = SimpleUploadedFile(
        "letter.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**form(operator), "files": [scan]})
    assert response.status_code == 302, response.content.decode()[:2000]
    request = DataRequest.objects.get()
    # Received 20 March 2026 (Friday); Nauryz days off 21–25 March: 1 working day → end of 26 March.
    assert request.channel == "paper" and request.state == "received"
    assert request.received_at == datetime(2026, 3, 20, 10, 0, tzinfo=ALMATY)
    assert request.due_at == datetime(2026, 3, 26, 23, 59, 59, tzinfo=ALMATY)
    confirm = Event.objects.get(request=request, action="confirm_identity")
    assert confirm.data["assurance"] == "in_person" and confirm.data["document_type"] == "id_card"
    assert confirm.data["checked_by"] == worker.pk
    assert request.attachments.get().original_name.endswith(".pdf")
    # No e-mail: the acknowledgment is a letter to print and post.
    assert Letter.objects.filter(request=request, kind="acknowledgment").exists() and mail.outbox == []
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Paper letter" in body and "identity checked in person" in body
    assert "more than 3 days ago" in body  # the warning for an old receipt


def test_it_refuses_a_receipt_in_the_future(client, operator, worker):
    otp_login(client, worker)
    response = client.post(URL, form(operator, received_at="2099-01-01T10:00"))
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_it_sends_codes_for_an_email_request(client, operator, worker, django_capture_on_commit_callbacks):
    otp_login(client, worker)
    eml = SimpleUploadedFile(
        "request.eml",
        b"From: dana@example.kz\r\nDate: Mon, 2 Nov 2026 10:00:00 +0500\r\n"
        b"Subject: My data\r\n\r\nPlease send me my data.\r\n",
        "message/rfc822",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                **form(
                    operator,
                    channel="email",
                    kind="access",
                    identity="code",
                    subject_email="dana@example.kz",
                    document_type="",
                ),
                "files": [eml],
            },
        )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.channel == "email" and request.state == "awaiting_identity" and request.received_at
    assert request.attachments.get().content_type == "message/rfc822"
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(mail.outbox) == 2 and any(request.reference in s for s in subjects)
    assert any("/confirm/" in m.body for m in mail.outbox)


def test_it_asks_for_the_document_checked_in_person(client, operator, worker):
    otp_login(client, worker)
    response = client.post(URL, form(operator, document_type=""))
    assert response.status_code == 200 and not DataRequest.objects.exists()


def test_only_staff_of_the_operator_may_record(client, operator):
    other = OperatorFactory()
    outsider = staff_user(other, Role.CASEWORKER)
    otp_login(client, outsider)
    response = client.post(URL, form(operator))
    assert response.status_code == 200 and not DataRequest.objects.exists()  # the operator is not a valid choice


@time_machine.travel(datetime(2026, 3, 27, 9, 0, tzinfo=ALMATY), tick=False)
def test_the_register_shows_the_channel(client, operator, worker):
    import csv
    import io

    otp_login(client, worker)
    client.post(URL, form(operator, channel="in_person"))
    otp_login(client, staff_user(operator, Role.MANAGER))
    response = client.get("/dashboard/register.csv", {"start": "2026-03-01", "end": "2026-03-31"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-1] == "Channel" and [r[-1] for r in rows[1:]] == ["In person"]
