"""Settings for every profile, read from the environment through :func:`config`.

No variables set = the embedded default: SQLite file under ./var, tasks run in-process, mock DigiD,
e-mail to the console, demo data. ``PROFILE=production`` turns on the strict production checks.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import environ
from celery.schedules import crontab

from .config import config

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = SRC_DIR.parents[1]
VAR_DIR = Path(config("VAR_DIR", str(BASE_DIR / "var"), help_text="Writable folder for the SQLite file and exports."))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PROFILE = config("PROFILE", "embedded", help_text="'embedded' (laptop, demo) or 'production'.")
IS_PRODUCTION = PROFILE == "production"

DEBUG = config("DEBUG", not IS_PRODUCTION, help_text="Django debug mode; never on in production.")
SECRET_KEY = config("SECRET_KEY", "", help_text="Django secret key; required in production.")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when PROFILE=production.")
    SECRET_KEY = "embedded-default-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
    help_text="Comma-separated host names this instance answers to.",
)
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", [], help_text="Origins allowed to POST (https://…).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_celery_beat",
    "solo",
    "privates",
    "simple_certmanager",
    "digid_eherkenning",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "maykin_2fa",
    "axes",
    "voorzieningen.core",
    "voorzieningen.identiteit",
    "voorzieningen.catalogus",
    "voorzieningen.instellingen",
    "voorzieningen.aanmelden",
    "voorzieningen.sis",
    "voorzieningen.koppelpunt",
    "voorzieningen.privacy",
    "voorzieningen.cooperatie",
    "voorzieningen.portfolio",
]
AUTH_USER_MODEL = "identiteit.User"

MIDDLEWARE = [
    "voorzieningen.core.metrics.MetricsMiddleware",
    "voorzieningen.core.overbelasting.OverbelastingMiddleware",
    "voorzieningen.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "voorzieningen.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "voorzieningen.core.middleware.DutchByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maykin_2fa.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "voorzieningen.conf.urls"
WSGI_APPLICATION = "voorzieningen.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],  # project-wide overrides of third-party templates (the admin)
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "voorzieningen.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_env = environ.Env()
DATABASE_URL = config(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'voorzieningen.sqlite3'}",
    help_text="postgres://user:pass@host:5432/name selects PostgreSQL (production and CI).",
)
DATABASES = {"default": environ.Env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + immediate transactions keep the embedded default usable with a few concurrent requests.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = config("DB_CONN_MAX_AGE", 60, help_text="Seconds to keep DB connections.")
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side binding lets psycopg prepare a statement the fifth time a connection runs it, so PostgreSQL
        # stops planning the ORM's many-table joins on every call (planning was most of their time: docs/
        # performance.md). Off for a pooler in transaction mode (pgbouncer), which cannot keep prepared statements.
        if config("DB_PREPARED_STATEMENTS", True, help_text="PostgreSQL: prepared statements (off behind pgbouncer)."):
            DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ---------------------------------------------------------------------------------------
CACHE_URL = config("CACHE_URL", "locmemcache://", help_text="redis://127.0.0.1:6379/1 for a shared cache.")
CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}

# --- I18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not IS_PRODUCTION

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = config(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    help_text="django.core.mail.backends.smtp.EmailBackend in production.",
)
EMAIL_HOST = config("EMAIL_HOST", "localhost", help_text="SMTP host.")
EMAIL_PORT = config("EMAIL_PORT", 25, help_text="SMTP port.")
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", "noreply@mbovoorzieningen.example", help_text="Sender.")

# --- Security -------------------------------------------------------------------------------------
DEMO = config(
    "DEMO",
    False,
    help_text="With PROFILE=production: a demonstration or load test on one machine (make run-prod): allows the "
    "DigiD mock and plain HTTP on 127.0.0.1. Never on a real deployment.",
)
HTTPS = IS_PRODUCTION and not DEMO  # behind a TLS-terminating load balancer in production
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", True, help_text="Redirect plain HTTP to HTTPS.")
    SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", 31536000, help_text="HSTS max-age in production.")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = config("SECURE_HSTS_INCLUDE_SUBDOMAINS", True, help_text="HSTS for subdomains.")
    SECURE_HSTS_PRELOAD = config("SECURE_HSTS_PRELOAD", False, help_text="Ask browsers to preload HSTS.")
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_EXCLUDE = ["health"]

METRICS_TOKEN = config(
    "METRICS_TOKEN", "", help_text="Bearer token a Prometheus scraper must send for /metrics; empty = open."
)

# Content Security Policy (django-csp): only this origin's scripts and styles, no inline code anywhere, no
# framing. Forms may post to this origin and the DigiD IdP (SAML POST binding).
_CSP_FORM_ACTION = config(
    "CSP_FORM_ACTION_EXTRA",
    [] if not IS_PRODUCTION else ["https://digid.nl", "https://*.digid.nl"],
    help_text="Extra origins forms may post to (the DigiD IdP in production).",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_CSP_FORM_ACTION],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
LOGIN_URL = "admin:login"

# --- Staff and institution admins: password + TOTP, lockout ---------------------------------------
# Staff use the Django admin (maykin-2fa); institution admins their own environment under /beheer/
# (django-two-factor-auth views). Both share the TOTP devices of django-otp.
OTP_TOTP_ISSUER = config("OTP_TOTP_ISSUER", "MBO Voorzieningen", help_text="Issuer name shown in the TOTP app.")
TWO_FACTOR_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
MAYKIN_2FA_ALLOW_MFA_BYPASS_BACKENDS = []
AXES_FAILURE_LIMIT = config(
    "AXES_FAILURE_LIMIT", 5, help_text="Failed password logins after which a staff or admin account is locked."
)
AXES_COOLOFF_TIME = config("AXES_COOLOFF_HOURS", 1, help_text="Hours a locked account stays locked.")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one: guessing one account, or many
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
BEHEER_UITNODIGING_DAGEN = 7
BEHEER_MAX_ACCOUNTS = 2
RETENTIE_WAARSCHUWING_DAGEN = config(
    "RETENTIE_WAARSCHUWING_DAGEN",
    30,
    help_text="Days before an application environment is deleted (one year after its last application) that "
    "the student is warned by e-mail.",
)
AUDIT_BEWAARTERMIJN_DAGEN = config(
    "AUDIT_BEWAARTERMIJN_DAGEN",
    730,
    help_text="Days the audit trail keeps a line (the processing register says two years); older lines are removed "
    "by the daily retention job.",
)
DPIA_HERZIENING_MAANDEN = config(
    "DPIA_HERZIENING_MAANDEN", 36, help_text="Months after adoption that a DPIA is reviewed at the latest."
)
DPIA_HERINNERING_DAGEN = config(
    "DPIA_HERINNERING_DAGEN", 60, help_text="Days before a DPIA's review date that staff and the FG are reminded."
)
FG_EMAIL = config(
    "FG_EMAIL",
    "fg@mbovoorzieningen.example",
    help_text="The data protection officer (FG): receives data-breach alerts (72-hour clock) and DPIA reminders.",
)
SERVICEDESK_EMAIL = config(
    "SERVICEDESK_EMAIL",
    "servicedesk@mbovoorzieningen.example",
    help_text="Where requests for a new admin invitation link (and other service requests) are sent.",
)

# --- DigiD ----------------------------------------------------------------------------------------
DIGID_MOCK = config(
    "DIGID_MOCK",
    not IS_PRODUCTION,
    help_text="Use django-digid-eherkenning's mock IdP (the DigiD stub with the test BSNs) instead of SAML.",
)
if DIGID_MOCK and IS_PRODUCTION and not DEMO:
    raise ImproperlyConfigured("DIGID_MOCK cannot be on when PROFILE=production (only with DEMO=true).")
if DIGID_MOCK:  # the mock IdP's pages (from django-digid-eherkenning) style inline; never served in production
    CONTENT_SECURITY_POLICY["EXCLUDE_URL_PREFIXES"] = ["/digid/idp/"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "voorzieningen.identiteit.backends.DigiDStubBackend"
    if DIGID_MOCK
    else "voorzieningen.identiteit.backends.DigiDBackend",
    "django.contrib.auth.backends.ModelBackend",
]
DIGID_MOCK_APP_TITLE = "MBO Voorzieningen — DigiD-stub"
DIGID_MOCK_RETURN_URL = "/"
DIGID_MOCK_CANCEL_URL = "/"
DIGID_SESSION_AGE = 15 * 60  # DigiD checklist: a session lasts at most 15 minutes
PRIVATE_MEDIA_ROOT = VAR_DIR / "private-media"
PRIVATE_MEDIA_URL = "/private-media/"
SENDFILE_BACKEND = "django_sendfile.backends.simple"
SENDFILE_ROOT = PRIVATE_MEDIA_ROOT
PUBLIC_BASE_URL = config(
    "PUBLIC_BASE_URL",
    "http://127.0.0.1:8000",
    help_text="Public address of the portal, for links in e-mails and on receipts (no trailing slash).",
).rstrip("/")
DUO_TIMEOUT = config("DUO_TIMEOUT", 5, help_text="Seconds to wait for DUO before telling the student to retry.")
SIS_WEBHOOK_TIMEOUT = config("SIS_WEBHOOK_TIMEOUT", 10, help_text="Seconds a koppelpunt's webhook may take.")
KOPPELPUNT_VO_URL = config(
    "KOPPELPUNT_VO_URL",
    PUBLIC_BASE_URL + "/simulators/koppelpunt-vo/berichten",
    help_text="Where Koppelpunt MBO delivers to Koppelpunt VO; default: the built-in simulator.",
)
VVA_TIMEOUT = config("VVA_TIMEOUT", 10, help_text="Seconds Koppelpunt VO or a municipality's endpoint may take.")
SBB_TIMEOUT = config("SBB_TIMEOUT", 5, help_text="Seconds to wait for SBB before telling the student to retry.")
SBB_API_URL = config(
    "SBB_API_URL",
    "",
    help_text="Base URL of the SBB leerbedrijven JSON API (see aanmelden/sbb.py); empty = the built-in SBB simulator.",
)
RECEIPT_SIGNING_KEY = config(
    "RECEIPT_SIGNING_KEY",
    "",
    help_text="Base64 of the raw 32-byte Ed25519 seed that signs application receipts; "
    "empty = derived from SECRET_KEY (not allowed in production).",
)
if not RECEIPT_SIGNING_KEY and IS_PRODUCTION:
    raise ImproperlyConfigured("RECEIPT_SIGNING_KEY must be set when PROFILE=production.")
RECEIPT_PREVIOUS_PUBLIC_KEYS = config(
    "RECEIPT_PREVIOUS_PUBLIC_KEYS",
    [],
    help_text="Comma-separated base64 raw Ed25519 public keys of earlier signing keys, "
    "so receipts issued before a key rotation still verify.",
)

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = config(
    "CELERY_BROKER_URL",
    "",
    help_text="amqp://guest:guest@127.0.0.1:5672// or redis://127.0.0.1:6379/0; empty = tasks run in-process.",
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = config("CELERY_TASK_SOFT_TIME_LIMIT", 600, help_text="Seconds.")
CELERY_TASK_TIME_LIMIT = config("CELERY_TASK_TIME_LIMIT", 900, help_text="Seconds.")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "rio-full-sync-nightly": {
        "task": "voorzieningen.catalogus.tasks.full_sync",
        "schedule": crontab(hour=2, minute=30),
    },
    "outbox-deliver-due": {
        "task": "voorzieningen.core.tasks.deliver_due_outbox",
        "schedule": 60.0,
    },
    "privacy-retentie": {
        "task": "voorzieningen.privacy.tasks.retentie",
        "schedule": crontab(hour=3, minute=15),
    },
    "privacy-datalek-meldtermijnen": {
        "task": "voorzieningen.privacy.tasks.bewaak_meldtermijnen",
        "schedule": crontab(minute="*/15"),
    },
    "privacy-dpia-herinneringen": {
        "task": "voorzieningen.privacy.tasks.dpia_herinneringen",
        "schedule": crontab(hour=7, minute=0),
    },
    "vva-gemeenten-bulk": {  # runs daily; acts on 1 March and 15 June only
        "task": "voorzieningen.koppelpunt.tasks.gemeenten_bulk",
        "schedule": crontab(hour=6, minute=0),
    },
    "cooperatie-herinner-bevestigingen": {  # contact persons who have not confirmed this year's details
        "task": "voorzieningen.cooperatie.tasks.herinner_bevestigingen",
        "schedule": crontab(hour=9, minute=0),
    },
    "cooperatie-contractherinneringen": {  # renewal decisions coming up, yearly compliance checks missing
        "task": "voorzieningen.cooperatie.tasks.contractherinneringen",
        "schedule": crontab(hour=7, minute=30),
    },
    "portfolio-termijnen": {  # overdue binding rulings, response periods of start/stop cases that have passed
        "task": "voorzieningen.portfolio.tasks.bewaak_termijnen",
        "schedule": crontab(hour=7, minute=45),
    },
    "aanmelden-wachtrij": {  # submits queued under overload; each also starts a run right away, this is the net
        "task": "voorzieningen.aanmelden.tasks.verwerk_wachtrij",
        "schedule": 15.0,
    },
}

# --- APIs -----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "voorzieningen.core.api.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MBO Voorzieningen API",
    "DESCRIPTION": "Public catalogue of mbo programmes (RIO) and the interfaces of Centraal Aanmelden.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AanmeldStatusEnum": "voorzieningen.aanmelden.statussen.Status",
        "SisStatusEnum": "voorzieningen.sis.api.serializers.SIS_STATUS_CHOICES",
    },
}

# --- Domain ---------------------------------------------------------------------------------------
_shared = BASE_DIR.parent / "shared" / "data"
REFERENCE_DATA_DIR = config(
    "REFERENCE_DATA_DIR",
    str(_shared) if _shared.is_dir() else "",
    help_text="Folder with the public reference data (RIO, crebo, BRP tables, geo); empty = synthetic stand-ins.",
)
RIO_API_URL = config(
    "RIO_API_URL",
    "",
    help_text="Base URL of the RIO LOD API v2 (…/api/rio/v2); empty = the built-in RIO simulator.",
)
RIO_API_TIMEOUT = config("RIO_API_TIMEOUT", 30, help_text="Seconds per RIO API request.")
RIO_API_PAGE_SIZE = config("RIO_API_PAGE_SIZE", 100, help_text="Page size for the RIO API (max 100).")
DEMO_DATA_SEED = config("DEMO_DATA_SEED", 2026, help_text="Seed of the demo slice of the national dataset.")

# --- Logging --------------------------------------------------------------------------------------
LOG_FORMAT = config("LOG_FORMAT", "json" if IS_PRODUCTION else "text", help_text="'json' or 'text'.")
LOG_LEVEL = config("LOG_LEVEL", "INFO", help_text="Root log level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "voorzieningen.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "filters": {"request_id": {"()": "voorzieningen.core.logging.RequestIdFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
RIO_SIMULATOR_SEED = config(
    "RIO_SIMULATOR_SEED", 2026, help_text="Seed of the dataset the built-in RIO simulator serves."
)
RIO_SIMULATOR_SCALE = config(
    "RIO_SIMULATOR_SCALE", 0.05, help_text="Size of the simulator's dataset: 1.0 = national, 0.05 = demo slice."
)
