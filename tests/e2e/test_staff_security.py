"""Staff security in a real browser: no CSP violation anywhere, self-enrolment, a recovery code, a passkey.

The passkey test uses Chromium's virtual authenticator through the DevTools protocol
(WebAuthn.enable / WebAuthn.addVirtualAuthenticator), so no hardware key is needed.
"""

import base64
import time

import pytest
from django_otp.oath import totp

from dsar.models import StaffSecurityEvent
from dsar.services.transitions import transition
from tests.e2e.admin_fixtures import PASSWORD, admin_page, chromium, log_in, staff_with_totp  # noqa: F401
from tests.factories import make_request

pytestmark = pytest.mark.e2e


def _watch_console(page) -> list[str]:
    problems = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" or "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _csp_violations(problems):
    return [p for p in problems if "Content Security Policy" in p or "Refused to" in p]


def _sign_in_form(page, base, username, code=""):
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", code)
    page.click("input[type=submit]")


def _log_out(page, base):
    page.evaluate("document.querySelector('#logout-form').submit()")
    page.wait_for_load_state()
    page.context.clear_cookies()


def test_it_walks_portal_admin_and_dashboard_without_a_csp_violation(
    live_server, admin_page, staff_with_totp, settings
):
    settings.DEBUG = False
    operator, user, device = staff_with_totp
    request_obj = make_request(operator, subject_name="Aliya Serikova", subject_email="aliya@example.kz")
    transition(request_obj.pk, "confirm_identity")
    transition(request_obj.pk, "start_work", actor=user)
    page, base = admin_page, live_server.url
    problems = _watch_console(page)
    for path in [
        "/ru/",
        f"/en/o/{operator.slug}/",
        f"/en/o/{operator.slug}/request/",
        f"/en/o/{operator.slug}/request/access/",
        "/en/find/",
        "/en/verify/",
        "/en/no-such-page/",
    ]:
        page.goto(base + path)
        page.wait_for_load_state("load")
    log_in(page, base, user, device)
    for path in [
        "/admin/",
        "/admin/dsar/datarequest/",
        f"/admin/dsar/datarequest/{request_obj.pk}/change/",
        f"/admin/dsar/datarequest/{request_obj.pk}/transition/refuse/",
        f"/admin/dsar/operator/{operator.pk}/change/",
        "/admin/dsar/calendaroverride/add/",
        "/admin/security/",
        "/dashboard/",
        "/dashboard/performance/",
    ]:
        page.goto(base + path)
        page.wait_for_load_state("load")
        if path.startswith("/dashboard/"):  # Chart.js loaded and drew (a canvas with a chart instance)
            page.wait_for_function(
                "() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]"
                ".some(c => window.Chart.getChart(c))"
            )
        if path.endswith("/refuse/"):
            # The refusal form's inline script fills the legal basis from the ground.
            page.select_option("#id_ground", index=1)
            assert page.input_value("#id_basis") != ""
    assert _csp_violations(problems) == []


def test_it_enrols_a_new_member_who_later_signs_in_with_a_recovery_code(live_server, admin_page, transactional_db):
    from tests.factories import OperatorFactory, staff_user

    user = staff_user(OperatorFactory(), "caseworker", username="e2e-newcomer")
    page, base = admin_page, live_server.url
    problems = _watch_console(page)
    _sign_in_form(page, base, user.username)  # no second factor yet
    page.wait_for_url(f"{base}/admin/security/enrol/")
    assert page.locator("#enrol-qr").is_visible()
    secret = page.inner_text("#enrol-secret").replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.click("#enrol-form input[type=submit]")
    page.wait_for_selector("#recovery-codes")
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    page.click("#recovery-done")
    page.wait_for_url(f"{base}/admin/")
    _log_out(page, base)

    _sign_in_form(page, base, user.username, codes[0])
    page.wait_for_url(f"{base}/admin/")
    assert list(StaffSecurityEvent.objects.filter(user=user).order_by("id").values_list("action", flat=True)) == [
        "totp_enrolled",
        "recovery_codes_issued",
        "recovery_code_used",
    ]
    assert _csp_violations(problems) == []


def test_it_adds_a_passkey_and_signs_in_with_it(live_server, admin_page, staff_with_totp, settings):
    from django_otp_webauthn.models import WebAuthnCredential

    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    operator, user, device = staff_with_totp
    page, base = admin_page, live_server.url
    assert base.startswith("http://localhost:")  # a passkey needs a domain name, never an IP address
    problems = _watch_console(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    log_in(page, base, user, device)
    page.goto(f"{base}/admin/security/")
    page.click("#passkey-register-button")
    deadline = time.monotonic() + 15
    while not WebAuthnCredential.objects.filter(user=user).exists() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    assert StaffSecurityEvent.objects.filter(user=user, action="passkey_added").exists()
    _log_out(page, base)

    page.goto(f"{base}/admin/login/?next=/admin/")
    page.click("#passkey-verification-button")
    page.wait_for_url(f"{base}/admin/")
    assert page.locator(".dsar-queues").is_visible()
    assert _csp_violations(problems) == []
