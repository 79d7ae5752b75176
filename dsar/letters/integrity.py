"""Whether a stored letter is whole: its file, the digest recorded with it and its audit event agree.

Its own module so that both the issuing services and the signature check (signing/verify.py)
use it without importing each other.
"""

import hashlib

from ..models import Event, Letter


def integrity_problem(letter: Letter) -> str:
    """Empty when the stored file, the recorded digest and the audit event agree."""
    if not letter.file or not letter.sha256:
        return "no stored file or digest"
    try:
        with letter.file.open("rb") as fh:
            actual = hashlib.sha256(fh.read()).hexdigest()
    except (FileNotFoundError, OSError):
        return "stored file is missing"
    if actual != letter.sha256:
        return "stored file does not match its digest"
    event = Event.objects.filter(request_id=letter.request_id, action="letter_issued", data__letter=letter.pk).first()
    if event is None:
        return "no audit event records the letter"
    if event.data.get("sha256") != letter.sha256:
        return "digest differs from the one in the audit event"
    if event.compute_payload_digest() != event.payload_digest or event.compute_hash() != event.hash:
        return "the audit event was edited"
    return ""
