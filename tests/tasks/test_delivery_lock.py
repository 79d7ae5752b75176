"""Two deliveries of one outbox row at the same moment send one e-mail (real PostgreSQL row locks)."""

import threading

import pytest
from django.core import mail
from django.db import connection

from dsar.models import Notification
from dsar.services.notifications import notification_deliver

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_sends_one_e_mail_when_two_workers_deliver_the_same_row_at_once(settings):
    settings.EMAIL_BACKEND = "tests.tasks.backends.SlowBackend"
    mail.outbox = []
    # A recorded row, still pending (as notify() leaves it until its task runs).
    row = Notification.objects.create(
        key="lock-test",
        channel="email",
        to="dana@example.kz",
        template="portal_status_link",
        context={"reference": "QZT-2026-000001", "status_url": "https://dsar.example.kz/r/x/"},
        language="ru",
    )
    barrier = threading.Barrier(2)
    results = [None, None]

    def deliver(i):
        try:
            barrier.wait(timeout=10)
            results[i] = notification_deliver(notification_id=row.pk)
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results, key=str) == [False, True]
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.SENT
