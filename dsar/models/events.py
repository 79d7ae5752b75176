"""The append-only audit trail, hash-chained per operator.

Each event's hash covers the previous event's hash, its own sequence number and its
fields. The note and data (which may hold personal data) enter the chain through
`payload_digest`, so retention can blank them without breaking the chain.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .operators import Operator

GENESIS = "0" * 64


class AppendOnlyError(Exception):
    pass


class EventChainHead(models.Model):
    """The tip of one operator's chain; locking it serialises appends for that operator."""

    operator = models.OneToOneField(Operator, on_delete=models.CASCADE, related_name="chain_head")
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


class Event(models.Model):
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="events", verbose_name=_("operator"))
    request = models.ForeignKey(
        "dsar.DataRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("request")
    )
    seq = models.PositiveBigIntegerField(verbose_name=_("number in the chain"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("staff member")
    )
    actor_label = models.CharField(max_length=40, blank=True, help_text=_("subject, system, staff"), verbose_name=_("who"))
    action = models.CharField(max_length=40, verbose_name=_("what happened"))
    from_state = models.CharField(max_length=30, blank=True, verbose_name=_("state before"))
    to_state = models.CharField(max_length=30, blank=True, verbose_name=_("state after"))
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Shown on the subject's timeline.
    public = models.BooleanField(default=False, verbose_name=_("shown to the subject"))
    payload_digest = models.CharField(max_length=64)
    redacted = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, verbose_name=_("hash"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["operator", "seq"]
        constraints = [models.UniqueConstraint(fields=["operator", "seq"], name="event_seq_unique")]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_idx")]

    def __str__(self):
        from ..labels import staff_event_label

        return f"#{self.seq} {staff_event_label(self.action)}"

    # --- writing -------------------------------------------------------------

    @classmethod
    def append(cls, *, operator=None, request=None, action: str, actor=None, actor_label: str = "",
               from_state: str = "", to_state: str = "", note: str = "", data: dict | None = None,
               public: bool = False, at=None) -> "Event":
        """Append one event to the operator's chain. Call inside the caller's transaction."""
        operator_id = operator.pk if operator is not None else request.operator_id
        head, _created = EventChainHead.objects.select_for_update().get_or_create(operator_id=operator_id)
        event = cls(
            operator_id=operator_id,
            request=request,
            seq=head.seq + 1,
            created_at=at or timezone.now(),
            actor=actor,
            actor_label=actor_label,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
            data=data or {},
            public=public,
            prev_hash=head.last_hash,
        )
        event.payload_digest = event.compute_payload_digest()
        event.hash = event.compute_hash()
        super(Event, event).save(force_insert=True)
        head.seq, head.last_hash = event.seq, event.hash
        head.save(update_fields=["seq", "last_hash"])
        return event

    def save(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are written only through Event.append().")

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are never deleted.")

    @classmethod
    def redact(cls, *, request_id: int) -> int:
        """Blank the note and data of one request's events (retention), in one UPDATE.

        `payload_digest` and `hash` stay, and `verify_chain` skips the payload check of a
        redacted event, so the chain still verifies after the personal data is gone.
        """
        return cls.objects.filter(request_id=request_id, redacted=False).update(note="", data={}, redacted=True)

    # --- hashing -------------------------------------------------------------

    def compute_payload_digest(self) -> str:
        return _digest({"note": self.note, "data": self.data})

    def compute_hash(self) -> str:
        return _digest(
            {
                "operator": self.operator_id,
                "request": self.request_id,
                "seq": self.seq,
                "at": self.created_at.astimezone(dt_timezone.utc).isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "from": self.from_state,
                "to": self.to_state,
                "public": self.public,
                "payload": self.payload_digest,
                "prev": self.prev_hash,
            }
        )


@dataclass(frozen=True)
class ChainBreak:
    operator_id: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self):
        return f"operator {self.operator_id}: event #{self.seq} (id {self.event_id}): {self.reason}"


def verify_chain(operator_id: int) -> ChainBreak | None:
    """Walk one operator's chain in order; return the first broken event, or None if intact."""
    expected_prev = GENESIS
    expected_seq = 1
    last = None
    events = Event.objects.filter(operator_id=operator_id).order_by("seq", "id")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainBreak(operator_id, expected_seq, event.pk, f"event #{expected_seq} is missing (next is #{event.seq})")
        if event.prev_hash != expected_prev:
            return ChainBreak(operator_id, event.seq, event.pk, "does not follow the previous event (deleted or reordered)")
        if not event.redacted and event.compute_payload_digest() != event.payload_digest:
            return ChainBreak(operator_id, event.seq, event.pk, "note or data was edited")
        if event.compute_hash() != event.hash:
            return ChainBreak(operator_id, event.seq, event.pk, "fields were edited")
        expected_prev, expected_seq, last = event.hash, expected_seq + 1, event
    head = EventChainHead.objects.filter(operator_id=operator_id).first()
    if head and (head.seq != (last.seq if last else 0) or head.last_hash != expected_prev):
        return ChainBreak(operator_id, (last.seq if last else 0) + 1, None, "the last events were deleted")
    return None
