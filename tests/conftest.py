import os

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config, items):
    """Tests marked `integration` need real PostgreSQL and Redis. Without them they skip,
    unless DSAR_REQUIRE_SERVICES=1 (CI), where a missing service is a failure."""
    if os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
        return
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    have_services = bool(os.environ.get("REDIS_URL")) and on_postgres
    skip_services = pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets them")
    skip_postgres = pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL; CI sets it")
    for item in items:
        if "integration" in item.keywords and not have_services:
            item.add_marker(skip_services)
        elif "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_postgres)


@pytest.fixture
def operator(db):
    from tests.factories import OperatorFactory

    return OperatorFactory()


@pytest.fixture
def roles(db):
    from dsar.roles import ensure_role_groups

    return ensure_role_groups()
