import os
import shutil
import subprocess

import pytest

from tests.integration.harness import RedisServer, Services, redis_url
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


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own on a free port, not started: fault tests stop and start it
    (the shared one on 6379 is never touched)."""
    if not shutil.which("redis-server"):
        # Without DSAR_REQUIRE_SERVICES (a newcomer's machine) the fault tests skip; in CI they fail.
        if os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
            pytest.fail("redis-server is not installed; the Redis fault tests need it (apt-get install redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server to run the Redis fault tests)")
    server = RedisServer(tmp_path)
    yield server
    server.stop()
