"""Settings for the knowledge base, driven by environment variables.

DEBUG is off unless asked for; with DEBUG off a SECRET_KEY and ALLOWED_HOSTS
must be given and the secure-transport settings are on. DATABASE_URL picks the
database (SQLite in the project folder when unset); every wait on it is bounded
(DATABASE_CONNECT_TIMEOUT, DATABASE_STATEMENT_TIMEOUT) so an outage answers 503 at once.
"""

import base64
import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, unit: str) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of {unit}, not {value!r}.")
    return int(value)


def inline_style_source(css: str) -> str:
    """A Content-Security-Policy source that allows exactly this style="" attribute, and no other."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"


def with_timeouts(database: dict, *, connect: int, statement: int) -> dict:
    """Bound every wait on the database, so a page answers 503 at once instead of hanging.

    PostgreSQL: give up connecting after ``connect`` seconds and cancel any statement
    running longer than ``statement`` (0 turns it off), both below gunicorn's 30 s worker
    timeout. JIT compilation is off: it pays off for long analytical queries, but a page's
    queries run in milliseconds, and at 50,000 rules the planner's estimates crossed
    ``jit_above_cost`` and spent 150 ms compiling a 50 ms query (bench/README.md).
    SQLite: wait at most ``connect`` seconds for a locked file.
    """
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = connect
        options["options"] = f"-c statement_timeout={statement * 1000} -c jit=off {options.get('options', '')}".strip()
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        options["timeout"] = connect
    return database


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - used only with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    # Django would start and answer 400 to every request: say so at start instead.
    raise ImproperlyConfigured(
        "Set ALLOWED_HOSTS to the comma-separated host names the site is served under "
        "(e.g. ALLOWED_HOSTS=kb.example.org), or DEBUG=1 for local development."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "regulations.admin_site.CurationAdminConfig",  # django.contrib.admin with a site that refuses NUL bytes
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "simple_history",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "rest_framework.authtoken",
    "corsheaders",
    "django_htmx",
    "import_export",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "regulations",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "regulations.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
    "regulations.content_version.ReadOnceMiddleware",
    "regulations.api.conditional.ConditionalApiMiddleware",
    "regulations.page_cache.PageCacheMiddleware",
]

# Anonymous API requests allowed per client address and worker (DRF's throttle counts in each
# worker's memory), e.g. 120/min; more answer 429 with Retry-After.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", API_ANON_RATE):
    raise ImproperlyConfigured(
        f"API_ANON_RATE must read like 120/min (a number per s, min, hour or day): {API_ANON_RATE!r}"
    )

# Where `manage.py publish_open_data` writes the open-data files that /open-data/ offers.
OPEN_DATA_DIR = Path(os.environ.get("OPEN_DATA_DIR", BASE_DIR / "open-data"))

# The JSON API (regulations/api/): JSON only, errors as RFC 9457 problem details, page-number
# pagination; `format` is a query parameter of the data (as on /checklist/), not a content type.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [  # the token first: a bad one is a 401 that says how to authenticate
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "regulations.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "regulations.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "regulations.api.problems.problem_details",
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_CLASSES": ["regulations.api.throttling.AnonymousClients"],
}
# Any site may read the API from a browser (GET only); the pages and the admin stay same-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
SPECTACULAR_SETTINGS = {
    "TITLE": "Smart-vehicle compliance knowledge base API",
    "DESCRIPTION": (
        "Published rules on data security, road safety and cross-border data transfer for connected "
        "and automated vehicles, the jurisdictions they apply in, and why. Read-only; errors are RFC 9457 "
        "problem details."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "regulations.api.schema.blank_means_absent",
    ],
    "ENUM_NAME_OVERRIDES": {
        "JurisdictionKindEnum": "regulations.models.JurisdictionKind",
        "RequirementKindEnum": "regulations.models.RequirementKind",
        "MilestoneKindEnum": "regulations.models.MilestoneKind",
        "RelationKindEnum": "regulations.models.RelationKind",
    },
}

# Anonymous public pages are kept per content version (regulations/page_cache.py), in each
# worker's memory; off with DEBUG so that template edits show at once.
PAGE_CACHE = env_bool("PAGE_CACHE", not DEBUG)
# What reaches each market, and the other answers that depend on the content and the day
# alone, are kept per worker until the content changes (regulations/content_memo.py).
CONTENT_MEMO = env_bool("CONTENT_MEMO", not DEBUG)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

ROOT_URLCONF = "kb.urls"
WSGI_APPLICATION = "kb.wsgi.application"

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
                "regulations.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": with_timeouts(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        ),
        connect=env_int("DATABASE_CONNECT_TIMEOUT", 5, "seconds"),
        statement=env_int("DATABASE_STATEMENT_TIMEOUT", 20, "seconds"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account
# from one address, that account is locked at that address for LOGIN_LOCKOUT_MINUTES (each
# further try starts the wait again); a right password before the limit resets the count.
# `manage.py axes_reset_username NAME` unlocks early. Axes' backend must come first.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, "attempts")
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, "minutes"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "regulations.views.lockout.locked_out"
AXES_VERBOSE = False  # no start-up banner on every command; lock-outs are still logged

if env_bool("FAST_PASSWORD_HASHER"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

# Imports run in one transaction: a file with any bad row changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Content-Security-Policy (django-csp): everything from our own origin (the vendored Bootstrap
# and htmx, our css), no inline script or style, no eval; Bootstrap's form icons are data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # django-simple-history's history list carries one fixed style="" attribute: allow that one only.
        "style-src-attr": [UNSAFE_HASHES, inline_style_source("border-top: 0")],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each step of each PDF at INFO ("Step 5 - Creating layout - Page 28").
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# E-mail for the daily digests (manage.py send_digests): SMTP settings from the environment;
# SITE_URL makes the digest's links absolute (an e-mail has no request to take the host from).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, "port")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "digests@localhost")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Firms' evidence files (issue 17): kept in Django's storage under MEDIA_ROOT, served only to the
# firm's members through the workspace (never as public static files), within these limits.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 10, "megabytes") * 1024 * 1024
EVIDENCE_TYPES = {"pdf", "png", "jpg", "jpeg", "xlsx", "docx", "txt"}
