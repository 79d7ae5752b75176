"""The hooks that record webhook messages, all in one place: transitions and new letters.

They run inside the transaction that made the change (django-fsm's `post_transition` fires in
`services.transitions.transition()` before it commits), so a rolled-back change records nothing.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_fsm.signals import post_transition

from ..models import DataRequest, Letter
from ..models.channels import WebhookEvent
from . import tasks  # noqa: F401  registers the Celery tasks (autodiscovery reads only dsar/tasks.py)
from .outbox import request_payload, webhook_emit
from .systems import jobs_dispatch


@receiver(post_transition, sender=DataRequest, dispatch_uid="dsar.webhooks.after_transition")
def emit_after_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    if kwargs.get("exception") is not None:
        return
    now = (method_kwargs or {}).get("now") or timezone.now()
    stamp = f"r{instance.pk}-{name}-{int(now.timestamp() * 1_000_000)}"
    data = {**request_payload(instance), "transition": name, "from_state": source, "to_state": target}
    if name == "confirm_identity":
        webhook_emit(
            operator_id=instance.operator_id,
            event=WebhookEvent.RECEIVED,
            cause=f"{stamp}-received",
            data=request_payload(instance),
            now=now,
        )
    webhook_emit(operator_id=instance.operator_id, event=WebhookEvent.TRANSITION, cause=stamp, data=data, now=now)
    if name == "start_work":
        jobs_dispatch(request=instance, now=now)


@receiver(post_save, sender=Letter, dispatch_uid="dsar.webhooks.letter_issued")
def emit_letter_issued(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    request = instance.request
    webhook_emit(
        operator_id=request.operator_id,
        event=WebhookEvent.LETTER,
        cause=f"letter{instance.pk}",
        data={"letter": {"number": instance.number, "kind": instance.kind}, "request": request_payload(request)},
    )
