"""Django settings, read from the environment (house rule 8).

Every setting has a safe local default so that a fresh checkout runs on embedded SQLite.
Production (DEBUG=0, the default) refuses to start with the built-in development secret.
See docs/configuration.md for the full list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "insecure-development-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable, naming it in the error when it is not one."""
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def read_secret_key() -> str:
    """SECRET_KEY from the environment, else from SECRET_KEY_FILE, else the dev key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = os.environ.get("SECRET_KEY_FILE")
    if key_file:
        return Path(key_file).read_text(encoding="utf-8").strip()
    return DEV_SECRET_KEY


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = read_secret_key()
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DEBUG=0 needs a real secret: set SECRET_KEY (at least 32 characters) or "
        "SECRET_KEY_FILE. `make demo` creates one in var/secret_key for you."
    )

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))

# Encryption at rest of personal fields (docs/encryption.md). The key ring comes from
# FIELD_KEYS (JSON, inline) or FIELD_KEY_FILE; with DEBUG=1 only, a key file is made in
# DATA_DIR on first use. FIELD_ENCRYPTION=0 is for bench/crypto_bench.py's baseline only.
FIELD_KEYS = os.environ.get("FIELD_KEYS", "")
FIELD_KEY_FILE = os.environ.get("FIELD_KEY_FILE", "")
FIELD_ENCRYPTION = env_bool("FIELD_ENCRYPTION", True)
FIELD_KEY_AUTOCREATE = DEBUG  # only a developer's machine gets a key file made for it
if not DEBUG and not (FIELD_KEYS or FIELD_KEY_FILE):
    raise ImproperlyConfigured(
        "DEBUG=0 needs the field encryption keys: set FIELD_KEY_FILE (or FIELD_KEYS). "
        "`jeevanrekha keys init --file PATH` makes a key file (docs/encryption.md)."
    )
if not DEBUG and not FIELD_ENCRYPTION:
    raise ImproperlyConfigured("FIELD_ENCRYPTION=0 is for benchmarks on a developer's machine")

# Retention (docs/retention.md): days after a case is closed or cancelled until each kind of
# its personal data is anonymised; the audit trail is kept at least a year.
RETENTION_RAW_ALERT_DAYS = env_int("RETENTION_RAW_ALERT_DAYS", 180)
RETENTION_LOCATION_DAYS = env_int("RETENTION_LOCATION_DAYS", 180)
RETENTION_NOTE_DAYS = env_int("RETENTION_NOTE_DAYS", 365)
RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", 3 * 365)
RETENTION_RUN_HOURS = env_int("RETENTION_RUN_HOURS", 24)
if RETENTION_AUDIT_DAYS < 365:
    raise ImproperlyConfigured("RETENTION_AUDIT_DAYS cannot be below 365: the audit is kept a year")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    # Django's admin behind the desk's two-factor sign-in (jeevanrekha/accounts/admin_site.py).
    "jeevanrekha.accounts.admin_config.DeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja's own copy of Swagger UI for /api/*/docs (else it loads it from a CDN,
    # which the CSP blocks and the desk must not depend on).
    "ninja",
    "jeevanrekha.audit",
    "jeevanrekha.bus",
    "jeevanrekha.cases",
    "jeevanrekha.intake",
    "jeevanrekha.risk",
    "jeevanrekha.geo",
    "jeevanrekha.web",
    "jeevanrekha.dispatch",
    "jeevanrekha.followup",
    "jeevanrekha.reports",
    "jeevanrekha.sim",
    "jeevanrekha.crypto",
    "jeevanrekha.retention",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "jeevanrekha.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # CSP (with a nonce per request), Permissions-Policy, HSTS: jeevanrekha/web/security.py.
    "jeevanrekha.web.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jeevanrekha.web.middleware.RequestIdMiddleware",
    "jeevanrekha.web.ops.LatencyMiddleware",
    # 429 before any work: sign-in, intake per source, one-tap links (web/ratelimit.py).
    "jeevanrekha.web.ratelimit.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "jeevanrekha.web.security.DeskBodyMiddleware",  # desk forms: size limit, no files
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which TOTP device verified this session; then sign out sessions without one, or idle.
    "django_otp.middleware.OTPMiddleware",
    "jeevanrekha.accounts.middleware.SessionGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_config() -> dict[str, Any]:
    """DATABASES['default'] from DATABASE_URL (default: SQLite file in DATA_DIR).

    SQLite runs in WAL mode with synchronous=FULL (an acknowledged alert survives a power
    cut), a busy timeout and IMMEDIATE transactions, so that concurrent writers queue
    instead of failing with "database is locked". See docs/adr/0002-sqlite-durability.md.
    """
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'jeevanrekha.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    # Keep connections open between requests: opening one (and, on SQLite, running the
    # PRAGMAs) costs more than the request itself.
    config["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = "jeevanrekha.db.sqlite"  # Django's, with writers queued on a file lock
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        busy_ms = env_int("SQLITE_BUSY_TIMEOUT_MS", 20000)
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": busy_ms / 1000,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                f"PRAGMA busy_timeout={busy_ms}; PRAGMA foreign_keys=ON;"
            ),
        }
        test_name = os.environ.get("SQLITE_TEST_NAME")
        config["TEST"] = {"NAME": test_name or str(DATA_DIR / "test-jeevanrekha.sqlite3")}
    else:
        # Server-side binding lets psycopg prepare the statements a connection repeats, so
        # PostgreSQL plans each one once per connection instead of on every request.
        # force_custom_plan: a generic plan cached while tables are nearly empty is a full
        # scan that PostgreSQL keeps as they grow (measured in bench/intake.py).
        config["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 2,
            "options": "-c plan_cache_mode=force_custom_plan",
        }
        test_name = os.environ.get("PG_TEST_NAME")
        if test_name:
            config["TEST"] = {"NAME": test_name}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk"
LOGOUT_REDIRECT_URL = "login"
# Sign-in (jeevanrekha/accounts): password, then a TOTP code from an authenticator app.
# LOGIN_MAX_FAILURES wrong passwords or codes within LOGIN_LOCKOUT_MINUTES lock the account
# name, and separately the client address, for LOGIN_LOCKOUT_MINUTES (audited).
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Jeevan Rekha")
# One lock-out policy (ours, audited) instead of django-otp's own growing delays as well.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a TOTP secret

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
# The Hindi catalogue (locale/hi/LC_MESSAGES/django.po), compiled at set-up (`make setup`).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
# Set STATIC_ROOT (and run collectstatic) to serve pre-compressed files in production;
# without it whitenoise serves straight from the finders.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
# Front-end libraries come from npm (package.json) at set-up; never copied into the repo.
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/noto-devanagari", BASE_DIR / "node_modules" / "@fontsource" / "noto-sans-devanagari"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session with no action by the person for SESSION_IDLE_MINUTES is signed out by the
# server (jeevanrekha/accounts/middleware.py); requests the page makes by itself (the
# queue's polling, SESSION_PASSIVE_URL_NAMES) do not count as action. SESSION_IDLE_SECONDS,
# if set, overrides it in seconds.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 60 * env_int("SESSION_IDLE_MINUTES", 30))
SESSION_PASSIVE_URL_NAMES = ["desk-queue"]
# The session is saved on every action, not on every poll. Cookie and stored session
# outlive the idle time (12 h from the last action) so that the guard, not a silent expiry,
# ends an idle session: audited, and the sign-in page says why.
SESSION_COOKIE_AGE = max(SESSION_IDLE_SECONDS, 12 * 3600)
SESSION_SAVE_EVERY_REQUEST = False
# Behind TLS in production set SECURE_COOKIES=1; the local desk runs on plain loopback HTTP.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No page address (case ids, one-tap tokens) leaves the desk in a Referer header. Not
# "no-referrer": browsers then send "Origin: null" with every form, which Django's CSRF
# check must refuse (docs/adr/0010-referrer-policy-same-origin.md).
SECURE_REFERRER_POLICY = "same-origin"
# HSTS on every answer when DEBUG is off (jeevanrekha/web/security.py); 0 turns it off.
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
# A desk form's body (not the signed APIs'): larger is 413; no desk form takes a file (415).
DESK_MAX_BODY_BYTES = env_int("DESK_MAX_BODY_BYTES", 256 * 1024)
# A person's new sign-in ends their other sessions (audited: "signed_in_elsewhere").
SESSION_ONE_PER_PERSON = env_bool("SESSION_ONE_PER_PERSON", True)
# Rate limits per server process (jeevanrekha/web/ratelimit.py; 0 turns one off).
RATE_SIGN_IN_PER_ADDRESS = env_int("RATE_SIGN_IN_PER_ADDRESS", 30)  # sign-in POSTs a minute
RATE_SIGN_IN_PER_ACCOUNT = env_int("RATE_SIGN_IN_PER_ACCOUNT", 10)  # password tries a minute
RATE_INTAKE_PER_SOURCE = env_int("RATE_INTAKE_PER_SOURCE", 1000)  # signed alerts a second
RATE_INTAKE_BURST = env_int("RATE_INTAKE_BURST", 2000)
RATE_INTAKE_UNSIGNED_PER_ADDRESS = env_int("RATE_INTAKE_UNSIGNED_PER_ADDRESS", 20)  # a second
RATE_ONE_TAP_PER_TOKEN = env_int("RATE_ONE_TAP_PER_TOKEN", 20)  # a minute
RATE_ONE_TAP_PER_ADDRESS = env_int("RATE_ONE_TAP_PER_ADDRESS", 120)  # a minute
# `jeevanrekha timers` walks the audit chain this often; a break alerts (audit/watch.py).
AUDIT_VERIFY_INTERVAL_MINUTES = env_int("AUDIT_VERIFY_INTERVAL_MINUTES", 60)

# Intake API.
INTAKE_MAX_BODY_BYTES = env_int("INTAKE_MAX_BODY_BYTES", 1024 * 1024)
INTAKE_REPLAY_WINDOW_SECONDS = env_int("INTAKE_REPLAY_WINDOW_SECONDS", 300)
INTAKE_MAX_JSON_DEPTH = env_int("INTAKE_MAX_JSON_DEPTH", 32)
# The desk's own state: a person resolved to another state is handed over (issue #4, #6).
HOME_STATE = os.environ.get("HOME_STATE", "Uttar Pradesh")
# The watch over public posts raises an alert for review from this risk level up (2: ideation).
MONITOR_REVIEW_LEVEL = env_int("MONITOR_REVIEW_LEVEL", 2)
# An alert about a person with an active case joins it if that case had an alert this recently.
CASE_JOIN_WINDOW_HOURS = env_int("CASE_JOIN_WINDOW_HOURS", 72)
# A platform alert email may carry screenshots; larger messages are kept cut short and
# quarantined as too large, like an oversized API body.
INTAKE_EMAIL_MAX_BYTES = env_int("INTAKE_EMAIL_MAX_BYTES", 10 * 1024 * 1024)
# Platform alert email (docs/email-intake.md). Only these sender domains (and their
# subdomains) are accepted; empty refuses every message (it is kept, quarantined).
INTAKE_EMAIL_SENDER_DOMAINS = [
    d.strip().lower()
    for d in os.environ.get("INTAKE_EMAIL_SENDER_DOMAINS", "").split(",")
    if d.strip()
]
# Sender domain → platform, as "domain=platform,..."; replaces the built-in map when set.
INTAKE_EMAIL_PLATFORMS = os.environ.get("INTAKE_EMAIL_PLATFORMS", "")
# `jeevanrekha smtpd`: where it listens, the SMTP SIZE it announces (larger than the alert
# limit, so that an oversized message is still recorded, cut short), the recipients one
# message may have, and the only recipient addresses it takes (empty: any).
INTAKE_SMTP_BIND = os.environ.get("INTAKE_SMTP_BIND", "127.0.0.1:2525")
INTAKE_SMTP_MAX_BYTES = env_int("INTAKE_SMTP_MAX_BYTES", 32 * 1024 * 1024)
INTAKE_SMTP_MAX_RECIPIENTS = env_int("INTAKE_SMTP_MAX_RECIPIENTS", 100)
INTAKE_SMTP_RECIPIENTS = [
    a.strip().lower() for a in os.environ.get("INTAKE_SMTP_RECIPIENTS", "").split(",") if a.strip()
]
# `jeevanrekha imap-poll`: the mailbox the platform's alerts are delivered to (TLS only).
IMAP_HOST = os.environ.get("IMAP_HOST", "")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_TLS = os.environ.get("IMAP_TLS", "implicit")  # implicit (993) or starttls (143)
IMAP_CA_FILE = os.environ.get("IMAP_CA_FILE", "")  # else the system's trusted CAs
IMAP_USER = os.environ.get("IMAP_USER", "")
IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
IMAP_MAILBOX = os.environ.get("IMAP_MAILBOX", "INBOX")
# Once stored, a message is moved to IMAP_DONE_MAILBOX if set, else marked \Seen.
IMAP_DONE_MAILBOX = os.environ.get("IMAP_DONE_MAILBOX", "")
IMAP_POLL_SECONDS = env_int("IMAP_POLL_SECONDS", 30)
# Group commit (docs/adr/0003-group-commit.md): concurrent requests in one server process
# share a transaction. Off in the in-process test client, whose test transaction another
# thread cannot see.
INTAKE_GROUP_COMMIT = env_bool("INTAKE_GROUP_COMMIT", True)
INTAKE_BATCH_MAX = env_int("INTAKE_BATCH_MAX", 64)
INTAKE_COMMITTERS = env_int("INTAKE_COMMITTERS", 1)
INTAKE_COMMIT_TIMEOUT = env_int("INTAKE_COMMIT_TIMEOUT_SECONDS", 30)
# Django's own limit must not cut the body before the intake sees it (it answers 413 itself).
DATA_UPLOAD_MAX_MEMORY_SIZE = INTAKE_MAX_BODY_BYTES + 1

NATS_URL = os.environ.get("NATS_URL", "")
# /readyz fails when events wait longer than this for the broker, or a deadline is this late.
READY_MAX_OUTBOX_LAG_SECONDS = env_int("READY_MAX_OUTBOX_LAG_SECONDS", 60)
READY_MAX_TIMER_LAG_SECONDS = env_int("READY_MAX_TIMER_LAG_SECONDS", 120)
# /metrics answers loopback only, or any caller presenting this bearer token.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# Dispatch and escalation (issue #6): see docs/dispatch.md and docs/configuration.md.
DISPATCH_LADDERS = os.environ.get("DISPATCH_LADDERS", "")  # JSON, or @file.json
DISPATCH_TRAVEL = os.environ.get("DISPATCH_TRAVEL", "")  # JSON, or @file.json
DISPATCH_VEHICLE_STALE_SECONDS = env_int("DISPATCH_VEHICLE_STALE_SECONDS", 600)
DISPATCH_HIGH_CONFIDENCE = float(os.environ.get("DISPATCH_HIGH_CONFIDENCE", "0.7"))
DISPATCH_LINK_TTL_SECONDS = env_int("DISPATCH_LINK_TTL_SECONDS", 6 * 3600)
DISPATCH_CLAIM_SECONDS = env_int("DISPATCH_CLAIM_SECONDS", 120)
DISPATCH_RETRY_BASE_SECONDS = env_int("DISPATCH_RETRY_BASE_SECONDS", 15)
DISPATCH_RETRY_MAX_SECONDS = env_int("DISPATCH_RETRY_MAX_SECONDS", 600)
DISPATCH_MAX_ATTEMPTS = env_int("DISPATCH_MAX_ATTEMPTS", 6)
DISPATCH_SEND_TIMEOUT_SECONDS = env_int("DISPATCH_SEND_TIMEOUT_SECONDS", 10)
DISPATCH_SMTP_HOST = os.environ.get("DISPATCH_SMTP_HOST", "127.0.0.1")
DISPATCH_SMTP_PORT = env_int("DISPATCH_SMTP_PORT", 25)
DISPATCH_SMTP_USER = os.environ.get("DISPATCH_SMTP_USER", "")
DISPATCH_SMTP_PASSWORD = os.environ.get("DISPATCH_SMTP_PASSWORD", "")
DISPATCH_SMTP_STARTTLS = env_bool("DISPATCH_SMTP_STARTTLS", False)
DISPATCH_MAIL_FROM = os.environ.get("DISPATCH_MAIL_FROM", "jeevanrekha@localhost")
DISPATCH_SMS_URL = os.environ.get("DISPATCH_SMS_URL", "")
DISPATCH_SMS_TEMPLATE = os.environ.get("DISPATCH_SMS_TEMPLATE", '{"to": "{to}", "text": "{text}"}')
DISPATCH_SMS_HEADERS = os.environ.get("DISPATCH_SMS_HEADERS", "{}")  # JSON object
DISPATCH_WEBHOOK_SECRET = os.environ.get("DISPATCH_WEBHOOK_SECRET", "")
DISPATCH_WEBHOOK_SENDER = os.environ.get("DISPATCH_WEBHOOK_SENDER", "jeevanrekha")
DISPATCH_CAP_SENDER = os.environ.get("DISPATCH_CAP_SENDER", "socialmedia-desk@up.police.invalid")
DISPATCH_CAP_XSD = os.environ.get("DISPATCH_CAP_XSD", "")  # default var/cap/CAP-v1.2.xsd
DISPATCH_API_REPLAY_WINDOW_SECONDS = env_int("DISPATCH_API_REPLAY_WINDOW_SECONDS", 300)

# Follow-up after a rescue (issue #8): see docs/followup.md and docs/configuration.md.
FOLLOWUP_REFERRAL = os.environ.get("FOLLOWUP_REFERRAL", "Tele-MANAS 14416")
FOLLOWUP_CHECKS = os.environ.get("FOLLOWUP_CHECKS", "24h,72h,7d,30d")
FOLLOWUP_GRACE = os.environ.get("FOLLOWUP_GRACE", "12h")

LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")  # "json" in production (one object per line)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "jeevanrekha.web.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "jeevanrekha.web.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
