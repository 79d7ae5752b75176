"""Each endpoint numbers what it is sent (1, 2, 3, ... in the order the causes committed), in the
signed body and in a `webhook-sequence` header, so a receiver can drop a message older than one
it has already applied (docs/integrators/webhooks.md)."""

import json

import pytest
from standardwebhooks.webhooks import Webhook

from dsar.models import WebhookDelivery, WebhookEndpoint
from dsar.webhooks.delivery import webhook_deliver
from dsar.webhooks.outbox import webhook_emit
from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def _signed_by(endpoint, message) -> bool:
    try:
        Webhook(endpoint.secret).verify(message["body"], message["headers"])
    except Exception:
        return False
    return True


def test_it_numbers_each_endpoints_messages_in_order(receiver):
    operator = OperatorFactory()
    first = WebhookEndpoint.objects.create(operator=operator, url=receiver.url, events=["request.transition"])
    second = WebhookEndpoint.objects.create(operator=operator, url=receiver.url, events=["request.transition"])
    for n in range(3):
        webhook_emit(operator_id=operator.pk, event="request.transition", cause=f"c{n}", data={"n": n})
    webhook_emit(operator_id=operator.pk, event="request.transition", cause="c1", data={"n": 1})  # a repeat
    webhook_emit(operator_id=operator.pk, event="request.transition", cause="only", data={"n": 9}, endpoints=[second])
    for endpoint, expected in ((first, [1, 2, 3]), (second, [1, 2, 3, 4])):
        rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")
        assert [r.payload["sequence"] for r in rows] == expected
    for row in WebhookDelivery.objects.order_by("pk"):
        assert webhook_deliver(delivery_id=row.pk, force=True)
    for message in receiver.received:
        body = json.loads(message["body"])
        assert message["headers"]["webhook-sequence"] == str(body["sequence"])
        assert any(_signed_by(e, message) for e in (first, second))  # the number is in the signed body
