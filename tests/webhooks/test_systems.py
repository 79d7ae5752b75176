"""Data systems: a job per system when a request goes into work, answered through the API;
the access answer's export then holds what the systems returned. Silent systems are chased."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from dsar.models import Attachment, DataSystem, Event, Role, SystemJob, WebhookEndpoint
from dsar.services.transitions import transition
from dsar.webhooks.systems import jobs_chase
from tests.api.conftest import api_client, post
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return OperatorFactory()


def test_a_data_system_answers_an_access_request_and_the_export_holds_its_records(
    operator, receiver, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(operator=operator, url=receiver.url, events=[])
    DataSystem.objects.create(operator=operator, name="Billing", endpoint=endpoint)
    DataSystem.objects.create(operator=operator, name="CRM", endpoint=endpoint, kinds=["destruction"])
    manager = staff_user(operator, Role.MANAGER)
    request = make_request(operator, kind="access")
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
    # Only the system that handles access requests got a job, signed like any webhook.
    jobs = [m for m in receiver.received if json.loads(m["body"])["type"] == "system.job"]
    assert len(jobs) == 1
    job = Webhook(endpoint.secret).verify(jobs[0]["body"], jobs[0]["headers"])["data"]
    assert job["system"] == "Billing" and job["action"] == "export"
    assert job["subject"]["email"] == "dana@example.kz"

    system = api_client(operator, ["system"])
    answer = {"status": "records", "records": [{"category": "Invoices", "content": "INV-1, INV-2"}]}
    response = post(system, job["answer_url"], answer)
    assert response.status_code == 200 and response.json()["status"] == "records"
    assert post(system, job["answer_url"], {"status": "nothing_held"}).status_code == 409

    reader = api_client(operator, ["read"])
    systems = reader.get(f"/api/v1/requests/{request.reference}/").json()["systems"]
    assert [(s["system"], s["status"]) for s in systems] == [("Billing", "records")]

    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "fulfil", actor=manager)
    export = Attachment.objects.get(request=request, purpose=Attachment.Purpose.EXPORT)
    with zipfile.ZipFile(io.BytesIO(export.file.read())) as zf:
        records = json.loads(zf.read("export.json"))["records"]
    assert [(r["category"], r["content"], r["source"]) for r in records] == [("Invoices", "INV-1, INV-2", "Billing")]


def test_a_silent_system_is_reminded_then_escalated_before_the_deadline(operator, django_capture_on_commit_callbacks):
    endpoint = WebhookEndpoint.objects.create(operator=operator, url="http://127.0.0.1:9/hook", events=[])
    DataSystem.objects.create(operator=operator, name="App", endpoint=endpoint)
    dpo = staff_user(operator, Role.DPO)
    request = make_request(operator, kind="destruction")
    transition(request.pk, "confirm_identity")
    started = timezone.now()
    transition(request.pk, "start_work", actor=dpo, now=started)
    job = SystemJob.objects.get()
    request.refresh_from_db()
    # 1 working day: the reminder and the escalation fall hours before the deadline, in order.
    assert started < job.remind_at < job.escalate_at < request.due_at
    assert jobs_chase(now=job.remind_at - timedelta(seconds=1)) == {"reminded": 0, "escalated": 0}
    assert jobs_chase(now=job.remind_at) == {"reminded": 1, "escalated": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_chase(now=job.escalate_at) == {"reminded": 0, "escalated": 1}
        assert jobs_chase(now=job.escalate_at + timedelta(hours=1)) == {"reminded": 0, "escalated": 0}
    assert [m.to for m in mail.outbox if "App" in m.subject] == [[dpo.email]]
    assert Event.objects.filter(request=request, action="system_escalated").count() == 1


def test_an_answered_system_is_not_chased(operator):
    endpoint = WebhookEndpoint.objects.create(operator=operator, url="http://127.0.0.1:9/hook", events=[])
    DataSystem.objects.create(operator=operator, name="App", endpoint=endpoint)
    request = make_request(operator, kind="blocking")
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=staff_user(operator, Role.MANAGER))
    job = SystemJob.objects.get()
    assert (
        post(api_client(operator, ["system"]), f"/api/v1/jobs/{job.pk}/answer/", {"status": "done"}).status_code == 200
    )
    assert jobs_chase(now=request.submitted_at + timedelta(days=30)) == {"reminded": 0, "escalated": 0}


def test_it_gives_the_job_an_absolute_answer_url(operator, settings):
    from dsar.webhooks.systems import _job_payload

    settings.DSAR_PUBLIC_BASE_URL = "https://dsar.example.kz/"
    endpoint = WebhookEndpoint.objects.create(operator=operator, url="https://hooks.example.kz/x", events=[])
    system = DataSystem.objects.create(operator=operator, name="Billing", endpoint=endpoint)
    request = make_request(operator)
    job = SystemJob.objects.create(system=system, request=request, action="export", sent_at=timezone.now())
    assert _job_payload(job, request)["answer_url"] == f"https://dsar.example.kz/api/v1/jobs/{job.pk}/answer/"


def _job_in_work(operator):
    endpoint = WebhookEndpoint.objects.create(operator=operator, url="https://hooks.example.kz/x", events=[])
    system = DataSystem.objects.create(operator=operator, name="Billing", endpoint=endpoint)
    manager = staff_user(operator, Role.MANAGER)
    request = make_request(operator, kind="access")
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=manager)
    return SystemJob.objects.get(system=system, request=request), manager


def test_it_refuses_an_answer_that_comes_after_the_request_was_answered(operator):
    from dsar.models.letters import AccessRecord

    job, manager = _job_in_work(operator)
    transition(job.request_id, "fulfil", actor=manager)
    before = AccessRecord.objects.filter(request=job.request).count()
    system = api_client(operator, ["system"])
    answer = {"status": "records", "records": [{"category": "Invoices", "content": "INV-9"}]}
    response = post(system, f"/api/v1/jobs/{job.pk}/answer/", answer)
    assert response.status_code == 409
    assert AccessRecord.objects.filter(request=job.request).count() == before
    job.refresh_from_db()
    assert job.status == SystemJob.Status.SENT
    # Staff see it on the request's timeline.
    late = Event.objects.get(request=job.request, action="system_answer_refused")
    assert late.data["reason"] == "request_closed" and late.data["records"] == 1


def test_it_refuses_a_second_answer_with_other_records(operator):
    from dsar.models.letters import AccessRecord

    job, _manager = _job_in_work(operator)
    system = api_client(operator, ["system"])
    first = {"status": "records", "records": [{"category": "Invoices", "content": "INV-1"}]}
    assert post(system, f"/api/v1/jobs/{job.pk}/answer/", first).status_code == 200
    second = {"status": "records", "records": [{"category": "Invoices", "content": "INV-2"}]}
    response = post(system, f"/api/v1/jobs/{job.pk}/answer/", second)
    assert response.status_code == 409
    assert list(AccessRecord.objects.filter(request=job.request).values_list("content", flat=True)) == ["INV-1"]
    assert Event.objects.filter(request=job.request, action="system_answer_refused").count() == 1
