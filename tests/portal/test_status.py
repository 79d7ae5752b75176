import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dsar.models import Attachment, DataRequest, Letter, Message, Role, State
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, staff_user

from .conftest import last_code, submit, token_from
from .test_uploads import EXE, PDF

pytestmark = pytest.mark.django_db(transaction=True)


def _received(client, operator, **fields):
    """A confirmed request and its status token; the client's session has the page unlocked."""
    token = token_from(submit(client, operator, **fields))
    client.post(reverse("portal:confirm", kwargs={"token": token}), {"email": last_code()})
    return DataRequest.objects.get(operator=operator), token


def _awaiting_subject(client, operator, question="Send the document."):
    request, token = _received(client, operator)
    caseworker = staff_user(operator, Role.CASEWORKER)
    transition(request.pk, "start_work", actor=caseworker)
    transition(request.pk, "ask_subject", actor=caseworker, question=question)
    return request, token


def _url(name, token, **kwargs):
    return reverse(f"portal:{name}", kwargs={"token": token, **kwargs})


def _letter(request, number="L-1"):
    letter = Letter(
        request=request,
        kind="acknowledgment",
        number=number,
        language="en",
        status=Letter.Status.READY,
        verification_code=f"V{request.pk}{number}"[:16],
    )
    letter.file.save("x.pdf", ContentFile(PDF), save=False)
    letter.save()
    return letter


def test_it_asks_a_new_browser_for_a_fresh_code(client, operator):
    request, token = _received(client, operator)
    client.cookies.clear()
    locked = client.get(_url("status", token))
    assert request.reference not in locked.content.decode()
    assert "no-store" in locked["Cache-Control"]
    client.post(_url("status_code", token))
    code = last_code()
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    assert request.reference not in client.post(_url("status_unlock", token), {"code": wrong}).content.decode()
    assert client.post(_url("status_unlock", token), {"code": code}).status_code == 302
    page = client.get(_url("status", token))
    assert request.reference in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_it_answers_an_unknown_link_with_not_found(client, operator):
    assert client.get(_url("status", "x" * 43)).status_code == 404


def test_it_shows_the_public_timeline_due_date_and_messages(client, operator):
    request, token = _received(client, operator)
    caseworker = staff_user(operator, Role.CASEWORKER)
    transition(request.pk, "start_work", actor=caseworker)
    transition(request.pk, "ask_subject", actor=caseworker, question="Please send your passport scan.")
    Message.objects.create(request=request, channel="to_subject", body="We need a document.")
    Message.objects.create(request=request, channel="internal", body="Staff-only note")
    html = client.get(_url("status", token)).content.decode()
    assert "Please send your passport scan." in html and "We need a document." in html
    assert "Staff-only note" not in html
    assert "Answer due by" in html


