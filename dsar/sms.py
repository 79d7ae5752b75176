"""Pluggable SMS delivery. Production plugs in a provider's backend through DSAR_SMS_BACKEND."""

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox: list[dict] = []  # LocmemSMSBackend's messages, for tests


class BaseSMSBackend:
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class FileSMSBackend(BaseSMSBackend):
    """Writes each SMS to a file under var/sms/, like the file e-mail backend."""

    def send(self, *, to: str, body: str) -> None:
        folder = Path(settings.DSAR_SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.json"
        (folder / name).write_text(json.dumps({"to": to, "body": body}, ensure_ascii=False), encoding="utf-8")


class LocmemSMSBackend(BaseSMSBackend):
    def send(self, *, to: str, body: str) -> None:
        outbox.append({"to": to, "body": body})


def get_backend() -> BaseSMSBackend:
    return import_string(settings.DSAR_SMS_BACKEND)()


def send_sms(*, to: str, body: str) -> None:
    get_backend().send(to=to, body=body)
