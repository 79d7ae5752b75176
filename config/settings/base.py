"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("DSAR_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin: operator texts per language (dsar/translation.py)
    "dsar.apps.DsarAdminConfig",  # django.contrib.admin with our default site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "csp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "dsar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "dsar.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (the page is in the visitor's language); its process_exception sees view errors.
    "dsar.middleware.DatabaseDownMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# --- Database: SQLite under var/ unless DATABASE_URL is set -----------------
DATABASE_URL = env_str("DATABASE_URL", "")
# Every connection has a timeout (a database that accepts and never answers must not hang a
# request): connecting, and each statement. Seconds and milliseconds, as PostgreSQL counts them.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 60_000)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        # Options given in DATABASE_URL's query string win; these fill in the rest.
        for _key, _value in {
            "connect_timeout": DB_CONNECT_TIMEOUT,
            # A dead peer on an open connection is noticed by TCP keepalives, not after hours.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }.items():
            _options.setdefault(_key, _value)
        _options["options"] = f"{_options.get('options', '')} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dsar.sqlite3",
            # The embedded default is shared by the web server, a worker and beat.
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
    # The dashboard's covering indexes INCLUDE extra columns for PostgreSQL's index-only scans;
    # SQLite builds the same indexes without them, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES["default"].setdefault("TEST", {})
if env_str("DSAR_TEST_DB_NAME", ""):
    DATABASES["default"]["TEST"]["NAME"] = env_str("DSAR_TEST_DB_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache when REDIS_URL is set ---------------------------
REDIS_URL = env_str("REDIS_URL", "")
# Seconds. Every Redis client (cache, rate limits, broker, results) gives up after these.
REDIS_CONNECT_TIMEOUT = env_int("REDIS_CONNECT_TIMEOUT", 2)
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT", 2)
if REDIS_URL:
    CACHES = {
        "default": {
            # Counts in process memory while Redis is down (dsar/cache.py): no 500 from rate limits.
            "BACKEND": "dsar.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    # Shared between processes (rate limits must hold across the web workers).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Permissions follow the role at each operator (Membership.role), never global groups.
    "dsar.permissions.RolePermissionBackend",
    # A passkey sign-in (dsar/admin/security.py): user verification on the authenticator is required.
    "django_otp_webauthn.backends.WebAuthnBackend",
]

# --- i18n: Kazakh (state language), Russian, English ------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Operator texts (address, responsible person, about, policy wording) per language; a missing
# translation falls back to Russian, then English, then Kazakh.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("ru", "en", "kk")}
# Dates, times and numbers per language (Django has no kk module; see config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads and letters hold personal data: never under a public media root.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DSAR_MAX_UPLOAD_BYTES = env_int("DSAR_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail and SMS: files under var/ by default so a person can open them ---
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DSAR portal <no-reply@example.kz>")
DSAR_SMS_BACKEND = env_str("DSAR_SMS_BACKEND", "dsar.sms.FileSMSBackend")
DSAR_SMS_FILE_PATH = VAR_DIR / "sms"
DSAR_PUBLIC_BASE_URL = env_str("DSAR_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# --- Staff security ---------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # the age above is then an inactivity timeout
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# Per account from one address, and per account across every address: a wrong password and a
# right password with a wrong code both count (dsar.admin_site.StaffLoginForm).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
DSAR_REQUIRE_STAFF_OTP = env_bool("DSAR_REQUIRE_STAFF_OTP", True)  # production refuses False
# Passkeys (django-otp-webauthn). The relying party is the host the staff pages are served on.
# A passkey is bound to a domain name (never an IP address): in development open the staff pages
# at http://localhost:8000/. Production: the host of DSAR_PUBLIC_BASE_URL over https.
OTP_WEBAUTHN_RP_NAME = "DSAR portal"
_public_host = urlsplit(DSAR_PUBLIC_BASE_URL).hostname or "localhost"
OTP_WEBAUTHN_RP_ID = env_str("DSAR_WEBAUTHN_RP_ID", "localhost" if _public_host == "127.0.0.1" else _public_host)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "DSAR_WEBAUTHN_ORIGINS",
    ["http://localhost:8000"] if OTP_WEBAUTHN_RP_ID == "localhost" else [DSAR_PUBLIC_BASE_URL.rstrip("/")],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = True
# Content-Security-Policy on every page (django-csp): only our own origin, no inline script
# except with the per-response nonce (`<script nonce="{{ request.csp_nonce }}">`), no inline
# styles, no third parties. The QR code of the enrolment page is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Powerful browser features nobody here needs are off; passkeys (WebAuthn) only from our pages.
DSAR_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), publickey-credentials-get=(self)"
)
RATELIMIT_USE_CACHE = "default"
# Off only for load tests (bench/README in bench/RESULTS.md): DSAR_RATELIMIT_ENABLE=0. Never in production.
RATELIMIT_ENABLE = env_bool("DSAR_RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "dsar.portal.views.ratelimited"
# Behind a reverse proxy REMOTE_ADDR is the proxy's: name the request.META key that carries the
# client's address as the proxy sets it (e.g. HTTP_X_REAL_IP), or a dotted path to a function of the
# request. Unset: REMOTE_ADDR (docs/operators/deployment.md).
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "") or None

# --- Celery: Redis when REDIS_URL is set, else kombu's filesystem transport --
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = "Asia/Almaty"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long Redis keeps a message a worker took but never acknowledged (the worker was killed)
# before giving it to another worker. Longer than the longest task (CELERY_TASK_TIME_LIMIT), so
# a running task is never handed out twice; no task waits on the broker with a countdown
# (retries live on the outbox rows), so nothing needs more. Outbox work stranded by a killed
# worker does not wait for it: the outbox sweep queues it again after
# DSAR_OUTBOX_REQUEUE_AFTER_SECONDS (dsar/outbox.py).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 15 * 60)
DSAR_OUTBOX_REQUEUE_AFTER_SECONDS = env_int("DSAR_OUTBOX_REQUEUE_AFTER_SECONDS", 60)
# Bounded waits for the broker: a publish that cannot reach it gives up within seconds (the
# outbox row stays pending and the sweep queues it again), and a worker that loses it retries
# a bounded number of times and exits for its supervisor to restart.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_CONNECTION_MAX_RETRIES = env_int("CELERY_BROKER_CONNECTION_MAX_RETRIES", 100)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
# The Redis transport's options, defined even without Redis so fault tests can use them as they are.
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    # Bounds synchronous commands (a publish). Above kombu's 1 s BRPOP timeout, which a
    # worker outside the event loop waits for on an idle queue.
    "socket_timeout": REDIS_SOCKET_TIMEOUT + 1,
    "socket_keepalive": True,
    # The worker's BRPOP connection (no socket timeout in the event loop) is dropped when
    # its reply is this overdue: a half-open connection recovers in about 1 + 2 x 10 s.
    "health_check_interval": 10,
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    # The filesystem transport ignores the host; naming one keeps kombu from warning at every start.
    CELERY_BROKER_URL = "filesystem://localhost/"
    _queue_dir = str(VAR_DIR / "celery" / "queue")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        # Polled files, not pushed messages: the default 1 s would cap the worker at a task a second.
        "polling_interval": 0.1,
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    }
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Each beat entry expires before the next one is due, so a backlog after downtime runs once.
_SWEEP_EVERY = env_int("DSAR_SWEEP_INTERVAL_SECONDS", 60)
DSAR_HEARTBEAT_INTERVAL_SECONDS = env_int("DSAR_HEARTBEAT_INTERVAL_SECONDS", 60)
# PDFs go to their own queue so a burst of letters never holds up the sweep, reminders or the
# heartbeat. One worker may consume both (bin/dev does: -Q celery,letters); kombu serves the
# queues in turn. In production run a worker per queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"dsar.letters.tasks.*": {"queue": "letters"}}
CELERY_BEAT_SCHEDULE: dict = {
    "sweep": {"task": "dsar.tasks.sweep", "schedule": _SWEEP_EVERY, "options": {"expires": _SWEEP_EVERY}},
    "heartbeat": {
        "task": "dsar.tasks.heartbeat",
        "schedule": DSAR_HEARTBEAT_INTERVAL_SECONDS,
        "options": {"expires": DSAR_HEARTBEAT_INTERVAL_SECONDS},
    },
    # 08:00 in CELERY_TIMEZONE (Asia/Almaty), the start of the working day.
    "digests": {"task": "dsar.tasks.send_digests", "schedule": crontab(hour=8, minute=0)},
    "purge-exports": {"task": "dsar.tasks.purge_exports", "schedule": crontab(minute=17)},
    # API answers past their replay window (dsar/api/idempotency.py).
    "purge-idempotency": {"task": "dsar.api.tasks.purge_idempotency", "schedule": crontab(minute=23)},
    # Signs each operator's audit-chain head (at least daily; see dsar/services/checkpoints.py).
    "chain-checkpoints": {"task": "dsar.tasks.sign_chain_checkpoints", "schedule": crontab(hour=0, minute=5)},
    "webhooks": {
        "task": "dsar.webhooks.tasks.webhooks_sweep",
        "schedule": _SWEEP_EVERY,
        "options": {"expires": _SWEEP_EVERY},
    },
    # Letters and e-mails whose attempt is due and whose message went missing (dsar/outbox.py).
    "outbox": {"task": "dsar.tasks.outbox", "schedule": _SWEEP_EVERY, "options": {"expires": _SWEEP_EVERY}},
    # Private files that no row records (dsar/files.py).
    "orphan-files": {"task": "dsar.tasks.orphan_files", "schedule": crontab(minute=41)},
    # Signing certificates that expire in 30 or 7 days (dsar/letters/signing/alerts.py).
    "signing-expiry": {"task": "dsar.letters.signing_expiry_warn", "schedule": crontab(hour=3, minute=17)},
}
# --- Audit chain checkpoints: the Ed25519 signing key is never in the database (dsar/signing.py).
# The key itself (PEM or base64 of its 32 bytes), or a PEM file; development creates the file.
DSAR_CHAIN_SIGNING_KEY = env_str("DSAR_CHAIN_SIGNING_KEY", "")
DSAR_CHAIN_SIGNING_KEY_FILE = env_str("DSAR_CHAIN_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "chain-signing-key.pem"))
DSAR_CHAIN_SIGNING_KEY_CREATE = env_bool("DSAR_CHAIN_SIGNING_KEY_CREATE", True)
# Public keys (base64 of 32 bytes) of retired signing keys: their checkpoints still verify.
DSAR_CHAIN_OLD_PUBLIC_KEYS = env_list("DSAR_CHAIN_OLD_PUBLIC_KEYS", [])

# --- Letters signed by the operator (PAdES, dsar/letters/signing/; docs/operators/signing.md).
# Without a usable certificate letters wait (nothing is sent unsigned); off only for old tests.
DSAR_LETTERS_SIGNING_REQUIRED = env_bool("DSAR_LETTERS_SIGNING_REQUIRED", True)
# An RFC 3161 timestamp authority makes the signature PAdES B-T; with DSAR_SIGNING_LT also B-LT
# (revocation information embedded where the certificate names where to get it).
DSAR_SIGNING_TSA_URL = env_str("DSAR_SIGNING_TSA_URL", "")
DSAR_SIGNING_TSA_TIMEOUT_SECONDS = env_int("DSAR_SIGNING_TSA_TIMEOUT_SECONDS", 10)
DSAR_SIGNING_LT = env_bool("DSAR_SIGNING_LT", True)
# PEM files of the roots a signature is checked against (NCA's RSA root and its intermediate).
DSAR_SIGNING_TRUST_ROOTS = env_list("DSAR_SIGNING_TRUST_ROOTS", [])
# The demo CA that dsar_demo makes; trusted in development only (production sets this off).
DSAR_SIGNING_DEMO_CA_DIR = env_str("DSAR_SIGNING_DEMO_CA_DIR", str(VAR_DIR / "keys" / "demo-ca"))
DSAR_SIGNING_TRUST_DEMO_CA = env_bool("DSAR_SIGNING_TRUST_DEMO_CA", True)
# Optional PKCS#11 (HSM or token): the module, the token label, the user PIN.
DSAR_SIGNING_PKCS11_LIB = env_str("DSAR_SIGNING_PKCS11_LIB", "")
DSAR_SIGNING_PKCS11_TOKEN = env_str("DSAR_SIGNING_PKCS11_TOKEN", "")
DSAR_SIGNING_PKCS11_PIN = env_str("DSAR_SIGNING_PKCS11_PIN", "")
# A letter waiting for a certificate is tried again this often; the operator's administrators
# are told at once and the managers and responsible person too after the escalation delay.
DSAR_SIGNING_WAIT_RETRY_SECONDS = env_int("DSAR_SIGNING_WAIT_RETRY_SECONDS", 15 * 60)
DSAR_SIGNING_ESCALATE_AFTER_HOURS = env_int("DSAR_SIGNING_ESCALATE_AFTER_HOURS", 4)
# The public page that checks an uploaded letter refuses larger files.
DSAR_LETTER_CHECK_MAX_BYTES = env_int("DSAR_LETTER_CHECK_MAX_BYTES", 10 * 1024 * 1024)

# --- Outbox encryption: pending notification contexts (one-time codes, links) are encrypted
# with a key derived from this secret (dsar/outbox_crypto.py), not from SECRET_KEY, so the
# two can be rotated apart. Older secrets, comma-separated, still decrypt rows written before
# a rotation. Production refuses to start without it.
DSAR_OUTBOX_SECRET = env_str("DSAR_OUTBOX_SECRET", "dev-only-outbox-secret-do-not-use-in-production")
DSAR_OUTBOX_OLD_SECRETS = env_list("DSAR_OUTBOX_OLD_SECRETS", [])

# Data exports and their download links are deleted this long after they were made.
DSAR_EXPORT_TTL_HOURS = env_int("DSAR_EXPORT_TTL_HOURS", 7 * 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request lines carry paths only; personal data never goes into URLs.
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

# Portal: turns django-ratelimit's Ratelimited into RATELIMIT_VIEW's polite 429 page.
MIDDLEWARE += ["django_ratelimit.middleware.RatelimitMiddleware"]

# --- Operators' API and webhooks (dsar/api, dsar/webhooks) --------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["dsar.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["dsar.api.permissions.HasScope", "dsar.api.permissions.CreatorMay"],
    "DEFAULT_THROTTLE_CLASSES": ["dsar.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "dsar.api.schema.ScopedAutoSchema",
    "EXCEPTION_HANDLER": "dsar.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DSAR portal API",
    "DESCRIPTION": "Requests under Law No. 94-V for operators' apps and systems. Authenticate with "
    "`Authorization: Bearer <key>`; send an `Idempotency-Key` with every POST. Errors are "
    "`application/problem+json` (RFC 9457).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RequestStateEnum": "dsar.states.State",
        "JobStatusEnum": "dsar.models.channels.SystemJob.Status",
    },
}
# Webhooks: https only and no private, loopback or link-local targets, unless these allow them.
# Production forces https (config/settings/production.py); tests allow loopback.
DSAR_WEBHOOK_ALLOW_HTTP = env_bool("DSAR_WEBHOOK_ALLOW_HTTP", True)
DSAR_WEBHOOK_ALLOW_PRIVATE = env_bool("DSAR_WEBHOOK_ALLOW_PRIVATE", False)
DSAR_WEBHOOK_DISABLE_AFTER_DAYS = env_int("DSAR_WEBHOOK_DISABLE_AFTER_DAYS", 3)
