"""Fixtures for the staff admin browser tests (kept apart from tests/e2e/conftest.py, which the portal owns)."""

from pathlib import Path

import pytest

SCREENS = Path(__file__).resolve().parent.parent.parent / "bench" / "out" / "screens"
PASSWORD = "pw-for-tests-123"


@pytest.fixture
def chromium(browser):
    return browser


@pytest.fixture
def admin_page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def staff_with_totp(transactional_db):
    """A DPO of one operator, with a TOTP device whose key the test knows."""
    from dsar.demo.staff_otp import ensure_demo_device
    from tests.factories import OperatorFactory, staff_user

    operator = OperatorFactory(short_name="Qazeta Test")
    user = staff_user(operator, "dpo", username="e2e-dpo", first_name="Saule", last_name="Test")
    device = ensure_demo_device(user)
    return operator, user, device


def totp_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key):06d}"


def log_in(page, base_url, user, device):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", totp_code(device))
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def screenshot(page, name: str):
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
