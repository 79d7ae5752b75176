"""Issuing, rendering and verifying letters to data subjects.

A letter is issued in two steps. `letter_issue` (inside the caller's transaction) takes the
next outgoing number, freezes what the letter says into `Letter.context`, and queues the
rendering after commit. `letter_render` (in Celery) turns that context into a PDF once,
stores it unchanged and records its SHA-256 in the audit chain. `letter_verify` and
`letters_check` compare the stored file with that digest.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..files import atomic_with_files, file_store
from ..kinds import REFUSAL_BASIS, Kind
from ..models import DataRequest, Event, Letter, LetterKind, Membership, Role
from ..models.letters import AccessRecord, LetterCounter, LetterTemplate
from ..notices import letter_kind_for  # noqa: F401 (re-exported: the one table lives in dsar/notices.py)
from ..outbox import enqueue_on_commit, next_attempt, requeue_after
from . import texts
from .integrity import integrity_problem as _integrity_problem
from .selectors import register_rows

RENDER = "dsar.letters.tasks.render_letter"

logger = logging.getLogger(__name__)

# Crockford-style alphabet: no 0/O, 1/I/L to misread from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12

# Letters whose subject may disagree with the decision: they carry the right to appeal (art. 24).
APPEAL_KINDS = {LetterKind.REFUSAL, LetterKind.PARTLY_FULFILLED, LetterKind.UNBLOCKED, LetterKind.NO_DATA_HELD}
REGISTER_KINDS = {LetterKind.ACCESS_ANSWER, LetterKind.PARTLY_FULFILLED}


class LetterError(ValueError):
    """A letter was asked for that cannot be written (unknown kind, no language...)."""


# --- numbers and codes ------------------------------------------------------------


def letter_number_next(*, operator, at: datetime) -> str:
    """The next outgoing number, e.g. QZT-OUT-2026-000045. Call inside a transaction."""
    year = timezone.localtime(at, operator.tz).year
    counter, _ = LetterCounter.objects.select_for_update().get_or_create(operator=operator, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{operator.reference_prefix}-OUT-{year}-{counter.last:06d}"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


# --- what the letter says -----------------------------------------------------------


def _fmt_date(value: datetime | None, tz) -> str:
    return timezone.localtime(value, tz).strftime("%d.%m.%Y") if value else ""


def _fmt_datetime(value: datetime | None, tz) -> str:
    return timezone.localtime(value, tz).strftime("%d.%m.%Y %H:%M") if value else ""


def _letter_language(request: DataRequest) -> str:
    if request.language in texts.LANGUAGES:
        return request.language
    if request.operator.default_language in texts.LANGUAGES:
        return request.operator.default_language
    return "ru"


def _records_context(request: DataRequest) -> list[dict]:
    rows = AccessRecord.objects.filter(request=request).select_related("attachment")
    return [
        {
            "category": r.category,
            "content": r.content,
            "source": r.source,
            "file": r.attachment.original_name if r.attachment_id else "",
        }
        for r in rows
    ]


def letter_context(*, request: DataRequest, kind: str, now: datetime, extra: dict | None = None) -> dict:
    """Everything the letter will say, as plain JSON. Frozen at issue, so a later edit of the
    request, the texts or the register never changes a letter already sent."""
    operator = request.operator
    tz = operator.tz
    language = _letter_language(request)
    extra = extra or {}
    template = LetterTemplate.objects.filter(operator=operator, kind=kind, language=language).first()
    title, body = (template.title, template.body) if template else texts.default_text(kind, language)
    kind_label = texts.REQUEST_KINDS[language].get(request.kind, request.kind)
    # A representative's request is answered to the representative, on the subject's behalf.
    representative = request.representative_name if request.acting_for_other else ""
    values = _placeholder_values(
        request, language=language, kind_label=kind_label, representative=representative, extra=extra
    )
    context = {
        "language": language,
        "kind": kind,
        "title": texts.fill(title, values),
        "paragraphs": texts.paragraphs(texts.fill(body, values)),
        "date": _fmt_date(now, tz),
        "operator": _operator_context(operator, language),
        "subject": {"name": request.subject_name, "representative": representative},
        "request": {
            "reference": request.reference,
            "kind": request.kind,
            "kind_label": kind_label,
            "received": _fmt_datetime(request.received_at or request.submitted_at, tz),
            "due": _fmt_date(request.due_at, tz),
        },
        "refusal": None,
        "claim_outcome": "",
        "appeal": kind in APPEAL_KINDS,
        "register": None,
        "records": [],
    }
    if _is_refusal(kind, request):
        context["refusal"] = _refusal_context(request, language)
        context["appeal"] = True
    _add_outcome(context, kind=kind, request=request, language=language, extra=extra)
    if kind in REGISTER_KINDS and request.kind == Kind.ACCESS:
        context["register"] = register_rows(operator=operator, language=language)
        context["records"] = _records_context(request)
    return context


def _placeholder_values(
    request: DataRequest, *, language: str, kind_label: str, representative: str, extra: dict
) -> dict:
    """What the $placeholders of a letter's text stand for (texts.PLACEHOLDERS)."""
    tz = request.operator.tz
    return {
        "reference": request.reference,
        "received": _fmt_date(request.received_at or request.submitted_at, tz),
        "due": _fmt_date(request.due_at, tz),
        "subject_name": request.subject_name,
        "addressee": representative or request.subject_name,
        "original": request.duplicate_of.reference if request.duplicate_of_id else "",
        "operator": request.operator.legal_name(language),
        "kind": kind_label,
        "question": extra.get("question", ""),
        "reason": extra.get("reason", "") or request.extension_reason,
        "new_due": _fmt_date(request.due_at, tz),
        "explanation": request.refusal_explanation,
    }


