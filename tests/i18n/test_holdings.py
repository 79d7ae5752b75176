""" "What we hold" is added on the request page of an access request, next to the transition buttons."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dsar.models import Role
from dsar.models.letters import AccessRecord
from dsar.services.exports import export_payload
from tests.factories import OperatorFactory, make_request, otp_login, staff_user

pytestmark = pytest.mark.django_db


def _page(client, request):
    return client.get(f"/admin/dsar/datarequest/{request.pk}/change/").content.decode()


def test_it_records_what_we_hold_from_the_request_page(client):
    from django.utils import timezone

    operator = OperatorFactory()
    otp_login(client, staff_user(operator, Role.CASEWORKER))
    request = make_request(operator, kind="access")
    page = _page(client, request)
    assert 'id="holdings"' in page and 'id="add-holding"' in page
    assert page.index('id="holdings"') < page.index("dsar-person")  # beside the steps, before the details
    response = client.post(
        f"/admin/dsar/datarequest/{request.pk}/hold/",
        {"category": "Contact details", "content": "dana@example.kz", "source": "the subject"},
    )
    assert response.status_code == 302
    record = AccessRecord.objects.get(request=request)
    assert (record.category, record.content, record.source) == ("Contact details", "dana@example.kz", "the subject")
    assert "Contact details" in _page(client, request)
    assert export_payload(request=request, now=timezone.now())["records"][0]["category"] == "Contact details"

    pdf = SimpleUploadedFile("orders.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client.post(f"/admin/dsar/datarequest/{request.pk}/hold/", {"category": "Orders", "upload": pdf})
    assert AccessRecord.objects.get(request=request, category="Orders").attachment.original_name == "orders.pdf"


def test_it_refuses_an_empty_record_with_a_message(client):
    operator = OperatorFactory()
    otp_login(client, staff_user(operator, Role.CASEWORKER))
    request = make_request(operator, kind="access")
    response = client.post(f"/admin/dsar/datarequest/{request.pk}/hold/", {"category": "Contact details"}, follow=True)
    assert response.status_code == 200
    assert not AccessRecord.objects.exists()
    assert "Enter the data held" in response.content.decode()


def test_it_keeps_other_operators_requests_out_of_reach(client):
    mine, theirs = OperatorFactory(), OperatorFactory()
    otp_login(client, staff_user(mine, Role.CASEWORKER))
    request = make_request(theirs, kind="access")
    response = client.post(f"/admin/dsar/datarequest/{request.pk}/hold/", {"category": "X", "content": "Y"})
    assert response.status_code in (302, 403, 404)
    assert not AccessRecord.objects.exists()


def test_it_offers_the_panel_only_for_access_requests(client):
    operator = OperatorFactory()
    otp_login(client, staff_user(operator, Role.CASEWORKER))
    assert 'id="holdings"' not in _page(
        client, make_request(operator, kind="rectification", details={"what_is_wrong": "a", "correct_value": "b"})
    )
