"""The dashboard in Debian's Chromium: charts drawn from the vendored Chart.js, no script errors,
no horizontal scrolling of the page on a phone."""

import os

import pytest

from .fixture import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser(monkeypatch):
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("needs /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM work is done before it starts.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_it_draws_the_charts_on_phone_and_desktop(live_server, world, browser, width):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(world.manager_a.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = world.manager_a.get_session_auth_hash()
    session.save()
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/dashboard/performance/?start={PERIOD[0]}&end={PERIOD[1]}")
    page.wait_for_function("() => window.Chart && document.querySelectorAll('canvas[data-chart]').length > 0")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].map(c => [c.dataset.chart, !!Chart.getChart(c)])"
    )
    assert dict(drawn) == {"on_time_kind": True, "volume": True, "outcomes": True}
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert errors == []
    context.close()
