"""Every page sends a Content-Security-Policy (own origin only, no unsafe-inline) and a Permissions-Policy."""

import re

import pytest
from django.urls import reverse

from dsar.models import Role
from tests.factories import OperatorFactory, otp_login, staff_user


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def _check(response, url):
    assert "Content-Security-Policy" in response, url
    policy = _policy(response)
    values = " ".join(v for vs in policy.values() for v in vs)
    assert "unsafe-inline" not in values and "unsafe-eval" not in values, url
    assert not re.search(r"https?://", values), url  # no third-party origins
    assert policy["script-src"][0] == "'self'" and policy["default-src"] == ["'self'"], url
    assert policy["frame-ancestors"] == ["'none'"], url
    assert "camera=()" in response["Permissions-Policy"], url
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.content.decode()):
        if 'type="application/json"' in tag:
            continue  # data, never run
        nonce = re.search(r'nonce="([^"]+)"', tag)
        assert nonce and f"'nonce-{nonce.group(1)}'" in policy["script-src"], (url, tag)


@pytest.fixture
def manager(db):
    operator = OperatorFactory(slug="alpha")
    return staff_user(operator, Role.MANAGER)


def test_it_sends_the_policies_on_public_pages_error_pages_and_the_verification_page(client, manager, settings):
    settings.DEBUG = False
    urls = [
        "/en/",
        "/ru/o/alpha/",
        "/en/o/alpha/request/",
        "/en/o/alpha/request/access/",
        "/en/verify/",
        reverse("portal:find_request"),
        "/admin/login/",
        "/en/no-such-page/",
        "/health/",
    ]
    for url in urls:
        _check(client.get(url), url)


def test_it_sends_the_policies_on_staff_pages_and_the_dashboard_with_charts(client, manager):
    otp_login(client, manager)
    for url in [
        "/admin/",
        "/admin/dsar/datarequest/",
        "/admin/security/",
        "/dashboard/",
        "/dashboard/performance/",
        "/admin/dsar/operator/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        _check(response, url)


def test_it_gives_the_inline_script_of_the_refusal_form_the_responses_nonce(client, manager):
    from tests.admin.conftest import in_state

    request = in_state(manager.memberships.get().operator, manager, "in_progress")
    otp_login(client, manager)
    response = client.get(f"/admin/dsar/datarequest/{request.pk}/transition/refuse/")
    assert response.status_code == 200
    assert re.search(r"<script nonce=", response.content.decode())
    _check(response, "refuse")