def _operator_context(operator, language: str) -> dict:
    return {
        "name": operator.legal_name(language),
        "bin_iin": operator.bin_iin,
        "address": operator.translated("legal_address", language),
        "email": operator.contact_email,
        "phone": operator.contact_phone,
        "website": operator.website,
        "responsible": operator.translated("responsible_person", language),
    }


def _is_refusal(kind: str, request: DataRequest) -> bool:
    return (
        kind == LetterKind.REFUSAL
        or kind == LetterKind.UNBLOCKED
        or (kind == LetterKind.CLAIM_RESULT and request.outcome == "refused")
    )


def _refusal_context(request: DataRequest, language: str) -> dict:
    ground = request.refusal_ground or "other"
    return {
        "ground": texts.REFUSAL_GROUNDS[language].get(ground, ground),
        "basis": texts.localise_basis(
            request.refusal_basis or REFUSAL_BASIS.get(ground, "") or "Law No. 94-V, art. 24", language
        ),
        "explanation": request.refusal_explanation,
    }


def _add_outcome(context: dict, *, kind: str, request: DataRequest, language: str, extra: dict) -> None:
    """What a claim result, a partly fulfilled or unfounded claim, no data held or a withdrawal adds."""
    if kind == LetterKind.CLAIM_RESULT:
        context["claim_outcome"] = texts.CLAIM_OUTCOMES[language].get(request.outcome, "")
        if request.outcome in ("partly_fulfilled", "claim_unfounded"):
            context["appeal"] = True
            context["paragraphs"].append(request.refusal_explanation)
    elif kind == LetterKind.NO_DATA_HELD and request.refusal_explanation:
        context["paragraphs"].append(request.refusal_explanation)
    elif kind == LetterKind.WITHDRAWN:
        context["paragraphs"].append(texts.withdrawal_reason(extra.get("closed_because", ""), language))


# --- issuing ------------------------------------------------------------------------


def letter_issue(
    *,
    request: DataRequest,
    kind: str,
    actor=None,
    cause: str = "",
    now: datetime | None = None,
    extra: dict | None = None,
) -> Letter:
    """Record the letter (PENDING) in the caller's transaction and queue its PDF after commit.

    With `cause`, issuing twice gives one letter. Takes the operator's letter counter, which is
    held until commit: call it after the request's own rows, before the chain head (see the lock
    order in dsar/workflow.py).
    """
    if kind not in LetterKind.values:
        raise LetterError(f"Unknown kind of letter: {kind!r}")
    if actor is not None:  # staff issuing by hand: their role at this request's operator decides
        from .. import permissions

        permissions.require(actor, "triage", request)
    now = now or timezone.now()
    with transaction.atomic():
        if cause:
            # The unique (request, cause) constraint settles a race; this spares a number.
            existing = Letter.objects.filter(request=request, cause=cause).first()
            if existing:
                return existing
        context = letter_context(request=request, kind=kind, now=now, extra=extra)
        number = letter_number_next(operator=request.operator, at=now)
        letter = Letter.objects.create(
            request=request,
            kind=kind,
            number=number,
            language=context["language"],
            verification_code=_new_code(),
            context=context,
            cause=cause,
            issued_by=actor,
        )
        enqueue_on_commit(RENDER, [letter.pk])
    return letter


