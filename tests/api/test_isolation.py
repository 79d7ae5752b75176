"""A key of one operator never reads or changes another operator's data: every operation,
against every kind of row of the other operator, answers as if the row did not exist."""

import pytest

from dsar.models import DataRequest, DataSystem, SystemJob, WebhookEndpoint
from dsar.models.letters import AccessRecord
from dsar.services.transitions import transition
from tests.factories import make_request, staff_user

from .conftest import ALL_SCOPES, api_client, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other):
    """A request of the other operator in work, with a job for one of its systems."""
    request = make_request(other)
    transition(request.pk, "confirm_identity")
    transition(request.pk, "start_work", actor=staff_user(other, "manager"))
    endpoint = WebhookEndpoint.objects.create(operator=other, url="http://127.0.0.1:9/hook", events=[])
    system = DataSystem.objects.create(operator=other, name="CRM", endpoint=endpoint)
    from django.utils import timezone

    job = SystemJob.objects.create(request=request, system=system, action="export", sent_at=timezone.now())
    return DataRequest.objects.get(pk=request.pk), job


READS = ["/api/v1/requests/{ref}/", "/api/v1/requests/{ref}/transitions/"]
WRITES = [
    ("/api/v1/requests/{ref}/transitions/{name}/", {"question": "x", "explanation": "x"}),
    ("/api/v1/requests/{ref}/records/", {"records": [{"category": "x"}]}),
    ("/api/v1/jobs/{job}/answer/", {"status": "nothing_held"}),
]
NAMES = ["start_work", "ask_subject", "fulfil", "refuse", "withdraw", "partly_fulfil"]


def test_it_hides_every_row_of_another_operator(op, theirs):
    request, job = theirs
    client = api_client(op, ALL_SCOPES)
    for path in READS:
        for ref in (request.reference, request.reference.lower()):
            assert client.get(path.format(ref=ref)).status_code == 404, path
    before = (request.state, AccessRecord.objects.count(), SystemJob.objects.get(pk=job.pk).status)
    for path, body in WRITES:
        for name in NAMES:
            response = post(client, path.format(ref=request.reference, name=name, job=job.pk), body)
            assert response.status_code == 404, (path, name, response.content)
    after = (
        DataRequest.objects.get(pk=request.pk).state,
        AccessRecord.objects.count(),
        SystemJob.objects.get(pk=job.pk).status,
    )
    assert after == before


def test_lists_hold_only_the_keys_operator(op, other, theirs):
    mine = make_request(op)
    client = api_client(op, ALL_SCOPES)
    refs = [r["reference"] for r in client.get("/api/v1/requests/").json()["results"]]
    assert refs == [mine.reference]
    assert client.get("/api/v1/jobs/").json() == []
    assert api_client(other, ["system"]).get("/api/v1/jobs/").json()[0]["id"] == theirs[1].pk


def test_a_key_stops_when_its_maker_leaves_the_operator(op):
    client = api_client(op, ["read"])
    client.key.created_by.memberships.all().delete()
    assert client.get("/api/v1/requests/").status_code == 401


def test_manage_acts_with_no_more_than_the_makers_rights(op):
    from dsar.models import Membership, Role

    client = api_client(op, ALL_SCOPES)
    ref = post(
        client,
        "/api/v1/requests/",
        {"kind": "access", "subject": {"name": "A B", "email": "a@example.kz"}, "identity": "verified"},
    ).json()["reference"]
    # The maker is now an assistant there: may route requests, may not decide them.
    Membership.objects.filter(user=client.key.created_by).update(role=Role.ASSISTANT)
    assert post(client, f"/api/v1/requests/{ref}/transitions/start_work/", {}).status_code == 200
    response = post(client, f"/api/v1/requests/{ref}/transitions/fulfil/", {})
    assert response.status_code == 403
    assert DataRequest.objects.get(reference=ref).state == "in_progress"
