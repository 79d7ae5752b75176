"""Two copies of one POST at the same moment (a client retrying before the first answer came)
create one request; the second waits for the first and replays its answer."""

import threading
import time

import pytest
from django.db import connection

from dsar.models import DataRequest

from .conftest import SUBMIT, api_client, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_retries_create_one_request(monkeypatch):
    from dsar.api import views
    from tests.factories import OperatorFactory

    operator = OperatorFactory()
    raw = api_client(operator, ["submit"]).raw_key
    original = views.request_submit_api

    def slow(**kwargs):
        result = original(**kwargs)
        time.sleep(0.5)  # the first call still holds its transaction when the copy arrives
        return result

    monkeypatch.setattr(views, "request_submit_api", slow)
    answers, barrier = [], threading.Barrier(2)

    def call():
        from rest_framework.test import APIClient

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        barrier.wait()
        try:
            answers.append(post(client, "/api/v1/requests/", SUBMIT, key="retry-1"))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert len({a.json()["reference"] for a in answers}) == 1
    assert DataRequest.objects.count() == 1
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
