"""manage.py dsar_letter_verify FILE: is this PDF an authentic letter of its operator?

Exit 0 only when the signature is intact and covers the whole file, the signer is one of the
operator's registered certificates, and the file's SHA-256 is the register's. The verdict is
signing.verify.verify_letter_pdf, the same one the verify pages show.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from dsar.letters.signing.verify import problem_text, verify_letter_pdf


class Command(BaseCommand):
    help = "Check a letter's PDF: signature, signer and register entry. Exit 0 only when all three hold."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the PDF to check")
        parser.add_argument("--language", default="en", choices=["kk", "ru", "en"])

    def handle(self, *args, file, language, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}", returncode=2) from exc
        verdict = verify_letter_pdf(data)
        with translation.override(language):
            self.report(verdict)
            if not verdict.ok:
                raise CommandError("; ".join(problem_text(p) for p in verdict.problems) or "not authentic")
        self.stdout.write(self.style.SUCCESS("AUTHENTIC"))

    def report(self, verdict):
        def line(label, value):
            self.stdout.write(f"{label:<20} {value}")

        line("sha256", verdict.sha256)
        line("signed", "yes" if verdict.signed else "no")
        if verdict.signed:
            line("signature intact", "yes" if verdict.intact else "NO")
            line("covers whole file", "yes" if verdict.whole_file else "NO")
            line("signer", verdict.signer)
            line("BIN/IIN", verdict.bin_iin or "-")
            line("serial", verdict.serial)
            line("signed at", verdict.signed_at.isoformat() if verdict.signed_at else "-")
            line("timestamped", "yes" if verdict.timestamped else "no")
            line("trusted chain", "yes" if verdict.trusted else "no")
        letter = verdict.letter
        line("register entry", f"{letter.number} ({letter.context.get('date', '')})" if letter else "NONE")
        if letter:
            line("operator's key", "yes" if verdict.operator_match else "NO")
