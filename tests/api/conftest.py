import pytest
from rest_framework.test import APIClient

from dsar.api.keys import api_key_create
from dsar.models import Role
from tests.factories import OperatorFactory, staff_user

ALL_SCOPES = ["submit", "read", "manage", "verified_identity", "system"]


def api_client(operator, scopes=ALL_SCOPES, *, role=Role.MANAGER, rate=1000):
    """A client carrying a fresh key of `operator`, made by one of its staff in `role`."""
    maker = staff_user(operator, Role.DPO)
    actor = maker if role == Role.DPO else staff_user(operator, role)
    key, raw = api_key_create(operator=operator, name="app", scopes=list(scopes), actor=maker, rate_per_minute=rate)
    if actor is not maker:
        key.created_by = actor
        key.save(update_fields=["created_by"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.key = key
    client.raw_key = raw
    return client


_counter = iter(range(10**9))


def post(client, path, data, key=None, **extra):
    """POST JSON with an Idempotency-Key (a fresh one unless given)."""
    return client.post(path, data, format="json", HTTP_IDEMPOTENCY_KEY=key or f"k-{next(_counter)}", **extra)


SUBMIT = {"kind": "access", "language": "en", "subject": {"name": "Dana Serikova", "email": "dana@example.kz"}}


@pytest.fixture
def op(db):
    return OperatorFactory(short_name="Alpha")


@pytest.fixture
def other(db):
    return OperatorFactory(short_name="Bravo")