def test_it_resumes_the_request_when_the_subject_answers_with_a_file(client, operator):
    request, token = _awaiting_subject(client, operator)
    response = client.post(
        _url("reply", token),
        {"body": "Here it is.", "documents": SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    request = DataRequest.objects.get(pk=request.pk)
    assert request.state == State.IN_PROGRESS
    message = Message.objects.get(channel="from_subject")
    assert message.body == "Here it is." and message.attachments.get().purpose == "reply"


def test_it_refuses_a_disguised_reply_file_and_keeps_waiting(client, operator):
    request, token = _awaiting_subject(client, operator)
    response = client.post(
        _url("reply", token),
        {"body": "Here.", "documents": SimpleUploadedFile("doc.pdf", EXE, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "doc.pdf" in response.content.decode()
    assert DataRequest.objects.get(pk=request.pk).state == State.AWAITING_SUBJECT
    assert not Message.objects.filter(channel="from_subject").exists()


def test_it_withdraws_the_request(client, operator):
    request, token = _received(client, operator)
    assert client.post(_url("withdraw", token), {}).status_code == 200  # the box must be ticked
    assert client.post(_url("withdraw", token), {"confirm": "on"}).status_code == 302
    request = DataRequest.objects.get(pk=request.pk)
    assert request.state == State.WITHDRAWN
    assert request.events.filter(action="withdraw", actor_label="subject").exists()


def test_it_downloads_a_letter_after_a_fresh_code_as_an_attachment(client, operator):
    request, token = _received(client, operator)
    letter = _letter(request)
    url = _url("download", token, what="letter", pk=letter.pk)
    client.post(url, {"action": "send"})
    response = client.post(url, {"code": last_code()})
    assert response.status_code == 302
    file_response = client.get(response["Location"])
    assert file_response.status_code == 200
    assert file_response["Content-Disposition"].startswith("attachment")
    assert b"".join(file_response.streaming_content) == PDF


def test_it_refuses_an_expired_download_link(client, operator):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    request, token = _received(client, operator)
    url = _url("download", token, what="letter", pk=_letter(request).pk)
    client.post(url, {"action": "send"})
    link = client.post(url, {"code": last_code()})["Location"]
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert client.get(link).status_code == 410


def test_it_never_reaches_another_operators_letters_or_files(client, operator):
    mine, my_token = _received(client, operator)
    other_operator = OperatorFactory()
    theirs, their_token = _received(client, other_operator, subject_email="aru@example.kz")
    their_letter = _letter(theirs, number="L-9")
    export = Attachment(
        request=theirs,
        purpose="export",
        original_name="data.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    export.file.save("x", ContentFile(PDF), save=False)
    export.save()
    # Through my page, their letter and export do not exist.
    assert client.get(_url("download", my_token, what="letter", pk=their_letter.pk)).status_code == 404
    assert client.get(_url("download", my_token, what="export", pk=export.pk)).status_code == 404
    # A live link for their letter does not open through my page.
    url = _url("download", their_token, what="letter", pk=their_letter.pk)
    client.post(url, {"action": "send"})
    their_link = client.post(url, {"code": last_code("aru@example.kz")})["Location"]
    link_token = their_link.rstrip("/").split("/")[-1]
    assert client.get(_url("file", my_token, link=link_token)).status_code == 410
    assert mail.outbox  # both requesters were mailed their own codes


def test_it_mails_a_new_link_only_to_the_address_on_file_and_answers_the_same(client, operator):
    request, token = _received(client, operator)
    client.get(_url("status", token))  # shows the confirmation message once
    url = reverse("portal:find_request")
    sent_before = len(mail.outbox)
    wrong = client.post(url, {"reference": request.reference, "email": "intruder@example.kz"})
    assert len(mail.outbox) == sent_before
    right = client.post(url, {"reference": request.reference.lower(), "email": "DANA@example.kz"})
    assert mail.outbox[-1].to == ["dana@example.kz"]
    new_link = mail.outbox[-1].body.split("http://")[1].split()[0]
    assert "/r/" in new_link
    assert wrong.status_code == right.status_code == 200
    strip = lambda r: re.sub(r'value="[A-Za-z0-9]{64}"', "", r.content.decode())  # noqa: E731
    assert strip(wrong) == strip(right)


def test_it_offers_a_way_back_on_an_unknown_link(client, settings):
    settings.DEBUG = False
    response = client.get(_url("status", "no-such-token"))
    assert response.status_code == 404
    assert reverse("portal:find_request") in response.content.decode()


def test_it_downloads_a_data_export_after_a_fresh_code(client, operator):
    request, token = _received(client, operator)
    export = Attachment(
        request=request,
        purpose="export",
        original_name="my-data.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    export.file.save("x", ContentFile(PDF), save=False)
    export.save()
    assert "my-data.pdf" in client.get(_url("status", token)).content.decode()
    url = _url("download", token, what="export", pk=export.pk)
    # Without the code, no link.
    assert client.post(url, {"code": "000000"}).status_code == 200
    client.post(url, {"action": "send"})
    link = client.post(url, {"code": last_code()})["Location"]
    response = client.get(link)
    assert response["Content-Disposition"] == 'attachment; filename="my-data.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_it_mails_the_subject_a_fresh_link_when_the_operator_asks_something(client, operator):
    request, _token = _awaiting_subject(client, operator, question="Send the passport.")
    update = mail.outbox[-1]
    assert update.to == ["dana@example.kz"] and request.reference in update.subject
    assert "Send the passport." not in update.body  # the content stays behind the link and a code
    link = re.search(r"http://\S+/r/(\S+)/", update.body).group(1)
    client.cookies.clear()
    page = client.get(_url("status", link))
    # The new link works, and still asks this new browser for a fresh code.
    assert page.status_code == 200 and f"/r/{link}/code/" in page.content.decode()
    assert request.reference not in page.content.decode()
    assert DataRequest.objects.get(pk=request.pk).status_links.count() == 2
