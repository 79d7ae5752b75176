import pytest
from django.core import mail

from dsar.models import Attachment, DataRequest

from .conftest import submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_politely_over_the_limit_per_email_and_saves_nothing(client, operator):
    for _n in range(5):
        assert submit(client, operator).status_code == 302
    before = (DataRequest.objects.count(), len(mail.outbox))
    response = submit(client, operator)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (DataRequest.objects.count(), len(mail.outbox)) == before
    assert not Attachment.objects.exists()
    # Another address from the same place still gets through.
    assert submit(client, operator, subject_email="other@example.kz").status_code == 302


def test_it_refuses_politely_over_the_limit_per_ip(client, operator):
    statuses = [submit(client, operator, subject_email=f"p{n}@example.kz").status_code for n in range(31)]
    assert statuses[:30] == [302] * 30
    assert statuses[30] == 429
    assert DataRequest.objects.count() == 30


def test_it_limits_code_resends_per_request(client, operator):
    from django.urls import reverse

    from .conftest import token_from

    token = token_from(submit(client, operator))
    url = reverse("portal:confirm_resend", kwargs={"token": token})
    statuses = [client.post(url).status_code for _n in range(6)]
    assert statuses[:5] == [302] * 5 and statuses[5] == 429
