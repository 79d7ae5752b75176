"""An API key acts with its creator's CURRENT role at the operator, checked on every call through
dsar/permissions.py (the module the admin uses): an operation the role may not do answers 403,
personal data the role may not see comes masked, and every unmasked read of personal data leaves
a `viewed_personal_data` event in the operator's chain, naming the key. A key whose creator was
deactivated or removed from the operator is refused (401).

The invariant is checked over every operation of the served schema and every role: a new
operation without a case below fails `test_it_has_a_case_for_every_operation`."""

import pytest
from django.urls import resolve
from django.utils import timezone
from rest_framework.test import APIClient

from dsar import permissions
from dsar.models import DataSystem, Event, Membership, Role, SystemJob, WebhookEndpoint
from dsar.services.transitions import transition
from tests.factories import OperatorFactory, make_request

from .conftest import ALL_SCOPES, api_client, post

pytestmark = pytest.mark.django_db

IIN = "900101300014"


def _world():
    operator = OperatorFactory()
    request = make_request(operator, subject_iin=IIN)
    transition(request.pk, "confirm_identity")
    endpoint = WebhookEndpoint.objects.create(operator=operator, url="https://hooks.example.kz/x", events=[])
    system = DataSystem.objects.create(operator=operator, name="Billing", endpoint=endpoint)
    job = SystemJob.objects.create(system=system, request=request, action="export", sent_at=timezone.now())
    return operator, request, job


def _submit_body():
    return {"kind": "access", "language": "en", "subject": {"name": "Aigerim Nurlanovna", "email": "a@example.kz"}}


# operation_id -> (method, path template, body); {ref} and {job} are filled in per world.
CASES = {
    "kinds_list": ("get", "/api/v1/kinds/", None),
    "requests_list": ("get", "/api/v1/requests/", None),
    "requests_submit": ("post", "/api/v1/requests/", _submit_body()),
    "requests_read": ("get", "/api/v1/requests/{ref}/", None),
    "transitions_list": ("get", "/api/v1/requests/{ref}/transitions/", None),
    "transitions_take": ("post", "/api/v1/requests/{ref}/transitions/start_work/", {}),
    "records_add": ("post", "/api/v1/requests/{ref}/records/", {"records": [{"category": "Orders"}]}),
    "jobs_list": ("get", "/api/v1/jobs/", None),
    "jobs_answer": ("post", "/api/v1/jobs/{job}/answer/", {"status": "nothing_held"}),
}
ROLES = [Role.ASSISTANT, Role.CASEWORKER, Role.MANAGER, Role.DPO]


def _operation_ids():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {op["operationId"] for path in schema["paths"].values() for op in path.values()}


def test_it_has_a_case_for_every_operation():
    assert set(CASES) == _operation_ids()


def _required(operation):
    """The action of dsar/permissions.py that the operation's view asks of the key's creator."""
    method, path, _body = CASES[operation]
    view = resolve(path.format(ref="X", job=1)).func.view_class
    return view.required_permissions[method.upper()]


def _call(client, operation, request, job):
    method, path, body = CASES[operation]
    path = path.format(ref=request.reference, job=job.pk)
    if method == "get":
        return client.get(path)
    return post(client, path, body)


def _subjects(body):
    """Every subject object anywhere in a response body."""
    if isinstance(body, dict):
        found = [body["subject"]] if isinstance(body.get("subject"), dict) else []
        for value in body.values():
            found += _subjects(value)
        return found
    if isinstance(body, list):
        return [s for item in body for s in _subjects(item)]
    return []


def _demote(client, role):
    Membership.objects.filter(user=client.key.created_by, operator=client.key.operator).update(role=role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", sorted(CASES))
def test_it_acts_with_the_creators_current_role(operation, role):
    operator, request, job = _world()
    client = api_client(operator, ALL_SCOPES, role=Role.MANAGER)
    _demote(client, role)  # the creator's role changed after the key was made
    creator = client.key.created_by
    views_before = Event.objects.filter(action="viewed_personal_data").count()

    response = _call(client, operation, request, job)

    allowed = permissions.can(creator, _required(operation), operator)
    if not allowed:
        assert response.status_code == 403, (operation, role, response.content)
        assert Event.objects.filter(action="viewed_personal_data").count() == views_before
        return
    assert response.status_code < 300, (operation, role, response.content)
    subjects = _subjects(response.json())
    views = Event.objects.filter(action="viewed_personal_data").order_by("seq")[views_before:]
    if permissions.can(creator, "personal_data", operator):
        # One audit event per request whose personal data went out, in the operator's chain.
        assert len(views) == len(subjects)
        for event in views:
            assert event.operator_id == operator.pk and event.actor_label == "api"
            assert event.data == {"what": "api", "api_key": client.key.prefix} and event.actor_id == creator.pk
        for subject in subjects:
            assert "•" not in subject["name"]
    else:
        assert list(views) == []
        for subject in subjects:
            for field in ("name", "email", "phone", "iin"):
                value = subject[field]
                assert not value or "•" in value, (operation, role, subject)
            assert "dana@example.kz" not in str(subject) and IIN not in str(subject)


def test_it_records_each_read_of_personal_data_with_the_key():
    operator, request, _job = _world()
    client = api_client(operator, ["read"], role=Role.CASEWORKER)
    assert client.get(f"/api/v1/requests/{request.reference}/").json()["subject"]["iin"] == IIN
    assert client.get("/api/v1/requests/").status_code == 200
    events = Event.objects.filter(request=request, action="viewed_personal_data")
    assert [e.data for e in events] == [{"what": "api", "api_key": client.key.prefix}] * 2
    # The chain still verifies with the API's events in it.
    from dsar.models.events import verify_chain

    assert verify_chain(operator.pk) is None


def test_it_masks_a_demoted_creators_reads():
    operator, request, _job = _world()
    client = api_client(operator, ["read"], role=Role.MANAGER)
    assert client.get(f"/api/v1/requests/{request.reference}/").json()["subject"]["email"] == "dana@example.kz"
    _demote(client, Role.ASSISTANT)
    subject = client.get(f"/api/v1/requests/{request.reference}/").json()["subject"]
    assert subject == {
        "name": permissions.mask("Dana Serikova", "name"),
        "email": permissions.mask("dana@example.kz", "email"),
        "phone": permissions.mask("+77011234567", "phone"),
        "iin": permissions.mask(IIN, "iin"),
    }


@pytest.mark.parametrize("how", ["deactivated", "removed"])
def test_it_refuses_the_key_of_a_member_who_left(how):
    operator, request, _job = _world()
    client = api_client(operator, ["read"], role=Role.MANAGER)
    assert client.get("/api/v1/kinds/").status_code == 200
    creator = client.key.created_by
    if how == "deactivated":
        creator.is_active = False
        creator.save(update_fields=["is_active"])
    else:
        Membership.objects.filter(user=creator).delete()
    response = client.get(f"/api/v1/requests/{request.reference}/")
    assert response.status_code == 401
    assert "dana" not in response.content.decode()


def test_it_accepts_the_scheme_in_any_case():
    operator, _request, _job = _world()
    raw = api_client(operator, ["read"]).raw_key
    for scheme in ("Bearer", "bearer", "BEARER", "bEaReR"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{scheme} {raw}")
        assert client.get("/api/v1/kinds/").status_code == 200, scheme
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {raw}")
    assert client.get("/api/v1/kinds/").status_code == 401
