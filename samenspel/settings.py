"""Samenspel settings: one module, read from the environment.

With nothing set, this is the embedded default (SQLite, in-memory channel layer, DEBUG on).
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default="DATABASE_URL" not in os.environ)

# The embedded default may run with a development key; production must bring its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "samenspel-insecure-development-key-only-for-the-embedded-demo"  # noqa: S105
# Earlier keys, comma-separated, after a key change: sessions, login links and the sealed
# ballots of polls still open (voting/sealing.py) made under an old key stay readable.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "samenspel",
    "council",  # first on the home page: a council member sees what they can read at once
    "deliberation",
    "deliberation.drafts",
    "voting",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "samenspel.urls"
ASGI_APPLICATION = "samenspel.asgi.application"
AUTH_USER_MODEL = "samenspel.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "samenspel.workspace.context",
            ],
        },
    },
]

# Embedded default: a SQLite file next to the project; production: DATABASE_URL (PostgreSQL).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'samenspel.sqlite3'}",
        # Connections stay open between requests and live commands (a new PostgreSQL
        # connection per command costs more than the command); checked before reuse.
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let Daphne's thread pool and a management command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    TEST_SQLITE_NAME = os.environ.get("TEST_SQLITE_NAME")
    if TEST_SQLITE_NAME:
        DATABASES["default"]["TEST"] = {"NAME": TEST_SQLITE_NAME}

# PostgreSQL: a bounded pool of connections per server process (psycopg_pool, through
# Django's own pool support). Daphne runs every request in a thread of its own, and without
# a pool each thread opened a connection of its own: a burst of a thousand ballots went past
# PostgreSQL's max_connections and most were answered 500. With the pool a request waits up
# to DB_POOL_TIMEOUT seconds for a free connection. DB_POOL_MAX_SIZE=0 turns it off (then
# DB_CONN_MAX_AGE applies). Processes x DB_POOL_MAX_SIZE must stay below max_connections.
DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "10"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections open instead
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(DB_POOL_MAX_SIZE, int(os.environ.get("DB_POOL_MIN_SIZE", "2"))),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "60")),
    }

# How many HTTP requests one process lets into Django at a time (samenspel/handler.py); the
# rest wait on the event loop. Django gives each request a thread of its own: without a
# limit a burst of a thousand ballots became hundreds of threads fighting over one
# interpreter lock and DB_POOL_MAX_SIZE connections. 0 turns the limit off.
HTTP_CONCURRENCY = int(os.environ.get("HTTP_CONCURRENCY", str(max(DB_POOL_MAX_SIZE, 4))))
# Seconds a request already inside Django may take to finish once the process is told to
# stop (SIGTERM); then it is ended and answered 503 with Retry-After (samenspel/stopping.py).
HTTP_STOP_GRACE_SECONDS = float(os.environ.get("HTTP_STOP_GRACE_SECONDS", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # socket_timeout None: redis-py 8 otherwise times out idle reads after 5 s and drops
    # consumers; max_connections ~1000: the default pool of 100 fails group_add in a burst.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 1000}],
                "capacity": 1500,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1500}}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "samenspel" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Daphne serves no static files itself: WhiteNoise does, from the build output in development.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "samenspel@diemen.nl")
# The address e-mails link to (the council notices' daily e-mail), without a trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Magic links are valid this long, and only once.
MAGIC_LINK_MAX_AGE_SECONDS = int(os.environ.get("MAGIC_LINK_MAX_AGE_SECONDS", "900"))
# Guessing: this many failures per account lock it for LOGIN_LOCK_MINUTES (codes: below).
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
# Letter codes are never locked: after LOGIN_MAX_FAILURES attempts at one code, each next
# check of it waits LOGIN_CODE_DELAY_SECONDS, doubling per attempt, never longer than
# LOGIN_CODE_MAX_DELAY_SECONDS (samenspel/slowdown.py, docs/operations.md).
LOGIN_CODE_DELAY_SECONDS = float(os.environ.get("LOGIN_CODE_DELAY_SECONDS", "1"))
LOGIN_CODE_MAX_DELAY_SECONDS = float(os.environ.get("LOGIN_CODE_MAX_DELAY_SECONDS", "30"))
# Slowed code attempts one process keeps waiting at once; more are told to try again later.
LOGIN_CODE_MAX_WAITING = int(os.environ.get("LOGIN_CODE_MAX_WAITING", "2"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Samenspel API",
    "DESCRIPTION": "Read API of Samenspel: summits, drafts, polls and their outcomes.",
    "VERSION": "1",
    # The API docs' viewer comes from our own static files: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would load an image from the validator's host on every visit.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# Content-Security-Policy on every response (django-csp): only our own scripts, styles,
# images and connections. The one inline script, the import map in the base template,
# carries the request's nonce. connect-src 'self' also covers ws:/wss: to the same host.
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
    }
}

# How often a nota's read page asks whether comments or amendments changed (seconds).
DRAFT_DISCUSSION_POLL_SECONDS = int(os.environ.get("DRAFT_DISCUSSION_POLL_SECONDS", "20"))

# Co-writing rooms (deliberation/drafts/rooms.py and updatelog.py, docs/cowriting.md).
# Seconds between writes of a room's update log: a killed process loses at most this much.
DRAFT_SAVE_INTERVAL = float(os.environ.get("DRAFT_SAVE_INTERVAL", "0.25"))
# Updates in the log before it is folded into a snapshot, and the seconds without edits a
# room waits for before it does so (a room never quiet does it at four times the count).
DRAFT_COMPACT_AFTER = int(os.environ.get("DRAFT_COMPACT_AFTER", "500"))
DRAFT_COMPACT_QUIET = float(os.environ.get("DRAFT_COMPACT_QUIET", "2.0"))
# Seconds a room's reading of the log counts as fresh when it answers a client's sync.
DRAFT_CATCH_UP_INTERVAL = float(os.environ.get("DRAFT_CATCH_UP_INTERVAL", "1.0"))
# Seconds a room waits for another process to say it logged the edits it relayed, before
# logging them itself (that process may have been killed).
DRAFT_OTHERS_LOG_WAIT = float(os.environ.get("DRAFT_OTHERS_LOG_WAIT", "1.0"))
# Largest co-writing message a client may send (bytes; more closes the socket with 4413),
# and the seconds between one editor's cursor and name updates passed on to the others.
DRAFT_MAX_MESSAGE_BYTES = int(os.environ.get("DRAFT_MAX_MESSAGE_BYTES", str(512 * 1024)))
DRAFT_PRESENCE_INTERVAL = float(os.environ.get("DRAFT_PRESENCE_INTERVAL", "0.1"))

# Largest WebSocket text frame a client may send to the live channel (bytes).
LIVE_MAX_FRAME_BYTES = int(os.environ.get("LIVE_MAX_FRAME_BYTES", "16384"))

# Live commands per person per server process: a burst at once (a host typing ideas from
# paper, a facilitator clicking fast), then a steady rate per second; 0 turns the limit off.
LIVE_COMMAND_BURST = int(os.environ.get("LIVE_COMMAND_BURST", "20"))
LIVE_COMMAND_RATE = float(os.environ.get("LIVE_COMMAND_RATE", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "daphne": {"level": "WARNING"},
        "django.channels.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # not a line per step of every letter
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
