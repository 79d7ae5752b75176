"""Retention: closed requests lose their personal data; expired exports and links go.

After the operator's retention period (days from the last contact) a closed request keeps
what proves it was answered on time — reference, kind, dates, outcome, legal ground and the
audit chain — and loses the rest: the subject's and representative's details, the text of
the request and the answer, messages, files, letter PDFs, the notes of its audit events and
the addresses in its notification outbox.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ..models import Attachment, DataRequest, Event, Notification
from ..models.events import PURGED
from ..models.portal import DownloadLink
from ..states import CLOSED_STATES
from .rollup import rollup_apply, snapshot

logger = logging.getLogger(__name__)

PERSONAL_FIELDS = {
    "subject_name": "",
    "subject_email": "",
    "subject_phone": "",
    "subject_iin": "",
    "representative_name": "",
    "representative_email": "",
    "representative_phone": "",
    "description": "",
    "details": {},
    "refusal_explanation": "",
    "extension_reason": "",
}


class RetentionError(Exception):
    """The request may not be purged (still open)."""


def _delete_files_after_commit(names: list[str]) -> None:
    def delete():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Could not delete a purged file; delete it by hand", exc_info=True)

    if names:
        transaction.on_commit(delete)


def request_purge(*, request_id: int, now: datetime | None = None) -> DataRequest:
    """Remove the personal data of one closed request. Idempotent; raises RetentionError if open."""
    now = now or timezone.now()
    with transaction.atomic():
        request = DataRequest.objects.select_for_update(of=("self",), no_key=True).get(pk=request_id)
        if request.state not in CLOSED_STATES:
            raise RetentionError(f"Request {request_id} is still open")
        if request.purged_at is not None:
            return request
        files = [name for name in request.attachments.values_list("file", flat=True) if name]
        files += [name for name in request.letters.values_list("file", flat=True) if name]
        request.attachments.all().delete()
        request.messages.all().delete()
        request.letters.update(file="", context={})
        Notification.objects.filter(request_id=request_id).update(to="", context={})
        redacted = Event.redact(request_id=request_id)
        DataRequest.objects.filter(pk=request_id).update(**PERSONAL_FIELDS, purged_at=now, next_action_at=None)
        # The list makes each redaction verifiable (verify_chain): an erasure no purge lists is tampering.
        Event.append(request=request, action=PURGED, actor_label="system", at=now, data={"redacted": redacted})
        # Nothing a figure counts is personal today, so this adds nothing; it keeps it so.
        rollup_apply(before=snapshot(request), after=snapshot(request, **PERSONAL_FIELDS))
        _delete_files_after_commit(files)
    return DataRequest.objects.get(pk=request_id)


def exports_purge(*, now: datetime | None = None) -> int:
    """Delete data exports older than DSAR_EXPORT_TTL_HOURS and expired download links."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.DSAR_EXPORT_TTL_HOURS)
    with transaction.atomic():
        deleted = DownloadLink.objects.filter(expires_at__lt=now).delete()[0]
        exports = Attachment.objects.filter(purpose=Attachment.Purpose.EXPORT, created_at__lt=cutoff)
        files = [name for name in exports.values_list("file", flat=True) if name]
        deleted += exports.delete()[0]
        _delete_files_after_commit(files)
    return deleted
