"""The public page where anyone holding a letter checks it is authentic. Shows no personal data."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from .services import letter_verify, normalise_code


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
        {"check": check, "code": raw[:40], "error": error},
        status=status,
    )