# --- rendering ----------------------------------------------------------------------


def _claim(letter_id: int, now: datetime) -> bool:
    """Take the letter for one attempt: due and pending, counted, and leased until the next
    requeue, so a duplicate message does nothing while this attempt runs."""
    return bool(
        Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING, next_attempt_at__lte=now).update(
            attempts=F("attempts") + 1, next_attempt_at=now + requeue_after(), queued_at=now
        )
    )


def letter_render(*, letter_id: int, now: datetime | None = None) -> Letter:
    """Render the PDF once, sign it, store it, record its digest: one step, safe to run twice or
    concurrently (the claim lets one attempt run at a time, and the row lock at the end decides).

    The file is stored only once signed, and the letter is READY (visible to the subject) only
    with that file: a crash between rendering and signing leaves a PENDING letter, no file.
    When the operator cannot sign now (no certificate, expired...), the letter waits without
    spending an attempt, and the operator's administrators are told (signing/alerts.py).
    Any other failure is recorded on the row with its next attempt (dsar/outbox.py); after the
    last one the letter is FAILED and the operator's staff are alerted. Raises Letter.DoesNotExist.
    """
    from .rendering import letter_pdf
    from .signing import Readiness, SigningUnavailable, can_sign_now, sign_letter_pdf

    now = now or timezone.now()
    letter = Letter.objects.select_related("request__operator").get(pk=letter_id)
    if letter.status != Letter.Status.PENDING or not _claim(letter_id, now):
        return letter
    readiness = can_sign_now(operator=letter.request.operator, now=now)
    if not readiness.ok:
        return _signing_wait(letter, readiness, now)
    try:
        pdf = letter_pdf(context=letter.context, number=letter.number, code=letter.verification_code)
        pdf = sign_letter_pdf(letter, pdf, now=now)
    except SigningUnavailable as exc:
        return _signing_wait(letter, Readiness(False, readiness.key, exc.code, str(exc.message)), now)
    except Exception as exc:  # noqa: BLE001 - any failure waits for the next attempt
        _render_failed(letter_id, exc, now)
        return Letter.objects.get(pk=letter_id)
    digest = hashlib.sha256(pdf).hexdigest()
    signature = letter.signature
    with atomic_with_files():
        # Lock order: the letter row, then the chain head (Event.append) last.
        letter = Letter.objects.select_for_update(of=("self",)).select_related("request").get(pk=letter_id)
        if letter.status != Letter.Status.PENDING:
            return letter
        file_store(letter.file, ContentFile(pdf), name=f"{letter.number}.pdf")
        letter.sha256 = digest
        letter.signature = signature
        letter.status = Letter.Status.READY
        letter.rendered_at = timezone.now()
        letter.last_error = ""
        letter.signing_wait_since = None
        letter.save(
            update_fields=["file", "sha256", "signature", "status", "rendered_at", "last_error", "signing_wait_since"]
        )
        request = letter.request
        # The letter is never attached. A letter that a transition caused is announced by that
        # transition's own e-mail (dsar.services.subject); one staff issued by hand gets its own.
        if not letter.cause:
            from ..services.subject_mail import subject_update_notify

            subject_update_notify(request=request, transition_name="letter")
        Event.append(
            request=request,
            action="letter_issued",
            actor=letter.issued_by,
            actor_label="system",
            data={
                "letter": letter.pk,
                "sha256": digest,
                "number": letter.number,
                "kind": letter.kind,
                **({"signer_certificate": signature["certificate_sha256"]} if signature else {}),
            },
            public=True,
        )
    if letter.context.get("register") is not None:
        _offer_export(request, letter.issued_by)
    return letter


def _signing_wait(letter: Letter, readiness, now: datetime) -> Letter:
    """The operator cannot sign now: give back the attempt, try again later, tell its people."""
    from django.db.models.functions import Coalesce

    from .signing.alerts import signing_blocked_alert

    logger.warning("Letter %s waits for a signing certificate: %s", letter.pk, readiness.code)
    with transaction.atomic():
        Letter.objects.filter(pk=letter.pk, status=Letter.Status.PENDING).update(
            attempts=F("attempts") - 1,
            next_attempt_at=now + timedelta(seconds=settings.DSAR_SIGNING_WAIT_RETRY_SECONDS),
            queued_at=None,
            last_error=readiness.message[:300],
            signing_wait_since=Coalesce(F("signing_wait_since"), now),
        )
        signing_blocked_alert(operator=letter.request.operator, readiness=readiness, now=now)
    return Letter.objects.get(pk=letter.pk)


