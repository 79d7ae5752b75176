"""Many people and staff of one operator at once, each on their own PostgreSQL connection.

Submissions (with files), identity confirmations, staff transitions and letter rendering all
take locks on rows of the same operator (the reference and letter counters, the chain head).
Taken in one order (dsar/workflow.py), none of them deadlocks or fails, and no file is left
without its row.
"""

import re
import threading
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from dsar.files import ROOTS
from dsar.models import Attachment, DataRequest, Letter
from dsar.models.events import verify_chain
from dsar.services import transitions
from dsar.services.subject import request_submit
from dsar.states import State
from tests.factories import make_request, staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
CODE_RE = re.compile(r"\b(\d{6})\b")
STAFF_STEPS = [
    ("start_work", {}),
    ("ask_subject", {"question": "Send a copy of your ID."}),
    ("resume", {}),
    ("fulfil", {}),
]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    yield tmp_path / "private"
    cache.clear()


def _together(jobs):
    """Run each job in its own thread (and database connection), released at once; the errors."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as exc:  # noqa: BLE001 - every failure is the test's finding
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def _files_on_disk(root) -> set[str]:
    return {str(p.relative_to(root)) for top in ROOTS for p in (root / top).rglob("*") if p.is_file()}


def _files_recorded() -> set[str]:
    names = set(Attachment.objects.exclude(file="").values_list("file", flat=True))
    return names | set(Letter.objects.exclude(file="").values_list("file", flat=True))


def _code_for(email: str, wait: float = 60) -> str:
    """The code e-mailed to `email`, waiting for it as a person does: after commit the submission
    rings the outbox bell (dsar/outbox.py), and when another submission's wake-up is already
    under way, that one sends this e-mail too, in its own thread, a moment later."""
    deadline = time.monotonic() + wait
    while True:
        for message in list(mail.outbox):
            if email in message.to and CODE_RE.search(message.subject):
                return CODE_RE.search(message.subject).group(1)
        if time.monotonic() > deadline:
            raise AssertionError(f"no code for {email} within {wait} s")
        time.sleep(0.05)


def _staff_job(request_id, worker):
    def job():
        for name, kwargs in STAFF_STEPS:
            transitions.transition(request_id, name, actor=worker, **kwargs)

    return job


def _assert_consistent(operator, private_storage):
    assert verify_chain(operator.pk) is None
    assert not Letter.objects.exclude(status=Letter.Status.READY).exists()
    assert _files_on_disk(private_storage) == _files_recorded()
    refs = list(DataRequest.objects.filter(operator=operator).values_list("reference", flat=True))
    assert len(set(refs)) == len(refs) and not any(r.startswith("~") for r in refs)


def test_it_submits_confirms_transitions_and_renders_at_once_without_an_error(operator, private_storage):
    worker = staff_user(operator)
    received = []
    for _ in range(6):
        request = make_request(operator)
        transitions.transition(request.pk, "confirm_identity")
        received.append(request.pk)

    def submitter(i):
        def job():
            from dsar.services.subject import identity_confirm

            for n in range(3):
                email = f"person{i}-{n}@example.kz"
                fields = dict(kind="access", subject_name="Dana Serikova", subject_email=email, language="en")
                upload = SimpleUploadedFile("id.png", PNG, content_type="image/png")
                submitted = request_submit(operator=operator, fields=fields, evidence=[upload], authority=[])
                identity_confirm(request=submitted.request, codes={"email": _code_for(email)}, token=submitted.token)

        return job

    jobs = [submitter(i) for i in range(6)] + [_staff_job(pk, worker) for pk in received]
    errors = _together(jobs)

    assert errors == []
    assert DataRequest.objects.filter(operator=operator, state=State.RECEIVED).count() == 18
    assert DataRequest.objects.filter(pk__in=received, state=State.FULFILLED).count() == 6
    # acknowledgment for 18 + 6 earlier; clarification and answer for the 6 staff handled
    assert Letter.objects.filter(request__operator=operator).count() == 18 + 6 + 12
    _assert_consistent(operator, private_storage)


def test_it_answers_every_submission_and_confirmation_over_http_without_a_server_error(operator, private_storage):
    worker = staff_user(operator)
    received = []
    for _ in range(4):
        request = make_request(operator)
        transitions.transition(request.pk, "confirm_identity")
        received.append(request.pk)
    statuses = []

    def person(i):
        def job():
            client = Client(REMOTE_ADDR=f"10.0.0.{i + 1}")
            for n in range(3):
                email = f"web{i}-{n}@example.kz"
                url = reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": "rectification"})
                data = {
                    "subject_name": "Dana Serikova",
                    "subject_email": email,
                    "subject_phone": "+7 701 123 4567",
                    "language": "en",
                    "consent": "on",
                    "leave_empty": "",
                    "what_is_wrong": "Surname",
                    "correct_value": "Serikova",
                    "documents": [SimpleUploadedFile("id.png", PNG, content_type="image/png")],
                }
                response = client.post(url, data)
                statuses.append(response.status_code)
                token = response["Location"].rstrip("/").split("/")[-2]
                response = client.post(reverse("portal:confirm", kwargs={"token": token}), {"email": _code_for(email)})
                statuses.append(response.status_code)

        return job

    errors = _together([person(i) for i in range(5)] + [_staff_job(pk, worker) for pk in received])

    assert errors == []
    assert statuses == [302] * 30
    assert DataRequest.objects.filter(operator=operator, state=State.RECEIVED).count() == 15
    _assert_consistent(operator, private_storage)
