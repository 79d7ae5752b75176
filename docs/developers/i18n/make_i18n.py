"""Kazakh and Russian screenshots of the portal, the staff request page and the dashboard.

Run against a development server with demo data (bin/dev), from the repository root:
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python docs/developers/i18n/make_i18n.py [base_url]
(with the same DSAR_VAR_DIR / DATABASE_URL as the server). Staff log in with the demo password and
the demo TOTP code; a subject's status page is unlocked through a fresh status link.
"""

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM runs next to Playwright's sync API
ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from dsar.demo.operators import DEMO_PASSWORD  # noqa: E402
from dsar.demo.staff_otp import current_code  # noqa: E402
from dsar.models import DataRequest  # noqa: E402
from dsar.states import State  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OPERATOR = "qaztracker"


def shoot(page, name, widths=(390, 1280)):
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)


def status_url(language: str) -> str:
    """A fresh status link of a demo request that has a timeline, unlocked the way a subject unlocks it."""
    from dsar.services.verification import status_link_create

    request = (
        DataRequest.objects.filter(operator__slug=OPERATOR, state=State.AWAITING_SUBJECT).first()
        or DataRequest.objects.filter(operator__slug=OPERATOR).exclude(state=State.AWAITING_IDENTITY).first()
    )
    token = status_link_create(request=request)
    return request, token, f"{BASE}/{language}/r/{token}/"


def unlock(page, url, token):
    """The browser session a subject has after entering the e-mailed code (the code step itself is
    in make.py; here the demo's mail backlog would only slow this down)."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpRequest

    from dsar.portal.views.common import session_unlock
    from dsar.services.verification import status_access_get

    fake = HttpRequest()
    fake.session = SessionStore()
    session_unlock(fake, status_access_get(token=token))
    fake.session.save()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": fake.session.session_key, "url": BASE}])


def staff_login(page, language: str):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": BASE}])
    page.goto(f"{BASE}/admin/login/")
    page.fill("[name=username]", f"{OPERATOR}-manager")
    page.fill("[name=password]", DEMO_PASSWORD)
    page.fill("[name=otp_token]", current_code())
    page.click("input[type=submit]")


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for language in ("kk", "ru"):
            page = browser.new_context().new_page()
            page.goto(f"{BASE}/{language}/o/{OPERATOR}/")
            shoot(page, f"i18n-operator-{language}")
            page.goto(f"{BASE}/{language}/o/{OPERATOR}/request/claim/")
            shoot(page, f"i18n-form-{language}")
            request, token, url = status_url(language)
            unlock(page, url, token)
            page.goto(url)
            shoot(page, f"i18n-status-{language}")
            page.close()

            page = browser.new_context().new_page()
            staff_login(page, language)
            page.goto(f"{BASE}/admin/dsar/datarequest/?queue=open")
            shoot(page, f"i18n-admin-list-{language}", widths=(1280,))
            page.goto(f"{BASE}/admin/dsar/datarequest/{request.pk}/change/")
            shoot(page, f"i18n-admin-request-{language}", widths=(1280,))
            page.goto(f"{BASE}/dashboard/")
            shoot(page, f"i18n-dashboard-{language}", widths=(1280,))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
