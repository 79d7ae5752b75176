"""Letters and e-mails survive the broker and the web process failing, at production settings.

Each test has staff ask several subjects a question (each transition sends a clarification
letter and an e-mail), breaks something on the way, then starts a real worker with beat at the
production intervals and waits: every letter is rendered and every e-mail sent, exactly once,
within a couple of minutes. The outbox sweep (dsar/outbox.py) does the recovering.
"""

import subprocess
import sys
import time

import pytest

from dsar.models import Event, Letter, LetterKind, Notification
from dsar.services.transitions import transition
from tests.factories import make_request
from tests.integration.harness import ROOT, Services, producing_to, wait_for

pytestmark = pytest.mark.integration

QUESTION = "Send a copy of your ID card."
RECOVERY_TIMEOUT = 150  # seconds: one beat interval plus the requeue delay, with room to spare


@pytest.fixture
def asked(operator, staff):
    """Requests in progress, each with its own e-mail; ask(requests) puts the question to each."""
    manager = staff["manager"]
    requests = []
    for i in range(5):
        request = make_request(operator, language="en", subject_email=f"subject{i}@example.kz")
        transition(request.pk, "confirm_identity")
        transition(request.pk, "start_work", actor=manager)
        requests.append(request)

    def ask():
        for request in requests:
            transition(request.pk, "ask_subject", actor=manager, question=QUESTION)

    return requests, ask


def _delivered(services: Services, requests) -> bool:
    letters = Letter.objects.filter(request__in=requests, kind=LetterKind.CLARIFICATION)
    return letters.filter(status=Letter.Status.READY).count() == len(requests) and len(services.mail.lines()) >= len(
        requests
    )


def _assert_each_exactly_once(services: Services, requests) -> None:
    time.sleep(5)  # a duplicate would show by now
    for request in requests:
        letters = Letter.objects.filter(request=request, kind=LetterKind.CLARIFICATION)
        assert letters.count() == 1 and letters.get().status == Letter.Status.READY
        assert Event.objects.filter(request=request, action="letter_issued", data__letter=letters.get().pk).count() == 1
        mails = [line for line in services.mail.lines() if line.startswith(f"{request.subject_email}\t")]
        assert len(mails) == 1, services.mail.lines()
    assert not Notification.objects.filter(request__in=requests).exclude(status=Notification.Status.SENT).exists()


def test_it_delivers_what_was_queued_before_a_redis_restart(transactional_db, tmp_path, asked, redis_server):
    requests, ask = asked
    redis_server.start()
    services = Services(tmp_path, broker_url=redis_server.url)
    try:
        with producing_to(redis_server.url):
            ask()
        queued = subprocess.run(
            ["redis-cli", "-p", str(redis_server.port), "LLEN", "letters"], capture_output=True, text=True
        ).stdout.strip()
        assert queued == str(len(requests))
        redis_server.stop()  # no persistence: every queued render and e-mail is gone
        redis_server.start()

        services.worker("w1", beat=True)
        wait_for(lambda: _delivered(services, requests), timeout=RECOVERY_TIMEOUT, what="letters and e-mails")
        _assert_each_exactly_once(services, requests)
    finally:
        services.close()


def test_it_commits_with_the_broker_down_and_delivers_once_it_is_back(transactional_db, tmp_path, asked, redis_server):
    requests, ask = asked
    with producing_to(redis_server.url):  # nothing listens there yet
        ask()  # no error: the transitions commit, their letters and e-mails are recorded
    redis_server.start()
    services = Services(tmp_path, broker_url=redis_server.url)
    try:
        services.worker("w1", beat=True)
        wait_for(lambda: _delivered(services, requests), timeout=RECOVERY_TIMEOUT, what="letters and e-mails")
        _assert_each_exactly_once(services, requests)
    finally:
        services.close()


KILL_AFTER_COMMIT = """
import os, signal, django
django.setup()
from django.contrib.auth import get_user_model
from django.db import transaction
from dsar.services.transitions import transition

actor = get_user_model().objects.get(pk={actor})
with transaction.atomic():
    # Runs first of the on-commit callbacks: the process dies after the commit and before any
    # task is queued, as a web server killed at that instant would.
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    for pk in {ids}:
        transition(pk, "ask_subject", actor=actor, question={question!r})
"""


def test_it_delivers_once_when_the_process_dies_between_commit_and_callback(services, asked, staff):
    requests, _ask = asked
    script = KILL_AFTER_COMMIT.format(actor=staff["manager"].pk, ids=[r.pk for r in requests], question=QUESTION)
    done = subprocess.run([sys.executable, "-c", script], env=services.env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == -9, done.stderr[-2000:]
    assert Letter.objects.filter(
        request__in=requests, kind=LetterKind.CLARIFICATION, status=Letter.Status.PENDING
    ).count() == len(requests)

    services.worker("w1", beat=True)
    wait_for(lambda: _delivered(services, requests), timeout=RECOVERY_TIMEOUT, what="letters and e-mails")
    _assert_each_exactly_once(services, requests)


def test_it_bounds_attempts_per_row_by_the_schedule_through_an_smtp_outage(services):
    from tests.integration.harness import free_port
    from tests.tasks.test_outbox import most_attempts_within

    services.env |= {
        "DSAR_TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(free_port()),
    }  # nothing listens there
    rows = [
        Notification.objects.create(
            key=f"outage:{i}",
            to=f"p{i}@example.kz",
            channel="email",
            template="subject_identity_reminder",
            language="en",
            context={
                "operator_name": "QazETA LLP",
                "reference": "QZT-2026-000001",
                "until_local": "2026-03-09 10:00",
                "portal_url": "http://x/en/",
            },
        )
        for i in range(20)
    ]
    started = time.monotonic()
    services.worker("w1", beat=True)
    # Every row's task is sent three times over (duplicated and redelivered messages), on top of
    # the outbox sweep's own queuing each minute.
    for _ in range(3):
        for row in rows:
            services.send("deliver_notification", row.pk)
    wait_for(
        lambda: Notification.objects.filter(attempts__gte=2).count() == len(rows),
        timeout=RECOVERY_TIMEOUT,
        what="the retries the schedule allows",
    )
    time.sleep(10)
    elapsed = time.monotonic() - started
    attempts = list(Notification.objects.values_list("attempts", flat=True))
    assert max(attempts) <= most_attempts_within(elapsed), (attempts, elapsed)
    assert sum(attempts) <= len(rows) * most_attempts_within(elapsed)
    assert not Notification.objects.exclude(status=Notification.Status.PENDING).exists()
