"""What every portal view shares: rate limits, private-page headers, status-page sessions."""

import time
from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from ...services.verification import STATUS_SESSION_LIFETIME, status_access_get

SESSION_KEY = "dsar_status"


def ratelimited(request, exception=None):
    """The polite answer to anyone over a rate limit (also settings.RATELIMIT_VIEW)."""
    response = render(
        request,
        "dsar/portal/ratelimited.html",
        {"message": _("Too many attempts. Please wait a few minutes and try again.")},
        status=429,
    )
    response["Retry-After"] = "600"
    add_never_cache_headers(response)
    return response


def over_limit(request, *, group: str, value: str, rate: str) -> bool:
    """Count one attempt for `value` (an e-mail, a token); django-ratelimit stores only a hash of it."""
    if not value:
        return False
    return is_ratelimited(request, group=group, key=lambda _g, _r: value, rate=rate, method=ALL, increment=True)


def private(view):
    """Pages with personal data: never cached by the browser or a proxy, never framed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def access_or_404(token: str):
    access = status_access_get(token=token)
    if access is None:
        raise Http404
    return access


def session_unlock(request, access) -> None:
    store = dict(request.session.get(SESSION_KEY, {}))
    now = time.time()
    store = {k: v for k, v in store.items() if v > now}
    store[str(access.pk)] = now + STATUS_SESSION_LIFETIME.total_seconds()
    request.session[SESSION_KEY] = store


def session_unlocked(request, access) -> bool:
    return request.session.get(SESSION_KEY, {}).get(str(access.pk), 0) > time.time()
