"""Checks run by `dsar_verify_chain` beyond the hash chain itself.

A transition that calls for a letter must have one: its letter row names the transition's
event as its cause (`event:<id>`). Which transition calls for which letter is decided in one
place, `letters.services.letter_kind_for` (the post-transition signal in dsar/letters/signals.py
uses it too); this check asks the same function, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from ..kinds import Kind
from ..models import Event, Letter

# A letter is recorded after its transition commits; give that a moment before calling it missing.
LETTER_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class MissingLetter:
    event_id: int
    seq: int
    action: str
    letter_kind: str

    def __str__(self):
        return f"event #{self.seq} (id {self.event_id}): transition {self.action} has no {self.letter_kind} letter"


def _letter_transitions() -> set[str]:
    from ..letters.services import letter_kind_for
    from ..workflow import STAFF_TRANSITIONS, SUBJECT_TRANSITIONS

    names = set(STAFF_TRANSITIONS) | set(SUBJECT_TRANSITIONS)
    return {t for t in names for kind in Kind.values if letter_kind_for(request_kind=kind, transition=t)}


def transitions_without_letter(*, operator_id: int, now: datetime | None = None) -> list[MissingLetter]:
    """The operator's transitions older than LETTER_GRACE whose letter was never recorded."""
    from ..letters.services import letter_kind_for

    now = now or timezone.now()
    causes = set(
        Letter.objects.filter(request__operator_id=operator_id, cause__startswith="event:").values_list("cause", flat=True)
    )
    events = (
        Event.objects.filter(
            operator_id=operator_id, request__isnull=False, action__in=_letter_transitions(),
            created_at__lt=now - LETTER_GRACE,
        )
        .order_by("seq")
        .values_list("pk", "seq", "action", "request__kind")
    )
    missing = []
    for pk, seq, action, request_kind in events.iterator(chunk_size=2000):
        kind = letter_kind_for(request_kind=request_kind, transition=action)
        if kind and f"event:{pk}" not in causes:
            missing.append(MissingLetter(pk, seq, action, kind))
    return missing
