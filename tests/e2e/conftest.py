"""Shared fixtures for browser tests: Debian's Chromium driven by Playwright against live_server.

Mail and SMS go to files under tmp_path, the way a developer reads them in var/mail and var/sms,
and the tests read codes from those files.
"""

import email
import email.policy
import json
import re
from pathlib import Path

import pytest

CODE_RE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def outbox_dirs(settings, tmp_path):
    from django.core.cache import cache

    cache.clear()  # rate-limit counters
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.DSAR_SMS_BACKEND = "dsar.sms.FileSMSBackend"
    settings.DSAR_SMS_FILE_PATH = str(tmp_path / "sms")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return tmp_path


@pytest.fixture
def page(browser, live_server, outbox_dirs, settings):
    settings.DSAR_PUBLIC_BASE_URL = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def mails(outbox_dirs: Path) -> list[email.message.EmailMessage]:
    """Every e-mail written so far, oldest first."""
    folder = outbox_dirs / "mail"
    messages = []
    for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.lstrip(), policy=email.policy.default))
    return messages


def mail_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def code_from_mail(outbox_dirs: Path, to: str) -> str:
    for message in reversed(mails(outbox_dirs)):
        if to in str(message["To"]):
            return CODE_RE.search(str(message["Subject"])).group(1)
    raise AssertionError(f"no mail to {to}")


def code_from_sms(outbox_dirs: Path, to: str) -> str:
    files = sorted((outbox_dirs / "sms").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for path in reversed(files):
        sms = json.loads(path.read_text(encoding="utf-8"))
        if sms["to"] == to:
            return CODE_RE.search(sms["body"]).group(1)
    raise AssertionError(f"no SMS to {to}")
