"""Timing must not confirm a (reference, e-mail) pair, and a download link opens once.

The work is counted, not timed: the same SQL statements (by shape) and the same hashing,
whether the pair matches, the e-mail is wrong, or the reference does not exist.
"""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dsar.models import DataRequest, Notification, StatusAccess
from dsar.services import subject, verification

from .conftest import last_code
from .test_status import _letter, _received, _url

pytestmark = pytest.mark.django_db(transaction=True)


def _shape(sql: str) -> str:
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r'"s\d+_x\d+"', "sp", sql)  # savepoint names


def _work(monkeypatch, reference, email):
    hashed = []
    real_hash = verification.token_hash
    monkeypatch.setattr(verification, "token_hash", lambda t: hashed.append(1) or real_hash(t))
    with CaptureQueriesContext(connection) as queries:
        matched = subject.status_link_resend(reference=reference, email=email)
    statements = [_shape(q["sql"]) for q in queries.captured_queries]
    # A rolled-back and a released savepoint are the same amount of work.
    statements = [re.sub(r"^(ROLLBACK TO|RELEASE) SAVEPOINT", "END SAVEPOINT", s) for s in statements]
    # Up to the commit: the page answers then. Sending happens after it, in a worker in production
    # (the eager test settings run it here).
    return matched, statements[: statements.index("COMMIT") + 1], len(hashed)


def test_it_does_the_same_work_whether_or_not_the_pair_matches(client, operator, monkeypatch):
    request, _token = _received(client, operator)
    links, notifications = StatusAccess.objects.count(), Notification.objects.count()
    wrong_email = _work(monkeypatch, request.reference, "intruder@example.kz")
    no_such_reference = _work(monkeypatch, "ZZZ-2026-999999", "dana@example.kz")
    assert (StatusAccess.objects.count(), Notification.objects.count()) == (links, notifications)
    right = _work(monkeypatch, request.reference, "Dana@Example.kz ")
    assert [m[0] for m in (wrong_email, no_such_reference, right)] == [False, False, True]
    assert wrong_email[1:] == no_such_reference[1:] == right[1:]
    assert right[2] >= 1  # the token really is hashed on every path
    assert StatusAccess.objects.count() == links + 1
    assert mail.outbox[-1].to == ["dana@example.kz"]


def test_it_opens_a_download_link_only_once(client, operator):
    request, token = _received(client, operator)
    url = _url("download", token, what="letter", pk=_letter(request).pk)
    client.post(url, {"action": "send"})
    link = client.post(url, {"code": last_code()})["Location"]
    first = client.get(link)
    assert first.status_code == 200
    b"".join(first.streaming_content)
    assert client.get(link).status_code == 410
    assert DataRequest.objects.filter(pk=request.pk).exists()
