"""All settings. Production differs only by what the environment says (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent  # src/kasane
PROJECT_DIR = BASE_DIR.parent.parent  # repository root
VAR_DIR = Path(env_str("KASANE_VAR_DIR", str(PROJECT_DIR / "var")))

KASANE_ENV = env_str("KASANE_ENV", "demo")
PRODUCTION = KASANE_ENV == "production"
# Demo mode: demo logins work and MFA is not enforced. Never on in production.
DEMO_MODE = not PRODUCTION and env_bool("KASANE_DEMO", True)

DEBUG = env_bool("KASANE_DEBUG", False) and not PRODUCTION
SECRET_KEY = env_secret(
    "KASANE_SECRET_KEY",
    "" if PRODUCTION else "kasane-demo-insecure-secret-key-only-for-local-use-0123456789",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list(
    "KASANE_ALLOWED_HOSTS",
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env_list("KASANE_CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("KASANE_SITE_NAME", "Kasane 重ね")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "kasane.core",
    "kasane.accounts",
    "kasane.audit",
    "kasane.exports",
    "kasane.areas",
    "kasane.resources",
    "kasane.access",
    "kasane.people",
    "kasane.sheets",
    "kasane.cases",
    "kasane.meetings",
    "kasane.notify",
    "kasane.participation",
    "kasane.community",
    "kasane.stats",
    "kasane.pdca",
    "kasane.retention",
    "kasane.web",
    "kasane.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # gzip for HTML/JSON (never event streams or streamed files): above everything that
    # writes a body, so it compresses the final answer
    "kasane.web.middleware.CompressionMiddleware",
    "kasane.web.middleware.ContentSecurityPolicyMiddleware",
    "kasane.web.middleware.StaticFilesMiddleware",  # WhiteNoise, async-capable
    "kasane.audit.middleware.RequestContextMiddleware",
    "kasane.accounts.middleware.SessionMiddleware",  # Django's; passive requests keep the idle timeout
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kasane.accounts.middleware.SecurityGateMiddleware",
    # GET/HEAD: each policy visibility queryset built once per request (core.request_memo)
    "kasane.core.request_memo.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "kasane.urls"
WSGI_APPLICATION = "kasane.wsgi.application"
ASGI_APPLICATION = "kasane.asgi.application"

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
                "kasane.web.context_processors.kasane",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_secret("KASANE_DATABASE_URL", "" if PRODUCTION else f"sqlite:///{VAR_DIR / 'kasane.sqlite3'}",
                   required=PRODUCTION),
        # 0 under ASGI: each request runs in a thread of its own that ends with it, so a kept
        # connection is never reused — it lingers until garbage-collected (docs/operations.md).
        conn_max_age=env_int("KASANE_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# PostgreSQL's JIT compiles any plan whose estimated cost passes jit_above_cost; for a page's
# statements the compilation took longer than the scan (the 名寄せ inbox: ~1 s of JIT for a
# 15 ms scan). Off per connection unless KASANE_DB_JIT=1 (docs/operations.md: behind
# PgBouncer, list "options" in ignore_startup_parameters or set jit = off for the role).
DB_JIT = env_bool("KASANE_DB_JIT", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not DB_JIT:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# Requests of one worker that run Django at once (kasane.asgi.ConcurrencyLimit; the others wait
# on the event loop), and idle PostgreSQL connections kept per worker process for the next
# request (kasane.core.pgpool; under ASGI Django's own persistent connections are never
# reused). 0 = off. In production both default to 8: measured together on the bench (issue 21,
# docs/scaling.md §2.7) they served 40–55 % more requests a second with a third of the p95 and
# no lock convoys; the pool never needs more connections than requests run at once.
PRODUCTION_CONCURRENCY = 8
KASANE_WORKER_CONCURRENCY = max(0, env_int("KASANE_WORKER_CONCURRENCY",
                                           PRODUCTION_CONCURRENCY if PRODUCTION else 0))
KASANE_DB_POOL_SIZE = max(0, env_int("KASANE_DB_POOL_SIZE",
                                     PRODUCTION_CONCURRENCY if PRODUCTION else 0))
if KASANE_DB_POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "kasane.core.pgpool"
    DATABASES["default"].setdefault("OPTIONS", {})["kasane_pool_size"] = KASANE_DB_POOL_SIZE
# A PostgreSQL streaming replica for statistics and report reads (kasane.core.replica,
# docs/scaling.md): off unless set. Writes and read-your-writes stay on the primary; the
# browser's last-write WAL position is kept in a cookie for KASANE_REPLICA_PIN_SECONDS.
KASANE_REPLICA_DATABASE_URL = env_secret("KASANE_REPLICA_DATABASE_URL", "")
DATABASE_ROUTERS: list[str] = []
if KASANE_REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        KASANE_REPLICA_DATABASE_URL, conn_max_age=env_int("KASANE_DB_CONN_MAX_AGE", 0))
    if not DB_JIT:
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kasane.core.replica.ReplicaRouter"]
    # marks writing requests and their browser for the router
    MIDDLEWARE.insert(MIDDLEWARE.index("kasane.audit.middleware.RequestContextMiddleware") + 1,
                      "kasane.core.replica.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Account protection
KASANE_LOCKOUT_THRESHOLD = env_int("KASANE_LOCKOUT_THRESHOLD", 5)
# National report P4-1 (spec/reporting.md B.3): count 参加支援 only with a plan approved
# (default: documented consent is enough, as one Tokyo practice does).
KASANE_PARTICIPATION_REQUIRES_PLAN = env_bool("KASANE_PARTICIPATION_REQUIRES_PLAN", False)
KASANE_LOCKOUT_MINUTES = env_int("KASANE_LOCKOUT_MINUTES", 15)
KASANE_IDLE_TIMEOUT_MINUTES = env_int("KASANE_IDLE_TIMEOUT_MINUTES", 30)
# Rate limit (issue 22): after N failed logins for one username from one address within M
# minutes, the login form and POST /api/v1/auth/token answer 429 with Retry-After.
KASANE_LOGIN_THROTTLE_ATTEMPTS = env_int("KASANE_LOGIN_THROTTLE_ATTEMPTS", 5)
KASANE_LOGIN_THROTTLE_MINUTES = env_int("KASANE_LOGIN_THROTTLE_MINUTES", 15)
# API tokens expire after this many days; a user holds at most this many active tokens.
KASANE_TOKEN_DAYS = env_int("KASANE_TOKEN_DAYS", 90)
KASANE_TOKENS_PER_USER = env_int("KASANE_TOKENS_PER_USER", 10)
# The interactive API documentation (/api/v1/docs) needs a signed-in user (production default);
# /api/v1/openapi.json stays public.
KASANE_API_DOCS_PUBLIC = env_bool("KASANE_API_DOCS_PUBLIC", not PRODUCTION)
# Server-sent events (kasane.web.events): a comment every HEARTBEAT seconds keeps proxies from
# closing an idle stream; after MAX seconds the stream ends and the browser reconnects.
KASANE_SSE_HEARTBEAT_SECONDS = env_int("KASANE_SSE_HEARTBEAT_SECONDS", 20)
KASANE_SSE_MAX_SECONDS = env_int("KASANE_SSE_MAX_SECONDS", 300)
KASANE_REQUIRE_MFA = env_bool("KASANE_REQUIRE_MFA", not DEMO_MODE)
OTP_TOTP_ISSUER = SITE_NAME

# Sessions: a request renews the session's deadline (its age is the idle timeout) when the last
# renewal is KASANE_SESSION_RENEW_SECONDS old or older (accounts.middleware.SessionMiddleware):
# not one session UPDATE + commit per page.
SESSION_COOKIE_AGE = KASANE_IDLE_TIMEOUT_MINUTES * 60
KASANE_SESSION_RENEW_SECONDS = env_int("KASANE_SESSION_RENEW_SECONDS", 60)
KASANE_REPLICA_PIN_SECONDS = env_int("KASANE_REPLICA_PIN_SECONDS", SESSION_COOKIE_AGE)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "kasane.web.views.csrf_failure"

# Security headers (docs/architecture.md "Security headers")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# 地域づくり map (docs/community.md): an in-house tile server, e.g.
# https://tiles.lgwan.example/{z}/{x}/{y}.png; empty = a blank background, no request at all.
KASANE_MAP_TILE_URL = env_str("KASANE_MAP_TILE_URL", "")
_TILE_ORIGIN = "/".join(KASANE_MAP_TILE_URL.split("/")[:3]) if "://" in KASANE_MAP_TILE_URL else ""
KASANE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    f"img-src 'self' data:{' ' + _TILE_ORIGIN if _TILE_ORIGIN else ''}; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("KASANE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("KASANE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("KASANE_HSTS_PRELOAD", True)
    if env_bool("KASANE_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Hashed, precompressed files from ``collectstatic`` (WhiteNoise sends them with a ten-year
# ``Cache-Control: immutable``): production always, the demo too (``./kasane demo`` collects
# them). Tests, ``runserver`` and development read the source folders (finders) instead.
STATIC_HASHED = PRODUCTION or env_bool("KASANE_STATIC_HASHED", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
        else "kasane.web.staticstorage.GzipManifestStaticFilesStorage" if STATIC_HASHED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_HASHED
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = Path(env_str("KASANE_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: files are streamed through access-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Notifications and 緊急案件 (kasane.notify, docs/notifications.md). Links in e-mails and
# webhooks start with KASANE_BASE_URL; e-mail is off while KASANE_EMAIL_HOST is empty.
KASANE_BASE_URL = env_str("KASANE_BASE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = env_str("KASANE_EMAIL_HOST", "")
EMAIL_PORT = env_int("KASANE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KASANE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("KASANE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KASANE_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("KASANE_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env_str("KASANE_EMAIL_FROM", "kasane@localhost")
KASANE_WEBHOOK_ALLOWED_HOSTS = env_list("KASANE_WEBHOOK_ALLOWED_HOSTS")
KASANE_WEBHOOK_TIMEOUT_SECONDS = env_int("KASANE_WEBHOOK_TIMEOUT_SECONDS", 5)
KASANE_WEBHOOK_ALLOW_LOOPBACK = False  # tests only: never from the environment
KASANE_DELIVERY_MAX_ATTEMPTS = env_int("KASANE_DELIVERY_MAX_ATTEMPTS", 5)
KASANE_DELIVERY_BACKOFF_SECONDS = env_int("KASANE_DELIVERY_BACKOFF_SECONDS", 60)
KASANE_ALERT_ESCALATE_MINUTES = env_int("KASANE_ALERT_ESCALATE_MINUTES", 10)
KASANE_NOTIFY_MEETING_DAYS = env_int("KASANE_NOTIFY_MEETING_DAYS", 3)
KASANE_BADGE_POLL_SECONDS = env_int("KASANE_BADGE_POLL_SECONDS", 30)

# Files made in the background (kasane.exports) are deleted after this many hours.
KASANE_EXPORT_KEEP_HOURS = env_int("KASANE_EXPORT_KEEP_HOURS", 24)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"denied_one_line": {"()": "kasane.web.logs.PermissionDeniedOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # an ordinary 403 is one warning line, not a traceback (kasane.web.logs)
    "loggers": {"django.request": {"filters": ["denied_one_line"]}},
    "root": {"handlers": ["console"], "level": env_str("KASANE_LOG_LEVEL", "WARNING")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []

# ``./kasane bench web`` only: mounts ``/bench/bare``, the bare view whose throughput is the
# web bench's baseline (no session, no database). Off everywhere else.
KASANE_BENCH_VIEWS = env_bool("KASANE_BENCH_VIEWS", False)

# Tamper-evident audit (kasane.audit.sealing): each seal's chain head is appended to this file,
# which the auditor keeps (or write-once storage). Rows are sealed once older than SETTLE
# seconds; a gap in ids younger than GAP minutes stops a run (an insert may still commit).
KASANE_AUDIT_SEAL_FILE = Path(env_str("KASANE_AUDIT_SEAL_FILE", str(VAR_DIR / "audit_seals.jsonl")))
KASANE_AUDIT_SEAL_SETTLE_SECONDS = env_int("KASANE_AUDIT_SEAL_SETTLE_SECONDS", 5)
KASANE_AUDIT_SEAL_GAP_MINUTES = env_int("KASANE_AUDIT_SEAL_GAP_MINUTES", 10)

# OpenID Connect single sign-on (kasane.accounts.oidc, docs/operations.md "SSO"): off unless
# KASANE_OIDC_ENABLED. Users are matched to existing accounts by one claim; MFA is taken from
# the provider's amr/acr, else Kasane's own TOTP step.
KASANE_OIDC_ENABLED = env_bool("KASANE_OIDC_ENABLED", False)
KASANE_OIDC_ISSUER = env_str("KASANE_OIDC_ISSUER", "")
KASANE_OIDC_MATCH_CLAIM = env_str("KASANE_OIDC_MATCH_CLAIM", "email")
KASANE_OIDC_CREATE_USERS_IN = env_str("KASANE_OIDC_CREATE_USERS_IN", "")
KASANE_OIDC_MFA_AMR = env_list("KASANE_OIDC_MFA_AMR", ["mfa", "otp", "hwk", "swk", "sms", "fpt", "face"])
KASANE_OIDC_MFA_ACR = env_list("KASANE_OIDC_MFA_ACR")
KASANE_OIDC_BUTTON_LABEL = env_str("KASANE_OIDC_BUTTON_LABEL", "シングルサインオンでログイン")
OIDC_RP_CLIENT_ID = env_str("KASANE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_secret("KASANE_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("KASANE_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("KASANE_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("KASANE_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("KASANE_OIDC_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = env_str("KASANE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("KASANE_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_CREATE_USER = bool(KASANE_OIDC_CREATE_USERS_IN)
OIDC_TIMEOUT = env_int("KASANE_OIDC_TIMEOUT_SECONDS", 10)
OIDC_VERIFY_SSL = env_bool("KASANE_OIDC_VERIFY_SSL", True)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if KASANE_OIDC_ENABLED:
    _missing = [name for name, value in (
        ("KASANE_OIDC_CLIENT_ID", OIDC_RP_CLIENT_ID), ("KASANE_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        ("KASANE_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
        ("KASANE_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
        ("KASANE_OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
        ("KASANE_OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT)) if not value]
    if _missing:
        raise ImproperlyConfigured("KASANE_OIDC_ENABLED needs " + ", ".join(_missing))
    if KASANE_OIDC_MATCH_CLAIM not in {"email", "preferred_username"}:
        raise ImproperlyConfigured("KASANE_OIDC_MATCH_CLAIM must be email or preferred_username")
    AUTHENTICATION_BACKENDS.append("kasane.accounts.oidc.KasaneOIDCBackend")

# Retention (kasane.retention, docs/security.md "Retention"): default years per record type,
# overridden per municipality on the 保存期間と廃棄 screen. ./kasane purge --dry-run reports.
KASANE_RETENTION_YEARS = {
    "case": env_int("KASANE_RETENTION_CASE_YEARS", 5),  # after the latest 終結日
    "sheet": env_int("KASANE_RETENTION_SHEET_YEARS", 5),  # after 記入日 (not linked to a case)
    "person": env_int("KASANE_RETENTION_PERSON_YEARS", 5),  # after the last change, nothing left
}
