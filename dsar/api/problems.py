"""Every API error as `application/problem+json` (RFC 9457): type, title, status, detail, and
`errors` (field -> messages) for invalid input. Nothing else reaches the client: an unexpected
exception is logged and answered with a bare 500 problem, never a traceback."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_handler

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "https://dsar.example.kz/problems/"
CONTENT_TYPE = "application/problem+json"


PLACEHOLDER_TITLES = {
    "method_not_allowed": gettext_lazy("This method is not allowed here."),
    "unsupported_media_type": gettext_lazy("This media type is not supported."),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict"
    default_code = "conflict"


def problem_body(*, status_code: int, code: str, title: str, detail: str = "", errors: dict | None = None) -> dict:
    body = {"type": PROBLEM_TYPE + code, "title": str(title), "status": status_code}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    return body


def problem_response(**kwargs) -> JsonResponse:
    body = problem_body(**kwargs)
    return JsonResponse(body, status=body["status"], content_type=CONTENT_TYPE)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as one level: {"subject.email": [...], "records.0.category": [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and any(isinstance(v, (dict, list)) for v in detail):
        for index, value in enumerate(detail):
            if value:
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        messages = detail if isinstance(detail, list) else [detail]
        out.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)
    return out


def _title(exc) -> str:
    """The same title for every problem of a type (RFC 9457); DRF's default texts with a
    placeholder ("{media_type}") are the detail, formatted, never the title."""
    default = str(exc.default_detail)
    if "{" not in default:
        return default
    return str(PLACEHOLDER_TITLES.get(exc.default_code, _("The request cannot be handled.")))


def exception_handler(exc, context):
    # Domain errors first: they carry the same messages staff see in the admin.
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return problem_response(
            status_code=422,
            code="invalid-input",
            title=_("The input is not valid."),
            errors={k: [str(m) for m in v] for k, v in errors.items()},
        )
    if isinstance(exc, (TransitionNotAllowed, ConcurrentTransition)):
        return problem_response(
            status_code=409,
            code="not-possible-now",
            title=_("That step is not possible for this request now."),
            detail=str(exc),
        )
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return problem_response(status_code=500, code="server-error", title=_("Something went wrong on our side."))
    code = getattr(exc, "default_code", "error").replace("_", "-")
    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            status_code=400, code="invalid-input", title=_("The input is not valid."), errors=_flatten(exc.detail)
        )
    else:
        detail = exc.detail if isinstance(exc.detail, str) else ""
        title = _title(exc)
        body = problem_body(
            status_code=response.status_code,
            code=code,
            title=title,
            detail=detail if detail not in (title, str(exc.default_detail)) else "",
        )
    problem = JsonResponse(body, status=response.status_code, content_type=CONTENT_TYPE)
    for header in ("Retry-After", "WWW-Authenticate", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
