"""Onward settings: the one settings module, read from the environment.

Embedded defaults run the demo on one machine (SQLite file, tasks in-process,
database search, BACS payout files). ``ONWARD_ENV=production`` turns the safe
defaults off and refuses to start without real secrets.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ONWARD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = os.environ.get("ONWARD_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured("ONWARD_ENV must be development, test or production.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)

_DEV_SECRET_KEY = "django-insecure-onward-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without a real secret key "
            "(at least 50 random characters)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "accounts",
    "ledger",
    "budgets",
    "providers",
    "marketplace",
    "bookings",
    "outcomes",
    "payouts",
    "audit",
    "anomalies",
    "outbox",
    "privacy",
    "insights",
    "frontend",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "onward.urls"
WSGI_APPLICATION = "onward.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'onward.sqlite3'}"
# Tests close each connection after its request: the browser tests' live server answers
# every request in a new thread, whose kept-open connection nobody would close.
DATABASES = {"default": dj_database_url.parse(
    DATABASE_URL, conn_max_age=0 if ENVIRONMENT == "test" else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time; wait instead of failing when the demo is busy.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The ledger's covering indexes (INCLUDE columns) are a PostgreSQL feature; SQLite
    # builds the same indexes without them, which is all the embedded demo needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Private files (outcome evidence, payment files): never under a public URL.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))
EVIDENCE_RETENTION_DAYS = int(os.environ.get("EVIDENCE_RETENTION_DAYS", 2 * 365))

# --- Cache (sign-in rate limits, used MFA codes): shared Redis in production ---
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Sign-in (django-allauth) ---------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "accounts.adapter.OnwardAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Onward"
# Staff set up MFA straight after their first sign-in; asking for the password again
# there only confuses. Staff can never be without MFA (the middleware sends them back).
MFA_REAUTHENTICATION_REQUIRED = False
# Staff roles must have MFA before they reach their pages (accounts.middleware).
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Onward <no-reply@onward.invalid>")

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonThrottle",
        "api.throttling.UserThrottle",
        "api.throttling.TokenThrottle",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    # JSON in; the evidence upload alone takes a multipart form (it says so itself).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # No OPTIONS self-description: the OpenAPI schema at /api/v1/schema/ is the reference.
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
# Requests per period ("120/minute"); read on every request, so tests can change them.
# Tests default to limits no suite reaches, so throttling never makes them flaky.
_THROTTLE_DEFAULTS = (
    {"anon": "100000/minute", "user": "100000/minute", "token": "100000/minute"}
    if ENVIRONMENT == "test"
    else {"anon": "60/minute", "user": "300/minute", "token": "600/minute"}
)
API_THROTTLE_RATES = {
    scope: os.environ.get(f"API_THROTTLE_{scope.upper()}", default)
    for scope, default in _THROTTLE_DEFAULTS.items()
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Onward API",
    "DESCRIPTION": "Personal back-to-work budgets: offers, bookings, budgets and outcomes.",
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    # One name per choice set (otherwise drf-spectacular guesses names like StatusD85Enum).
    "ENUM_NAME_OVERRIDES": {
        "OfferStatusEnum": "marketplace.models.OfferStatus",
        "OfferCategoryEnum": "marketplace.models.Category",
        "BudgetStatusEnum": "budgets.models.BudgetStatus",
        "ProgrammeStatusEnum": "budgets.models.ProgrammeStatus",
        "OutcomeStatusEnum": "outcomes.models.OutcomeStatus",
        "MilestoneStatusEnum": "outcomes.models.MilestoneStatus",
        "EvidenceKindEnum": "outcomes.models.Evidence.KINDS",
        "PayoutRunStatusEnum": "payouts.models.RunStatus",
        "BookingStatusEnum": "bookings.models.BookingStatus",
    },
}

# --- Background work (Celery) ---------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker the tasks run in-process, straight after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down: the outbox keeps the task and relays it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A task unacknowledged this long (its worker died) is delivered again; tests shorten it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 3600)),
    # A worker looks for such tasks every interval × throttle seconds (kombu: 10 × 10).
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", 10)),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", 10)),
}
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "outbox.tasks.relay_outbox",
        "schedule": 60.0,
    },
    "expire-budgets": {
        "task": "budgets.tasks.expire_budgets",
        "schedule": crontab(minute=15, hour=1),
    },
    "auto-confirm-deliveries": {
        "task": "bookings.tasks.auto_confirm_deliveries",
        "schedule": crontab(minute=30, hour=1),
    },
    "due-milestones": {
        "task": "outcomes.tasks.process_due_milestones",
        "schedule": crontab(minute=0, hour=2),
    },
    "weekly-payout-run": {
        "task": "payouts.tasks.weekly_payout_run",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
    "delete-expired-evidence": {
        "task": "privacy.tasks.delete_expired_evidence",
        "schedule": crontab(minute=45, hour=2),
    },
    "anomaly-checks": {
        "task": "anomalies.tasks.run_anomaly_checks",
        "schedule": crontab(minute=30, hour=3),
    },
    "verify-ledger": {
        "task": "audit.tasks.verify_ledger_nightly",
        "schedule": crontab(minute=0, hour=4),
    },
}

# --- Search -----------------------------------------------------------------
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "onward-offers")
SEARCH_BACKEND = (
    "marketplace.search.elastic.ElasticsearchBackend"
    if ELASTICSEARCH_URL
    else "marketplace.search.database.DatabaseBackend"
)

# --- Payouts ----------------------------------------------------------------
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
PAYOUT_METHOD = "stripe" if STRIPE_SECRET_KEY else "bacs"
if STRIPE_SECRET_KEY and not STRIPE_WEBHOOK_SECRET and PRODUCTION:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set.")
BACS_ORIGINATOR_NAME = os.environ.get("BACS_ORIGINATOR_NAME", "ONWARD PROGRAMME")
BACS_ORIGINATOR_SORT_CODE = os.environ.get("BACS_ORIGINATOR_SORT_CODE", "000000")
BACS_ORIGINATOR_ACCOUNT = os.environ.get("BACS_ORIGINATOR_ACCOUNT", "00000000")

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Domain defaults ----------------------------------------------------------
DELIVERY_AUTO_CONFIRM_DAYS = 14
INVITATION_CODE_LENGTH = 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
