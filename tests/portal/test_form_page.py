"""The blank request form page is drawn once and filled in per response: what differs per visitor
(the CSRF token, the CSP nonce, the page's own address) must still differ, and the page must follow
the operator's changes and show waiting messages."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from dsar.models import DataRequest
from dsar.portal.views import public
from tests.portal.conftest import form_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'<script nonce="([^"]+)"')


def _url(operator, kind="access"):
    return reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": kind})


def _normalised(html: str) -> str:
    return NONCE.sub('<script nonce="N"', TOKEN.sub('name="csrfmiddlewaretoken" value="T"', html))


def test_each_visitor_gets_their_own_token_and_nonce_on_the_same_page(operator):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [c.get(_url(operator)) for c in (first, second)]

    for page in pages:
        html = page.content.decode()
        nonce = NONCE.search(html).group(1)
        assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]
        assert len(set(TOKEN.findall(html))) == 1  # the form's and the language switch's, one token
    tokens = [TOKEN.search(p.content.decode()).group(1) for p in pages]
    nonces = [NONCE.search(p.content.decode()).group(1) for p in pages]
    assert tokens[0] != tokens[1] and nonces[0] != nonces[1]
    assert _normalised(pages[0].content.decode()) == _normalised(pages[1].content.decode())

    # The token on the page is the visitor's own: the submission goes through.
    response = second.post(_url(operator), {**form_data(), "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302 and DataRequest.objects.filter(operator=operator).count() == 1


def test_the_page_drawn_from_the_cache_equals_the_page_drawn_in_full(operator, monkeypatch):
    client = Client()
    cached = client.get(_url(operator)).content.decode()
    cached_again = client.get(_url(operator)).content.decode()
    monkeypatch.setattr(public, "_blank_form_page", public._blank_form_page_in_full)
    full = client.get(_url(operator)).content.decode()
    assert _normalised(cached) == _normalised(cached_again) == _normalised(full)


def test_the_language_switch_returns_to_the_address_visited_escaped(operator, monkeypatch):
    address = _url(operator) + '?from=mail&x="><script>alert(1)</script>'
    cached = Client().get(address).content.decode()
    assert f'name="next" value="{_url(operator)}?from=mail&amp;x=%22%3E%3Cscript%3E' in cached
    assert "<script>alert(1)" not in cached
    monkeypatch.setattr(public, "_blank_form_page", public._blank_form_page_in_full)
    assert _normalised(Client().get(address).content.decode()) == _normalised(cached)


def test_the_page_follows_a_change_to_the_operator_and_each_language(operator):
    client = Client()
    assert operator.short_name in client.get(_url(operator)).content.decode()
    operator.short_name = "Renamed Operator LLP"
    operator.save()
    assert "Renamed Operator LLP" in client.get(_url(operator)).content.decode()

    for language in ("kk", "ru", "en"):
        with translation.override(language):
            page = client.get(reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": "access"}))
        assert f'<html lang="{language}">' in page.content.decode()


def test_a_waiting_message_is_shown_on_the_form(operator, settings):
    request = RequestFactory().get(_url(operator))
    request.session = {}
    request._messages = CookieStorage(request)
    request._messages.add(constants.INFO, "Your previous link has expired.")
    response = public.request_form(request, slug=operator.slug, kind="access")
    assert "Your previous link has expired." in response.content.decode()
