"""No private file outlives its row: rolled-back writes are deleted, the hourly check finds the rest."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from dsar import tasks
from dsar.files import GRACE, atomic_with_files, file_store
from dsar.models import Attachment, Letter, LetterKind
from dsar.services import subject
from dsar.services.subject import request_submit
from tests.factories import make_request

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


@pytest.fixture(autouse=True)
def private(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path / "private"


def on_disk(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_it_leaves_no_upload_when_the_submission_rolls_back(operator, private, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("mail outbox unavailable")

    monkeypatch.setattr(subject, "code_issue", broken)
    fields = dict(kind="access", subject_name="Dana Serikova", subject_email="dana@example.kz")
    uploads = [SimpleUploadedFile("id.png", PNG, content_type="image/png") for _ in range(2)]
    with pytest.raises(RuntimeError):
        request_submit(operator=operator, fields=fields, evidence=uploads, authority=[])
    assert not Attachment.objects.exists()
    assert on_disk(private) == []


def test_it_leaves_no_letter_pdf_when_its_transaction_rolls_back(operator, private):
    request = make_request(operator)
    with pytest.raises(RuntimeError):
        with atomic_with_files():
            letter = Letter(
                request=request,
                kind=LetterKind.ACKNOWLEDGMENT,
                number="X-1",
                language="en",
                verification_code="ABCDEFGHJKMN",
            )
            file_store(letter.file, ContentFile(b"%PDF-1.4 personal data"), name="X-1.pdf")
            letter.save()
            assert len(on_disk(private)) == 1
            raise RuntimeError("the chain head was busy")
    assert on_disk(private) == []


def _age(path, seconds):
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_it_deletes_old_files_with_no_row_and_reports_how_many(operator, private):
    request = make_request(operator)
    with atomic_with_files():
        kept = Attachment(
            request=request,
            purpose=Attachment.Purpose.EVIDENCE,
            original_name="id.png",
            content_type="image/png",
            size=len(PNG),
            sha256="0" * 64,
        )
        file_store(kept.file, ContentFile(PNG), name="upload")
        kept.save()
    stray_dirs = [private / "letters" / str(operator.pk) / "99", private / "requests" / str(operator.pk) / "98"]
    strays = []
    for d in stray_dirs:
        d.mkdir(parents=True)
        strays.append(d / "left-behind.pdf")
        strays[-1].write_bytes(b"personal data")
    young = private / "letters" / str(operator.pk) / "99" / "in-flight.pdf"
    young.write_bytes(b"a transaction still running")
    for path in [*strays, private / kept.file.name]:
        _age(path, GRACE + 60)

    assert tasks.orphan_files() == {"checked": 4, "found": 2, "deleted": 2}
    assert on_disk(private) == sorted([kept.file.name, str(young.relative_to(private))])
    assert tasks.orphan_files()["found"] == 0


def test_it_counts_without_deleting_on_a_dry_run(operator, private, capsys):
    stray = private / "requests" / "1" / "2" / "x"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    _age(stray, GRACE + 60)
    call_command("dsar_orphan_files", "--dry-run")
    assert "found 1 with no row; deleted 0" in capsys.readouterr().out
    assert stray.exists()
