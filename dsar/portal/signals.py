"""Tell the subject when staff move their request in a way they must know about."""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from ..models import DataRequest
from ..services.subject import subject_update_notify


@receiver(post_transition, sender=DataRequest, dispatch_uid="portal-subject-update")
def notify_subject_of_update(sender, instance, name, **kwargs):
    # Fires inside transition()'s transaction: the link row rolls back with it, and the
    # e-mail goes only after commit (notify()).
    subject_update_notify(request=instance, transition_name=name)
