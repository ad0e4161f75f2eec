"""Manabi settings: one module, driven by the environment.

With nothing set you get the embedded default: DEBUG on, SQLite in var/, Celery on a filesystem
broker (no server needed) and mail printed to the console. Production is `DJANGO_DEBUG=0`, which
requires `DJANGO_SECRET_KEY` and `DJANGO_ALLOWED_HOSTS` and turns on HTTPS-only settings.
The README's configuration table lists every variable read here.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MANABI_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true/false (or 1/0), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker secrets)."""
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    return os.environ.get(name, "")


# =============================================================================
# CORE
# =============================================================================
DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 (production).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghijkl"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if not DEBUG else "127.0.0.1,localhost,[::1],testserver")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set (comma-separated) when DJANGO_DEBUG=0.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The absolute origin used in QR codes, share links and e-mails (e.g. https://manabi.example.jp).
SITE_URL = env_str("MANABI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The Sites framework's record (allauth's mails say its name) follows these at every `migrate`
# (accounts/sites.py): its domain is SITE_URL's host[:port].
SITE_NAME = env_str("MANABI_SITE_NAME", "Manabi")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Each provider is installed, but offered only when its client id/secret are in the
    # environment (SOCIALACCOUNT_PROVIDERS below): without an app, allauth lists no button.
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.apple",
    "allauth.socialaccount.providers.line",
    "allauth.socialaccount.providers.saml",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "badges",
    "wallet",
    "growth",
    "circles",
    "oauth2_provider",
    "obapi",
    "handouts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in learner's saved language wins over the browser's.
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.pwa.OfflineCopyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "badges.context_processors.notices",
            ],
        },
    },
]

# =============================================================================
# DATABASE — SQLite in var/ by default; DATABASE_URL (postgres://…) for PostgreSQL via psycopg 3
# =============================================================================
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
# A server database keeps its connections (a new PostgreSQL connection costs more than a page's
# queries, and Celery workers would open one per task); health checks drop a dead one before use.
# SQLite opens a file, so there 0 (close after each request) costs nothing.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DATABASE_URL.startswith("sqlite") else 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# =============================================================================
# CACHE — Redis when REDIS_URL is set, otherwise in-process memory
# =============================================================================
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open to a per-process memory cache while Redis is down (config/cache.py).
    CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous visitors get whole public pages from the cache (wallet/page_cache.py): invalidated on
# every write by a version per learner, and at the latest after this many seconds (an expiry date
# passing changes a page without any write).
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60)

# =============================================================================
# AUTH & ACCOUNTS (django-allauth) — https://docs.allauth.org/en/latest/account/configuration.html
# =============================================================================
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Our adapter's switch: 0 closes sign-up (existing learners still sign in).
ACCOUNT_ALLOW_SIGNUP = env_bool("ACCOUNT_ALLOW_SIGNUP", True)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up also asks what to call the learner on public pages and in mails.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Badges are matched against every *verified* address, so each one must be confirmed.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_MAX_EMAIL_ADDRESSES = 10
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Manabi] "
LOGIN_REDIRECT_URL = "/wallet/"
LOGIN_URL = "account_login"

# Second factors — https://docs.allauth.org/en/latest/mfa/configuration.html
# TOTP apps, passkeys / security keys (WebAuthn) and one-time recovery codes, managed in the profile.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Manabi"
# WebAuthn needs https, except on http://localhost during development and tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Social sign-in — https://docs.allauth.org/en/latest/socialaccount/providers/index.html
# A provider is offered only when its credentials are set (README: "Sign-in with other accounts").
# An address a provider does not vouch for is stored unverified: it matches no badge until the
# learner confirms it like any other address (ACCOUNT_EMAIL_VERIFICATION above).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never log into an existing account by e-mail alone
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"


