"""Tell the subject when staff move their request in a way they must know about."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_fsm.signals import post_transition

from ..models import DataRequest, Operator, Policy
from ..services.subject import subject_update_notify
from .views.public import operators_forget

for _model in (Operator, Policy):
    post_save.connect(operators_forget, sender=_model, dispatch_uid=f"portal-forget-{_model.__name__}-save")
    post_delete.connect(operators_forget, sender=_model, dispatch_uid=f"portal-forget-{_model.__name__}-delete")


@receiver(post_transition, sender=DataRequest, dispatch_uid="portal-subject-update")
def notify_subject_of_update(sender, instance, name, **kwargs):
    # Fires inside transition()'s transaction: the link row rolls back with it, and the
    # e-mail goes only after commit (notify()).
    subject_update_notify(request=instance, transition_name=name)
