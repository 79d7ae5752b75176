"""With Redis down (refused, or a black hole) the public form still takes the request.

Production timeouts (REDIS_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT from settings), a real
Celery app publishing to the dead broker, and the rate limits counted in process memory.
"""

import time
from datetime import timedelta

import pytest
from django.core import mail

from dsar import cache as fallback
from dsar.models import DataRequest, Notification
from dsar.services.notifications import notifications_requeue_due
from tests.blackhole import BlackHole, closed_port
from tests.portal.conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["closed", "black hole"])
def dead_redis(request, settings, monkeypatch):
    from config.celery_app import app

    hole = BlackHole() if request.param == "black hole" else None
    url = f"redis://127.0.0.1:{hole.port if hole else closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "dsar.cache.FallbackRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": settings.REDIS_CONNECT_TIMEOUT,
                "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    fallback.reset()
    # The real app, publishing to the dead broker after commit, with the production transport options.
    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    # The Redis transport's production options, also when this run's broker is not Redis.
    options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    app.conf.update(task_always_eager=False, broker_url=url, broker_transport_options=options)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    yield request.param
    app.conf.update(saved)
    fallback.reset()
    if hole:
        hole.close()


def test_it_accepts_and_saves_a_submission_and_keeps_its_mail_waiting(
    client, operator, dead_redis, django_capture_on_commit_callbacks
):
    from config.celery_app import app

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, operator)
    elapsed = time.monotonic() - started

    assert response.status_code == 302 and "/confirm/" in response["Location"]
    request = DataRequest.objects.get(operator=operator)
    assert request.subject_email == "dana@example.kz"
    waiting = Notification.objects.filter(request=request)
    assert waiting.exists() and set(waiting.values_list("status", flat=True)) == {Notification.Status.PENDING}
    assert mail.outbox == []
    print(f"{dead_redis}: submitted in {elapsed:.1f} s")

    # Redis is back (the broker: here the in-process one): the sweep's re-queue sends the waiting mail.
    app.conf.task_always_eager = True
    with django_capture_on_commit_callbacks(execute=True):
        notifications_requeue_due(now=request.submitted_at + timedelta(hours=1))
    assert set(waiting.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert [m.to for m in mail.outbox] == [["dana@example.kz"]]


def test_it_still_limits_submissions_by_a_local_count(client, operator, dead_redis, django_capture_on_commit_callbacks):
    statuses = []
    for _ in range(7):
        with django_capture_on_commit_callbacks(execute=False):
            statuses.append(submit(client, operator, subject_email="same@example.kz").status_code)
    # 5 per hour per e-mail address: the sixth and seventh are turned away politely.
    assert statuses == [302] * 5 + [429, 429]
    assert DataRequest.objects.filter(operator=operator).count() == 5
