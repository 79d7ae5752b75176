from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from dsar.models import Notification
from dsar.outbox import MAX_ATTEMPTS, backoff_seconds
from dsar.services.notifications import (
    WAKE,
    notification_deliver,
    notifications_deliver_pending,
    notifications_record,
    notifications_requeue_due,
    notify,
)
from dsar.tasks import deliver_notification

pytestmark = pytest.mark.django_db

KW = dict(
    channel="email",
    to="dana@example.kz",
    template="subject_identity_reminder",
    language="ru",
    context={
        "operator_name": "ТОО Qazeta",
        "reference": "QZT-2026-000001",
        "until_local": "2026-03-09 10:00",
        "portal_url": "http://x/ru/",
    },
)


def test_it_records_the_notification_before_anything_is_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = notify(key="k1", **KW)

    assert Notification.objects.get(key="k1").status == Notification.Status.PENDING
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    row = Notification.objects.get(pk=row.pk)
    assert row.status == Notification.Status.SENT and row.attempts == 1
    assert mail.outbox[0].to == ["dana@example.kz"] and "ТОО Qazeta" in mail.outbox[0].body


def test_it_sends_a_key_once_however_often_it_is_recorded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="same", **KW)
    with django_capture_on_commit_callbacks(execute=True) as second:
        notify(key="same", **KW)

    assert second == []
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_recording_a_new_key_is_one_statement_and_a_known_key_gives_back_the_first_row(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Intake records an e-mail per submission: no look-up and savepoint around the insert.
    with transaction.atomic(), django_assert_num_queries(1):
        first = notify(key="one-statement", **KW)
    again = notify(key="one-statement", **{**KW, "to": "someone.else@example.kz"})

    assert again.pk == first.pk and again.to == "dana@example.kz"
    stored = Notification.objects.get(key="one-statement")
    assert stored.context == KW["context"] and stored.status == Notification.Status.PENDING
    assert stored.created_at is not None and stored.next_attempt_at is not None


def test_it_sends_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(key="rolled-back", **KW)
                raise RuntimeError("boom")

    assert mail.outbox == [] and not Notification.objects.filter(key="rolled-back").exists()


def test_it_delivers_once_when_the_task_runs_twice(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        row = notify(key="twice", **KW)

    assert deliver_notification.apply(args=[row.pk]).get() is True
    assert deliver_notification.apply(args=[row.pk]).get() is False
    assert len(mail.outbox) == 1


def test_it_keeps_the_row_pending_when_sending_fails_and_marks_it_failed_at_the_end(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.tasks.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        row = notify(key="flaky", **KW)

    assert notification_deliver(notification_id=row.pk) is False
    row = Notification.objects.get(pk=row.pk)
    assert row.status == Notification.Status.PENDING and row.attempts == 1 and row.queued_at is None
    assert "ConnectionError" in row.last_error
    # Not before the next attempt on the row's schedule, however often the task runs.
    assert deliver_notification.apply(args=[row.pk]).get() is False
    assert Notification.objects.get(pk=row.pk).attempts == 1

    while row.status == Notification.Status.PENDING:
        notification_deliver(notification_id=row.pk, now=row.next_attempt_at)
        row = Notification.objects.get(pk=row.pk)
    assert row.status == Notification.Status.FAILED and row.attempts == MAX_ATTEMPTS


def test_it_sends_sms_through_the_sms_backend(django_capture_on_commit_callbacks, tmp_path, settings):
    from dsar import sms

    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "dsar" / "sms").mkdir(parents=True)
    (tmp_path / "dsar" / "sms" / "t-code.txt").write_text("Code {{ code }}")
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="sms1", channel="sms", to="+77011234567", template="t-code", context={"code": "123"}, language="ru")

    assert sms.outbox == [{"to": "+77011234567", "body": "Code 123"}]


def test_it_refuses_a_context_that_is_not_plain_data():
    with pytest.raises(TypeError, match="plain values"):
        notify(key="bad", **(KW | {"context": {"obj": object()}}))
    assert not Notification.objects.filter(key="bad").exists()


def test_it_skips_a_notification_without_recipient():
    assert notify(key="nobody", **(KW | {"to": ""})) is None
    assert not Notification.objects.exists()


def test_it_backs_off_exponentially_up_to_a_cap():
    assert 15 <= backoff_seconds(1) <= 30
    assert 120 <= backoff_seconds(4) <= 240
    assert 15 * 60 <= backoff_seconds(20) <= 30 * 60


def test_it_delivers_the_row_it_is_given_and_leaves_the_others_waiting(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        first = notify(key="first", **(KW | {"to": "first@example.kz"}))
        notify(key="second", **(KW | {"to": "second@example.kz"}))

    assert notification_deliver(notification_id=first.pk) is True
    assert [m.to for m in mail.outbox] == [["first@example.kz"]]
    assert Notification.objects.get(key="second").status == Notification.Status.PENDING


def test_a_row_sent_on_a_later_attempt_says_when_and_forgets_the_error_and_the_message(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.tasks.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        row = notify(key="second-try", **KW)
    notification_deliver(notification_id=row.pk)
    retry_at = Notification.objects.get(pk=row.pk).next_attempt_at

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_deliver(notification_id=row.pk, now=retry_at) is True
    row = Notification.objects.get(pk=row.pk)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (Notification.Status.SENT, 2, retry_at, "")
    assert row.context == {}  # the code or link it carried is not kept
    assert len(mail.outbox) == 1


def test_it_logs_each_failed_attempt_and_the_last_one_as_an_error(django_capture_on_commit_callbacks, settings, caplog):
    settings.EMAIL_BACKEND = "tests.tasks.backends.FailingBackend"
    with django_capture_on_commit_callbacks(execute=False):
        row = notify(key="logged", **KW)
    with caplog.at_level("WARNING", logger="dsar.services.notifications"):
        notification_deliver(notification_id=row.pk)
        retry_at = Notification.objects.get(pk=row.pk).next_attempt_at
        assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
            ("WARNING", f"Notification {row.pk} failed (attempt 1); next at {retry_at}")
        ]
        Notification.objects.filter(pk=row.pk).update(attempts=MAX_ATTEMPTS - 1)
        caplog.clear()
        notification_deliver(notification_id=row.pk, now=retry_at)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", f"Notification {row.pk} failed after {MAX_ATTEMPTS} attempts")
    ]


@pytest.fixture
def broker(monkeypatch):
    """The messages put on the broker, as (task name, argument); nothing runs."""
    from celery import current_app

    messages = []
    for name in ("dsar.tasks.deliver_notification", "dsar.tasks.deliver_notifications", WAKE):
        monkeypatch.setattr(current_app.tasks[name], "delay", lambda *args, name=name: messages.append((name, *args)))
    return messages


def test_the_outbox_sweep_queues_the_due_rows_whose_message_is_lost_oldest_first_up_to_its_limit(
    broker, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False):  # the messages are lost
        rows = [notify(key=f"lost:{i}", **(KW | {"to": f"p{i}@example.kz"})) for i in range(3)]
    stale = max(r.queued_at for r in rows) + timedelta(seconds=settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS)
    Notification.objects.filter(pk=rows[2].pk).update(next_attempt_at=rows[0].next_attempt_at - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_requeue_due(now=stale - timedelta(seconds=1)) == 0  # their messages may still come
        assert notifications_requeue_due(now=stale, limit=2) == 2
        assert notifications_requeue_due(now=stale, limit=2) == 1  # the two just queued are not queued again
    assert broker == [
        ("dsar.tasks.deliver_notifications", [rows[2].pk, rows[0].pk]),
        ("dsar.tasks.deliver_notification", rows[1].pk),
    ]


def test_recording_in_bulk_queues_only_the_keys_not_recorded_before(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(key="bulk:0", **KW)
    assert notifications_record(rows=[]) == []
    with django_capture_on_commit_callbacks(execute=True):
        ids = notifications_record(
            rows=[Notification(key=f"bulk:{i}", **(KW | {"to": f"p{i}@example.kz"})) for i in range(3)]
        )

    new = list(Notification.objects.filter(key__in=["bulk:1", "bulk:2"]).order_by("key").values_list("pk", flat=True))
    assert sorted(ids) == new and Notification.objects.get(key="bulk:0").to == "dana@example.kz"
    # notify() rang the bell; the bulk recording queued its batch.
    assert broker == [(WAKE,), ("dsar.tasks.deliver_notifications", ids)]


def test_a_long_error_from_the_mail_server_is_recorded_cut_to_fit(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "tests.tasks.backends.LongErrorBackend"
    with django_capture_on_commit_callbacks(execute=False):
        row = notify(key="long-error", **KW)

    assert notification_deliver(notification_id=row.pk) is False
    error = Notification.objects.get(pk=row.pk).last_error
    assert error.startswith("ConnectionError: 554 Message rejected by the policy") and len(error) == 300


def test_purging_a_request_erases_the_address_its_notifications_went_to(operator):
    from dsar.services.retention import request_purge
    from dsar.services.transitions import transition
    from tests.factories import make_request

    request = make_request(operator)
    notify(key="to-purge", request=request, **KW)
    notify(key="other", **KW)
    transition(request.pk, "withdraw")
    request_purge(request_id=request.pk)

    assert Notification.objects.get(key="to-purge").to == ""
    assert Notification.objects.get(key="other").to == "dana@example.kz"


# --- the bell (dsar/outbox.py): one wake-up for the rows committed before the worker reads them ---


def _notify_committed(key: str) -> Notification:
    with transaction.atomic():
        return notify(key=key, **(KW | {"to": f"{key}@example.kz"}))


def test_rows_committed_while_a_wake_up_waits_share_it_and_a_row_after_it_started_rings_again(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = (_notify_committed(f"bell{i}") for i in range(3))
    assert broker == [(WAKE,)]  # one message for three rows: the worker has not started yet

    assert notifications_deliver_pending() == 3  # the woken task sends every row committed before it
    assert sorted(m.to[0] for m in mail.outbox) == ["bell0@example.kz", "bell1@example.kz", "bell2@example.kz"]
    assert {n.status for n in Notification.objects.filter(pk__in=[first.pk, second.pk, third.pk])} == {
        Notification.Status.SENT
    }
    with django_capture_on_commit_callbacks(execute=True):
        _notify_committed("bell3")
    assert broker == [(WAKE,), (WAKE,)]  # the task answered the bell: the next row rings again


def test_the_woken_task_sends_only_rows_that_are_due(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        due = _notify_committed("due")
        later = _notify_committed("later")
        failed = _notify_committed("failed")
    Notification.objects.filter(pk=later.pk).update(next_attempt_at=later.next_attempt_at + timedelta(minutes=5))
    Notification.objects.filter(pk=failed.pk).update(status=Notification.Status.FAILED)

    assert notifications_deliver_pending() == 1
    assert [m.to for m in mail.outbox] == [["due@example.kz"]]
    assert Notification.objects.get(pk=due.pk).status == Notification.Status.SENT
    assert Notification.objects.get(pk=later.pk).status == Notification.Status.PENDING


def test_a_full_batch_rings_again_for_the_rest(broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            _notify_committed(f"batch{i}")
    broker.clear()
    assert notifications_deliver_pending(limit=2) == 2
    assert broker == [(WAKE,)]  # there may be more: wake again
    broker.clear()
    assert notifications_deliver_pending(limit=2) == 1
    assert broker == []  # fewer than a batch: all done
    assert len(mail.outbox) == 3


def test_a_wake_up_that_could_not_be_queued_does_not_silence_the_next_row(
    monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app
    from kombu.exceptions import OperationalError

    queued = []

    def down(*args):
        raise OperationalError("broker down")

    monkeypatch.setattr(current_app.tasks[WAKE], "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        _notify_committed("while-down")
    monkeypatch.setattr(current_app.tasks[WAKE], "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        _notify_committed("after")
    assert queued == [()]


def test_a_lost_wake_up_holds_back_new_rings_only_until_the_outbox_requeues(
    broker, django_capture_on_commit_callbacks, settings
):
    import time_machine

    # The key's expiry is the cache's: a local cache follows the travelling clock (Redis would not).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bell"}}
    with time_machine.travel("2026-06-01 09:00:00+00:00", tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            _notify_committed("lost")  # its wake-up is lost: no worker ever answers
            _notify_committed("waits")
        assert broker == [(WAKE,)]
        clock.shift(settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS + 1)
        with django_capture_on_commit_callbacks(execute=True):
            _notify_committed("rings")
    assert broker == [(WAKE,), (WAKE,)]
