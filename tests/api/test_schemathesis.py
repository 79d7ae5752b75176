"""Schemathesis drives every operation of the served /api/schema/ through the WSGI app, with
valid AND invalid (negative) input, and then statefully (submit, read, list, steps, chained by
the links schemathesis infers): no server error, and no status code, content type or body the
schema does not declare. Examples are bounded so the run stays well under a minute."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_request

from .conftest import api_client

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def _keep_connection():
    """As Django's test client does: the WSGI calls run inside the test's transaction, which
    closing the connection at the end of each call would end."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _schema():
    from django.core.signals import request_finished
    from django.db import close_old_connections

    from config.wsgi import application

    # Loaded at collection (schemathesis' lazy fixture loader does not work with this pytest);
    # the schema view touches no database.
    request_finished.disconnect(close_old_connections)
    try:
        config = SchemathesisConfig.from_dict(
            {"generation": {"mode": "all", "max-examples": 10, "deterministic": True}, "seed": 23}
        )
        return schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def key(db):
    from tests.factories import OperatorFactory

    operator = OperatorFactory()
    # A request of its own, so generated references sometimes hit a row (its reference is known).
    make_request(operator)
    return api_client(operator, rate=100000).raw_key


schema = _schema()
pytestmark = pytest.mark.slow


def test_it_generates_negative_data_too():
    modes = {str(m.value) for m in schema.config.generation_for().modes}
    assert modes == {"positive", "negative"}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_it_answers_generated_calls_as_the_schema_says(case, key):
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


@pytest.mark.django_db
def test_it_holds_in_stateful_sequences(key):
    machine = schema.as_state_machine()

    class Machine(machine):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {key}", "Idempotency-Key": f"st-{id(case)}"}}

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=CHECKS)

    assert machine.bundles, "the schema offers no links between operations"
    schemathesis.stateful.run_state_machine_as_test(
        Machine,
        settings=hypothesis_settings(
            max_examples=10,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
