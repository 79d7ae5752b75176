from dsar.workflow import State, transition
from tests.factories import make_request, staff_user


def test_it_takes_a_request_from_submission_to_fulfilled(operator):
    worker = staff_user(operator)
    request = make_request(operator)
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=worker)
    done = transition(request.pk, "fulfil", actor=worker)
    assert done.state == State.FULFILLED
    assert done.events.count() == 4
