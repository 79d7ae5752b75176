"""Delivery survives a worker killed mid-send and a Redis restart."""

import time

import pytest

from dsar.models import Notification
from tests.integration.harness import Services, wait_for

pytestmark = pytest.mark.integration

MAIL = dict(
    channel="email",
    template="subject_identity_reminder",
    language="en",
    context={
        "operator_name": "QazETA LLP",
        "reference": "QZT-2026-000001",
        "until_local": "2026-03-09 10:00",
        "portal_url": "http://127.0.0.1:8000/en/",
    },
)


def _record(key: str) -> Notification:
    # Recorded and committed as notify() would, but queued by the test itself to a real worker
    # (notify() here would deliver in-process: test settings run tasks eagerly).
    return Notification.objects.create(key=key, to=f"{key}@example.kz", **MAIL)


def test_a_worker_killed_mid_send_loses_nothing_and_duplicates_nothing(services):
    row = _record("killed")
    slow = services.worker("slow", extra_env={"DSAR_TEST_SEND_DELAY": "30"})
    services.send("deliver_notification", row.pk)

    wait_for(services.mail.started, what="the send to begin")
    slow.kill()  # SIGKILL to the whole worker: no ack, no rollback handler, nothing
    assert services.mail.lines() == []
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING

    # Production settings: Redis keeps the unacknowledged message for the visibility timeout
    # (15 min); the outbox sweep (beat, every minute) queues the row again once its message is
    # older than DSAR_OUTBOX_REQUEUE_AFTER_SECONDS (60 s).
    services.worker("fresh", beat=True)
    wait_for(services.mail.lines, timeout=150, what="the outbox sweep to resume the send")
    time.sleep(5)
    assert services.mail.lines() == ["killed@example.kz\tConfirm your request QZT-2026-000001 to QazETA LLP"]
    row = Notification.objects.get(pk=row.pk)
    assert row.status == Notification.Status.SENT and row.attempts == 1


def test_a_task_delivered_twice_sends_once(services):
    row = _record("twice")
    services.worker("w1")
    services.run("deliver_notification", row.pk)
    services.run("deliver_notification", row.pk)
    assert len(services.mail.lines()) == 1


@pytest.fixture
def private_redis(redis_server):
    redis_server.start()
    return redis_server


def test_the_worker_goes_on_consuming_after_a_redis_restart(transactional_db, tmp_path, private_redis):
    services = Services(tmp_path, broker_url=private_redis.url)
    try:
        services.worker("w1")
        services.send("deliver_notification", _record("before").pk)
        wait_for(lambda: len(services.mail.lines()) == 1, what="delivery before the restart")

        private_redis.stop()
        time.sleep(2)
        private_redis.start()

        services.send("deliver_notification", _record("after").pk)
        wait_for(lambda: len(services.mail.lines()) == 2, timeout=60, what="delivery after the restart")
        assert services.mail.lines()[1].startswith("after@example.kz")
    finally:
        services.close()


def test_e_mails_recorded_while_no_worker_runs_share_one_wake_up_and_each_is_sent_once(services, settings):
    """The bell (dsar/outbox.py) with a real worker: the web side and the worker share the cache."""
    import redis
    from django.db import transaction

    from dsar.services.notifications import notify
    from tests.integration.harness import producing_to

    settings.CACHES = {"default": {"BACKEND": "dsar.cache.FallbackRedisCache", "LOCATION": services.broker_url}}
    broker = redis.Redis.from_url(services.broker_url)
    with producing_to(services.broker_url):
        for i in range(5):
            with transaction.atomic():
                notify(key=f"bell:{i}", to=f"bell{i}@example.kz", **MAIL)
        assert broker.llen("celery") == 1  # five rows, one wake-up: nobody has answered yet

        services.worker("w1")  # no beat: only the bell can get these sent
        wait_for(lambda: len(services.mail.lines()) == 5, what="the woken worker to send all five")
        # The task answered the bell before reading: a row committed now rings again.
        with transaction.atomic():
            notify(key="bell:after", to="after@example.kz", **MAIL)
        wait_for(lambda: len(services.mail.lines()) == 6, what="the next row's own wake-up")
    time.sleep(2)
    assert sorted(line.split("\t")[0] for line in services.mail.lines()) == sorted(
        [f"bell{i}@example.kz" for i in range(5)] + ["after@example.kz"]
    )
    rows = Notification.objects.filter(key__startswith="bell:")
    assert rows.count() == 6 and {(r.status, r.attempts) for r in rows} == {(Notification.Status.SENT, 1)}
