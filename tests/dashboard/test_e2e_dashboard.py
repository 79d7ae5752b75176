"""The dashboard in Debian's Chromium: charts drawn from the vendored Chart.js, no script errors,
no horizontal scrolling of the page on a phone."""

import pytest

from .fixture import PERIOD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_it_draws_the_charts_on_phone_and_desktop(live_server, world, browser, width):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from dsar.demo.staff_otp import ensure_demo_device

    session = SessionStore()  # as after the admin login with a password and a TOTP code
    session[SESSION_KEY] = str(world.manager_a.pk)
    session[BACKEND_SESSION_KEY] = "dsar.permissions.RolePermissionBackend"
    session[HASH_SESSION_KEY] = world.manager_a.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = ensure_demo_device(world.manager_a).persistent_id
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
