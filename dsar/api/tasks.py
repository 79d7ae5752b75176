"""Celery tasks of the API: thin, idempotent."""

from celery import shared_task
from django.utils import timezone

from .idempotency import idempotency_purge


@shared_task(acks_late=True, name="dsar.api.tasks.purge_idempotency")
def purge_idempotency() -> int:
    """Forget the answers of API calls past their replay window (beat, hourly)."""
    return idempotency_purge(now=timezone.now())
