import os

import pytest
from django.conf import settings


def pytest_collection_modifyitems(config, items):
    """Tests marked `integration` need real PostgreSQL and Redis. Without them they skip,
    unless DSAR_REQUIRE_SERVICES=1 (CI), where a missing service is a failure."""
    have_services = bool(os.environ.get("REDIS_URL")) and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if have_services or os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
        return
    skip = pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets them")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def operator(db):
    from tests.factories import OperatorFactory

    return OperatorFactory()


@pytest.fixture
def roles(db):
    from dsar.roles import ensure_role_groups

    return ensure_role_groups()
