"""Tests: fast hashing, in-memory mail. Databases and Redis come from the environment like elsewhere."""

from .base import *  # noqa: F401,F403
from .base import CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DSAR_SMS_BACKEND = "dsar.sms.LocmemSMSBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AXES_ENABLED = True
# Tasks queued by transaction.on_commit run in-process once the callbacks run (see
# captureOnCommitCallbacks), so tests see mail after commit and never before. Integration
# tests switch this off and talk to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
# Tests read English unless they ask for a language; the product's default stays Russian.
LANGUAGE_CODE = "en"
# Webhook tests post to a server on 127.0.0.1.
DSAR_WEBHOOK_ALLOW_PRIVATE = True
# Letters of operators without a signing certificate go out unsigned in the older tests; the
# signing tests (tests/letters/signing/) switch this on.
DSAR_LETTERS_SIGNING_REQUIRED = False
