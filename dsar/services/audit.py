"""Checks run by `dsar_verify_chain` beyond the hash chain itself.

(A transition whose letter is missing is found by `letters.outbox.letters_missing`, which reads
the same table, dsar/notices.py, as the issuing.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from ..models import ChainCheckpoint, Event

# Checkpoints are signed daily; an event this old that none covers means beat stopped signing,
# or the latest checkpoints were deleted.
CHECKPOINT_MAX_AGE = timedelta(hours=48)


def events_without_checkpoint(*, operator_id: int, now: datetime | None = None) -> str | None:
    """A warning when the operator's events older than CHECKPOINT_MAX_AGE are not all covered by
    a signed checkpoint; None when they are."""
    now = now or timezone.now()
    covered = (
        ChainCheckpoint.objects.filter(operator_id=operator_id).order_by("-seq").values_list("seq", flat=True).first()
        or 0
    )
    first = (
        Event.objects.filter(operator_id=operator_id, seq__gt=covered)
        .order_by("seq")
        .values("seq", "created_at")
        .first()
    )
    if first is None or first["created_at"] >= now - CHECKPOINT_MAX_AGE:
        return None
    return (
        f"events from #{first['seq']} ({first['created_at']:%Y-%m-%d %H:%M} UTC) on are covered by no signed "
        f"checkpoint: is beat running (chain-checkpoints), or were the latest checkpoints deleted?"
    )
