"""The one settings module. Everything that differs between machines comes from the environment.

Development (`make run`) sets DEBUG=1. Production leaves DEBUG unset and must provide SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and EMAIL_HOST; `manage.py check --deploy --fail-level WARNING` passes then.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; anything but the usual spellings fails loudly (healthchecks' envbool)."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0/1, true/false, yes/no or on/off, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_json(name: str) -> dict:
    """A JSON object from the environment ({} when unset); anything else fails loudly."""
    value = os.environ.get(name, "")
    try:
        parsed = json.loads(value) if value else {}
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {error}") from error
    if not isinstance(parsed, dict):
        raise ImproperlyConfigured(f"{name} must be a JSON object, not {type(parsed).__name__}")
    return parsed


DEBUG = env_bool("DEBUG", False)
# HTTPS is on wherever DEBUG is off; the test suite and `make run` serve plain HTTP on 127.0.0.1.
HTTPS = env_bool("LACZNIK_HTTPS", not DEBUG)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghij"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Local development may skip the second factor for staff; production refuses to start with it.
SKIP_SECOND_FACTOR = env_bool("LACZNIK_DEV_SKIP_SECOND_FACTOR", False)
if SKIP_SECOND_FACTOR and not DEBUG:
    raise ImproperlyConfigured("LACZNIK_DEV_SKIP_SECOND_FACTOR is for development only (DEBUG=1).")

VAR_DIR = Path(os.environ.get("LACZNIK_VAR_DIR", BASE_DIR / "var"))
LOG_DIR = Path(os.environ.get("LACZNIK_LOG_DIR", VAR_DIR / "log"))

INSTALLED_APPS = [
    # Our apps first: their translations and templates take precedence over Django's own.
    "lacznik.core",
    "lacznik.accounts",
    "lacznik.territory",
    "lacznik.cpv",
    "lacznik.entities",
    "lacznik.events",
    "lacznik.advocates",
    "lacznik.core.apps.LacznikAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "lacznik.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lacznik.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lacznik.core.middleware.PrivateCacheMiddleware",
    "lacznik.accounts.middleware.SessionLifetimeMiddleware",
    "lacznik.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees every failed sign-in the view layer reports.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lacznik.urls"
WSGI_APPLICATION = "lacznik.wsgi.application"

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
                "lacznik.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite (embedded) unless DATABASE_URL names another, e.g. postgres://user@host/db.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("LACZNIK_SQLITE_PATH", str(VAR_DIR / "lacznik.sqlite3")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # Writers wait for the lock instead of failing at once with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lacznik_cache"}
}

# Background work: the django-tasks interface; a database queue worked by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": os.environ.get("LACZNIK_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "lacznik.accounts.passwords.ContextWordsValidator"},
    {"NAME": "lacznik.accounts.passwords.PredictablePatternValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_RESET_TIMEOUT = 3600

# django-axes: lock the pair (account, IP) so colleagues behind one office NAT keep working.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form's field is "username", the account's is "email": count failures by the normalised address.
AXES_USERNAME_CALLABLE = "lacznik.accounts.lockout.lockout_username"
# Tries refused during a lockout are not new failures: the lock ends 15 minutes after it began, as the page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lacznik.core.http.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Sessions: in the database (app servers stay stateless); idle and absolute limits in accounts.middleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
# The __Host- prefix pins cookies to this host and to HTTPS; browsers refuse it on plain HTTP.
SESSION_COOKIE_NAME = "__Host-session" if HTTPS else "session"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
LANGUAGE_COOKIE_NAME = "__Host-lang" if HTTPS else "lang"
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy, say how many proxies to trust (client IP and scheme come from them).
TRUSTED_PROXY_COUNT = env_int("LACZNIK_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Internationalisation: Polish first, English second; translations in each app's locale/.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/ folder

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("LACZNIK_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: SMTP when EMAIL_HOST is set; otherwise printed to the console (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Łącznik <noreply@lacznik.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

OTP_TOTP_ISSUER = "Łącznik"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "lacznik.core.security_log.JsonLineFormatter"}},
    "filters": {"request_id": {"()": "lacznik.core.security_log.RequestIdFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security_file": {
            "class": "lacznik.core.security_log.JsonLinesFileHandler",
            "filename": str(LOG_DIR / "security.jsonl"),
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "loggers": {
        "lacznik.security": {"handlers": ["security_file"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

# The operator named in the accessibility statement (deklaracja dostępności).
OPERATOR = {
    "name": os.environ.get("LACZNIK_OPERATOR_NAME", "Mazowieckie Centrum Polityki Społecznej"),
    "url": os.environ.get("LACZNIK_OPERATOR_URL", "https://mcps.example"),
    "contact_person": os.environ.get("LACZNIK_A11Y_CONTACT", "Koordynator ds. dostępności"),
    "email": os.environ.get("LACZNIK_A11Y_EMAIL", "dostepnosc@lacznik.example"),
    "phone": os.environ.get("LACZNIK_A11Y_PHONE", "+48 22 000 00 00"),
    "published_on": os.environ.get("LACZNIK_A11Y_PUBLISHED", "2026-11-22"),
    "updated_on": os.environ.get("LACZNIK_A11Y_UPDATED", "2026-11-22"),
    "prepared_on": os.environ.get("LACZNIK_A11Y_PREPARED", "2026-11-22"),
}

# The map boundaries are GeoJSON; whitenoise would serve them as application/octet-stream.
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}

# The address of the site in links that e-mails carry (the request is not at hand in a background task).
LACZNIK_SITE_URL = os.environ.get("LACZNIK_SITE_URL", "http://127.0.0.1:8000")

# The controller of participants' data named in the consent of events, per voivodeship (others get
# "the regional social policy centre of the voivodeship"). JSON in the environment overrides it.
LACZNIK_EVENT_CONTROLLERS = {"14": "Mazowieckie Centrum Polityki Społecznej", **env_json("LACZNIK_EVENT_CONTROLLERS")}

# An advocate who has not reported for this many days is reminded by e-mail (manage.py remind_advocates).
LACZNIK_ADVOCATE_REMINDER_DAYS = env_int("LACZNIK_ADVOCATE_REMINDER_DAYS", 60)
