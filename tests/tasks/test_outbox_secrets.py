"""One-time codes and links wait in the outbox encrypted, and are forgotten once sent."""

import re

import pytest
from django.core import mail
from django.db import connection

from dsar.models import Notification
from dsar.outbox_crypto import is_sealed
from dsar.services.notifications import notification_deliver, notifications_record
from dsar.services.verification import code_check, code_issue
from tests.factories import make_request

pytestmark = pytest.mark.django_db


def _raw_rows() -> str:
    """Every notification row as the database stores it, as one text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM dsar_notification")
        return repr(cursor.fetchall())


def _code_row(request) -> Notification:
    return Notification.objects.filter(request=request, template="portal_code").latest("pk")


def test_it_never_stores_a_code_in_clear_and_still_delivers_it(operator, django_capture_on_commit_callbacks):
    request = make_request(operator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        code_issue(request=request, purpose="email")
    row = _code_row(request)
    code = row.context["code"]  # what the code sees: the plain context
    assert re.fullmatch(r"\d{6}", code)
    stored = _raw_rows()
    assert code not in stored and "sealed" in stored

    for callback in callbacks:
        callback()
    assert code in mail.outbox[-1].body
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.context == {}
    assert code not in _raw_rows()
    assert code_check(request=request, purpose="email", code=code)


def test_it_encrypts_contexts_recorded_in_bulk(operator):
    secret = "https://portal.example.kz/ru/r/very-secret-token/"
    rows = [
        Notification(
            key=f"bulk:{i}",
            channel="email",
            to="x@example.kz",
            template="subject_identity_reminder",
            language="ru",
            context={"portal_url": secret, "reference": "R", "operator_name": "O", "until_local": "soon"},
        )
        for i in range(3)
    ]
    ids = notifications_record(rows=rows)
    assert len(ids) == 3
    assert secret not in _raw_rows()
    assert {Notification.objects.get(pk=i).context["portal_url"] for i in ids} == {secret}


def test_it_uses_its_own_secret_not_the_secret_key(operator, settings, django_capture_on_commit_callbacks):
    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=False):
        code_issue(request=request, purpose="email")
    row = _code_row(request)
    settings.SECRET_KEY = "rotated-secret-key-" + "x" * 40
    assert Notification.objects.get(pk=row.pk).context == row.context
    settings.DSAR_OUTBOX_SECRET = "another-outbox-secret"
    assert is_sealed(Notification.objects.get(pk=row.pk).context)


def test_it_delivers_rows_written_before_a_rotation_with_the_old_secret_kept(
    operator, settings, django_capture_on_commit_callbacks
):
    request = make_request(operator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        code_issue(request=request, purpose="email")
    row = _code_row(request)
    code = row.context["code"]
    old = settings.DSAR_OUTBOX_SECRET
    settings.DSAR_OUTBOX_SECRET = "the-new-outbox-secret"

    # Without the old secret the row cannot be read: nothing is sent, the failure waits on the
    # row's retry schedule (dsar/outbox.py) with the reason recorded.
    assert notification_deliver(notification_id=row.pk) is False
    failed = Notification.objects.get(pk=row.pk)
    assert failed.status == Notification.Status.PENDING and mail.outbox == []
    assert failed.last_error == f"OutboxKeyError: Notification {row.pk}: cannot decrypt its context"
    assert failed.attempts == 1

    settings.DSAR_OUTBOX_OLD_SECRETS = [old]
    assert notification_deliver(notification_id=row.pk, now=failed.next_attempt_at)
    assert code in mail.outbox[-1].body
