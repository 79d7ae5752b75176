"""The machine-readable copy of an access answer: JSON and CSV in a zip, kept as a private attachment.

The portal serves it to the subject only behind a fresh confirmation code; it is never e-mailed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from ..csvsafe import csv_cell
from ..files import atomic_with_files, file_store
from ..letters.selectors import REGISTER_FIELDS, register_rows
from ..models import Attachment, DataRequest, Event
from ..models.letters import AccessRecord
from ..workflow import authority_accepted

RECORD_FIELDS = ["category", "content", "source", "file", "recorded_at"]
# Fixed member timestamps: the same data gives the same zip, byte for byte.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _csv(rows: list[dict], fields: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    # BOM: Excel then reads Cyrillic and Kazakh letters as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_payload(*, request: DataRequest, now: datetime) -> dict:
    operator = request.operator
    language = request.language if request.language in ("kk", "ru", "en") else operator.default_language
    tz = operator.tz
    records = [
        {
            "category": r.category,
            "content": r.content,
            "source": r.source,
            "file": r.attachment.original_name if r.attachment_id else "",
            "recorded_at": timezone.localtime(r.created_at, tz).isoformat(),
        }
        for r in AccessRecord.objects.filter(request=request).select_related("attachment")
    ]
    register = register_rows(operator=operator, language=language)
    return {
        "format": "dsar-export/1",
        "generated_at": timezone.localtime(now, tz).isoformat(),
        "operator": {
            "name": operator.legal_name(language),
            "bin_iin": operator.bin_iin,
            "address": operator.translated("legal_address", language),
            "contact": operator.contact_email,
            "responsible_person": operator.translated("responsible_person", language),
        },
        "request": {
            "reference": request.reference,
            "kind": request.kind,
            "received_at": timezone.localtime(request.received_at, tz).isoformat() if request.received_at else None,
        },
        "subject": {
            "name": request.subject_name,
            "email": request.subject_email,
            "phone": request.subject_phone,
            "iin": request.subject_iin,
        },
        "processing": register,
        "records": records,
    }


def export_zip(payload: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:

        def put(name: str, data: bytes):
            zf.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)

        put("export.json", json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
        put("records.csv", _csv(payload["records"], RECORD_FIELDS))
        put("processing.csv", _csv(payload["processing"], REGISTER_FIELDS))
        subject_row = {**payload["subject"], "reference": payload["request"]["reference"]}
        put("subject.csv", _csv([subject_row], ["reference", "name", "email", "phone", "iin"]))
    return buf.getvalue()


def export_create(*, request: DataRequest, actor=None, now: datetime | None = None) -> Attachment:
    """Build the zip and store it as Attachment(purpose="export"); the audit event keeps its digest.

    Refuses (PermissionDenied) while a representative's authority is not accepted: nothing is disclosed before."""
    if not authority_accepted(request):
        raise PermissionDenied("The representative's authority has not been accepted; nothing may be disclosed.")
    now = now or timezone.now()
    data = export_zip(export_payload(request=request, now=now))
    digest = hashlib.sha256(data).hexdigest()
    with atomic_with_files():
        attachment = Attachment(
            request=request,
            purpose=Attachment.Purpose.EXPORT,
            original_name=f"{request.reference}-export.zip",
            content_type="application/zip",
            size=len(data),
            sha256=digest,
            uploaded_by=actor,
        )
        file_store(attachment.file, ContentFile(data), name=f"{request.reference}-export.zip")
        attachment.save()
        Event.append(
            request=request,
            action="export_created",
            actor=actor,
            actor_label="staff" if actor else "system",
            data={"attachment": attachment.pk, "sha256": digest},
        )
    return attachment
