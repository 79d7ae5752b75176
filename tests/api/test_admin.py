"""Keys, endpoints, deliveries and data systems in the admin: managers and DPOs of the operator only."""

import pytest

from dsar.models import ApiKey, Role, WebhookDelivery, WebhookEndpoint
from dsar.models.channels import hash_secret
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, make_request, otp_login, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return OperatorFactory()


def test_a_new_key_is_shown_once_and_stored_hashed(client, operator):
    otp_login(client, staff_user(operator, Role.DPO))
    response = client.post(
        "/admin/dsar/apikey/add/",
        {"operator": operator.pk, "name": "app", "scopes": ["submit", "read"], "rate_per_minute": 60},
    )
    assert response.status_code == 200
    raw = response.context["raw_key"]
    key = ApiKey.objects.get()
    assert key.key_hash == hash_secret(raw) and raw not in str(ApiKey.objects.values_list())
    listing = client.get("/admin/dsar/apikey/").content.decode()
    assert key.prefix in listing and raw not in listing
    client.post("/admin/dsar/apikey/", {"action": "revoke", "_selected_action": [key.pk]})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_caseworker_sees_no_keys_or_endpoints(client, operator):
    otp_login(client, staff_user(operator, Role.CASEWORKER))
    for path in [
        "/admin/dsar/apikey/",
        "/admin/dsar/apikey/add/",
        "/admin/dsar/webhookendpoint/",
        "/admin/dsar/webhookdelivery/",
        "/admin/dsar/datasystem/",
    ]:
        assert client.get(path).status_code == 403, path


def test_a_manager_never_sees_another_operators_endpoints(client, operator):
    other = OperatorFactory()
    theirs = WebhookEndpoint.objects.create(operator=other, url="https://b.example.kz/hook", events=[])
    otp_login(client, staff_user(operator, Role.MANAGER))
    assert theirs.url not in client.get("/admin/dsar/webhookendpoint/").content.decode()
    assert client.get(f"/admin/dsar/webhookendpoint/{theirs.pk}/change/").status_code in (302, 404)


def test_the_endpoint_form_refuses_a_private_address(client, operator, settings):
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = False
    otp_login(client, staff_user(operator, Role.DPO))
    response = client.post(
        "/admin/dsar/webhookendpoint/add/",
        {"operator": operator.pk, "url": "http://192.168.1.10/hook", "events": ["request.received"], "is_active": "on"},
    )
    assert response.status_code == 200 and not WebhookEndpoint.objects.exists()
    assert "private" in response.content.decode()


def test_send_again_from_the_delivery_list(client, operator, settings):
    from tests.webhooks.conftest import Receiver

    receiver = Receiver()
    try:
        WebhookEndpoint.objects.create(operator=operator, url=receiver.url, events=["request.received"])
        transition(make_request(operator).pk, "confirm_identity")
        delivery = WebhookDelivery.objects.get()
        otp_login(client, staff_user(operator, Role.MANAGER))
        page = client.get(f"/admin/dsar/webhookdelivery/{delivery.pk}/change/")
        assert page.status_code == 200
        client.post("/admin/dsar/webhookdelivery/", {"action": "send_again", "_selected_action": [delivery.pk]})
        delivery.refresh_from_db()
        assert delivery.status == "sent" and len(receiver.received) == 1
        assert delivery.attempt_log.get().status_code == 204
    finally:
        receiver.close()
