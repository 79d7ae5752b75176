"""Production: refuses to start without its secrets."""

import os

from django.core.exceptions import ImproperlyConfigured

for _name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "DSAR_OUTBOX_SECRET"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"Production needs {_name} in the environment.")
# The key that signs the audit chain's checkpoints: inline, or a file that must exist already.
if not os.environ.get("DSAR_CHAIN_SIGNING_KEY"):
    _key_file = os.environ.get("DSAR_CHAIN_SIGNING_KEY_FILE", "")
    if not _key_file or not os.path.isfile(_key_file):
        raise ImproperlyConfigured(
            "Production needs DSAR_CHAIN_SIGNING_KEY, or DSAR_CHAIN_SIGNING_KEY_FILE naming an existing key file."
        )

from .base import *  # noqa: E402,F401,F403
from .base import env_bool, env_int  # noqa: E402

DEBUG = False
DSAR_CHAIN_SIGNING_KEY_CREATE = False
# The demo CA is never a trust root in production.
DSAR_SIGNING_TRUST_DEMO_CA = env_bool("DSAR_SIGNING_TRUST_DEMO_CA", False)
if not DSAR_REQUIRE_STAFF_OTP:  # noqa: F405
    raise ImproperlyConfigured("Production refuses DSAR_REQUIRE_STAFF_OTP=0: staff always need a second factor.")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Webhooks carry request data: https only, whatever the environment says.
DSAR_WEBHOOK_ALLOW_HTTP = False
