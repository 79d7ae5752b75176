"""Signal wiring. Side effects are queued with transaction.on_commit by their receivers."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import EventChainHead, Operator


@receiver(post_save, sender=Operator)
def create_chain_head(sender, instance, created, **kwargs):
    if created:
        EventChainHead.objects.get_or_create(operator=instance)

from .portal import signals as _portal_signals  # noqa: E402,F401  (subject e-mails on staff steps)
from .webhooks import receivers as _webhook_receivers  # noqa: E402,F401  (webhook outbox on transitions, letters)
