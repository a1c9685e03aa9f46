"""Renda settings: everything that differs between machines comes from the environment.

Outside demo mode the defaults are the secure ones; `RENDA_DEMO=1` (set by `make demo`) relaxes
only what a laptop on 127.0.0.1 needs (DEBUG, plain-HTTP cookies, a throwaway secret).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEMO = env_bool("RENDA_DEMO")
TESTING = env_bool("RENDA_TESTING")
DEBUG = env_bool("DJANGO_DEBUG", default=DEMO)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEMO or TESTING or DEBUG):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set outside demo and test mode.")
    SECRET_KEY = "renda-insecure-demo-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The absolute address printed on QR codes and paper cards; keep it stable once cards are printed.
SITE_URL = env_str("RENDA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "renda.accounts.admin_site.RendaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "renda.core.apps.CoreConfig",
    "renda.accounts.apps.AccountsConfig",
    "renda.directory.apps.DirectoryConfig",
    "renda.opinions.apps.OpinionsConfig",
    "renda.suggestions.apps.SuggestionsConfig",
    "renda.duties.apps.DutiesConfig",
    "renda.projects.apps.ProjectsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "renda.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "renda.urls"
WSGI_APPLICATION = "renda.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "renda" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "renda.core.context_processors.site",
            ],
        },
    },
]

# SQLite under var/ is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'renda.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The demo runs a web server, the task worker and the scheduler on one file: WAL lets
    # readers go on while one writes, and IMMEDIATE takes the write lock at BEGIN, so a
    # transaction never fails half-way on a lock it could not upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; the test suite hashes hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("RENDA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("RENDA_AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Renda"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "renda" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("RENDA_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if not env_str("REDIS_URL")
        else "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL", "renda"),
    }
}
RATELIMIT_VIEW = "renda.core.views.ratelimited"
RATELIMIT_ENABLE = env_bool("RENDA_RATELIMIT_ENABLED", True)
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] if not env_str("REDIS_URL") else []

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often `manage.py run_schedule` puts the deadline sweeps on the task queue.
RENDA_SWEEP_INTERVAL = env_int("RENDA_SWEEP_INTERVAL", 300)

# Security: secure by default, relaxed only for the demo on plain HTTP.
SECURE = not (DEMO or DEBUG or TESTING) and not env_bool("RENDA_INSECURE_HTTP")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("RENDA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("RENDA_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

RENDA_NAME = _("人大代表履职服务平台")

# Serve static files straight from the app folders in the demo and in tests (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG or TESTING or DEMO
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
RENDA_PERMISSION_CHECKER = "renda.accounts.access.has_perm"

# Notifications (renda.core.notifications): one backend per channel. An SMS gateway is one more
# backend class; until one is configured, messages go to the console (and the log).
RENDA_NOTIFICATION_BACKENDS = {
    "sms": env_str("RENDA_SMS_BACKEND", "renda.core.notifications.ConsoleBackend"),
    "email": "renda.core.notifications.EmailBackend",
}
RENDA_NOTIFICATION_MAX_ATTEMPTS = env_int("RENDA_NOTIFICATION_MAX_ATTEMPTS", 5)

# E-mail: the console in the demo and tests, SMTP from EMAIL_URL elsewhere.
EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    # smtp://user:password@host:587 (STARTTLS; none on port 25) or smtps://…:465 (TLS throughout).
    from urllib.parse import unquote, urlsplit

    _email = urlsplit(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp:// or smtps://")
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp" and EMAIL_PORT != 25
elif DEMO or TESTING or DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "renda@localhost")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)

# Mobile verification codes (renda.core.verification).
RENDA_VERIFICATION_CODE_TTL = env_int("RENDA_VERIFICATION_CODE_TTL", 600)  # seconds
RENDA_VERIFICATION_RESEND_INTERVAL = 60  # seconds between two codes to one number
RENDA_VERIFICATION_HOURLY_LIMIT = 5  # codes to one number per hour
RENDA_VERIFICATION_MAX_ATTEMPTS = 5  # wrong guesses before a code is burnt
