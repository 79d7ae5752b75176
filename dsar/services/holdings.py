"""What the operator holds about the subject, as staff record it for an access answer."""

import hashlib

from ..files import atomic_with_files, file_store
from ..models import Attachment, DataRequest
from ..models.letters import AccessRecord


def attachment_from_upload(*, request: DataRequest, upload, actor) -> Attachment:
    """Store a file staff uploaded for `request` (private storage, generated name, SHA-256 kept).
    Call inside `atomic_with_files()`, so a rolled-back row leaves no file behind."""
    data = upload.read()
    attachment = Attachment(
        request=request,
        purpose=Attachment.Purpose.STAFF,
        original_name=upload.name[:255],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    upload.seek(0)
    file_store(attachment.file, upload, name=upload.name)
    attachment.save()
    return attachment


def access_record_add(
    *, request: DataRequest, actor, category: str, content: str = "", source: str = "", upload=None
) -> AccessRecord:
    """One record of the data held, listed in the access answer and in the subject's export."""
    with atomic_with_files():
        attachment = attachment_from_upload(request=request, upload=upload, actor=actor) if upload else None
        return AccessRecord.objects.create(
            request=request, category=category, content=content, source=source, attachment=attachment, created_by=actor
        )
