import pytest
from django.core import mail
from django.db import transaction

from dsar.models import Notification
from dsar.outbox import MAX_ATTEMPTS, backoff_seconds
from dsar.services.notifications import notification_deliver, notify
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