def letters_release_waiting(*, operator, now: datetime | None = None) -> int:
    """A usable certificate arrived: letters waiting for one are due now (the sweep queues them)."""
    return Letter.objects.filter(
        request__operator=operator, status=Letter.Status.PENDING, signing_wait_since__isnull=False
    ).update(next_attempt_at=now or timezone.now(), queued_at=None)


def _render_failed(letter_id: int, exc: Exception, now: datetime) -> None:

    logger.warning("Letter %s could not be rendered", letter_id, exc_info=True)
    with transaction.atomic():
        letter = Letter.objects.select_for_update(of=("self",)).select_related("request__operator").get(pk=letter_id)
        if letter.status != Letter.Status.PENDING:
            return
        letter.last_error = f"{type(exc).__name__}: {exc}"[:300]
        letter.queued_at = None
        retry_at = next_attempt(failures=letter.attempts, now=now)
        if retry_at is None:
            letter.status = Letter.Status.FAILED
            letter_failed_alert(letter=letter)
        else:
            letter.next_attempt_at = retry_at
        letter.save(update_fields=["last_error", "queued_at", "status", "next_attempt_at"])


def _offer_export(request: DataRequest, actor) -> None:
    """The access answer promises a machine-readable copy on the status page: make it now, once."""
    from ..models import Attachment
    from ..services.exports import export_create

    if not Attachment.objects.filter(request=request, purpose=Attachment.Purpose.EXPORT).exists():
        export_create(request=request, actor=actor)


# --- verification -------------------------------------------------------------------


@dataclass(frozen=True)
class LetterCheck:
    """What the public verification page may show: nothing personal."""

    found: bool
    authentic: bool = False
    pending: bool = False
    number: str = ""
    date: str = ""
    operator: str = ""
    problem: str = ""  # for staff and the chain check; never shown publicly
    verdict: object = None  # signing.verify.Verdict of the stored file, when it could be read


def letter_verify(*, code: str) -> LetterCheck:
    code = normalise_code(code)
    letter = Letter.objects.select_related("request__operator").filter(verification_code=code).first() if code else None
    if letter is None:
        return LetterCheck(found=False)
    operator = letter.request.operator
    shown = dict(
        number=letter.number, date=letter.context.get("date", ""), operator=operator.legal_name(letter.language)
    )
    if letter.status != Letter.Status.READY:
        return LetterCheck(found=True, pending=True, **shown)
    problem = _integrity_problem(letter)
    verdict = None
    if not problem:
        from .signing.verify import problem_text, verify_letter_pdf

        with letter.file.open("rb") as fh:
            verdict = verify_letter_pdf(fh.read(), letter=letter)
        if not verdict.ok:
            problem = "; ".join(problem_text(code) for code in verdict.problems) or "signature check failed"
    if problem:
        logger.warning("Letter %s failed verification: %s", letter.pk, problem)
    return LetterCheck(found=True, authentic=not problem, problem=problem, verdict=verdict, **shown)


def letters_check(*, operator_id: int) -> list[str]:
    """Every stored letter of the operator against its digest and audit event; the problems found."""
    problems = []
    letters = Letter.objects.filter(request__operator_id=operator_id, status=Letter.Status.READY).order_by("pk")
    for letter in letters.iterator(chunk_size=500):
        problem = _integrity_problem(letter)
        if problem:
            problems.append(f"letter {letter.number} (id {letter.pk}): {problem}")
    return problems


def letter_failed_alert(*, letter: Letter) -> None:
    """Tell the operator's managers and responsible person that a letter could not be prepared."""
    from ..services.notifications import notify

    request = letter.request
    operator = request.operator
    language = operator.default_language
    staff = (
        Membership.objects.filter(operator=operator, role__in=[Role.MANAGER, Role.DPO], user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )
    targets = [(m.user_id, m.user.email) for m in staff] or [("contact", operator.contact_email)]
    context = {
        "operator_name": operator.legal_name(language),
        "reference": request.reference,
        "number": letter.number,
        "kind": letter.kind,
        "attempts": letter.attempts,
        "url": f"{settings.DSAR_PUBLIC_BASE_URL}/admin/dsar/datarequest/{request.pk}/change/",
    }
    for user_key, email in targets:
        notify(
            key=f"letter-failed:{letter.pk}:{user_key}",
            channel="email",
            to=email,
            template="letter_failed",
            context=context,
            language=language,
            request=request,
        )
    logger.error("Letter %s could not be rendered after %s attempts; staff alerted", letter.pk, letter.attempts)
