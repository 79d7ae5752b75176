"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("DSAR_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
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
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "dsar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dsar.sqlite3",
            # The embedded default is shared by the web server, a worker and beat.
            "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
DATABASES["default"].setdefault("TEST", {})
if env_str("DSAR_TEST_DB_NAME", ""):
    DATABASES["default"]["TEST"]["NAME"] = env_str("DSAR_TEST_DB_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache when REDIS_URL is set ---------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
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
    "django.contrib.auth.backends.ModelBackend",
]

# --- i18n: Kazakh (state language), Russian, English ------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
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
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
DSAR_REQUIRE_STAFF_OTP = env_bool("DSAR_REQUIRE_STAFF_OTP", True)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "dsar.portal.views.ratelimited"

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
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
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
    # Letters and e-mails whose attempt is due and whose message went missing (dsar/outbox.py).
    "outbox": {"task": "dsar.tasks.outbox", "schedule": _SWEEP_EVERY, "options": {"expires": _SWEEP_EVERY}},
    # Private files that no row records (dsar/files.py).
    "orphan-files": {"task": "dsar.tasks.orphan_files", "schedule": crontab(minute=41)},
}
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
