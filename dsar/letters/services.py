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
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..kinds import REFUSAL_BASIS, Kind
from . import texts
from ..models import DataRequest, Event, Letter, LetterKind
from ..models.letters import AccessRecord, LetterCounter, LetterTemplate
from .selectors import register_for

logger = logging.getLogger(__name__)

# Crockford-style alphabet: no 0/O, 1/I/L to misread from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12

# Letters whose subject may disagree with the decision: they carry the right to appeal (art. 24).
APPEAL_KINDS = {LetterKind.REFUSAL, LetterKind.PARTLY_FULFILLED, LetterKind.UNBLOCKED}
REGISTER_KINDS = {LetterKind.ACCESS_ANSWER, LetterKind.PARTLY_FULFILLED}


class LetterError(ValueError):
    """A letter was asked for that cannot be written (unknown kind, no language...)."""


def letter_kind_for(*, request_kind: str, transition: str) -> str | None:
    """Which letter a transition sends, or None when it sends none."""
    if transition == "confirm_identity":
        return LetterKind.ACKNOWLEDGMENT
    if transition == "ask_subject":
        return LetterKind.CLARIFICATION
    if transition == "extend":
        return LetterKind.EXTENSION
    if transition in ("fulfil", "partly_fulfil", "refuse") and request_kind == Kind.CLAIM:
        return LetterKind.CLAIM_RESULT
    if transition == "fulfil":
        return LetterKind.ACCESS_ANSWER if request_kind == Kind.ACCESS else LetterKind.FULFILLED
    return {
        "partly_fulfil": LetterKind.PARTLY_FULFILLED,
        "refuse": LetterKind.REFUSAL,
        "block": LetterKind.BLOCKED,
        "unblock": LetterKind.UNBLOCKED,
        "destroy": LetterKind.DESTROYED,
    }.get(transition)


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
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:CODE_LENGTH * 2]


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


def _register_context(operator, language: str) -> list[dict]:
    fields = ["name", "purposes", "legal_grounds", "data_categories", "sources", "methods", "recipients",
              "cross_border", "storage_period"]
    return [{f: getattr(a, f) for f in fields} for a in register_for(operator=operator, language=language)]


