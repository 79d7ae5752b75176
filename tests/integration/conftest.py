import subprocess

import pytest

from tests.integration.harness import Services, redis_url
from tests.tasks.conftest import staff  # noqa: F401 - shared fixture

INTEGRATION_REDIS_DB = 4


@pytest.fixture
def services(transactional_db, tmp_path):
    """Workers see this test's committed rows: the test runs outside a transaction."""
    url = redis_url(INTEGRATION_REDIS_DB)
    subprocess.run(["redis-cli", "-u", url, "FLUSHDB"], check=True, capture_output=True)
    env = Services(tmp_path, broker_url=url)
    yield env
    env.close()


@pytest.fixture
def operator(db):
    """Staff mail is written in the operator's language; these tests read English ones."""
    from tests.factories import OperatorFactory

    return OperatorFactory(default_language="en")
