"""Tampering by someone with write access to the database, and what verify_chain makes of it.

The attacker here knows the hashing scheme (it is public) and can rewrite any row, drop a
constraint or disable a trigger; they cannot read the Ed25519 key that signs checkpoints.
"""

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, connection, transaction

from dsar.models import ChainCheckpoint, Event, EventChainHead
from dsar.models.events import HASHED_FIELDS, NOT_HASHED, verify_chain
from dsar.services.checkpoints import checkpoint_sign
from dsar.services.transitions import transition
from tests.factories import make_request, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_chain(operator):
    """Three requests' events (seq 1..9), the head signed after them."""
    worker = staff_user(operator)
    for _ in range(3):
        request = make_request(operator)
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=worker, note="called the subject on +77011234567")
    checkpoint = checkpoint_sign(operator_id=operator.pk)
    assert checkpoint.seq == 9 and verify_chain(operator.pk) is None
    return list(Event.objects.filter(operator=operator).order_by("seq"))


def _rehash_from(operator_id: int, seq: int) -> None:
    """What a careful attacker does after an edit: recompute every later hash and the head."""
    prev = Event.objects.get(operator_id=operator_id, seq=seq - 1).hash if seq > 1 else "0" * 64
    last = None
    for event in Event.objects.filter(operator_id=operator_id, seq__gte=seq).order_by("seq"):
        event.prev_hash = prev
        if not event.redacted:
            event.payload_digest = event.compute_payload_digest()
        event.hash = event.compute_hash()
        Event.objects.filter(pk=event.pk).update(
            prev_hash=event.prev_hash, payload_digest=event.payload_digest, hash=event.hash
        )
        prev, last = event.hash, event
    if last is not None:
        EventChainHead.objects.filter(operator_id=operator_id).update(seq=last.seq, last_hash=last.hash)


def _without_constraint(name: str):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        cursor.execute(f"ALTER TABLE dsar_event DROP CONSTRAINT {name}")


# --- 1. the redacted flag with a rewritten note ------------------------------------------


def test_it_refuses_a_redacted_row_that_keeps_a_note(signed_chain):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=signed_chain[2].pk).update(redacted=True, note="we called nobody")


@pytest.mark.postgres
def test_it_finds_a_redacted_flag_over_a_rewritten_note_even_without_the_constraint(operator, signed_chain):
    _without_constraint("event_redacted_is_empty")
    Event.objects.filter(pk=signed_chain[2].pk).update(redacted=True, note="we called nobody")
    broken = verify_chain(operator.pk)
    assert broken.seq == 3 and "redacted" in broken.reason


def test_it_finds_a_rewritten_note_whose_digest_and_later_hashes_were_recomputed(operator, signed_chain):
    Event.objects.filter(pk=signed_chain[2].pk).update(note="we called nobody")
    _rehash_from(operator.pk, 3)
    broken = verify_chain(operator.pk)
    assert broken.seq == 9 and "rewritten" in broken.reason


# --- 2. the last events deleted and the chain head rolled back ----------------------------


