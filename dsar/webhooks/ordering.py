"""Per-endpoint message numbers, so a receiver can drop a stale message.

The counter is bumped in the transaction that records the message, with a conditional UPDATE
that row-locks the endpoint until commit: two transactions recording for one endpoint take
their numbers in commit order. Lock order: the endpoint row comes after the request and the
chain head (emission runs last in a transition); delivery only updates the endpoint and takes
no chain head, so no cycle. A rolled-back recording gives its number back with it.
"""

from django.db.models import F

from ..models import WebhookEndpoint


def sequence_next(endpoint_id: int) -> int:
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(last_sequence=F("last_sequence") + 1)
    return WebhookEndpoint.objects.filter(pk=endpoint_id).values_list("last_sequence", flat=True).get()
