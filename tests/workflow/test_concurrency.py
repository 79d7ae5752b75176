"""Two real database connections race on one request: exactly one transition wins."""

import threading

import pytest
from django.db import connection
from django_fsm import TransitionNotAllowed

from dsar.models import DataRequest, Event
from dsar.services.transitions import transition
from dsar.workflow import State
from tests.factories import make_request, staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(request_id, attempts):
    """Run each (name, actor, kwargs) in its own thread and connection, released together."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(i, name, actor, kwargs):
        try:
            barrier.wait(timeout=10)
            transition(request_id, name, actor=actor, **kwargs)
            results[i] = "ok"
        except TransitionNotAllowed:
            results[i] = "not allowed"
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def _in_progress(operator):
    worker = staff_user(operator)
    request = make_request(operator)
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=worker)
    return request, worker


def test_it_lets_only_one_of_two_concurrent_fulfils_through(operator):
    request, worker = _in_progress(operator)
    results = _race(request.pk, [("fulfil", worker, {}), ("fulfil", worker, {})])
    assert sorted(results) == ["not allowed", "ok"]
    assert Event.objects.filter(request=request, action="fulfil").count() == 1
    assert DataRequest.objects.get(pk=request.pk).state == State.FULFILLED


def test_it_lets_only_one_of_a_fulfil_and_a_refusal_through(operator):
    request, worker = _in_progress(operator)
    refusal = {"ground": "identity_not_proven", "explanation": "The ID was illegible."}
    results = _race(request.pk, [("fulfil", worker, {}), ("refuse", worker, refusal)])
    assert sorted(results) == ["not allowed", "ok"]
    final = DataRequest.objects.get(pk=request.pk)
    assert final.state in (State.FULFILLED, State.REFUSED)
    closing = Event.objects.filter(request=request, action__in=["fulfil", "refuse"])
    assert closing.count() == 1 and closing.get().to_state == final.state


def test_it_keeps_the_audit_chain_intact_under_concurrent_transitions_of_one_operator(operator):
    from dsar.models.events import verify_chain

    pairs = [_in_progress(operator) for _ in range(4)]
    barrier = threading.Barrier(len(pairs))
    errors = []

    def run(request, worker):
        try:
            barrier.wait(timeout=10)
            transition(request.pk, "fulfil", actor=worker)
        except Exception as exc:  # pragma: no cover
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert verify_chain(operator.pk) is None
    seqs = list(Event.objects.filter(operator=operator).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
