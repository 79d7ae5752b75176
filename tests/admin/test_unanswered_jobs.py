"""Answering a request while data systems have not answered their jobs asks staff to confirm,
and the audit chain records that they did, with the systems still silent."""

import pytest
from django.utils import timezone

from dsar.models import DataRequest, DataSystem, Event, SystemJob, WebhookEndpoint
from dsar.services.transitions import transition
from tests.factories import make_request

pytestmark = pytest.mark.django_db

ANSWERS = {"fulfil": {}, "answer_no_data": {"explanation": "Searched."}}


def _in_work_with_silent_job(op_a, worker):
    endpoint = WebhookEndpoint.objects.create(operator=op_a, url="https://hooks.example.kz/x", events=[])
    system = DataSystem.objects.create(operator=op_a, name="Billing", endpoint=endpoint)
    request = make_request(op_a, kind="access")
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=worker)
    SystemJob.objects.get_or_create(
        system=system, request=request, defaults={"action": "export", "sent_at": timezone.now()}
    )
    return DataRequest.objects.get(pk=request.pk)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_it_asks_to_confirm_an_answer_while_jobs_are_unanswered(client_a, worker_a, op_a, name):
    request = _in_work_with_silent_job(op_a, worker_a)
    url = f"/admin/dsar/datarequest/{request.pk}/transition/{name}/"
    page = client_a.get(url).content.decode()
    assert "Billing" in page and "unanswered_jobs_confirmed" in page

    response = client_a.post(url, {"seen_state": request.state, **ANSWERS[name]})
    assert response.status_code == 200  # the form again, with the question
    assert DataRequest.objects.get(pk=request.pk).state == "in_progress"

    response = client_a.post(url, {"seen_state": request.state, "unanswered_jobs_confirmed": "on", **ANSWERS[name]})
    assert response.status_code == 302
    assert DataRequest.objects.get(pk=request.pk).state != "in_progress"
    event = Event.objects.get(request=request, action="answered_with_unanswered_jobs")
    assert event.actor_id == worker_a.pk and event.data["systems"] == ["Billing"] and event.data["step"] == name
