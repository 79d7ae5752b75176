"""Pages anyone may see: the operators, their rights and windows, and the request form."""

import secrets
import time

from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language
from django_ratelimit.decorators import ratelimit

from ...kinds import KIND_RULES, DeadlineUnit, Kind
from ...models import Operator
from ...services.subject import request_submit
from ..forms import KindChoiceForm, RequestForm, blank_form_html
from ..texts import KIND_HELP, RIGHTS
from .common import over_limit, private, ratelimited


def home(request):
    operators = Operator.objects.filter(is_active=True).order_by("short_name")
    return render(request, "dsar/portal/home.html", {"operators": operators})


# Operators with their policies, by slug, kept briefly in each process: the form's GET and
# POST need them and they change rarely. Saving or deleting an operator or a policy empties
# this cache at once in the process that saved (portal/signals.py); other processes see the
# change within OPERATOR_CACHE_SECONDS.
OPERATOR_CACHE_SECONDS = 30
_OPERATORS: dict[str, tuple[float, Operator]] = {}


def operators_forget(**_kwargs) -> None:
    _OPERATORS.clear()
    _PAGES.clear()


def _operator(slug: str) -> Operator:
    hit = _OPERATORS.get(slug)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    # The policies come along in one query: kind_windows() and the intake read them all.
    operator = get_object_or_404(Operator.objects.prefetch_related("policies"), slug=slug, is_active=True)
    _OPERATORS[slug] = (time.monotonic() + OPERATOR_CACHE_SECONDS, operator)
    for key in [key for key in _PAGES if key[0] == slug]:
        _PAGES.pop(key, None)  # drawn from the operator as it was
    return operator


# The blank request form page, drawn once per operator (as cached above), kind and language, with
# placeholders where each response differs: the CSRF token, the CSP nonce and the page's own path
# (the language switch returns to it). Half the CPU of a form GET was drawing the same page again.
_PAGES: dict[tuple[str, str, str], str] = {}
_HOLE = secrets.token_hex(8)
_CSRF_HOLE, _NONCE_HOLE, _PATH_HOLE = (f"{_HOLE}{name}" for name in ("csrf", "nonce", "path"))


class _RequestWithHoles:
    """The request as the page template sees it while drawn for the cache."""

    csp_nonce = _NONCE_HOLE

    def __init__(self, request):
        self._request = request

    def get_full_path(self) -> str:
        return _PATH_HOLE

    def __getattr__(self, name):
        return getattr(self._request, name)


def _blank_form_context(operator: Operator, window: dict) -> dict:
    form = RequestForm(operator=operator, kind=window["kind"], language=get_language())
    return {"operator": operator, "window": window, "form": form, "form_html": blank_form_html(form)}


def _blank_form_page_in_full(request, operator: Operator, window: dict) -> HttpResponse:
    return render(request, "dsar/portal/request_form.html", _blank_form_context(operator, window))


def _blank_form_page(request, operator: Operator, window: dict) -> HttpResponse:
    """The unbound form page from the cache (drawn into it the first time), or drawn in full
    when messages wait for the visitor. The form itself is built only when the page is drawn."""
    if len(get_messages(request)):
        return _blank_form_page_in_full(request, operator, window)
    key = (operator.slug, window["kind"], get_language())
    page = _PAGES.get(key)
    if page is None:
        holes = {"request": _RequestWithHoles(request), "csrf_token": _CSRF_HOLE}
        context = {**_blank_form_context(operator, window), **holes}
        page = _PAGES[key] = render_to_string("dsar/portal/request_form.html", context, request)
    page = (
        page.replace(_CSRF_HOLE, get_token(request))
        .replace(_NONCE_HOLE, escape(getattr(request, "csp_nonce", "")))
        .replace(_PATH_HOLE, escape(request.get_full_path()))
    )
    return HttpResponse(page)


def _kind_windows_now(operator: Operator) -> list[dict]:
    """kind_windows() in the current language, kept on the cached operator (so dropped with it)."""
    by_language = operator.__dict__.setdefault("_kind_windows", {})
    language = get_language()
    if language not in by_language:
        by_language[language] = kind_windows(operator)
    return by_language[language]


def kind_windows(operator: Operator) -> list[dict]:
    """Each kind the operator accepts, with its explanation and the window that applies."""
    rows = []
    for kind in Kind:
        policy = operator.policy_for(kind)
        if not policy.enabled:
            continue
        rows.append(
            {
                "kind": kind.value,
                "label": kind.label,
                "help": KIND_HELP[kind],
                "n": policy.deadline_n,
                "working": policy.deadline_unit == DeadlineUnit.WORKING_DAYS,
                "promise": policy.promise_text,
                "in_hours": KIND_RULES[kind].in_hours,
                "extension": policy.extension_allowed,
            }
        )
    return rows


def operator_page(request, slug):
    operator = _operator(slug)
    return render(
        request,
        "dsar/portal/operator.html",
        {
            "operator": operator,
            "windows": _kind_windows_now(operator),
            "rights": RIGHTS,
            "legal_name": operator.legal_name(get_language()),
        },
    )


def kind_choice(request, slug):
    """Step 1: choose the kind. A GET form, so it works without JavaScript."""
    operator = _operator(slug)
    windows = _kind_windows_now(operator)
    form = KindChoiceForm(request.GET or None, kinds=[w["kind"] for w in windows])
    if form.is_valid():
        return redirect("portal:request_form", slug=operator.slug, kind=form.cleaned_data["kind"])
    return render(request, "dsar/portal/kind_choice.html", {"operator": operator, "windows": windows, "form": form})


@private
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def request_form(request, slug, kind):
    """Step 2: the details. Nothing is saved until every field and file passes."""
    operator = _operator(slug)
    window = next((w for w in _kind_windows_now(operator) if w["kind"] == kind), None)
    if window is None:
        return redirect("portal:kind_choice", slug=operator.slug)
    if not (request.POST or request.FILES):
        return _blank_form_page(request, operator, window)
    form = RequestForm(request.POST, request.FILES, operator=operator, kind=kind, language=get_language())
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            # Looks like success to the bot; nothing is stored or sent.
            return render(request, "dsar/portal/sent.html", {"operator": operator})
        fields = form.request_fields()
        requester = fields["representative_email"] if fields["acting_for_other"] else fields["subject_email"]
        if over_limit(request, group="portal-submit-email", value=requester, rate="5/h"):
            return ratelimited(request)
        try:
            submitted = request_submit(
                operator=operator,
                fields=fields,
                evidence=form.cleaned_data.get("documents") or [],
                authority=form.cleaned_data.get("authority_document") or [] if fields["acting_for_other"] else [],
            )
        except ValidationError as exc:
            form.add_error("documents", exc)
        else:
            return redirect("portal:confirm", token=submitted.token)
    return render(request, "dsar/portal/request_form.html", {"operator": operator, "window": window, "form": form})
