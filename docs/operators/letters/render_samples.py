"""Render one sample of each kind of letter (in the language given) to PDF and PNG under docs/operators/letters/.

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python docs/operators/letters/render_samples.py [kk ru en]

Works inside a transaction that is rolled back: the database is left as it was.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402

from dsar.demo.register import REGISTERS  # noqa: E402
from dsar.letters.services import letter_issue, letter_render  # noqa: E402
from dsar.models import LetterKind, Operator  # noqa: E402
from dsar.models.letters import AccessRecord, ProcessingActivity  # noqa: E402
from tests.letters.helpers import request_ready_for  # noqa: E402

OUT = ROOT / "docs" / "operators" / "letters"


def main(languages):
    storage = tempfile.mkdtemp()
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": storage}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        with transaction.atomic():
            operator = Operator.objects.create(
                slug="sample-qaztracker",
                short_name="QAZTRACKER",
                name_en='LLP "QAZTRACKER"',
                name_ru='ТОО "QAZTRACKER"',
                name_kk='"QAZTRACKER" ЖШС',
                bin_iin="240640012348",
                legal_address="Astana, Mangilik El 55, office 12",
                contact_email="privacy@qaztracker.example.kz",
                contact_phone="+7 717 200 00 00",
                website="https://qaztracker.example.kz",
                responsible_person="Е. Касымова",
                languages=["kk", "ru", "en"],
                reference_prefix="SMP",
            )
            for language, rows in REGISTERS["digital-kazakhstan"].items():
                for order, row in enumerate(rows, 1):
                    ProcessingActivity.objects.create(operator=operator, language=language, order=order, **row)
            for language in languages:
                for kind in LetterKind.values:
                    request = request_ready_for(
                        operator, kind, language=language, subject_name="Әлия Қасымқызы Нұрғалиева"
                    )
                    if kind == LetterKind.ACCESS_ANSWER:
                        AccessRecord.objects.create(
                            request=request, category="E-mail", content="aliya@example.kz", source="CRM"
                        )
                    letter = letter_render(letter_id=letter_issue(request=request, kind=kind).pk)
                    stem = OUT / f"{kind}-{language}"
                    stem.with_suffix(".pdf").write_bytes(letter.file.read())
                    subprocess.run(
                        [
                            "pdftoppm",
                            "-r",
                            "60",
                            "-png",
                            "-singlefile",
                            "-f",
                            "1",
                            "-l",
                            "1",
                            str(stem.with_suffix(".pdf")),
                            str(stem),
                        ],
                        check=True,
                    )
                    stem.with_suffix(".pdf").unlink()
                    print(stem.with_suffix(".png").name)
            transaction.set_rollback(True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["kk", "ru", "en"])
