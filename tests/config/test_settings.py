import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "dsar.example.kz",
    "DSAR_OUTBOX_SECRET": "y" * 48,
    # An Ed25519 private key, base64 of its 32 bytes (tests only).
    "DSAR_CHAIN_SIGNING_KEY": "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=",
}


def _manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PROD_ENV and not k.startswith("DSAR_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    base.update(env, DJANGO_SETTINGS_MODULE="config.settings.production")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True)


def test_production_refuses_to_start_without_each_secret():
    for missing in PROD_ENV:
        env = {k: v for k, v in PROD_ENV.items() if k != missing}
        result = _manage("check", env=env)
        assert result.returncode != 0
        assert f"Production needs {missing}" in result.stderr


def test_production_refuses_to_start_without_the_staff_second_factor():
    result = _manage("check", env={**PROD_ENV, "DSAR_REQUIRE_STAFF_OTP": "0"})
    assert result.returncode != 0
    assert "DSAR_REQUIRE_STAFF_OTP" in result.stderr


def test_production_accepts_a_signing_key_file_and_refuses_a_missing_one(tmp_path):
    env = {k: v for k, v in PROD_ENV.items() if k != "DSAR_CHAIN_SIGNING_KEY"}
    missing = _manage("check", env=env | {"DSAR_CHAIN_SIGNING_KEY_FILE": str(tmp_path / "absent.pem")})
    assert missing.returncode != 0 and "DSAR_CHAIN_SIGNING_KEY" in missing.stderr
    assert not (tmp_path / "absent.pem").exists()
    key = tmp_path / "chain.pem"
    key.write_text(
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMRESc\n-----END PRIVATE KEY-----\n"
    )
    assert _manage("check", env=env | {"DSAR_CHAIN_SIGNING_KEY_FILE": str(key)}).returncode == 0


def test_production_passes_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_bad_boolean_in_the_environment_fails_loudly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from config.env import env_bool, env_int

    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    import pytest

    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 1)


def test_letters_go_to_their_own_queue_and_everything_else_to_the_default():
    from config.celery_app import app

    router = app.amqp.router
    assert router.route({}, "dsar.letters.tasks.render_letter")["queue"].name == "letters"
    assert router.route({}, "dsar.tasks.sweep")["queue"].name == "celery"
    assert router.route({}, "dsar.tasks.deliver_notification")["queue"].name == "celery"


def test_every_connection_has_a_timeout_in_production():
    import json

    script = (
        "import json; from django.conf import settings as s; from config.celery_app import app; "
        "print(json.dumps({'db': s.DATABASES['default']['OPTIONS'], 'cache': s.CACHES['default']['OPTIONS'], "
        "'broker': app.conf.broker_transport_options, 'connect': app.conf.broker_connection_timeout, "
        "'retries': app.conf.broker_connection_max_retries, 'publish': app.conf.task_publish_retry_policy, "
        "'results': [app.conf.redis_socket_timeout, app.conf.redis_socket_connect_timeout]}))"
    )
    result = _manage("shell", "-c", script, env=PROD_ENV)
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["db"]["connect_timeout"] > 0 and "statement_timeout=" in conf["db"]["options"]
    assert conf["cache"]["socket_timeout"] > 0 and conf["cache"]["socket_connect_timeout"] > 0
    assert conf["broker"]["socket_timeout"] > 0 and conf["broker"]["socket_connect_timeout"] > 0
    assert conf["connect"] > 0 and conf["retries"] > 0 and conf["publish"]["max_retries"] >= 0
    assert all(t and t > 0 for t in conf["results"])


@pytest.mark.postgres
def test_the_database_connection_carries_a_statement_timeout(db, settings):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        value = cursor.fetchone()[0]
    assert value not in ("0", "0ms") and settings.DB_STATEMENT_TIMEOUT_MS > 0


def _client_ip(env):
    code = (
        "from django.test import RequestFactory; from django_ratelimit.core import _get_ip; "
        "print(_get_ip(RequestFactory().get('/', REMOTE_ADDR='10.0.0.1', HTTP_X_REAL_IP='203.0.113.7')))"
    )
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_it_counts_rate_limits_by_the_address_the_proxy_names():
    assert _client_ip(PROD_ENV) == "10.0.0.1"
    assert _client_ip(PROD_ENV | {"RATELIMIT_IP_META_KEY": "HTTP_X_REAL_IP"}) == "203.0.113.7"
