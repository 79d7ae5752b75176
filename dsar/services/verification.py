"""One-time codes, status-page links and expiring download links.

Every answer here is the same whether or not the operator knows the person: a code
is issued and sent for every request, and a wrong code never says why it was wrong.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import DataRequest, DownloadLink, OneTimeCode, StatusAccess
from ..models.insert import insert_new
from ..models.portal import CodePurpose
from .notifications import notify

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
DOWNLOAD_LINK_LIFETIME = timedelta(minutes=10)
# An unlocked status page stays open this long in the browser session.
STATUS_SESSION_LIFETIME = timedelta(minutes=30)


def _code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"dsar-code:{code}".encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> str:
    # 32 random bytes: 256 bits, well above the 128 the issue asks for.
    return secrets.token_urlsafe(32)


def code_recipient(*, request: DataRequest, purpose: str) -> tuple[str, str]:
    """(channel, address) a code for `purpose` goes to: the requester, who may be a representative."""
    if purpose == CodePurpose.PHONE:
        phone = request.representative_phone if request.acting_for_other else request.subject_phone
        return "sms", phone
    return "email", request.requester_email


def code_issue(*, request: DataRequest, purpose: str, now: datetime | None = None, first: bool = False) -> None:
    """Make a new code for `purpose`, kill older ones, and send it after commit.

    `first`: the request was created in this transaction, so there is no older code to kill.
    """
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    channel, to = code_recipient(request=request, purpose=purpose)
    # No savepoint of its own: an error rolls back the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        if not first:
            OneTimeCode.objects.filter(request=request, purpose=purpose, used_at__isnull=True).update(superseded=True)
        otc = OneTimeCode(
            request=request,
            purpose=purpose,
            code_hash=_code_hash(code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
            max_attempts=CODE_MAX_ATTEMPTS,
        )
        insert_new(otc)
        notify(
            key=f"code:{otc.pk}",
            channel=channel,
            to=to,
            template="portal_code",
            context={
                "code": code,
                "purpose": purpose,
                "minutes": int(CODE_LIFETIME.total_seconds() // 60),
                "operator_name": request.operator.short_name,
                "reference": request.reference,
            },
            language=request.language,
            request=request,
        )


def code_check(*, request: DataRequest, purpose: str, code: str, now: datetime | None = None) -> bool:
    """True once for the right, live code; False for wrong, expired, used or exhausted ones."""
    now = now or timezone.now()
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        otc = (
            OneTimeCode.objects.select_for_update()
            .filter(request=request, purpose=purpose, used_at__isnull=True, superseded=False, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if otc is None or otc.attempts >= otc.max_attempts:
            return False
        otc.attempts += 1
        if not (code.isdigit() and hmac.compare_digest(otc.code_hash, _code_hash(code))):
            otc.save(update_fields=["attempts"])
            return False
        otc.used_at = now
        otc.save(update_fields=["attempts", "used_at"])
        return True


def code_confirmed(*, request: DataRequest, purpose: str) -> bool:
    return OneTimeCode.objects.filter(request=request, purpose=purpose, used_at__isnull=False).exists()


def identity_purposes(*, request: DataRequest) -> list[str]:
    """What the requester must confirm: always the e-mail; the phone when the operator asks for it."""
    purposes = [CodePurpose.EMAIL]
    if request.operator.require_phone_confirmation:
        purposes.append(CodePurpose.PHONE)
    return purposes


# --- status page links ------------------------------------------------------------


def status_link_create(*, request: DataRequest, now: datetime | None = None) -> str:
    """A new status-page token for the request. Only its hash is kept; the caller sends the token."""
    token = token_new()
    # By id: the sweep passes a lightweight row, not a model instance.
    insert_new(StatusAccess(request_id=request.pk, token_hash=token_hash(token), created_at=now or timezone.now()))
    return token


def status_access_get(*, token: str) -> StatusAccess | None:
    if not token or len(token) > 100:
        return None
    return (
        StatusAccess.objects.select_related("request", "request__operator")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


# --- downloads ---------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    file: object
    filename: str
    content_type: str


def download_link_create(*, request: DataRequest, letter=None, attachment=None, now: datetime | None = None) -> str:
    now = now or timezone.now()
    token = token_new()
    DownloadLink.objects.create(
        request=request,
        token_hash=token_hash(token),
        letter=letter,
        attachment=attachment,
        created_at=now,
        expires_at=now + DOWNLOAD_LINK_LIFETIME,
    )
    return token


def download_resolve(*, request: DataRequest, token: str, now: datetime | None = None) -> Download | None:
    """The file behind a live link of this request, or None. A link never crosses requests."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        return None
    link = (
        DownloadLink.objects.select_related("letter", "attachment")
        .filter(token_hash=token_hash(token), request=request, expires_at__gt=now)
        .first()
    )
    if link is None:
        return None
    # Single use: whoever turns 0 into 1 gets the file; a second click, a shared or leaked link gets nothing.
    if not DownloadLink.objects.filter(pk=link.pk, downloads=0).update(downloads=1):
        return None
    if link.letter_id:
        letter = link.letter
        if letter.request_id != request.pk or not letter.file:
            return None
        return Download(letter.file, f"{letter.number or request.reference}.pdf".replace("/", "-"), "application/pdf")
    attachment = link.attachment
    if attachment.request_id != request.pk:
        return None
    return Download(attachment.file, attachment.original_name, attachment.content_type)