def test_it_finds_the_last_events_deleted_with_the_head_rolled_back(operator, signed_chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dsar_event WHERE operator_id = %s AND seq > 6", [operator.pk])
    EventChainHead.objects.filter(operator=operator).update(seq=6, last_hash=signed_chain[5].hash)
    broken = verify_chain(operator.pk)
    assert broken.seq == 7 and "deleted" in broken.reason and "#9" in broken.reason


def test_it_finds_a_truncation_followed_by_new_events(operator, signed_chain):
    # Deleting and then writing as many new events brings the count back, not the signed hash.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dsar_event WHERE operator_id = %s AND seq > 6", [operator.pk])
    EventChainHead.objects.filter(operator=operator).update(seq=6, last_hash=signed_chain[5].hash)
    request = signed_chain[0].request
    for _ in range(4):
        Event.append(request=request, action="note_added", actor_label="staff", note="ordinary")
    broken = verify_chain(operator.pk)
    assert broken.seq == 9 and "rewritten" in broken.reason


# --- 3. one event edited and every later one re-hashed -----------------------------------


def test_it_finds_an_edit_with_every_later_event_rehashed(operator, signed_chain):
    Event.objects.filter(pk=signed_chain[3].pk).update(to_state="fulfilled", action="fulfil")
    _rehash_from(operator.pk, 4)
    broken = verify_chain(operator.pk)
    assert broken.seq == 9 and "rewritten" in broken.reason


EDITS = {
    "request_id": lambda e, chain: (
        chain[-1].request_id if e.request_id != chain[-1].request_id else chain[0].request_id
    ),
    "created_at": lambda e, chain: e.created_at.replace(year=2020),
    "actor_id": lambda e, chain: chain[2].actor_id,
    "actor_label": lambda e, chain: "system",
    "action": lambda e, chain: "withdraw",
    "from_state": lambda e, chain: "closed",
    "to_state": lambda e, chain: "fulfilled",
    "public": lambda e, chain: not e.public,
    "note": lambda e, chain: "forged",
    "data": lambda e, chain: {"ground": "forged"},
}


@pytest.mark.parametrize("column", sorted(EDITS))
def test_it_finds_any_field_edited_and_every_later_event_rehashed(operator, signed_chain, column):
    event = signed_chain[3]  # confirm_identity of the second request, by the subject
    Event.objects.filter(pk=event.pk).update(**{column: EDITS[column](event, signed_chain)})
    _rehash_from(operator.pk, event.seq)
    broken = verify_chain(operator.pk)
    assert broken is not None and broken.seq == 9 and "rewritten" in broken.reason


def test_every_field_is_hashed_or_bound_another_way():
    columns = {f.attname for f in Event._meta.concrete_fields}
    hashed = {
        "operator_id",
        "request_id",
        "seq",
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "from_state",
        "to_state",
        "public",
        "payload_digest",
        "prev_hash",
    }
    assert len(HASHED_FIELDS) == len(hashed)
    assert columns == hashed | set(NOT_HASHED)


# --- a forged or altered checkpoint -------------------------------------------------------


def _forge(operator_id: int, seq: int, head_hash: str, at) -> ChainCheckpoint:
    """A checkpoint signed with a key of the attacker's own, stamped with the real key's id."""
    real = ChainCheckpoint.objects.filter(operator_id=operator_id).first()
    fake = ChainCheckpoint(operator_id=operator_id, seq=seq, head_hash=head_hash, signed_at=at, key_id=real.key_id)
    fake.signature = base64.b64encode(Ed25519PrivateKey.generate().sign(fake.message())).decode()
    return fake


def test_it_finds_a_forged_checkpoint_over_a_rewritten_chain(operator, signed_chain):
    Event.objects.filter(pk=signed_chain[3].pk).update(note="nothing happened")
    _rehash_from(operator.pk, 4)
    Event.append(request=signed_chain[0].request, action="note_added", actor_label="staff")
    head = EventChainHead.objects.get(operator=operator)
    _forge(operator.pk, head.seq, head.last_hash, signed_chain[-1].created_at).save()
    broken = verify_chain(operator.pk)
    assert broken.seq == 10 and "no valid signature" in broken.reason


@pytest.mark.postgres
def test_it_finds_a_checkpoint_altered_behind_the_trigger(operator, signed_chain):
    Event.objects.filter(pk=signed_chain[3].pk).update(note="nothing happened")
    _rehash_from(operator.pk, 4)
    head = EventChainHead.objects.get(operator=operator)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE dsar_chaincheckpoint DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE dsar_chaincheckpoint SET head_hash = %s WHERE operator_id = %s", [head.last_hash, operator.pk]
        )
        cursor.execute("ALTER TABLE dsar_chaincheckpoint ENABLE TRIGGER USER")
    broken = verify_chain(operator.pk)
    assert "no valid signature" in broken.reason
