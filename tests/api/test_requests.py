"""The API's operations end to end: submit, read, list, transitions, records."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from dsar.models import DataRequest, Event
from dsar.models.letters import AccessRecord
from dsar.states import State

from .conftest import SUBMIT, api_client, post

pytestmark = pytest.mark.django_db(transaction=False)


def test_it_lists_the_operators_kinds_with_their_windows(op):
    client = api_client(op, ["read"])
    response = client.get("/api/v1/kinds/")
    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()}
    assert rows["rectification"]["deadline_n"] == 1 and rows["rectification"]["in_hours"] is True
    assert rows["rectification"]["detail_fields"] == ["what_is_wrong", "correct_value"]


def test_it_submits_for_a_verified_app_user_and_starts_received(op, django_capture_on_commit_callbacks):
    client = api_client(op, ["submit", "verified_identity"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/v1/requests/", {**SUBMIT, "identity": "verified", "account_reference": "u-42"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "received" and body["channel"] == "api" and body["due_at"]
    request = DataRequest.objects.get(reference=body["reference"])
    event = Event.objects.get(request=request, action="confirm_identity")
    assert event.actor_label == "operator_account"
    assert event.data["assurance"] == "operator_account" and event.data["account_reference"] == "u-42"
    # The acknowledgment goes to the subject as from the portal.
    assert [m.to for m in mail.outbox] == [["dana@example.kz"]]


def test_it_refuses_a_verified_identity_without_the_scope(op):
    client = api_client(op, ["submit"])
    response = post(client, "/api/v1/requests/", {**SUBMIT, "identity": "verified"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not DataRequest.objects.exists()


def test_it_sends_codes_when_the_identity_is_not_verified(op, django_capture_on_commit_callbacks):
    client = api_client(op, ["submit"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, "/api/v1/requests/", SUBMIT)
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "awaiting_identity" and "/confirm/" in body["confirm_url"]
    assert len(mail.outbox) == 1  # the code


def test_it_never_creates_a_second_request_for_a_retried_post(op):
    client = api_client(op, ["submit"])
    first = post(client, "/api/v1/requests/", SUBMIT, key="same")
    again = post(client, "/api/v1/requests/", SUBMIT, key="same")
    assert first.status_code == again.status_code == 201
    assert again.json()["reference"] == first.json()["reference"] and again["Idempotent-Replayed"] == "true"
    assert DataRequest.objects.count() == 1
    other_body = post(client, "/api/v1/requests/", {**SUBMIT, "kind": "enquiry"}, key="same")
    assert other_body.status_code == 422 and DataRequest.objects.count() == 1


def test_it_requires_an_idempotency_key_on_post(op):
    client = api_client(op, ["submit"])
    response = client.post("/api/v1/requests/", SUBMIT, format="json")
    assert response.status_code == 400 and response.json()["type"].endswith("idempotency-key-missing")


def test_it_reports_invalid_input_as_a_problem_with_field_errors(op):
    client = api_client(op, ["submit"])
    response = post(client, "/api/v1/requests/", {"kind": "rectification", "subject": {"name": "X", "iin": "123"}})
    assert response.status_code == 400
    problem = response.json()
    assert problem["status"] == 400 and "subject.iin" in problem["errors"]


def test_it_reads_status_and_timeline(op):
    client = api_client(op, ["submit", "read", "verified_identity"])
    ref = post(client, "/api/v1/requests/", {**SUBMIT, "identity": "verified"}).json()["reference"]
    body = client.get(f"/api/v1/requests/{ref}/").json()
    assert [e["action"] for e in body["timeline"]] == ["submitted", "confirm_identity"]


def test_it_lists_with_filters_and_a_cursor(op):
    client = api_client(op, ["submit", "read", "verified_identity"])
    for kind in ["access", "enquiry", "access"]:
        post(client, "/api/v1/requests/", {**SUBMIT, "kind": kind, "identity": "verified"})
    page = client.get("/api/v1/requests/?kind=access&page_size=1").json()
    assert len(page["results"]) == 1 and page["next"]
    second = client.get(page["next"]).json()
    assert len(second["results"]) == 1 and second["results"][0]["reference"] != page["results"][0]["reference"]
    assert not second["next"]
    assert client.get("/api/v1/requests/?state=nonsense").status_code == 400


def test_it_takes_transitions_with_the_admins_rules(op):
    client = api_client(op)
    ref = post(client, "/api/v1/requests/", {**SUBMIT, "identity": "verified"}).json()["reference"]
    names = [t["name"] for t in client.get(f"/api/v1/requests/{ref}/transitions/").json()]
    assert "start_work" in names
    assert post(client, f"/api/v1/requests/{ref}/transitions/start_work/", {}).json()["state"] == "in_progress"
    refused = post(client, f"/api/v1/requests/{ref}/transitions/refuse/", {"explanation": "no"})
    assert refused.status_code == 422 and "ground" in refused.json()["errors"]
    asked = post(client, f"/api/v1/requests/{ref}/transitions/ask_subject/", {"question": "Which account?"})
    assert asked.status_code == 200 and asked.json()["state"] == "awaiting_subject"
    not_now = post(client, f"/api/v1/requests/{ref}/transitions/fulfil/", {})
    assert not_now.status_code == 409
    moved = post(client, f"/api/v1/requests/{ref}/transitions/resume/", {"expected_state": "in_progress"})
    assert moved.status_code == 409


def test_it_adds_records_that_the_export_holds(op):
    client = api_client(op)
    ref = post(client, "/api/v1/requests/", {**SUBMIT, "identity": "verified"}).json()["reference"]
    early = post(client, f"/api/v1/requests/{ref}/records/", {"records": [{"category": "Profile"}]})
    assert early.status_code == 201  # received is a state in work
    response = post(
        client, f"/api/v1/requests/{ref}/records/", {"records": [{"category": "Orders", "content": "3 orders in 2026"}]}
    )
    assert response.status_code == 201
    assert AccessRecord.objects.filter(request__reference=ref).count() == 2


def test_a_key_without_the_scope_is_refused(op):
    client = api_client(op, ["read"])
    assert post(client, "/api/v1/requests/", SUBMIT).status_code == 403
    assert client.get("/api/v1/requests/").status_code == 200


def test_a_revoked_or_unknown_key_is_refused(op):
    from dsar.api.keys import api_key_revoke

    client = api_client(op, ["read"])
    api_key_revoke(key=client.key, actor=client.key.created_by)
    response = client.get("/api/v1/requests/")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert client.get("/api/v1/requests/").status_code == 401


def test_it_stores_only_the_hash_and_records_last_use(op):
    client = api_client(op, ["read"])
    key = client.key
    assert client.raw_key not in (key.key_hash, key.prefix) and client.raw_key.startswith(key.prefix)
    client.get("/api/v1/requests/")
    key.refresh_from_db()
    assert key.last_used_at is not None and timezone.now() - key.last_used_at < timedelta(minutes=1)


def test_it_limits_calls_per_key(op, settings):
    client = api_client(op, ["read"], rate=3)
    codes = [client.get("/api/v1/requests/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert client.get("/api/v1/requests/")["Retry-After"]
    fresh = api_client(op, ["read"], rate=3)
    assert fresh.get("/api/v1/requests/").status_code == 200


def test_the_state_of_a_read_request_is_the_workflow_state(op):
    client = api_client(op)
    ref = post(client, "/api/v1/requests/", {**SUBMIT, "identity": "verified"}).json()["reference"]
    assert DataRequest.objects.get(reference=ref).state == State.RECEIVED


def test_it_forgets_idempotency_keys_after_a_day(op):
    from dsar.api.tasks import purge_idempotency
    from dsar.models import IdempotencyRecord

    client = api_client(op, ["submit"])
    post(client, "/api/v1/requests/", SUBMIT, key="old")
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        purge_idempotency()
    assert IdempotencyRecord.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        purge_idempotency()
    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.parametrize("identity", ["code", "verified"])
def test_it_names_the_key_as_the_actor_of_an_api_submission(op, identity):
    client = api_client(op, ["submit", "read", "verified_identity"], role="caseworker")
    body = post(client, "/api/v1/requests/", {**SUBMIT, "identity": identity}).json()
    timeline = client.get(f"/api/v1/requests/{body['reference']}/").json()["timeline"]
    assert timeline[0]["action"] == "submitted" and timeline[0]["actor"] == "api:app"
    assert "subject" not in {entry["actor"] for entry in timeline}
    event = Event.objects.get(request__reference=body["reference"], action="submitted")
    assert event.data["api_key"] == client.key.prefix
