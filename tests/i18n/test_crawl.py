"""Every page a subject, caseworker, manager and DPO reaches with the demo data, in Kazakh and Russian:
no code (snake_case) in what a person reads, no AM/PM, and no English sentence the catalogue translates."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from dsar.models import DataRequest
from dsar.portal.views.common import session_unlock
from dsar.services.verification import status_access_get, status_link_create
from dsar.states import State
from tests.factories import otp_login

from .crawl import crawl, english_sentences, problems

pytestmark = pytest.mark.django_db

STAFF_SKIP = re.compile(
    r"logout|/delete/|/password/|/history/|\.csv|/attachment/|/letter/\d+/|/file/|/download/|"
    r"/add/|_changelist_filters|/r/[^/]+/(code|unlock|reply|withdraw)/|/jsi18n/|/autocomplete/|/i18n/"
)
PORTAL_SKIP = re.compile(r"/admin/|/dashboard/|/download/|/file/|/i18n/|/static/|/media/")


@pytest.fixture
def demo(db):
    call_command("dsar_demo", requests=60, quiet=True)


def _report(pages: dict[str, tuple[str, str]], language: str) -> list[str]:
    sentences = english_sentences(language)
    report = []
    for url, (text, data) in pages.items():
        report += [f"{url}: {p}" for p in problems(text, data, sentences)]
    return report


def _status_urls(client, language: str) -> list[str]:
    """A status page per state the demo holds, unlocked in this browser session."""
    from django.http import HttpRequest

    urls = []
    for state in State.values:
        request = DataRequest.objects.filter(state=state).exclude(state=State.AWAITING_IDENTITY).first()
        if request is None:
            continue
        token = status_link_create(request=request)
        fake = HttpRequest()
        fake.session = client.session
        session_unlock(fake, status_access_get(token=token))
        fake.session.save()
        urls.append(f"/{language}/r/{token}/")
    return urls


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_it_shows_the_subject_every_portal_page_in_their_language(client, demo, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    starts = [f"/{language}/", f"/{language}/find/", f"/{language}/verify/", *_status_urls(client, language)]
    pages = crawl(client, starts, allowed_prefixes=(f"/{language}/",), skip=PORTAL_SKIP, limit=120, per_path=2)
    assert len(pages) >= 20, sorted(pages)
    assert any("/r/" in url for url in pages)
    report = _report(pages, language)
    assert not report, "\n".join(report)


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("username", ["qaztracker-caseworker", "qaztracker-manager", "qaztracker-dpo"])
def test_it_shows_staff_every_admin_and_dashboard_page_in_their_language(client, demo, language, username):
    from django.contrib.auth import get_user_model

    otp_login(client, get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    pages = crawl(
        client,
        ["/admin/", "/dashboard/", "/dashboard/performance/"],
        allowed_prefixes=("/admin/", "/dashboard/"),
        skip=STAFF_SKIP,
        limit=90,
        per_path=2,
    )
    assert len(pages) >= 10, sorted(pages)
    assert any(re.search(r"/admin/dsar/datarequest/\d+/change/", url) for url in pages)
    report = _report(pages, language)
    assert not report, "\n".join(report)