def _records_context(request: DataRequest) -> list[dict]:
    rows = AccessRecord.objects.filter(request=request).select_related("attachment")
    return [
        {"category": r.category, "content": r.content, "source": r.source,
         "file": r.attachment.original_name if r.attachment_id else ""}
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
    values = {
        "reference": request.reference,
        "received": _fmt_date(request.received_at or request.submitted_at, tz),
        "due": _fmt_date(request.due_at, tz),
        "subject_name": request.subject_name,
        "operator": operator.legal_name(language),
        "kind": kind_label,
        "question": extra.get("question", ""),
        "reason": extra.get("reason", "") or request.extension_reason,
        "new_due": _fmt_date(request.due_at, tz),
        "explanation": request.refusal_explanation,
    }
    context = {
        "language": language,
        "kind": kind,
        "title": texts.fill(title, values),
        "paragraphs": texts.paragraphs(texts.fill(body, values)),
        "date": _fmt_date(now, tz),
        "operator": {
            "name": operator.legal_name(language),
            "bin_iin": operator.bin_iin,
            "address": operator.translated("legal_address", language),
            "email": operator.contact_email,
            "phone": operator.contact_phone,
            "website": operator.website,
            "responsible": operator.translated("responsible_person", language),
        },
        "subject": {"name": request.subject_name},
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
    refused = kind == LetterKind.REFUSAL or kind == LetterKind.UNBLOCKED or (
        kind == LetterKind.CLAIM_RESULT and request.outcome == "refused"
    )
    if refused:
        ground = request.refusal_ground or "other"
        context["refusal"] = {
            "ground": texts.REFUSAL_GROUNDS[language].get(ground, ground),
            "basis": texts.localise_basis(
                request.refusal_basis or REFUSAL_BASIS.get(ground, "") or "Law No. 94-V, art. 24", language
            ),
            "explanation": request.refusal_explanation,
        }
        context["appeal"] = True
    if kind == LetterKind.CLAIM_RESULT:
        context["claim_outcome"] = texts.CLAIM_OUTCOMES[language].get(request.outcome, "")
        if request.outcome == "partly_fulfilled":
            context["appeal"] = True
            context["paragraphs"].append(request.refusal_explanation)
    if kind in REGISTER_KINDS and request.kind == Kind.ACCESS:
        context["register"] = _register_context(operator, language)
        context["records"] = _records_context(request)
    return context


# --- issuing ------------------------------------------------------------------------


def letter_issue(*, request: DataRequest, kind: str, actor=None, cause: str = "", now: datetime | None = None,
                 extra: dict | None = None) -> Letter:
    """Create the letter and queue its PDF after commit. With `cause`, issuing twice gives one letter."""
    if kind not in LetterKind.values:
        raise LetterError(f"Unknown kind of letter: {kind!r}")
    now = now or timezone.now()
    with transaction.atomic():
        # The counter lock serialises issuers of one operator, so the lookup below is race-free.
        number = letter_number_next(operator=request.operator, at=now)
        if cause:
            existing = Letter.objects.filter(request=request, cause=cause).first()
            if existing:
                transaction.set_rollback(True)  # give the number back
                return existing
        context = letter_context(request=request, kind=kind, now=now, extra=extra)
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
        letter_id = letter.pk
        transaction.on_commit(lambda: _queue_render(letter_id))
    return letter


def _queue_render(letter_id: int) -> None:
    from .tasks import render_letter

    render_letter.delay(letter_id)


# --- rendering ----------------------------------------------------------------------


def letter_render(*, letter_id: int) -> Letter:
    """Render the PDF once, store it, record its digest. Safe to run twice or concurrently:
    the row lock decides, and the loser's PDF is thrown away."""
    from .rendering import letter_pdf
    from ..services.notifications import notify

    letter = Letter.objects.get(pk=letter_id)
    if letter.status == Letter.Status.READY:
        return letter
    pdf = letter_pdf(context=letter.context, number=letter.number, code=letter.verification_code)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("request__operator").get(pk=letter_id)
        if letter.status == Letter.Status.READY:
            return letter
        letter.file.save(f"{letter.number}.pdf", ContentFile(pdf), save=False)
        letter.sha256 = digest
        letter.status = Letter.Status.READY
        letter.rendered_at = timezone.now()
        letter.save(update_fields=["file", "sha256", "status", "rendered_at"])
        request = letter.request
        Event.append(
            request=request,
            action="letter_issued",
            actor=letter.issued_by,
            actor_label="system",
            data={"letter": letter.pk, "sha256": digest, "number": letter.number, "kind": letter.kind},
            public=True,
        )
        # The letter is never attached. A letter that a transition caused is announced by that
        # transition's own e-mail (dsar.services.subject); one staff issued by hand gets its own.
        if not letter.cause:
            from ..services.subject import subject_update_notify

            subject_update_notify(request=request, transition_name="letter")
    return letter


def letter_mark_failed(*, letter_id: int) -> None:
    Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING).update(status=Letter.Status.FAILED)


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


def _integrity_problem(letter: Letter) -> str:
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


def letter_verify(*, code: str) -> LetterCheck:
    code = normalise_code(code)
    letter = Letter.objects.select_related("request__operator").filter(verification_code=code).first() if code else None
    if letter is None:
        return LetterCheck(found=False)
    operator = letter.request.operator
    shown = dict(number=letter.number, date=letter.context.get("date", ""), operator=operator.legal_name(letter.language))
    if letter.status != Letter.Status.READY:
        return LetterCheck(found=True, pending=True, **shown)
    problem = _integrity_problem(letter)
    if problem:
        logger.warning("Letter %s failed verification: %s", letter.pk, problem)
    return LetterCheck(found=True, authentic=not problem, problem=problem, **shown)


def letters_check(*, operator_id: int) -> list[str]:
    """Every stored letter of the operator against its digest and audit event; the problems found."""
    problems = []
    letters = Letter.objects.filter(request__operator_id=operator_id, status=Letter.Status.READY).order_by("pk")
    for letter in letters.iterator(chunk_size=500):
        problem = _integrity_problem(letter)
        if problem:
            problems.append(f"letter {letter.number} (id {letter.pk}): {problem}")
    return problems
