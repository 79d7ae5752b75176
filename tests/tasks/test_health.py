import pytest
import time_machine

from dsar.health import heartbeat_record
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


def test_it_reports_a_missing_worker(client):
    from django.core.cache import cache

    cache.clear()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "ok", "broker": "ok", "worker": "failing"}


def test_it_is_healthy_after_a_recent_heartbeat_and_not_after_a_stale_one(client, settings):
    settings.DSAR_HEARTBEAT_INTERVAL_SECONDS = 60
    heartbeat_record(now=at(2026, 3, 2, 10, 0))

    with time_machine.travel(at(2026, 3, 2, 10, 2), tick=False):
        response = client.get("/health/")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    with time_machine.travel(at(2026, 3, 2, 10, 4), tick=False):
        assert client.get("/health/").json()["worker"] == "failing"


def test_it_reports_an_unreachable_broker(client, monkeypatch):
    from config.celery_app import app

    heartbeat_record()
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["broker"] == "failing"