def social_providers() -> dict:
    providers: dict = {}
    if env_str("GOOGLE_CLIENT_ID"):
        providers["google"] = {
            "APPS": [{"client_id": env_str("GOOGLE_CLIENT_ID"), "secret": env_secret("GOOGLE_CLIENT_SECRET")}],
            "SCOPE": ["openid", "profile", "email"],
            "OAUTH_PKCE_ENABLED": True,
        }
    if env_str("APPLE_CLIENT_ID"):
        providers["apple"] = {
            "APPS": [
                {
                    "client_id": env_str("APPLE_CLIENT_ID"),
                    "secret": env_str("APPLE_KEY_ID"),
                    "key": env_str("APPLE_TEAM_ID"),
                    "settings": {"certificate_key": env_secret("APPLE_PRIVATE_KEY")},
                }
            ],
        }
    if env_str("LINE_CHANNEL_ID"):
        providers["line"] = {
            "APPS": [{"client_id": env_str("LINE_CHANNEL_ID"), "secret": env_secret("LINE_CHANNEL_SECRET")}],
            "SCOPE": ["profile", "openid", "email"],
        }
    if env_str("SAML_IDP_ENTITY_ID"):
        providers["saml"] = {
            "APPS": [
                {
                    "name": env_str("SAML_NAME", "University sign-in"),
                    "provider_id": env_str("SAML_IDP_ENTITY_ID"),
                    "client_id": env_str("SAML_ORGANIZATION", "university"),
                    "settings": {
                        # eduPerson attributes (GakuNin and most university federations).
                        "attribute_mapping": {
                            "uid": "urn:oid:1.3.6.1.4.1.5923.1.1.1.6",
                            "email": "urn:oid:0.9.2342.19200300.100.1.3",
                            "email_verified": "email_verified",
                            "first_name": "urn:oid:2.5.4.42",
                            "last_name": "urn:oid:2.5.4.4",
                        },
                        "idp": {
                            "entity_id": env_str("SAML_IDP_ENTITY_ID"),
                            "sso_url": env_str("SAML_IDP_SSO_URL"),
                            "x509cert": env_secret("SAML_IDP_X509CERT"),
                        },
                        "advanced": {"want_assertion_signed": True, "reject_idp_initiated_sso": True},
                    },
                }
            ]
        }
    return providers


SOCIALACCOUNT_PROVIDERS = social_providers()

# =============================================================================
# E-MAIL — console by default; SMTP when EMAIL_HOST is set
# =============================================================================
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Manabi <no-reply@manabi.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# =============================================================================
# INTERNATIONALISATION — Japanese first, English second
# =============================================================================
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

