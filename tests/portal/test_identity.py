import re

import pytest
from django.core import mail
from django.urls import reverse

from dsar import sms
from dsar.models import DataRequest, State
from tests.factories import OperatorFactory

from .conftest import last_code, last_sms_code, submit, token_from

pytestmark = pytest.mark.django_db(transaction=True)


def _confirm(client, token, **codes):
    return client.post(reverse("portal:confirm", kwargs={"token": token}), codes)


def test_it_creates_the_request_awaiting_identity_and_mails_a_code(client, operator):
    response = submit(client, operator, kind="rectification", what_is_wrong="Surname", correct_value="Serikova")
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.state == State.AWAITING_IDENTITY
    assert request.details == {"what_is_wrong": "Surname", "correct_value": "Serikova"}
    assert request.subject_phone == "+77011234567"
    assert "dana" not in response["Location"]
    assert re.fullmatch(r"\d{6}", last_code("dana@example.kz"))


def test_it_receives_the_request_on_the_right_code_and_acknowledges_it(client, operator):
    token = token_from(submit(client, operator))
    response = _confirm(client, token, email=last_code())
    assert response.status_code == 302
    assert response["Location"].endswith(f"/r/{token}/")
    request = DataRequest.objects.get()
    assert request.state == State.RECEIVED and request.due_at is not None
    ack = mail.outbox[-1]
    assert request.reference in ack.subject
    assert f"/r/{token}/" in ack.body
    # The browser that confirmed sees the status page without another code.
    page = client.get(response["Location"])
    assert request.reference in page.content.decode()


def test_it_refuses_a_wrong_code_with_a_message_next_to_the_field(client, operator):
    token = token_from(submit(client, operator))
    code = last_code()
    wrong = f"{(int(code) + 1) % 1000000:06d}"
    response = _confirm(client, token, email=wrong)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert DataRequest.objects.get().state == State.AWAITING_IDENTITY


def test_it_gives_a_known_and_an_unknown_email_the_same_answers(client, operator):
    known_token = token_from(submit(client, operator))
    _confirm(client, known_token, email=last_code())
    client.cookies.clear()

    def flow(email):
        first = submit(client, operator, subject_email=email, subject_name="Someone")
        token = token_from(first)
        message = mail.outbox[-1]
        page = client.get(first["Location"])
        body = page.content.decode().replace(token, "TOKEN")
        return first.status_code, page.status_code, body, message.subject.rstrip("0123456789"), len(message.body)

    known = flow("dana@example.kz")
    unknown = flow("nobody-here@example.kz")
    assert known[:2] == unknown[:2] == (302, 200)
    assert known[3] == unknown[3] and known[4] == unknown[4]
    # The pages differ only in the CSRF token.
    strip = lambda html: re.sub(r'value="[A-Za-z0-9]{64}"', "", html)  # noqa: E731
    assert strip(known[2]) == strip(unknown[2])


def test_it_asks_for_the_phone_too_when_the_operator_requires_it(client):
    operator = OperatorFactory(require_phone_confirmation=True)
    token = token_from(submit(client, operator))
    assert sms.outbox[-1]["to"] == "+77011234567"
    response = _confirm(client, token, email=last_code())
    assert response.status_code == 200
    assert DataRequest.objects.get().state == State.AWAITING_IDENTITY
    response = _confirm(client, token, phone=last_sms_code())
    assert response.status_code == 302
    assert DataRequest.objects.get().state == State.RECEIVED


def test_it_sends_codes_to_the_representative_who_acts_for_someone_else(client, operator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_uploads import PDF

    url = reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": "access"})
    data = {
        "subject_name": "Aru Serikova",
        "subject_email": "",
        "language": "kk",
        "consent": "on",
        "acting_for_other": "on",
        "representative_name": "Dana Serikova",
        "representative_email": "mother@example.kz",
        "representative_basis": "parent",
        "authority_document": SimpleUploadedFile("birth.pdf", PDF, content_type="application/pdf"),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    request = DataRequest.objects.get()
    assert request.acting_for_other and request.attachments.get().purpose == "authority"
    assert mail.outbox[-1].to == ["mother@example.kz"]


def test_it_requires_the_authority_document_of_a_representative(client, operator):
    response = submit(
        client,
        operator,
        acting_for_other="on",
        representative_name="Dana",
        representative_email="mother@example.kz",
        representative_basis="parent",
    )
    assert response.status_code == 200
    assert "authority_document" in response.context["form"].errors
    assert not DataRequest.objects.exists()


def test_it_validates_the_iin_check_digit_and_the_phone(client, operator):
    response = submit(client, operator, subject_iin="123456789012", subject_phone="12")
    errors = response.context["form"].errors
    assert "subject_iin" in errors and "subject_phone" in errors
    assert not DataRequest.objects.exists()


def test_it_stores_nothing_for_a_bot_that_fills_the_honeypot(client, operator):
    response = submit(client, operator, leave_empty="http://spam.example")
    assert response.status_code == 200
    assert not DataRequest.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    "kind,fields,details",
    [
        ("blocking", {"violation": "Shared"}, {"violation": "Shared"}),
        ("destruction", {"which_data": "All", "why": "Closed account"}, {"which_data": "All", "why": "Closed account"}),
        ("consent_withdrawal", {"processing": "Newsletters"}, {"processing": "Newsletters"}),
        (
            "claim",
            {"contract_reference": "ORD-1", "claim": "Refund"},
            {"contract_reference": "ORD-1", "claim": "Refund"},
        ),
        ("automated_decision_objection", {"decision": "Rejected"}, {"decision": "Rejected"}),
        ("enquiry", {"description": "Who gets my data?"}, {}),
    ],
)
def test_it_keeps_each_kinds_fields_in_details(client, operator, kind, fields, details):
    assert submit(client, operator, kind=kind, **fields).status_code == 302
    assert DataRequest.objects.get().details == details


def test_it_requires_each_kinds_own_fields(client, operator):
    response = submit(client, operator, kind="claim")
    assert set(response.context["form"].errors) >= {"contract_reference", "claim"}
    assert not DataRequest.objects.exists()
