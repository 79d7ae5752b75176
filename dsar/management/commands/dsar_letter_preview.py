"""manage.py dsar_letter_preview --operator SLUG --letter NAME --language LANG --out FILE

A sample letter of the operator, rendered and signed through the same path as a real one
(letter_issue, then the delivery's render step: render, sign, store), so an operator checks its
letterhead, texts and stamp. Everything it writes is rolled back: no request, number, audit
event or file stays; only FILE is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dsar.files import atomic_with_files
from dsar.kinds import Kind
from dsar.letters.services import letter_issue, letter_render
from dsar.models import DataRequest, Letter, LetterKind, Operator

# The kind of request each letter answers in the sample.
REQUEST_KIND = {
    LetterKind.ACKNOWLEDGMENT: Kind.ACCESS,
    LetterKind.CLARIFICATION: Kind.RECTIFICATION,
    LetterKind.EXTENSION: Kind.CLAIM,
    LetterKind.FULFILLED: Kind.RECTIFICATION,
    LetterKind.PARTLY_FULFILLED: Kind.RECTIFICATION,
    LetterKind.REFUSAL: Kind.DESTRUCTION,
    LetterKind.BLOCKED: Kind.BLOCKING,
    LetterKind.UNBLOCKED: Kind.BLOCKING,
    LetterKind.DESTROYED: Kind.DESTRUCTION,
    LetterKind.CLAIM_RESULT: Kind.CLAIM,
    LetterKind.ACCESS_ANSWER: Kind.ACCESS,
    LetterKind.NO_DATA_HELD: Kind.ACCESS,
    LetterKind.WITHDRAWN: Kind.ACCESS,
    LetterKind.DUPLICATE: Kind.ACCESS,
}
SAMPLE = {
    "subject_name": "Әлия Қасымқызы Нұрғалиева",
    "subject_email": "preview@example.invalid",
    "subject_phone": "+77010000000",
}
SAMPLE_TEXT = {
    "kk": "Үлгі мәтін: бұл хатты алдын ала қарау.",
    "ru": "Образец текста: предварительный просмотр письма.",
    "en": "Sample text: a preview of the letter.",
}


class _Discard(Exception):
    """Raised to roll the sample back once its file is read."""


class Command(BaseCommand):
    help = "Render a sample letter of an operator, signed as a real one, into a PDF file (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--operator", required=True, help="the operator's slug")
        parser.add_argument("--letter", required=True, choices=sorted(LetterKind.values), help="kind of letter")
        parser.add_argument("--language", required=True, choices=["kk", "ru", "en"])
        parser.add_argument("--out", required=True, help="where to write the PDF")

    def handle(self, *args, operator, letter, language, out, **options):
        op = Operator.objects.filter(slug=operator).first()
        if op is None:
            raise CommandError(f"No operator with the slug {operator!r}.")
        data = b""
        try:
            with atomic_with_files():
                data = self.render(op, letter, language)
                raise _Discard
        except _Discard:
            pass
        Path(out).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"{out}: {len(data)} bytes, signed as {op.short_name}'s letters are."))

    def render(self, operator, kind: str, language: str) -> bytes:
        from dsar.services.intake import request_create

        text = SAMPLE_TEXT[language]
        request = request_create(operator=operator, kind=REQUEST_KIND[kind], language=language, **SAMPLE)
        DataRequest.objects.filter(pk=request.pk).update(
            refusal_ground="other" if kind in (LetterKind.REFUSAL, LetterKind.UNBLOCKED) else "",
            refusal_explanation=text,
            outcome="claim_unfounded" if kind == LetterKind.CLAIM_RESULT else "",
            duplicate_of=request if kind == LetterKind.DUPLICATE else None,
        )
        request.refresh_from_db()
        issued = letter_issue(request=request, kind=kind, extra={"question": text, "reason": text})
        rendered = letter_render(letter_id=issued.pk, now=timezone.now())
        if rendered.status != Letter.Status.READY:
            raise CommandError(f"The letter could not be rendered and signed: {rendered.last_error}")
        with rendered.file.open("rb") as fh:
            return fh.read()
