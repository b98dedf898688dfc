"""Settings shared by every environment, read from environment variables.

With nothing set, the app uses SQLite, an in-process cache and a Celery
broker on the local filesystem, so it runs on a fresh laptop with no server.
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
# Encrypts privacy exports at rest (a Fernet key); unset, a key derived from SECRET_KEY.
PRIVACY_EXPORT_KEY = env("PRIVACY_EXPORT_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "partnerships",
    "learners",
    "conversations",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "partnerships.middleware.UnreadableQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partnerships.sessions.SessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "partnerships.middleware.PreferredLanguageMiddleware",
    "partnerships.middleware.SchoolTimezoneMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnerships.two_factor.LeadersTwoFactorMiddleware",
    # After two-factor: a leader who is also whānau sets up two-factor before reading the notice.
    "partnerships.privacy.first_notice.FirstNoticeMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Create forms say {% submission_token %} without loading anything.
            "builtins": ["partnerships.templatetags.submissions"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partnerships.context_processors.membership",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL points elsewhere (PostgreSQL in production).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles any query it guesses to be costly: 20–40 ms spent before the
    # dashboards' aggregates (a few ms each) even start, and parallel workers only take the
    # cores other requests are waiting for. Short web queries never repay either.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c max_parallel_workers_per_gather=0"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# Cache: allauth keeps its rate limits here, so production needs a shared one.
# With Redis down, the database's cache table stands in (``partnerships.cache``), so sign-in
# keeps its limits and no page fails; a Redis that hangs is given up on within a second.
FALLBACK_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "mahi_tahi_cache",
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "partnerships.cache.RedisWithFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"FALLBACK": "fallback", "socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "fallback": FALLBACK_CACHE,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long the dashboards' figures are kept before they are counted again (0: never kept).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=300)

AUTH_USER_MODEL = "partnerships.User"
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: staff sign in with email and password, whānau (and students
# with a school email) with a code sent by email. There is no open sign-up:
# accounts are made by accepting an invitation.
ACCOUNT_ADAPTER = "partnerships.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
# The password field must be declared for staff to sign in with one; sign-up stays closed.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Mahi Tahi: "
ACCOUNT_RATE_LIMITS = {
    # Our own sign-in routes share allauth's rate limiter (cache based); card sign-in has
    # limits of its own (partnerships/cards.py: per address, card, school and everywhere).
    "accept_invitation": "20/m/ip",
}
# The client's address, for every rate limit (allauth's and the cards'): X-Forwarded-For is
# believed only behind this many proxies of ours, and then its right-most address not added
# by them. 0 (the default) ignores the header and uses the connection's address; behind one
# reverse proxy (docker-compose.yml) set TRUSTED_PROXY_COUNT=1.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Staff may turn on two-factor sign-in (an authenticator app, with recovery codes), and a
# school may require it of its leaders (partnerships/two_factor.py).
MFA_ADAPTER = "partnerships.two_factor.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mahi Tahi"

# How long a sign-in lasts (partnerships/sessions.py): a card sign-in ends when the browser
# closes; a student's after a school day, staff's after a working day, whatever the browser
# does. Whānau keep Django's two weeks (SESSION_COOKIE_AGE): a code by email on their own phone.
STUDENT_SESSION_SECONDS = 8 * 60 * 60
STAFF_SESSION_SECONDS = 12 * 60 * 60

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Languages: English and te reo Māori. Django has no "mi" locale of its own.
LANG_INFO.setdefault(
    "mi",
    {"bidi": False, "code": "mi", "name": "Maori", "name_local": "Te reo Māori"},
)
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("mi", _("Te reo Māori"))]
# The language chosen on the footer's switch is remembered for a year, not only until the
# browser closes (Django's default): a parent who chose te reo keeps it next week.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# The project's catalogue first: makemessages writes to it, and its words win over the second,
# which translates the words Django and django-allauth show on our pages (neither has "mi").
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "libraries"]
# Date, time and number formats for te reo Māori and New Zealand English (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Pacific/Auckland"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are never served from a public URL: views that apply the
# access rules stream them.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def mailer_from_url(url_env: dict) -> dict:
    """Django's MAILERS entry from django-environ's reading of an EMAIL_URL."""
    backend = url_env["EMAIL_BACKEND"]
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": url_env.get("EMAIL_HOST", "localhost"),
            "port": url_env.get("EMAIL_PORT", 25),
            "username": url_env.get("EMAIL_HOST_USER", ""),
            "password": url_env.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": url_env.get("EMAIL_USE_TLS", False),
            "use_ssl": url_env.get("EMAIL_USE_SSL", False),
            "timeout": 30,
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": url_env.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")}
    return {"BACKEND": backend, "OPTIONS": options}


# Email: EMAIL_URL such as smtp+tls://user:password@host:587 in production.
MAILERS = {"default": mailer_from_url(env.email_url("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mahi Tahi <kiaora@mahitahi.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails are built from this, as a task has no request to ask.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# Content security policy: only our own files, scripts with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Celery: Redis when REDIS_URL is set, otherwise a broker on the local
# filesystem that needs no server (one worker only: the demo).
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "control_folder": str(_celery_dir / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that nudges a worker must not wait long for a broker that is down: the outbox's
# sweep sends what the nudge could not.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Every periodic task, in one place. Each is safe to run late or twice.
CELERY_BEAT_SCHEDULE = {
    # Whatever is due and unsent, whatever happened to the nudge that should have sent it.
    "outbox-sweep": {
        "task": "partnerships.tasks.send_outbox",
        "schedule": crontab(minute="*"),
    },
    "forget-old-submissions": {
        "task": "partnerships.tasks.forget_old_submissions",
        "schedule": crontab(hour=3, minute=40),
    },
    "weekly-updates-due": {
        "task": "conversations.weekly.tasks.send_due_updates",
        "schedule": crontab(minute="*/10"),
    },
    "weekly-update-reminders": {
        "task": "conversations.weekly.tasks.remind_unwritten_updates",
        "schedule": crontab(minute="*/10"),
    },
    "report-runs-stalled": {
        "task": "reports.tasks.resume_stalled_runs",
        "schedule": crontab(minute="*"),
    },
    "booking-reminders-hourly": {
        "task": "conversations.tasks.send_booking_reminders",
        "schedule": crontab(minute=20),
    },
    # Reminders to book asked for while the broker was down, or left part-way.
    "booking-nudges-unfinished": {
        "task": "conversations.tasks.finish_booking_nudges",
        "schedule": crontab(minute="*/10"),
    },
    # Privacy exports a dead worker left, built again; expired ones deleted.
    "privacy-exports-sweep": {
        "task": "partnerships.privacy.export_tasks.sweep_exports",
        "schedule": crontab(minute="*/15"),
    },
    # What has passed each school's retention periods, removed (after a leader-visible preview).
    "privacy-retention-nightly": {
        "task": "partnerships.privacy.retention_tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    # Imports a dead worker left, restarted; finished or abandoned files' rows let go.
    "imports-sweep": {
        "task": "partnerships.imports.tasks.import_sweep",
        "schedule": crontab(minute="*/5"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