# =============================================================================
# STATIC & MEDIA — everything bundled, served by WhiteNoise in production (no CDN)
# =============================================================================
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded originals, thumbnails and avatars: the local disk by default; S3-compatible object storage
# when MANABI_S3_BUCKET is set (config/storage.py), so web, worker and beat share no disk.
STORAGES = {
    "default": storage.default_storage(os.environ),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads are capped before anything parses them (a 50 MB "badge" is refused at the door).
BADGE_UPLOAD_MAX_BYTES = env_int("BADGE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# =============================================================================
# BADGE FETCHING — see badges/fetch.py
# =============================================================================
# Hosts allowed through the private-address (SSRF) guard: only for local demos and test issuers.
BADGE_FETCH_ALLOW_HOSTS = env_list("BADGE_FETCH_ALLOW_HOSTS")
BADGE_FETCH_TIMEOUT = env_int("BADGE_FETCH_TIMEOUT", 15)
# One deadline over all the fetches of one import (the assertion, its class, issuer, keys, lists).
BADGE_IMPORT_TIMEOUT = env_int("BADGE_IMPORT_TIMEOUT", 25)
# Imports run in a Celery worker (badges/imports.py); the page follows them live. Off: in the request.
BADGE_IMPORTS_IN_BACKGROUND = env_bool("BADGE_IMPORTS_IN_BACKGROUND", True)
BADGE_IMPORT_QUEUE = env_str("BADGE_IMPORT_QUEUE")
# How many imports one learner may have waiting at once.
BADGE_MAX_PENDING_IMPORTS = env_int("BADGE_MAX_PENDING_IMPORTS", 5)
BADGE_FETCH_USER_AGENT = env_str("BADGE_FETCH_USER_AGENT", "Manabi/1.0 (+Open Badges wallet)")

# =============================================================================
# BADGE RE-VERIFICATION — see badges/services.py (truth rules, due pass) and badges/hosts.py
# =============================================================================
# Healthy badges are re-checked about this often (±10% jitter so checks spread out).
BADGE_RECHECK_HOURS = env_int("BADGE_RECHECK_HOURS", 24)
# After a network failure: retry after 15 min, then 30, 60, … doubling up to the cap.
BADGE_RETRY_BASE_MINUTES = env_int("BADGE_RETRY_BASE_MINUTES", 15)
BADGE_RETRY_CAP_HOURS = env_int("BADGE_RETRY_CAP_HOURS", 24)
# An issuer unreachable this long: the badge is shown as "could not be verified", not as its old verdict.
BADGE_UNVERIFIABLE_AFTER_DAYS = env_int("BADGE_UNVERIFIABLE_AFTER_DAYS", 30)
# A badge issued to an address the learner added but never confirmed is dropped after this many days.
BADGE_AWAITING_ADDRESS_DAYS = env_int("BADGE_AWAITING_ADDRESS_DAYS", 14)
# Shared documents (badge classes, issuers, keys, status lists) are reused this long before an
# ETag/Last-Modified revalidation; a badge's own hosted assertion is always revalidated.
BADGE_DOCUMENT_FRESHNESS_MINUTES = env_int("BADGE_DOCUMENT_FRESHNESS_MINUTES", 60)
# The shared document cache: rows older than this are purged daily, and the table is kept under a cap.
BADGE_DOCUMENT_CACHE_MAX_AGE_DAYS = env_int("BADGE_DOCUMENT_CACHE_MAX_AGE_DAYS", 7)
BADGE_DOCUMENT_CACHE_MAX_MB = env_int("BADGE_DOCUMENT_CACHE_MAX_MB", 200)
BADGE_DOCUMENT_CACHE_MAX_DOCUMENT_BYTES = env_int("BADGE_DOCUMENT_CACHE_MAX_DOCUMENT_BYTES", 1024 * 1024)

# Viewer checks on public badge pages (no login). "Verify now" answers from the last check when it
# is younger than this, and waits this long at most for a check another viewer started.
VIEWER_CHECK_FRESH_SECONDS = env_int("VIEWER_CHECK_FRESH_SECONDS", 60)
VIEWER_CHECK_WAIT_SECONDS = 30
# scope: (attempts per viewer, attempts per badge, window in seconds)
VIEWER_CHECK_LIMITS = {"verify": (6, 30, 600), "recipient": (5, 20, 600)}
# A claimed check must finish within this lease, or the badge becomes due again (crashed worker).
BADGE_CHECK_LEASE_SECONDS = env_int("BADGE_CHECK_LEASE_SECONDS", 1800)
# Each beat tick claims at most BATCH_SIZE x MAX_BATCHES due badges (bounded work per tick).
BADGE_REVERIFY_BATCH_SIZE = env_int("BADGE_REVERIFY_BATCH_SIZE", 500)
BADGE_REVERIFY_MAX_BATCHES = env_int("BADGE_REVERIFY_MAX_BATCHES", 10)
# Badges re-checked by one task (grouped by issuer host): loaded, verified and written together.
BADGE_REVERIFY_TASK_BATCH = env_int("BADGE_REVERIFY_TASK_BATCH", 50)
# Queue for re-check tasks ("" = Celery's default queue); a separate queue keeps imports snappy.
BADGE_REVERIFY_QUEUE = env_str("BADGE_REVERIFY_QUEUE")
# Politeness per issuer host, shared by all workers through the cache (Redis when REDIS_URL is set).
BADGE_HOST_MAX_CONCURRENT = env_int("BADGE_HOST_MAX_CONCURRENT", 4)
BADGE_HOST_REQUESTS_PER_SECOND = env_int("BADGE_HOST_REQUESTS_PER_SECOND", 5)

# =============================================================================
# CELERY — https://docs.celeryq.dev/en/stable/userguide/configuration.html
# =============================================================================
CELERY_DATA_DIR = Path(env_str("CELERY_DATA_DIR", str(VAR_DIR / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Redis re-delivers an unacknowledged task after this long; it must exceed the longest task
    # plus its countdown, or acks_late tasks run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # The embedded default: kombu's filesystem transport is a real broker that needs no server,
    # so `make run` runs a real worker and beat on a laptop with nothing installed.
    for sub in ("queue", "processed", "results", "control"):
        (CELERY_DATA_DIR / sub).mkdir(parents=True, exist_ok=True)
    # The host part only silences kombu's "No hostname was supplied" warning; the folders below are the broker.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Tasks are idempotent, so re-running one after a worker crash is safe: acknowledge after the run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: long verification tasks must not hoard the queue.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task may run forever (soft limit raises inside the task; hard limit kills the process).
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # 03:17 every day: drop expired sessions (cron "17 3 * * *").
    "every-day-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Every 5 minutes: flip expired badges and queue the due re-checks (cron "*/5 * * * *").
    "every-5-minutes-reverify-due-badges": {
        "task": "badges.tasks.reverify_due_badges",
        "schedule": crontab(minute="*/5"),
    },
    # Every hour at :41: warnings 30, 7 and 1 day before a badge expires (cron "41 * * * *").
    "every-hour-warn-expiring-badges": {
        "task": "badges.tasks.warn_expiring_badges",
        "schedule": crontab(minute=41),
    },
    # 04:05 every day: purge old documents from the shared cache, keep it under its cap (cron "5 4 * * *").
    "every-day-purge-document-cache": {
        "task": "badges.tasks.purge_document_cache",
        "schedule": crontab(hour=4, minute=5),
    },
    # Every 10 minutes: pull new credentials from hosts learners connected, when due (cron "*/10 * * * *").
    "every-10-minutes-pull-connected-hosts": {
        "task": "obapi.tasks.pull_due_connections",
        "schedule": crontab(minute="*/10"),
    },
    # 08:30 every day: one digest e-mail per learner whose badges changed (cron "30 8 * * *").
    "every-day-send-badge-notification-digests": {
        "task": "badges.tasks.send_notification_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    # 04:05 every day: rebuild the badge directory and "also earned" suggestions (cron "5 4 * * *").
    "every-day-rebuild-circles-directory": {
        "task": "circles.tasks.rebuild_directory",
        "schedule": crontab(hour=4, minute=5),
    },
    # 04:35 every day: delete circle posts older than 12 months, pinned ones kept (cron "35 4 * * *").
    "every-day-expire-circle-posts": {
        "task": "circles.tasks.expire_old_posts",
        "schedule": crontab(hour=4, minute=35),
    },
}

# =============================================================================
# CIRCLES (まなび仲間) — see circles/
# =============================================================================
# k-anonymity: counts are shown exactly, circles open by themselves and suggestions appear only from k.
CIRCLES_MIN_COUNT = env_int("CIRCLES_MIN_COUNT", 5)
CIRCLES_POSTS_PER_HOUR = env_int("CIRCLES_POSTS_PER_HOUR", 10)
CIRCLES_QUESTIONS_PER_HOUR = env_int("CIRCLES_QUESTIONS_PER_HOUR", 3)
CIRCLES_POST_RETENTION_DAYS = env_int("CIRCLES_POST_RETENTION_DAYS", 365)
CIRCLES_PAGE_SIZE = env_int("CIRCLES_PAGE_SIZE", 20)
CIRCLES_MAX_EVENT_CAPACITY = env_int("CIRCLES_MAX_EVENT_CAPACITY", 500)
# Check-in by QR opens this many hours before an event starts and closes as long after it ends.
CIRCLES_CHECKIN_MARGIN_HOURS = env_int("CIRCLES_CHECKIN_MARGIN_HOURS", 2)
CIRCLES_SUGGESTIONS_PER_BADGE = env_int("CIRCLES_SUGGESTIONS_PER_BADGE", 5)
CIRCLES_SUGGESTION_MAX_BADGES_PER_LEARNER = env_int("CIRCLES_SUGGESTION_MAX_BADGES_PER_LEARNER", 200)
# The attendance badges' did:key is derived from this secret (DJANGO_SECRET_KEY when unset).
CIRCLES_ISSUER_KEY_SECRET = env_secret("CIRCLES_ISSUER_KEY_SECRET")

# =============================================================================
# REST FRAMEWORK
# =============================================================================
REST_FRAMEWORK = {
    # Bearer first: anonymous requests then get 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's JSON parser with a nesting limit (deep JSON was a RecursionError, a 500).
    "DEFAULT_PARSER_CLASSES": [
        "badges.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Signed-in learners are counted by user, everyone else by IP; views add a stricter scope
    # ("import", "reverify", "public") on top. Counters live in the default cache (Redis in production).
    "DEFAULT_THROTTLE_CLASSES": [
        "config.api.UserRateThrottle",
        "config.api.AnonRateThrottle",
        "config.api.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_RATE_USER", "2000/hour"),
        "anon": env_str("API_RATE_ANON", "300/hour"),
        "import": env_str("API_RATE_IMPORT", "60/hour"),
        # Imports per IP address, whoever is signed in (web form and API alike).
        "import_ip": env_str("API_RATE_IMPORT_IP", "120/hour"),
        "reverify": env_str("API_RATE_REVERIFY", "30/hour"),
        "public": env_str("API_RATE_PUBLIC", "120/hour"),
        "circles_write": env_str("API_RATE_CIRCLES_WRITE", "120/hour"),
        "obapi": env_str("API_RATE_OBAPI", "6000/hour"),
        "obapi_register": env_str("API_RATE_OBAPI_REGISTER", "30/hour"),
    },
}
# OpenAPI 3 at /api/v1/schema/; Swagger UI and Redoc from drf-spectacular-sidecar's bundled files (no CDN).
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
SPECTACULAR_SETTINGS = {
    "TITLE": "Manabi API",
    "DESCRIPTION": "Your Open Badges wallet: badges, portfolios, profile and notifications. "
    "Authenticate with `Authorization: Bearer <token>` (create tokens under /accounts/tokens/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"BadgeStatusEnum": "badges.models.Status"},
}

# =============================================================================
# OPEN BADGES 3.0 API & OAUTH 2.0 — see obapi/ (django-oauth-toolkit is the authorization server)
# =============================================================================
OB_SCOPE_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
OAUTH2_PROVIDER = {
    "SCOPES": {
        OB_SCOPE_PREFIX + "credential.readonly": _("Read your Open Badges 3.0 credentials"),
        OB_SCOPE_PREFIX + "credential.upsert": _("Add or update Open Badges 3.0 credentials in your wallet"),
        OB_SCOPE_PREFIX + "profile.readonly": _("Read your profile"),
        OB_SCOPE_PREFIX + "profile.update": _("Update your profile"),
    },
    "DEFAULT_SCOPES": [],
    "PKCE_REQUIRED": True,
    # S256 only ("plain" refused), no implicit or password grants, no tokens in query strings,
    # access and refresh tokens stored hashed.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OBAPI_ACCESS_TOKEN_SECONDS", 3600),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int("OBAPI_REFRESH_TOKEN_DAYS", 180) * 24 * 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 120,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # Every request asks again: the learner sees what a client gets each time.
    "REQUEST_APPROVAL_PROMPT": "force",
    # http redirect URIs only while developing (loopback test clients); production is https only.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "OAUTH2_VALIDATOR_CLASS": "obapi.oauth.OpenBadgesValidator",
}
# DOT's own migrations refer to its models through these swappable settings.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
# Tokens Manabi holds for hosts a learner connected (obapi.connections) are encrypted with this
# Fernet key (32 url-safe base64 bytes: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Several keys, comma-separated, rotate: the first encrypts, all decrypt. Unset: a key derived from
# DJANGO_SECRET_KEY (changing that secret then means learners reconnect their hosts).
OBAPI_TOKEN_KEYS = env_list("OBAPI_TOKEN_KEYS") or (
    [env_secret("OBAPI_TOKEN_KEY")] if env_secret("OBAPI_TOKEN_KEY") else []
)
# Connected hosts are pulled this often; a failing host backs off (doubling) up to the cap.
OBAPI_PULL_MINUTES = env_int("OBAPI_PULL_MINUTES", 60)
OBAPI_PULL_RETRY_CAP_HOURS = env_int("OBAPI_PULL_RETRY_CAP_HOURS", 24)
# At most this many credentials are imported per connection per pull (the rest come next time).
OBAPI_PULL_MAX_CREDENTIALS = env_int("OBAPI_PULL_MAX_CREDENTIALS", 5000)
# Where the discovery document points for the site's privacy policy and terms.
OBAPI_PRIVACY_URL = env_str("OBAPI_PRIVACY_URL", SITE_URL + "/connected-apps/privacy/")
OBAPI_TERMS_URL = env_str("OBAPI_TERMS_URL", SITE_URL + "/connected-apps/privacy/")

# =============================================================================
# SECURITY — production (DJANGO_DEBUG=0) is HTTPS-only by default
# =============================================================================
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent on every page but the admin and the API docs (config/security.py): our own scripts only, so
# badge data can never run code. Inline styles only for the standalone 500 page; QR codes on the
# printout are data: PNGs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
