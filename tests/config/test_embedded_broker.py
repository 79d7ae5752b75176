"""The embedded default's broker starts without kombu's "No hostname was supplied" (issue 23)."""

import logging

from django.conf import settings
from kombu import Connection


def test_it_names_a_host_for_the_filesystem_broker_so_kombu_does_not_warn(caplog):
    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        return  # Redis in CI: its URL names the host
    with caplog.at_level(logging.WARNING, logger="kombu"):
        Connection(settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS).info()
    assert "No hostname was supplied" not in caplog.text
