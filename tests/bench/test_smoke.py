"""Every benchmark in bench/ runs, in its smoke mode (a few hundred rows, seconds to a minute).

The full runs stay outside CI (bench/RESULTS.md says how); these only prove the scripts still
work with today's models, so none can rot unnoticed. Each runs as a subprocess, as a person
would run it, on a scratch database of its own that is dropped afterwards.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def _run(args: list[str], env: dict, timeout: int = 1800) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture
def scratch_env(tmp_path):
    """A PostgreSQL database of its own on the test server, no Redis (files under tmp_path)."""
    import psycopg

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        # They measure PostgreSQL (COPY, partial indexes); CI runs them there (DATABASE_URL is set).
        if os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
            pytest.fail("the database benchmarks need PostgreSQL (DATABASE_URL)")
        pytest.skip("the database benchmarks are about PostgreSQL; set DATABASE_URL to run them")
    name = f"bench_smoke_{uuid.uuid4().hex[:10]}"
    server = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", password=db.get("PASSWORD") or None, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{server}/{name}",
        "REDIS_URL": "",
        "DSAR_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
    }
    env.pop("DSAR_TEST_DB_NAME", None)
    yield env
    _drop(env["DATABASE_URL"])


def _drop(database_url: str) -> None:
    import psycopg

    parsed = urlparse(database_url)
    admin = parsed._replace(path="/postgres").geturl()
    password = settings.DATABASES["default"].get("PASSWORD") or None
    with psycopg.connect(admin, password=password, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.path.lstrip("/")}" WITH (FORCE)')


def test_it_runs_the_dashboard_benchmark(scratch_env):
    out = _run(["bench/bench_dashboard.py", "--smoke"], scratch_env)
    assert "| manager (one operator) | Performance | 1 year |" in out
    assert "| 12 month(s) |" in out


def test_it_runs_the_admin_benchmark(scratch_env):
    # The admin benchmark drives Django's test client: test settings (plain static files, no manifest).
    out = _run(["bench/bench_admin.py", "--smoke"], {**scratch_env, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    assert "platform admin" in out and "front page with queue counts" in out


def test_it_runs_the_sweep_benchmark(scratch_env):
    out = _run(["bench/bench_sweep.py", "--smoke"], scratch_env)
    assert "'total': 500" in out and "'still_due': 0" in out


def test_it_runs_the_intake_benchmark(tmp_path):
    # SQLite and gunicorn in a temporary directory: no services needed.
    env = {**os.environ, "DSAR_VAR_DIR": str(tmp_path)}
    out = _run(["bench/bench_intake.py", "--smoke"], env)
    assert "| portal |" in out and "| baseline |" in out


def test_it_runs_the_api_benchmark(scratch_env):
    # Web form and API side by side, then webhook deliveries through a real worker: needs Redis.
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        if os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
            pytest.fail("the API benchmark needs Redis (REDIS_URL)")
        pytest.skip("the API benchmark needs Redis; set REDIS_URL to run it")
    # A Redis database of its own, so its worker never takes another test's messages.
    env = {**scratch_env, "REDIS_URL": urlparse(redis_url)._replace(path="/14").geturl()}
    try:
        out = _run(["bench/bench_api.py", "--smoke"], env)
    finally:
        _drop(f"{scratch_env['DATABASE_URL']}_baseline")
    assert "| API, identity code |" in out and "| 10 | 10 | 0 |" in out


def test_it_runs_the_letters_benchmark(tmp_path):
    env = {**os.environ, "DSAR_VAR_DIR": str(tmp_path), "REDIS_URL": ""}
    env.pop("DATABASE_URL", None)
    _run(["bench/bench_letters.py", "render", "--n", "1"], env)


def test_it_runs_the_seed_on_sqlite(tmp_path):
    env = {**os.environ, "DSAR_VAR_DIR": str(tmp_path), "REDIS_URL": "", "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    out = _run(["bench/seed.py", "--requests", "200", "--migrate"], env)
    assert "Seeded 200 requests" in out
