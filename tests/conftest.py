import os

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop on the main thread
    from the first browser test to the end of the session.

    Tests marked `integration` need real PostgreSQL and Redis. Without them they skip,
    unless DSAR_REQUIRE_SERVICES=1 (CI), where a missing service is a failure."""
    items.sort(key=lambda item: "e2e" in item.keywords)
    if os.environ.get("DSAR_REQUIRE_SERVICES") == "1":
        return
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    have_services = bool(os.environ.get("REDIS_URL")) and on_postgres
    skip_services = pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets them")
    skip_postgres = pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL; CI sets it")
    for item in items:
        if "integration" in item.keywords and not have_services:
            item.add_marker(skip_services)
        elif "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_postgres)


@pytest.fixture(autouse=True)
def _outbox_bells_quiet():
    """No test starts with a bell another left rung (dsar/outbox.py): on a shared Redis the key
    would outlive the test that set it and silence the next one's wake-ups."""
    from dsar.outbox import answer
    from dsar.services.notifications import BELL

    answer(BELL)


@pytest.fixture
def operator(db):
    from tests.factories import OperatorFactory

    return OperatorFactory()


@pytest.fixture
def roles(db):
    """What each role may do (roles live on memberships; there are no groups to create)."""
    from dsar.permissions import ROLE_PERMISSIONS

    return ROLE_PERMISSIONS


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM) and os.environ.get("DSAR_REQUIRE_SERVICES") != "1":
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # live_server answers from another thread while this one runs Playwright's event loop;
    # Django would otherwise take the test's ORM calls for calls from async code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
