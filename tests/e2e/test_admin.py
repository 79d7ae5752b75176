"""Staff in a real browser: second-factor login, a request from received to fulfilled, a refusal with a ground."""

import pytest

from dsar.models import DataRequest
from dsar.services.transitions import transition
from tests.e2e.admin_fixtures import admin_page, chromium, log_in, screenshot, staff_with_totp  # noqa: F401
from tests.factories import make_request

pytestmark = pytest.mark.e2e


def _received(operator, **fields):
    request_obj = make_request(operator, **fields)
    transition(request_obj.pk, "confirm_identity")
    return request_obj


def test_it_logs_in_with_the_second_factor_and_fulfils_a_request(live_server, admin_page, staff_with_totp):
    operator, user, device = staff_with_totp
    request_obj = _received(operator, subject_name="Aliya Serikova", subject_email="aliya@example.kz")
    page = admin_page
    log_in(page, live_server.url, user, device)
    assert page.locator(".dsar-queues").is_visible()
    screenshot(page, "admin-index")

    page.goto(f"{live_server.url}/admin/dsar/datarequest/?queue=unassigned")
    page.click(f"text={request_obj.reference}")
    page.wait_for_selector(".dsar-person")
    assert page.locator("text=Aliya Serikova").is_visible()
    screenshot(page, "admin-request-received")

    page.click("#transition-start_work")
    page.wait_for_selector("#transition-form")
    page.click("input[name=confirm]")
    page.wait_for_selector("#transition-fulfil")
    assert DataRequest.objects.get(pk=request_obj.pk).state == "in_progress"

    page.click("#transition-fulfil")
    page.wait_for_selector("#transition-form")
    page.click("input[name=confirm]")
    page.wait_for_selector(".dsar-state.state-fulfilled")
    done = DataRequest.objects.get(pk=request_obj.pk)
    assert (done.state, done.assignee_id) == ("fulfilled", user.pk)

    page.goto(f"{live_server.url}/admin/dsar/datarequest/?queue=closed")
    assert page.locator(f"text={request_obj.reference}").is_visible()
    screenshot(page, "admin-list")


def test_it_refuses_a_request_with_a_ground(live_server, admin_page, staff_with_totp):
    operator, user, device = staff_with_totp
    request_obj = _received(operator, kind="destruction")
    transition(request_obj.pk, "start_work", actor=user)
    page = admin_page
    log_in(page, live_server.url, user, device)
    page.goto(f"{live_server.url}/admin/dsar/datarequest/{request_obj.pk}/change/")
    page.click("#transition-refuse")
    # Only the grounds that fit a destruction request are offered.
    page.wait_for_selector("#id_ground")
    values = [o.get_attribute("value") for o in page.locator("#id_ground option").all()]
    assert values == ["", "lawful_storage_period_runs", "law_requires_keeping", "identity_not_proven", "other"]
    page.select_option("#id_ground", "law_requires_keeping")
    assert page.input_value("#id_basis") == "Law No. 94-V, art. 18"
    page.fill("#id_explanation", "Tax law requires us to keep invoices for five years.")
    screenshot(page, "admin-refuse-form")
    page.click("input[name=confirm]")
    page.wait_for_selector(".dsar-state.state-refused")
    refused = DataRequest.objects.get(pk=request_obj.pk)
    assert (refused.state, refused.refusal_ground, refused.refusal_basis) == (
        "refused",
        "law_requires_keeping",
        "Law No. 94-V, art. 18",
    )


def test_it_keeps_out_a_login_without_the_code(live_server, admin_page, staff_with_totp):
    operator, user, device = staff_with_totp
    page = admin_page
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests-123")
    page.click("input[type=submit]")
    assert page.locator(".errornote").is_visible()
    page.goto(f"{live_server.url}/admin/dsar/datarequest/")
    assert "/admin/login/" in page.url
    screenshot(page, "admin-login")
