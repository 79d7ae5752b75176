"""Thin Celery tasks for webhooks: load by id, call one service, safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, name="dsar.webhooks.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int) -> bool:
    from ..models import WebhookDelivery
    from .delivery import webhook_deliver

    ok = webhook_deliver(delivery_id=delivery_id)
    if not ok:
        row = WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).first()
        if row is not None and row.next_attempt_at is not None:
            # The sweep would find it too; this only makes the early retries prompt.
            deliver_webhook.apply_async((delivery_id,), eta=row.next_attempt_at)
    return ok


@shared_task(acks_late=True, name="dsar.webhooks.tasks.webhooks_sweep")
def webhooks_sweep() -> dict:
    from .sweep import webhooks_sweep_run

    return webhooks_sweep_run()
