"""After a transition commits, issue the letter it calls for (see letter_kind_for)."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django_fsm.signals import post_transition

from ..models import DataRequest, Event
from . import tasks  # noqa: F401  registers render_letter with Celery (autodiscovery only reads dsar/tasks.py)

logger = logging.getLogger(__name__)


@receiver(post_transition, sender=DataRequest, dispatch_uid="dsar.letters.issue_after_transition")
def issue_letter_after_transition(sender, instance, name, source, target, method_kwargs=None, **kwargs):
    from .services import letter_kind_for

    if kwargs.get("exception") is not None:
        return
    kind = letter_kind_for(request_kind=instance.kind, transition=name)
    if kind is None:
        return
    method_kwargs = method_kwargs or {}
    request_id, actor, when = instance.pk, method_kwargs.get("by"), method_kwargs.get("now")
    extra = {k: method_kwargs[k] for k in ("question", "reason") if isinstance(method_kwargs.get(k), str)}
    # robust: a failure here must not turn a committed transition into an error page.
    transaction.on_commit(lambda: issue_for_transition(request_id, name, kind, actor, when, extra), robust=True)


def issue_for_transition(request_id: int, name: str, kind: str, actor, when, extra: dict):
    from .services import letter_issue

    # Each transition writes exactly one event, stamped with the transition's `now`: it names the
    # cause, so a replayed callback issues nothing new, and two transitions of one name never merge.
    events = Event.objects.filter(request_id=request_id, action=name)
    if when is not None:
        events = events.filter(created_at=when)
    event = events.order_by("-seq").first()
    cause = f"event:{event.pk}" if event else f"{name}:{when.isoformat() if when else ''}"
    request = DataRequest.objects.select_related("operator").get(pk=request_id)
    letter = letter_issue(request=request, kind=kind, actor=actor, cause=cause, now=when, extra=extra)
    if letter.context.get("register") is not None:
        _offer_export(request, actor)
    return letter


def _offer_export(request: DataRequest, actor) -> None:
    """The access answer promises a machine-readable copy on the status page: make it now, once."""
    from ..models import Attachment
    from ..services.exports import export_create

    if not Attachment.objects.filter(request=request, purpose=Attachment.Purpose.EXPORT).exists():
        export_create(request=request, actor=actor)
