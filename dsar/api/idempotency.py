"""`Idempotency-Key` on every POST: a retried call replays the first answer and does nothing twice.

The record is inserted in the same transaction as the work. A concurrent retry waits on the
unique index until the first call commits, then replays its answer; if the first call fails,
its record rolls back with its work and the retry runs afresh. The same key with a different
body is an error (422), never a silent replay of something else.
"""

import functools
import hashlib
import json
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from ..models import IdempotencyRecord
from .problems import problem_response

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
# How long a key's first answer is replayed (the sweep forgets older records).
IDEMPOTENCY_TTL = timedelta(hours=24)


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b" " + request.path.encode() + b"\n")
    digest.update(request.body or b"")
    return digest.hexdigest()


def idempotent(handler):
    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key or len(key) > MAX_LENGTH or not key.isprintable():
            return problem_response(
                status_code=400,
                code="idempotency-key-missing",
                title=_("Send an Idempotency-Key header (at most 255 characters) with every POST."),
            )
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(api_key=request.auth, key=key, fingerprint=fingerprint)
            except IntegrityError:
                record = IdempotencyRecord.objects.get(api_key=request.auth, key=key)
                if record.fingerprint != fingerprint:
                    return problem_response(
                        status_code=422,
                        code="idempotency-key-reused",
                        title=_("This Idempotency-Key was used with a different request."),
                    )
                response = Response(record.body, status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            response = handler(view, request, *args, **kwargs)
            record.status_code = response.status_code
            record.body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            record.save(update_fields=["status_code", "body"])
        return response

    return wrapper


def idempotency_purge(*, now: datetime) -> int:
    """API answers are replayed for IDEMPOTENCY_TTL after the first call, then forgotten."""
    return IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_TTL).delete()[0]
