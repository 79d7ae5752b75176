"""The append-only audit trail, hash-chained per operator, with signed checkpoints.

Each event's hash covers the previous event's hash, its own sequence number and every other
field (HASHED_FIELDS; a test fails when a new field is in neither list below):
- the note and data (which may hold personal data) enter through `payload_digest`, so
  retention can blank them without breaking the chain;
- `redacted` cannot be in the event's own hash (retention sets it later), so it is bound by the
  request's later "purged" event, whose data lists the redacted sequence numbers and which is
  itself hashed. A redacted row must be empty (a database constraint), so the flag can hide an
  erased note but never carry a rewritten one, and an erasure no purge event lists is reported.

A chain alone proves nothing against someone who can rewrite the whole table: they can re-hash
every event after the one they edit. So every day the head of each operator's chain is signed
with an Ed25519 key kept outside the database (`ChainCheckpoint`, dsar/signing.py) and e-mailed
to the operator's DPO; `verify_chain` checks the chain against every checkpoint.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .insert import insert_new
from .operators import Operator

GENESIS = "0" * 64
# Action of the event retention appends after redacting a request's events; its data lists them.
PURGED = "purged"


class AppendOnlyError(Exception):
    pass


class EventChainHead(models.Model):
    """The tip of one operator's chain; locking it serialises appends for that operator."""

    operator = models.OneToOneField(Operator, on_delete=models.CASCADE, related_name="chain_head")
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    # Every audited action takes this row, so its two statements are written out: each costs a
    # fifth of the ORM's get_or_create() and save() in CPU, on the path every submission takes.
    @classmethod
    def take(cls, operator_id: int) -> tuple[int, str]:
        """Lock the operator's head until the transaction ends; its (seq, last_hash)."""
        table = connection.ops.quote_name(cls._meta.db_table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT seq, last_hash FROM {table} WHERE operator_id = %s{lock}", [operator_id])
            row = cursor.fetchone()
        if row is None:  # the operator's first event
            head, _created = cls.objects.select_for_update().get_or_create(operator_id=operator_id)
            return head.seq, head.last_hash
        return row[0], row[1]

    @classmethod
    def move(cls, operator_id: int, *, seq: int, last_hash: str) -> None:
        """Point the (taken) head at the event just appended."""
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET seq = %s, last_hash = %s WHERE operator_id = %s", [seq, last_hash, operator_id]
            )


def _digest(obj) -> str:
    return hashlib.sha256(
        json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    ).hexdigest()


