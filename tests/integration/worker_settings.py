"""Settings for the Celery workers the integration tests start as subprocesses.

Everything comes from the environment as in production (DATABASE_URL pointing at the test
database, REDIS_URL at a test Redis database), plus a mail backend that records each
message, and abandoned messages are looked for every second instead of every ~100 s.
"""

import os

from config.settings.base import *  # noqa: F401,F403
from config.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS

# An SMTP-outage test sets Django's SMTP backend and a port where nothing listens.
EMAIL_BACKEND = os.environ.get("DSAR_TEST_EMAIL_BACKEND", "tests.integration.backends.RecordingBackend")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

# These tests are about delivery surviving faults, and their operators hold no signing key: with
# signing required their letters would wait for one (tests/letters/test_signing*.py cover that).
DSAR_LETTERS_SIGNING_REQUIRED = False
