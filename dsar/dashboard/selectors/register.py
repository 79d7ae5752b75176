"""The regulator's register: every request submitted in the period, one row each.

Streamed: the queryset is read with a server-side cursor (iterator with chunk_size on
PostgreSQL), and the letter numbers are joined in the database by a correlated subquery,
so memory stays flat however long the period.
"""

from collections.abc import Iterator

from django.db.models import OuterRef, Subquery

from ...models import ChainCheckpoint, DataRequest, Letter
from ..aggregates import GroupConcat
from ..forms import Scope

REGISTER_CHUNK = 2000

REGISTER_FIELDS = (
    "reference", "operator__short_name", "kind", "state", "submitted_at", "received_at", "due_at",
    "original_due_at", "answered_at", "closed_at", "outcome", "refusal_ground", "refusal_basis", "letter_numbers",
    "channel",
)


def register_queryset(*, scope: Scope):
    letters = (
        Letter.objects.filter(request_id=OuterRef("pk"))
        .order_by()
        .values("request_id")
        .annotate(numbers=GroupConcat("number", separator="; "))
        .values("numbers")
    )
    return (
        DataRequest.objects.filter(
            operator_id__in=scope.operator_ids, submitted_at__gte=scope.start_at, submitted_at__lt=scope.end_before
        )
        .annotate(letter_numbers=Subquery(letters))
        .order_by("submitted_at", "pk")
        .values_list(*REGISTER_FIELDS)
    )


def register_rows(*, scope: Scope) -> Iterator[tuple]:
    yield from register_queryset(scope=scope).iterator(chunk_size=REGISTER_CHUNK)


def register_checkpoints(*, scope: Scope) -> list[ChainCheckpoint]:
    """The signed audit checkpoints that vouch for the period: each one signed in it, and each
    operator's latest one signed by its end (the chain up to there cannot be rewritten unseen)."""
    in_scope = ChainCheckpoint.objects.filter(operator_id__in=scope.operator_ids, signed_at__lt=scope.end_before)
    ids = set(in_scope.filter(signed_at__gte=scope.start_at).values_list("pk", flat=True))
    for operator_id in scope.operator_ids:  # a handful per user: one small indexed query each
        ids.update(in_scope.filter(operator_id=operator_id).order_by("-seq").values_list("pk", flat=True)[:1])
    checkpoints = ChainCheckpoint.objects.filter(pk__in=ids).select_related("operator")
    return sorted(checkpoints, key=lambda c: (c.operator.short_name, c.seq))