class Event(models.Model):
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="events", verbose_name=_("operator"))
    request = models.ForeignKey(
        "dsar.DataRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("request"),
    )
    seq = models.PositiveBigIntegerField(verbose_name=_("number in the chain"))
    created_at = models.DateTimeField(db_index=True, verbose_name=_("created"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    actor_label = models.CharField(
        max_length=40, blank=True, help_text=_("subject, system, staff"), verbose_name=_("who")
    )
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
        constraints = [
            models.UniqueConstraint(fields=["operator", "seq"], name="event_seq_unique"),
            # A redaction erases; it never leaves text behind under the redacted flag.
            models.CheckConstraint(
                condition=models.Q(redacted=False) | models.Q(note="", data={}), name="event_redacted_is_empty"
            ),
        ]
        indexes = [models.Index(fields=["request", "created_at"], name="event_request_idx")]

    def __str__(self):
        from ..labels import staff_event_label

        return f"#{self.seq} {staff_event_label(self.action)}"

    # --- writing -------------------------------------------------------------

    @classmethod
    def append(
        cls,
        *,
        operator=None,
        request=None,
        action: str,
        actor=None,
        actor_label: str = "",
        from_state: str = "",
        to_state: str = "",
        note: str = "",
        data: dict | None = None,
        public: bool = False,
        at=None,
    ) -> "Event":
        """Append one event to the operator's chain. Call inside the caller's transaction."""
        operator_id = operator.pk if operator is not None else request.operator_id
        if not connection.in_atomic_block:
            raise transaction.TransactionManagementError("Event.append() needs the caller's transaction.")
        head_seq, head_hash = EventChainHead.take(operator_id)
        event = cls(
            operator_id=operator_id,
            request=request,
            seq=head_seq + 1,
            created_at=at or timezone.now(),
            actor=actor,
            actor_label=actor_label,
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
            data=data or {},
            public=public,
            prev_hash=head_hash,
        )
        event.payload_digest = event.compute_payload_digest()
        event.hash = event.compute_hash()
        insert_new(event)  # Model.save's work without Event.save, which refuses
        EventChainHead.move(operator_id, seq=event.seq, last_hash=event.hash)
        return event

    def save(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are written only through Event.append().")

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are never deleted.")

    @classmethod
    def redact(cls, *, request_id: int) -> list[int]:
        """Blank the note and data of one request's events (retention); their sequence numbers.

        `payload_digest` and `hash` stay, so the chain still verifies once the personal data is
        gone, provided the caller then appends a PURGED event with `{"redacted": <these numbers>}`
        (request_purge does): that event is what makes each redaction verifiable.
        """
        events = cls.objects.filter(request_id=request_id, redacted=False)
        seqs = sorted(events.values_list("seq", flat=True))
        events.update(note="", data={}, redacted=True)
        return seqs

    # --- hashing -------------------------------------------------------------

    def compute_payload_digest(self) -> str:
        return _digest({"note": self.note, "data": self.data})

    def compute_hash(self) -> str:
        return _digest({key: value(self) for key, value in HASHED_FIELDS.items()})


# Key in the hashed document -> the field's value. The keys are those of the first release, so
# existing chains still verify.
HASHED_FIELDS = {
    "operator": lambda e: e.operator_id,
    "request": lambda e: e.request_id,
    "seq": lambda e: e.seq,
    "at": lambda e: e.created_at.astimezone(UTC).isoformat(),
    "actor": lambda e: e.actor_id,
    "actor_label": lambda e: e.actor_label,
    "action": lambda e: e.action,
    "from": lambda e: e.from_state,
    "to": lambda e: e.to_state,
    "public": lambda e: e.public,
    "payload": lambda e: e.payload_digest,
    "prev": lambda e: e.prev_hash,
}
# Fields outside the hashed document, and what binds each of them instead.
NOT_HASHED = {
    "id": "the row's identity; the chain's order is seq",
    "hash": "the result",
    "note": "payload_digest",
    "data": "payload_digest",
    "redacted": "the request's later purged event, which lists the redacted seq numbers",
}


class ChainCheckpoint(models.Model):
    """A signed statement "operator X's chain had N events ending in hash H at time T".

    Append-only: the model refuses updates and deletes, PostgreSQL triggers refuse them too
    (migration 0002_chain), and the admin shows them read-only. Its signature is what an
    attacker with the database cannot forge: the key is outside the database.
    """

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="chain_checkpoints")
    seq = models.PositiveBigIntegerField(_("events"))
    head_hash = models.CharField(_("hash of the last event"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    key_id = models.CharField(_("key"), max_length=16)
    signature = models.CharField(_("signature"), max_length=100)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["operator", "seq"]
        constraints = [models.UniqueConstraint(fields=["operator", "seq"], name="checkpoint_seq_unique")]

    def __str__(self):
        return f"#{self.seq} {self.head_hash[:12]}"

    def message(self) -> bytes:
        """The bytes signed: everything the checkpoint states, in one canonical form."""
        document = {
            "v": 1,
            "operator": self.operator_id,
            "seq": self.seq,
            "hash": self.head_hash,
            "at": self.signed_at.astimezone(UTC).isoformat(),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Checkpoints are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Checkpoints are never deleted.")


@dataclass(frozen=True)
class ChainBreak:
    operator_id: int
    seq: int
    event_id: int | None
    reason: str

    def __str__(self):
        return f"operator {self.operator_id}: event #{self.seq} (id {self.event_id}): {self.reason}"


def verify_chain(operator_id: int) -> ChainBreak | None:
    """Walk one operator's chain in order; return the first problem, or None if intact.

    Beyond the links between events it checks that every redacted event is listed by a later
    purge, and that the chain agrees with every signed checkpoint: a checkpoint whose signature
    fails, whose sequence number is past the end of the chain (truncation) or whose hash differs
    from the event's (the chain was re-hashed) is reported.
    """
    return _ChainWalk(operator_id).run()


class _ChainWalk:
    """One pass over one operator's chain; each check is a method that returns a break or None."""

    def __init__(self, operator_id: int):
        self.operator_id = operator_id
        self.checkpoints = list(ChainCheckpoint.objects.filter(operator_id=operator_id).order_by("seq", "pk"))
        self.signed = {c.seq: c for c in self.checkpoints}
        self.expected_prev = GENESIS
        self.expected_seq = 1
        self.last = None
        self.redacted: dict[int, tuple[int | None, int]] = {}  # seq -> (request id, event id)
        self.purged: set[tuple[int | None, int]] = set()
        # Purges written before they listed what they erased vouch for every earlier event of their request.
        self.purged_unlisted: dict[int | None, int] = {}

    def broken(self, seq: int, event_id: int | None, reason: str) -> ChainBreak:
        return ChainBreak(self.operator_id, seq, event_id, reason)

    def run(self) -> ChainBreak | None:
        problem = self.signatures()
        if problem:
            return problem
        events = Event.objects.filter(operator_id=self.operator_id).order_by("seq", "id")
        for event in events.iterator(chunk_size=2000):
            problem = self.link(event) or self.content(event) or self.against_checkpoint(event)
            if problem:
                return problem
            self.note_purge(event)
            self.expected_prev, self.expected_seq, self.last = event.hash, self.expected_seq + 1, event
        return self.redactions() or self.end()

    def signatures(self) -> ChainBreak | None:
        from ..signing import signature_valid, verifying_keys

        keys = verifying_keys() if self.checkpoints else {}
        for checkpoint in self.checkpoints:
            key = keys.get(checkpoint.key_id)
            if key is None or not signature_valid(checkpoint.message(), checkpoint.signature, key):
                return self.broken(
                    checkpoint.seq,
                    None,
                    f"the checkpoint signed at {checkpoint.signed_at.isoformat()} has no valid signature "
                    f"(forged or altered)",
                )
        return None

    def link(self, event) -> ChainBreak | None:
        if event.seq != self.expected_seq:
            return self.broken(
                self.expected_seq, event.pk, f"event #{self.expected_seq} is missing (next is #{event.seq})"
            )
        if event.prev_hash != self.expected_prev:
            return self.broken(event.seq, event.pk, "does not follow the previous event (deleted or reordered)")
        return None

    def content(self, event) -> ChainBreak | None:
        if event.redacted:
            if event.note or event.data:
                return self.broken(event.seq, event.pk, "marked redacted but still has a note or data")
            self.redacted[event.seq] = (event.request_id, event.pk)
        elif event.compute_payload_digest() != event.payload_digest:
            return self.broken(event.seq, event.pk, "note or data was edited")
        if event.compute_hash() != event.hash:
            return self.broken(event.seq, event.pk, "fields were edited")
        return None

    def against_checkpoint(self, event) -> ChainBreak | None:
        checkpoint = self.signed.get(event.seq)
        if checkpoint is not None and checkpoint.head_hash != event.hash:
            return self.broken(
                event.seq,
                event.pk,
                f"differs from the checkpoint signed at {checkpoint.signed_at.isoformat()} (the chain was rewritten)",
            )
        return None

    def note_purge(self, event) -> None:
        if event.action != PURGED or not isinstance(event.data, dict):
            return
        if "redacted" in event.data:
            listed = event.data["redacted"] or []
            self.purged.update((event.request_id, s) for s in listed if isinstance(s, int))
        else:
            self.purged_unlisted[event.request_id] = event.seq

    def redactions(self) -> ChainBreak | None:
        for seq in sorted(self.redacted):
            request_id, event_id = self.redacted[seq]
            if (request_id, seq) not in self.purged and seq >= self.purged_unlisted.get(request_id, 0):
                return self.broken(seq, event_id, "note or data was erased outside a retention purge")
        return None

    def end(self) -> ChainBreak | None:
        end = self.last.seq if self.last else 0
        if self.checkpoints and self.checkpoints[-1].seq > end:
            checkpoint = self.checkpoints[-1]
            return self.broken(
                end + 1,
                None,
                f"the chain ends at #{end} but the checkpoint signed at {checkpoint.signed_at.isoformat()} "
                f"covers #{checkpoint.seq}: the last events were deleted",
            )
        head = EventChainHead.objects.filter(operator_id=self.operator_id).first()
        if head and (head.seq != end or head.last_hash != self.expected_prev):
            return self.broken(end + 1, None, "the last events were deleted")
        return None
