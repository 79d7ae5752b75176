import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dsar.models import Attachment, DataRequest

from .conftest import form_data

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _post(client, operator, *files):
    url = reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": "rectification"})
    data = form_data(what_is_wrong="Surname", correct_value="Serikova")
    data["documents"] = list(files)
    return client.post(url, data)


def test_it_stores_a_pdf_under_a_generated_name_outside_static(client, operator):
    response = _post(client, operator, SimpleUploadedFile("my passport.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "my passport.pdf"
    assert attachment.content_type == "application/pdf" and attachment.purpose == "evidence"
    assert "passport" not in attachment.file.name
    assert attachment.file.name.startswith(f"requests/{operator.pk}/")


def test_it_refuses_a_disguised_file_with_a_clear_message(client, operator):
    response = _post(client, operator, SimpleUploadedFile("scan.pdf", EXE, content_type="application/pdf"))
    assert response.status_code == 200
    [error] = response.context["form"].errors["documents"]
    assert "scan.pdf" in error and "PDF, JPEG" in error
    assert not DataRequest.objects.exists() and not Attachment.objects.exists()


def test_it_refuses_an_oversize_file_with_a_clear_message(client, operator, settings):
    settings.DSAR_MAX_UPLOAD_BYTES = 1000
    big = PDF + b"0" * 2000
    response = _post(client, operator, SimpleUploadedFile("big.pdf", big, content_type="application/pdf"))
    [error] = response.context["form"].errors["documents"]
    assert "big.pdf" in error and "too large" in error and "1000" in error
    assert not DataRequest.objects.exists() and not Attachment.objects.exists()


def test_it_names_a_file_by_its_content_not_its_claimed_extension(client, operator):
    response = _post(client, operator, SimpleUploadedFile("photo.pdf", PNG, content_type="application/pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "photo.png"


def test_it_saves_nothing_when_one_of_several_files_is_bad(client, operator):
    response = _post(
        client,
        operator,
        SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("bad.pdf", EXE, content_type="application/pdf"),
    )
    assert response.status_code == 200
    assert not DataRequest.objects.exists() and not Attachment.objects.exists()
