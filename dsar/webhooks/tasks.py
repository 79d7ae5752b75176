"""Thin Celery tasks for webhooks: load by id, call one service, safe to run twice.

A failed delivery is not retried with a countdown or ETA: its next attempt is a column on the
row (`next_attempt_at`), and the webhook sweep (beat) sends the rows that are due.
"""

from celery import shared_task

from .delivery import webhook_deliver
from .sweep import webhooks_sweep_run


@shared_task(acks_late=True, name="dsar.webhooks.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int) -> bool:
    return webhook_deliver(delivery_id=delivery_id)


@shared_task(acks_late=True, name="dsar.webhooks.tasks.webhooks_sweep")
def webhooks_sweep() -> dict:
    return webhooks_sweep_run()
