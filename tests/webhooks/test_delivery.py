"""Webhooks end to end: recorded in the transaction, sent after commit to a real server on
127.0.0.1, signed as Standard Webhooks says (checked with the `standardwebhooks` library)."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from dsar.models import Role, WebhookDelivery, WebhookEndpoint
from dsar.services.transitions import transition
from dsar.webhooks.delivery import (
    MAX_ATTEMPTS,
    endpoints_disable_failing,
    target_check,
    webhook_deliver,
    webhook_send_again,
)
from dsar.webhooks.sweep import webhooks_sweep_run
from tests.factories import OperatorFactory, make_request, staff_user

pytestmark = pytest.mark.django_db

EVENTS = ["request.received", "request.transition", "letter.issued"]


@pytest.fixture
def operator(db):
    return OperatorFactory()


def endpoint_for(operator, url, events=EVENTS):
    return WebhookEndpoint.objects.create(operator=operator, url=url, events=events)


def test_it_delivers_signed_events_after_commit(operator, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(operator, receiver.url)
    request = make_request(operator)
    with django_capture_on_commit_callbacks(execute=True):
        transition(request.pk, "confirm_identity")
        assert receiver.received == []  # nothing leaves before the commit
    # The acknowledgment letter is issued after the commit too.
    assert sorted(receiver.events()) == ["letter.issued", "request.received", "request.transition"]
    verifier = Webhook(endpoint.secret)
    for message in receiver.received:
        payload = verifier.verify(message["body"], message["headers"])  # raises on a bad signature
        data = payload["data"].get("request", payload["data"])
        assert data["reference"] == request.reference
        assert "subject_email" not in json.dumps(payload) and "dana@example.kz" not in message["body"]
    ids = [m["headers"]["webhook-id"] for m in receiver.received]
    assert len(ids) == len(set(ids))
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_tampered_message_fails_verification(operator, receiver, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(operator, receiver.url, ["request.received"])
    with django_capture_on_commit_callbacks(execute=True):
        transition(make_request(operator).pk, "confirm_identity")
    message = receiver.received[0]
    from standardwebhooks.webhooks import WebhookVerificationError

    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(message["body"].replace("access", "destruction"), message["headers"])


def test_a_rolled_back_transition_records_nothing(operator, receiver):
    from django.db import transaction

    endpoint_for(operator, receiver.url)
    request = make_request(operator)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            transition(request.pk, "confirm_identity")
            raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_it_retries_with_growing_backoff_and_then_fails(operator, receiver):
    receiver.status = 500
    endpoint = endpoint_for(operator, receiver.url, ["request.received"])
    transition(make_request(operator).pk, "confirm_identity")  # no commit callbacks run: the sweep sends
    row = WebhookDelivery.objects.get()
    now = timezone.now()
    gaps = []
    for _ in range(MAX_ATTEMPTS):
        assert webhook_deliver(delivery_id=row.pk, now=now) is False
        row.refresh_from_db()
        if row.next_attempt_at:
            gaps.append(row.next_attempt_at - now)
            # Not due yet: a second worker (or the sweep) sends nothing before its time.
            assert webhook_deliver(delivery_id=row.pk, now=now) is False
            now = row.next_attempt_at
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS == len(receiver.received)
    assert gaps[-1] > gaps[0] * 8
    assert row.attempt_log.count() == MAX_ATTEMPTS and row.last_status_code == 500
    endpoint.refresh_from_db()
    assert endpoint.failing_since is not None


def test_a_sent_message_is_never_sent_twice(operator, receiver, django_capture_on_commit_callbacks):
    endpoint_for(operator, receiver.url, ["request.received"])
    with django_capture_on_commit_callbacks(execute=True):
        transition(make_request(operator).pk, "confirm_identity")
    row = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery_id=row.pk) is False
    webhooks_sweep_run()
    assert len(receiver.received) == 1


def test_send_again_repeats_the_same_message(operator, receiver, django_capture_on_commit_callbacks):
    endpoint_for(operator, receiver.url, ["request.received"])
    with django_capture_on_commit_callbacks(execute=True):
        transition(make_request(operator).pk, "confirm_identity")
    row = webhook_send_again(delivery_id=WebhookDelivery.objects.get().pk)
    assert row.status == "sent" and row.attempts == 2
    assert receiver.received[0]["headers"]["webhook-id"] == receiver.received[1]["headers"]["webhook-id"]


def test_it_refuses_private_targets_unless_allowed(settings):
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = False
    for url in [
        "http://127.0.0.1:8000/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "http://localhost/x",
    ]:
        with pytest.raises(ValidationError):
            target_check(url)
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = True
    assert target_check("http://127.0.0.1:8000/x") == ["127.0.0.1"]


def test_it_requires_https_when_http_is_not_allowed(settings):
    settings.DSAR_WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(ValidationError):
        target_check("http://127.0.0.1:8000/x")
    assert target_check("https://127.0.0.1:8000/x")


def test_a_private_target_is_not_contacted_even_if_stored(operator, receiver, settings):
    endpoint_for(operator, receiver.url, ["request.received"])
    transition(make_request(operator).pk, "confirm_identity")
    settings.DSAR_WEBHOOK_ALLOW_PRIVATE = False
    row = WebhookDelivery.objects.get()
    assert webhook_deliver(delivery_id=row.pk) is False
    assert receiver.received == []
    row.refresh_from_db()
    assert "private" in row.last_response


def test_an_endpoint_failing_for_days_is_disabled_and_the_dpo_told(operator, django_capture_on_commit_callbacks):
    dpo = staff_user(operator, Role.DPO)
    endpoint = endpoint_for(operator, "http://127.0.0.1:9/hook")
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=now - timedelta(days=2))
    assert endpoints_disable_failing(now=now) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert endpoints_disable_failing(now=now + timedelta(days=2)) == 1
        assert endpoints_disable_failing(now=now + timedelta(days=3)) == 0
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at
    assert [m.to for m in mail.outbox] == [[dpo.email]]


def test_it_tells_of_a_letter_and_of_deadlines(operator, receiver):
    endpoint_for(operator, receiver.url, ["letter.issued", "request.deadline_approaching", "request.overdue"])
    request = make_request(operator, kind="rectification")
    transition(request.pk, "confirm_identity")  # records the acknowledgment letter in the same transaction
    letter = request.letters.get()
    assert letter.kind == "acknowledgment"
    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["letter.issued"]
    assert WebhookDelivery.objects.get().payload["data"]["letter"]["number"] == letter.number
    request.refresh_from_db()
    webhooks_sweep_run(now=request.due_at - timedelta(hours=3))
    webhooks_sweep_run(now=request.due_at - timedelta(hours=2))
    webhooks_sweep_run(now=request.due_at + timedelta(hours=1))
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["letter.issued", "request.deadline_approaching", "request.overdue"]
