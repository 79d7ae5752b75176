"""Webhooks through a real Celery worker: rows recorded and committed, the sweep task queues the
due ones, the worker signs and posts them to a server on 127.0.0.1, each exactly once."""

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from dsar.models import WebhookDelivery, WebhookEndpoint
from tests.integration.harness import wait_for
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.integration


def test_a_real_worker_delivers_each_recorded_webhook_once(services, operator):
    receiver = Receiver()
    try:
        endpoint = WebhookEndpoint.objects.create(operator=operator, url=receiver.url, events=["request.received"])
        now = timezone.now()
        for n in range(20):
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                msg_id=f"msg_it_{n}",
                event="request.received",
                payload={"type": "request.received", "data": {"n": n}},
                next_attempt_at=now,
            )
        services.env["DSAR_WEBHOOK_ALLOW_PRIVATE"] = "1"
        worker = services.worker("w1")
        task = services.client.send_task("dsar.webhooks.tasks.webhooks_sweep")
        wait_for(lambda: len(receiver.received) >= 20, timeout=60, what="20 webhooks")
        # A second sweep finds nothing due: nothing is sent twice.
        again = services.client.send_task("dsar.webhooks.tasks.webhooks_sweep")
        wait_for(lambda: worker.finished(again.id), timeout=30, what="the second sweep")
        assert task.id
        ids = [m["headers"]["webhook-id"] for m in receiver.received]
        assert sorted(ids) == sorted(f"msg_it_{n}" for n in range(20))
        verifier = Webhook(endpoint.secret)
        assert all(verifier.verify(m["body"], m["headers"]) for m in receiver.received)
        assert WebhookDelivery.objects.filter(status="sent", attempts=1).count() == 20
    finally:
        receiver.close()
