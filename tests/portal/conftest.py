import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from dsar import sms

CODE_RE = re.compile(r"\b(\d{6})\b")


@pytest.fixture(autouse=True)
def clean_limits_and_outboxes(settings, tmp_path):
    # Rate-limit counters live in the shared cache (Redis in CI): start every test at zero.
    cache.clear()
    sms.outbox.clear()
    translation.activate("en")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    yield
    cache.clear()


def last_code(to: str | None = None) -> str:
    for message in reversed(mail.outbox):
        if to is None or to in message.to:
            return CODE_RE.search(message.subject).group(1)
    raise AssertionError("no code was mailed")


def last_sms_code() -> str:
    return CODE_RE.search(sms.outbox[-1]["body"]).group(1)


def form_data(**overrides) -> dict:
    data = {
        "subject_name": "Dana Serikova",
        "subject_email": "dana@example.kz",
        "subject_phone": "+7 701 123 4567",
        "subject_iin": "",
        "language": "ru",
        "consent": "on",
        "leave_empty": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submit(client, operator, kind="access", **overrides):
    url = reverse("portal:request_form", kwargs={"slug": operator.slug, "kind": kind})
    return client.post(url, form_data(**overrides))


def token_from(response) -> str:
    """The status token from the redirect after submission (/ru/r/<token>/confirm/)."""
    return response["Location"].rstrip("/").split("/")[-2]
