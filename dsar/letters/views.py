"""Public pages where anyone holding a letter checks it. They show no personal data.

- `verify` (the QR code's link): the register entry of the code, and the signature of the
  stored file, checked as the upload page checks a file;
- `check_file`: anyone uploads a PDF; it is checked in memory and never stored.
Both verdicts come from signing.verify.verify_letter_pdf, as does `manage.py dsar_letter_verify`.
"""

from django.conf import settings
from django.core.files.uploadhandler import MemoryFileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_ratelimit.decorators import ratelimit

from .services import letter_verify, normalise_code
from .signing.verify import problem_text, verify_letter_pdf


@ratelimit(key="ip", rate="30/m", block=True)
def verify(request):
    raw = request.GET.get("code", "")
    code = normalise_code(raw)
    check = letter_verify(code=code) if code else None
    status = 200
    if raw and not code:
        error = _("Enter the code printed under the QR code, e.g. ABCD-EFGH-JKMN.")
    else:
        error = ""
    if check is not None and not check.found:
        status = 404
    return render(
        request,
        "dsar/letters/verify.html",
        {"check": check, "code": raw[:40], "error": error, "verdict": check.verdict if check else None},
        status=status,
    )


class _InMemoryUpload(MemoryFileUploadHandler):
    """Keeps the uploaded PDF in memory up to DSAR_LETTER_CHECK_MAX_BYTES (never a temporary
    file on disk); a larger upload stops."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = 0 < content_length <= settings.DSAR_LETTER_CHECK_MAX_BYTES + 64 * 1024
        if not self.activated:
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.DSAR_LETTER_CHECK_MAX_BYTES:
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


@csrf_exempt  # the handlers are swapped before the CSRF check reads the body; csrf_protect follows
@ratelimit(key="ip", rate="10/m", method="POST", block=True)
def check_file(request):
    if request.method == "POST":
        request.upload_handlers = [_InMemoryUpload(request)]
    return _check_file(request)


@csrf_protect
def _check_file(request):
    verdict, error, status = None, "", 200
    limit_mb = settings.DSAR_LETTER_CHECK_MAX_BYTES // (1024 * 1024)
    if request.method == "POST":
        upload = request.FILES.get("pdf")
        if upload is None:
            error = _("Choose a PDF file of at most %(mb)s MB.") % {"mb": limit_mb}
            status = 400
        else:
            data = upload.read()
            verdict = verify_letter_pdf(data)
            del data  # checked in memory, kept nowhere
    return render(
        request,
        "dsar/letters/check_file.html",
        {
            "verdict": verdict,
            "error": error,
            "limit_mb": limit_mb,
            "problems": [problem_text(p) for p in verdict.problems] if verdict else [],
        },
        status=status,
    )
