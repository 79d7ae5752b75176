"""Sending one recorded webhook: signed per Standard Webhooks, to a public https address only.

Exactly once per row: the row is locked while it is sent and marked in the same transaction, so
two workers never both send it; a worker killed mid-send leaves it pending and it goes again
with the same `webhook-id`, which receivers use to drop a repeat.

Retries: exponential backoff from the row's `next_attempt_at` (1 min doubling, at most 6 h,
jittered); after `MAX_ATTEMPTS` the row is failed. An endpoint that has failed without a single
success for `DSAR_WEBHOOK_DISABLE_AFTER_DAYS` is switched off and the operator's DPO told.
"""

from __future__ import annotations

import json
import random
import time
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter
from standardwebhooks.webhooks import Webhook

from ..models import Membership, Role, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..services.notifications import notify
from ..validators import webhook_target_check as target_check

MAX_ATTEMPTS = 12
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
TIMEOUT = (5, 10)  # connect, read (seconds)
USER_AGENT = "dsar-portal-webhooks/1"


def backoff(attempts: int) -> timedelta:
    ceiling = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    return timedelta(seconds=random.uniform(ceiling.total_seconds() / 2, ceiling.total_seconds()))


def sequence_header(payload: dict) -> dict:
    """The endpoint's message number, also in the signed body (rows recorded before it have none)."""
    return {"webhook-sequence": str(payload["sequence"])} if "sequence" in payload else {}


def sign(*, secret: str, msg_id: str, at: datetime, body: str) -> dict:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address in the URL while TLS is verified against `hostname` (SNI and the
    certificate's name), so the address the guard checked is the one reached."""

    def __init__(self, *, tls_hostname: str | None):
        self._tls_hostname = tls_hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        if self._tls_hostname:
            kwargs.update(server_hostname=self._tls_hostname, assert_hostname=self._tls_hostname)
        super().init_poolmanager(*args, **kwargs)


def pinned_adapter(*, scheme: str, hostname: str) -> HTTPAdapter:
    return _PinnedAdapter(tls_hostname=hostname if scheme == "https" else None)


def pinned_post(url: str, *, address: str, body: bytes, headers: dict) -> requests.Response:
    """POST to `url` through the already checked `address`: no second DNS look-up (rebinding)."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    port = parts.port or (443 if parts.scheme == "https" else 80)
    pinned = urlunsplit((parts.scheme, f"{host}:{port}", parts.path or "/", parts.query, ""))
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: it would resolve the name itself
        session.mount(f"{parts.scheme}://", pinned_adapter(scheme=parts.scheme, hostname=parts.hostname))
        return session.post(
            pinned,
            data=body,
            headers={**headers, "host": parts.netloc.rpartition("@")[2]},
            timeout=TIMEOUT,
            allow_redirects=False,
        )


def _post(endpoint: WebhookEndpoint, row: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    try:
        addresses = target_check(endpoint.url)
    except ValidationError as exc:
        return None, " ".join(exc.messages)
    body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":"))
    headers = sign(secret=endpoint.secret, msg_id=row.msg_id, at=now, body=body) | sequence_header(row.payload)
    try:
        response = pinned_post(endpoint.url, address=addresses[0], body=body.encode(), headers=headers)
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}"[:500]
    return response.status_code, response.text[:500]


def webhook_deliver(*, delivery_id: int, now: datetime | None = None, force: bool = False) -> bool:
    """Send one pending delivery that is due (or any pending one with `force`). True when it was accepted."""
    with transaction.atomic():
        row = (
            WebhookDelivery.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        now = now or timezone.now()
        if row is None or (not force and row.next_attempt_at and row.next_attempt_at > now):
            return False
        endpoint = row.endpoint
        if not endpoint.is_active:
            return False
        started = time.monotonic()
        code, text = _post(endpoint, row, now)
        ok = code is not None and 200 <= code < 300
        row.attempts += 1
        row.last_status_code, row.last_response = code, text
        WebhookAttempt.objects.create(
            delivery=row, at=now, status_code=code, response=text, duration_ms=int((time.monotonic() - started) * 1000)
        )
        if ok:
            row.status, row.sent_at, row.next_attempt_at = WebhookDelivery.Status.SENT, now, None
            WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(failing_since=None)
        elif row.attempts >= MAX_ATTEMPTS:
            row.status, row.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            row.next_attempt_at = now + backoff(row.attempts)
        if not ok:
            WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
        row.save(
            update_fields=["attempts", "last_status_code", "last_response", "status", "sent_at", "next_attempt_at"]
        )
    return ok


def webhook_send_again(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Staff's "send again": the same message (same webhook-id) goes out once more, now."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(pk=delivery_id).update(status=WebhookDelivery.Status.PENDING, next_attempt_at=now)
    webhook_deliver(delivery_id=delivery_id, now=now, force=True)
    return WebhookDelivery.objects.get(pk=delivery_id)


def endpoints_disable_failing(*, now: datetime | None = None) -> int:
    """Switch off endpoints failing for days, and tell each operator's DPO once."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DSAR_WEBHOOK_DISABLE_AFTER_DAYS)
    disabled = 0
    for endpoint in WebhookEndpoint.objects.filter(is_active=True, failing_since__lt=cutoff).select_related("operator"):
        with transaction.atomic():
            if not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
                is_active=False, disabled_at=now
            ):
                continue
            disabled += 1
            operator = endpoint.operator
            dpos = Membership.objects.filter(operator=operator, role=Role.DPO, user__is_active=True).select_related(
                "user"
            )
            recipients = [m.user.email for m in dpos if m.user.email] or [operator.contact_email]
            for email in recipients:
                notify(
                    key=f"webhook-disabled:{endpoint.pk}:{int(now.timestamp())}:{email}",
                    channel="email",
                    to=email,
                    template="webhook_disabled",
                    language=operator.default_language,
                    context={
                        "operator_name": operator.short_name,
                        "url": endpoint.url,
                        "since": endpoint.failing_since,
                        "days": settings.DSAR_WEBHOOK_DISABLE_AFTER_DAYS,
                    },
                )
    return disabled


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
