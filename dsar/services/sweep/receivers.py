"""Keep `DataRequest.next_action_at` right whenever a request changes.

`transition()` runs the django-fsm method, which sends `post_transition`, and only then
saves the row: setting the field on the instance here is saved with the transition.
A new request is scheduled just before its first save.
"""

from datetime import datetime

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django_fsm.signals import post_transition

from ...models import DataRequest
from ...states import State
from . import plan


def request_schedule(*, request: DataRequest, since: datetime) -> None:
    """Set next_action_at to the earliest action not yet handled at `since` (on the instance)."""
    if request.next_action_at is not None and request.next_action_at < since:
        # Something was due before this change and the sweep has not run yet: keep it due.
        since = request.next_action_at
    asked_at = None
    if request.state == State.AWAITING_SUBJECT:
        asked_at = request.clock_paused_at or since
    calendar = request.operator.work_calendar()
    actions = plan.actions_for(request, request._policy(), asked_at=asked_at, calendar=calendar)
    request.next_action_at = plan.first_pending(
        actions, since=since, hours=request.operator.working_hours, calendar=calendar, tz=request.operator.tz
    )


@receiver(post_transition, sender=DataRequest, dispatch_uid="dsar_schedule_after_transition")
def schedule_after_transition(sender, instance, name, source, target, method_kwargs=None, exception=None, **kwargs):
    if exception is not None:
        return
    now = (method_kwargs or {}).get("now") or timezone.now()
    request_schedule(request=instance, since=now)


@receiver(pre_save, sender=DataRequest, dispatch_uid="dsar_schedule_new_request")
def schedule_new_request(sender, instance, raw=False, **kwargs):
    if raw or not instance._state.adding or instance.next_action_at is not None:
        return
    request_schedule(request=instance, since=instance.submitted_at or timezone.now())
