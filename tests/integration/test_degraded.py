"""/health/ from outside, with production settings, while the database or Redis is dead.

A black hole (tests/blackhole.py) accepts connections and never answers: without timeouts on
every connection this hung /health/ for more than 40 s. It must answer 503 within 3 s and say
which check failed.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.blackhole import BlackHole, closed_port
from tests.integration import harness
from tests.integration.harness import ROOT, redis_url, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "z" * 64,
    "ALLOWED_HOSTS": "127.0.0.1",
    "DSAR_OUTBOX_SECRET": "o" * 48,
    "DSAR_CHAIN_SIGNING_KEY": "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
}


class Web:
    """gunicorn serving the project with production settings."""

    def __init__(self, tmp_path: Path, *, database_url: str, redis: str):
        self.port = closed_port()
        self.log = tmp_path / "gunicorn.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DSAR_", "DJANGO_"))}
        env.update(
            PRODUCTION,
            DATABASE_URL=database_url,
            REDIS_URL=redis,
            DSAR_VAR_DIR=str(tmp_path / "var"),
            PYTHONPATH=str(ROOT),
        )
        self.proc = subprocess.Popen(
            [GUNICORN, "config.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: self.get(timeout=60) is not None, timeout=90, what=f"gunicorn to answer (see {self.log})")

    def get(self, path: str = "/health/", timeout: float = 10):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"X-Forwarded-Proto": "https"}
        )  # as behind the TLS proxy
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())
        except (urllib.error.URLError, ConnectionError):
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}") from None
            return None

    def timed_get(self):
        started = time.monotonic()
        status, body = self.get()
        return status, body, time.monotonic() - started

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=20)


@pytest.fixture
def web(tmp_path):
    started = []

    def start(**kwargs):
        started.append(Web(tmp_path, **kwargs))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def hole():
    with BlackHole() as black_hole:
        yield black_hole


def _answers_within_3_seconds(server, failing: set[str]):
    for _attempt in range(2):  # the second while the first one's abandoned checks may still hang
        status, body, elapsed = server.timed_get()
        assert elapsed < 3, f"/health/ took {elapsed:.1f} s"
        assert status == 503 and body["status"] == "failing"
        assert {name for name in ("database", "broker", "worker") if body[name] != "ok"} == failing
    return body


def test_it_answers_503_within_3_seconds_with_a_black_holed_database(web, hole):
    server = web(database_url=f"postgres://postgres@127.0.0.1:{hole.port}/dsar", redis=redis_url(5))
    body = _answers_within_3_seconds(server, {"database", "worker"})
    assert body["database"] == "timeout" and body["broker"] == "ok"


def test_it_answers_503_within_3_seconds_with_a_black_holed_redis(web, hole):
    server = web(database_url=harness.test_database_url(), redis=f"redis://127.0.0.1:{hole.port}/0")
    body = _answers_within_3_seconds(server, {"broker", "worker"})
    assert body["database"] == "ok" and body["broker"] == "timeout"


def test_it_answers_503_within_3_seconds_with_everything_black_holed(web, hole):
    server = web(
        database_url=f"postgres://postgres@127.0.0.1:{hole.port}/dsar", redis=f"redis://127.0.0.1:{hole.port}/0"
    )
    _answers_within_3_seconds(server, {"database", "broker", "worker"})


def test_it_answers_503_within_3_seconds_with_nothing_listening(web):
    server = web(
        database_url=f"postgres://postgres@127.0.0.1:{closed_port()}/dsar", redis=f"redis://127.0.0.1:{closed_port()}/0"
    )
    body = _answers_within_3_seconds(server, {"database", "broker", "worker"})
    assert body["database"] == "failing" and body["broker"] == "failing"


def test_the_cache_shares_one_redis_client_per_process_and_it_outlives_a_redis_restart(redis_server):
    """dsar.cache keeps one redis.Redis per connection pool (Django builds one per call); the
    shared client still works after Redis went away and came back, with no fallback left on."""
    from dsar import cache as dsar_cache
    from dsar.cache import FallbackRedisCache

    redis_server.start()
    cache = FallbackRedisCache(redis_server.url, {})
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    assert cache.add("bell", 1, timeout=60) is True and cache.add("bell", 1, timeout=60) is False

    redis_server.stop()
    redis_server.start()  # an empty Redis: --save "" keeps nothing
    dsar_cache.reset()
    assert cache.add("bell", 1, timeout=60) is True  # reconnected through the same client
    assert not dsar_cache._redis_down()
