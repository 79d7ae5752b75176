"""One retry schedule per outbox row, respected by the tasks and the outbox sweep alike."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from kombu.exceptions import OperationalError

from dsar import tasks
from dsar.letters.outbox import letters_missing
from dsar.models import Event, Letter, LetterKind, Notification
from dsar.outbox import MAX_ATTEMPTS, min_gap_seconds
from dsar.services.notifications import notify
from dsar.services.transitions import transition
from tests.factories import make_request

pytestmark = pytest.mark.django_db

KW = dict(
    channel="email",
    template="subject_identity_reminder",
    language="en",
    context={
        "operator_name": "QazETA",
        "reference": "QZT-2026-000001",
        "until_local": "2026-03-09 10:00",
        "portal_url": "http://x/en/",
    },
)


def most_attempts_within(seconds: float) -> int:
    """The most attempts the schedule allows in `seconds` from the first one."""
    attempts, t = 1, 0.0
    while attempts < MAX_ATTEMPTS and t + min_gap_seconds(attempts) <= seconds:
        t += min_gap_seconds(attempts)
        attempts += 1
    return attempts


def test_it_keeps_attempts_per_row_within_the_schedule_through_an_smtp_outage(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.tasks.backends.FailingBackend"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            rows = [notify(key=f"outage:{i}", to=f"p{i}@example.kz", **KW) for i in range(20)]
        # Five minutes of outage. The sweep runs far more often than beat would (every 10 s, not
        # 60 s) and every row's task is delivered again each time (duplicated or redelivered
        # messages): neither may add an attempt the schedule does not allow.
        for _ in range(30):
            clock.shift(timedelta(seconds=10))
            with django_capture_on_commit_callbacks(execute=True):
                tasks.outbox()
            for row in rows:
                tasks.deliver_notification(row.pk)

    attempts = list(Notification.objects.values_list("attempts", flat=True))
    assert len(attempts) == 20 and min(attempts) >= 2  # it did keep trying
    assert max(attempts) <= most_attempts_within(300)
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.PENDING}


def test_it_sends_everything_once_the_smtp_server_is_back(settings, django_capture_on_commit_callbacks):
    from django.core import mail

    settings.EMAIL_BACKEND = "tests.tasks.backends.FailingBackend"
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            for i in range(5):
                notify(key=f"back:{i}", to=f"p{i}@example.kz", **KW)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        for _ in range(3):
            clock.shift(timedelta(seconds=60))
            with django_capture_on_commit_callbacks(execute=True):
                tasks.outbox()
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{i}@example.kz" for i in range(5)]


def _broker_down(monkeypatch):
    from celery import current_app

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    for name in ("dsar.letters.tasks.render_letter", "dsar.tasks.deliver_notification"):
        monkeypatch.setattr(current_app.tasks[name], "delay", refuse)


def test_it_commits_a_transition_with_the_broker_down_and_the_sweep_renders_its_letter(
    operator, monkeypatch, django_capture_on_commit_callbacks, settings
):
    request = make_request(operator, language="en")
    _broker_down(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")  # must not raise: the rows are recorded
    letter = Letter.objects.get(request=request)
    assert letter.status == Letter.Status.PENDING
    monkeypatch.undo()

    later = timezone.now() + timedelta(seconds=settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox(now=(later - timedelta(seconds=5)).isoformat()) == {"notifications": 0, "letters": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.outbox(now=later.isoformat())["letters"] == 1
    assert Letter.objects.get(pk=letter.pk).status == Letter.Status.READY


def test_it_queues_a_letter_again_only_once_per_requeue_period(operator, django_capture_on_commit_callbacks, settings):
    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=False):
        transition(request.pk, "confirm_identity")  # its render message is lost
    later = timezone.now() + timedelta(seconds=settings.DSAR_OUTBOX_REQUEUE_AFTER_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert tasks.outbox(now=later.isoformat())["letters"] == 1
        assert tasks.outbox(now=(later + timedelta(seconds=30)).isoformat())["letters"] == 0
    assert len(queued) == 1


def test_it_reports_a_transition_whose_letter_is_missing(operator):
    request = make_request(operator)
    transition(request.pk, "confirm_identity")
    transition(request.pk, "withdraw")
    assert letters_missing(operator_id=operator.pk) == []
    Letter.objects.filter(request=request).delete()
    event = Event.objects.get(request=request, action="confirm_identity")
    withdrawal = Event.objects.get(request=request, action="withdraw")
    assert letters_missing(operator_id=operator.pk) == [
        f"event #{event.seq} (confirm_identity, request {request.pk}): no {LetterKind.ACKNOWLEDGMENT} letter was recorded",
        f"event #{withdrawal.seq} (withdraw, request {request.pk}): no {LetterKind.WITHDRAWN} letter was recorded",
    ]


def test_it_expects_no_letter_for_a_request_withdrawn_before_its_identity_was_confirmed(operator):
    request = make_request(operator)
    transition(request.pk, "withdraw")
    assert not Letter.objects.filter(request=request).exists()
    assert letters_missing(operator_id=operator.pk) == []
