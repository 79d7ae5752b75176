"""Signal wiring. Side effects are queued with transaction.on_commit by their receivers."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .models import CalendarOverride, EventChainHead, Operator


@receiver(post_save, sender=Operator)
def create_chain_head(sender, instance, created, **kwargs):
    if created:
        EventChainHead.objects.get_or_create(operator=instance)


@receiver(pre_save, sender=CalendarOverride, dispatch_uid="dsar_override_before_save")
@receiver(pre_delete, sender=CalendarOverride, dispatch_uid="dsar_override_before_delete")
def calendar_override_before(sender, instance, raw=False, **kwargs):
    """Remember the calendars as they were, to see which deadlines the change moves."""
    if raw:
        return
    from .services.calendar import calendars_before

    old = CalendarOverride.objects.filter(pk=instance.pk).values("operator_id", "date").first() if instance.pk else None
    scope = {instance.operator_id} | ({old["operator_id"]} if old else set())
    # A global day, or a day moved between operators: look at every operator.
    only = next(iter(scope)) if len(scope) == 1 else None
    instance._dsar_calendar_before = calendars_before(operator_id=only)
    day = CalendarOverride._meta.get_field("date").to_python(instance.date)  # may still be a string
    instance._dsar_days = {day} | ({old["date"]} if old else set())


@receiver(post_save, sender=CalendarOverride, dispatch_uid="dsar_override_after_save")
@receiver(post_delete, sender=CalendarOverride, dispatch_uid="dsar_override_after_delete")
def calendar_override_after(sender, instance, raw=False, **kwargs):
    """A saved (or deleted) day off moves the deadlines of the open requests it affects."""
    before = getattr(instance, "_dsar_calendar_before", None)
    if raw or before is None:
        return
    from .services.calendar import calendar_override_changed

    calendar_override_changed(before=before, days=instance._dsar_days, actor=getattr(instance, "_dsar_actor", None))
    del instance._dsar_calendar_before


from .portal import signals as _portal_signals  # noqa: E402,F401  (subject e-mails on staff steps)
from .webhooks import receivers as _webhook_receivers  # noqa: E402,F401  (webhook outbox on transitions, letters)
