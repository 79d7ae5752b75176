import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.transaction import TransactionManagementError

from dsar.models import Event, EventChainHead
from dsar.models.events import GENESIS, AppendOnlyError, verify_chain
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(operator):
    """Two requests' worth of events on one operator's chain: seq 1..6."""
    worker = staff_user(operator)
    for _ in range(2):
        request = make_request(operator)
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=worker, note="taking this one")
    events = list(Event.objects.filter(operator=operator).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    return events


def test_it_finds_an_intact_chain_intact(operator, chain):
    assert verify_chain(operator.pk) is None


def test_it_keeps_each_operator_on_its_own_chain(operator, chain):
    other = OperatorFactory()
    make_request(other)
    assert Event.objects.get(operator=other).seq == 1
    assert Event.objects.get(operator=other).prev_hash == "0" * 64


def test_the_head_follows_each_append_and_the_first_event_creates_it(operator, chain):
    head = EventChainHead.objects.get(operator=operator)
    assert (head.seq, head.last_hash) == (6, chain[-1].hash)
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    other = OperatorFactory()
    EventChainHead.objects.filter(operator=other, seq=0).delete()  # as before an operator's first event
    first = make_request(other).events.get()
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    head = EventChainHead.objects.get(operator=other)
    assert (head.seq, head.last_hash) == (1, first.hash)
    assert verify_chain(other.pk) is None


@pytest.mark.django_db(transaction=True)
def test_an_append_outside_a_transaction_is_refused(operator):
    with pytest.raises(TransactionManagementError):
        Event.append(operator=operator, action="note", actor_label="system")
    assert not Event.objects.filter(operator=operator).exists()


def test_it_refuses_to_save_or_delete_an_event_through_the_model(chain):
    event = chain[2]
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_it_finds_an_edited_note(operator, chain):
    Event.objects.filter(pk=chain[2].pk).update(note="nothing to see here")
    broken = verify_chain(operator.pk)
    assert broken.seq == 3 and "edited" in broken.reason


def test_it_finds_an_edited_state(operator, chain):
    Event.objects.filter(pk=chain[3].pk).update(to_state="fulfilled")
    broken = verify_chain(operator.pk)
    assert broken.seq == 4 and "edited" in broken.reason


def test_it_finds_an_edit_that_also_recomputed_the_payload_digest(operator, chain):
    event = Event.objects.get(pk=chain[2].pk)
    event.note = "forged"
    Event.objects.filter(pk=event.pk).update(note="forged", payload_digest=event.compute_payload_digest())
    broken = verify_chain(operator.pk)
    assert broken.seq == 3


def test_it_finds_a_deleted_event(operator, chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dsar_event WHERE id = %s", [chain[3].pk])
    broken = verify_chain(operator.pk)
    assert broken.seq == 4 and "missing" in broken.reason


def test_it_finds_the_last_event_deleted(operator, chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dsar_event WHERE id = %s", [chain[-1].pk])
    broken = verify_chain(operator.pk)
    assert broken.seq == 6 and "last" in broken.reason


def test_it_finds_reordered_events(operator, chain):
    # Swap the sequence numbers of events 2 and 3.
    a, b = chain[1], chain[2]
    Event.objects.filter(pk=a.pk).update(seq=1000)
    Event.objects.filter(pk=b.pk).update(seq=2)
    Event.objects.filter(pk=a.pk).update(seq=3)
    broken = verify_chain(operator.pk)
    assert broken.seq == 2 and "previous" in broken.reason


def test_it_still_verifies_after_a_redaction_that_a_purge_event_lists(operator, chain):
    request = chain[2].request
    seqs = Event.redact(request_id=request.pk)
    Event.append(request=request, action="purged", actor_label="system", data={"redacted": seqs})
    assert seqs == [1, 2, 3]
    assert verify_chain(operator.pk) is None


def test_it_finds_a_note_erased_outside_a_purge(operator, chain):
    Event.objects.filter(pk=chain[2].pk).update(note="", data={}, redacted=True)
    broken = verify_chain(operator.pk)
    assert broken.seq == 3 and "outside a retention purge" in broken.reason


def test_it_finds_a_purge_that_claims_another_requests_events(operator, chain):
    # The purge of the second request may not vouch for an erasure in the first.
    Event.objects.filter(pk=chain[0].pk).update(note="", data={}, redacted=True)
    second = chain[3].request
    seqs = Event.redact(request_id=second.pk)
    Event.append(request=second, action="purged", actor_label="system", data={"redacted": seqs + [1]})
    assert verify_chain(operator.pk).seq == 1


def test_the_command_names_the_first_broken_event(operator, chain, capsys):
    call_command("dsar_verify_chain")
    assert f"ok {operator.slug}" in capsys.readouterr().out
    Event.objects.filter(pk=chain[4].pk).update(action="fulfil")
    with pytest.raises(CommandError):
        call_command("dsar_verify_chain", operator=operator.slug)
    assert f"event #5 (id {chain[4].pk})" in capsys.readouterr().err


def test_it_accepts_an_earlier_purge_that_did_not_list_what_it_erased(operator, chain):
    # Purges written before this rule: they erased every earlier event of their request.
    request = chain[3].request
    Event.redact(request_id=request.pk)
    Event.append(request=request, action="purged", actor_label="system")
    assert verify_chain(operator.pk) is None
    Event.objects.filter(pk=chain[0].pk).update(note="", data={}, redacted=True)  # another request's event
    assert verify_chain(operator.pk).seq == 1
