"""Settings shared by every environment, read from environment variables.

DATABASE_URL absent → SQLite file under var/ (the embedded default);
set → PostgreSQL through psycopg 3 (production and CI).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "django_tasks",
    "django_tasks_db",
    "logement_accompagne.territories",
    "logement_accompagne.organisations",
    "logement_accompagne.calls",
    "logement_accompagne.dossiers",
    "logement_accompagne.imports",
    "logement_accompagne.households",
    "logement_accompagne.grants",
    "logement_accompagne.www",
]
# Steering (dashboards, exports, open data, catalogue) and the read API.
INSTALLED_APPS += ["logement_accompagne.reporting"]
# django-ninja (the read API, issue #11 item 5): listed so that its docs page serves Swagger UI from
# the static files, without any CDN.
INSTALLED_APPS += ["ninja"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
                "dsfr.context_processors.site_config",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the dev server and a task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    # Attachments live under var/media, outside the static tree, and are only
    # ever served by a view that checks permissions first (no MEDIA_URL route).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media"), "base_url": "/interdit/"},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# Uploads: the platform refuses anything larger before reading it.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Logement accompagné <ne-pas-repondre@logement-accompagne.local>"
)

SITE_NAME = "Logement d'abord — HLM accompagnés"
# The address the platform is reached at: links in e-mails are absolute.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "logement_accompagne": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")}
    },
}

# --- Security (issue #9 item 6): login throttling, session expiry, password-reset throttling. ---
# django-axes counts failed sign-ins in the database (shared by every worker) and locks the
# (address, client IP) pair: behind a proxy every client may share one IP, so an IP-only lock would
# lock everyone out, and an address-only lock would let anyone lock a colleague out from anywhere.
INSTALLED_APPS += ["axes", "logement_accompagne.audit"]
MIDDLEWARE += [
    "logement_accompagne.www.security.SessionExpiryMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before any check
    "django.contrib.auth.backends.ModelBackend",
]
# ProConnect (OpenID Connect, mozilla-django-oidc) for State agents and administrators: only when
# OIDC_RP_CLIENT_ID is set; accounts are matched by e-mail, never created (www/proconnect.py).
PROCONNECT_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if PROCONNECT_ENABLED:
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email given_name usual_name")
    # Single sign-out: signing out here also ends the ProConnect session (its end_session_endpoint,
    # with the id_token kept in the session as the hint ProConnect requires).
    OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
    OIDC_STORE_ID_TOKEN = True
    AUTHENTICATION_BACKENDS.append("logement_accompagne.www.proconnect.ProConnectBackend")
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "proconnect_callback"
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/connexion/"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (it holds the e-mail address)
AXES_USERNAME_CALLABLE = "logement_accompagne.www.security.login_identifier"
AXES_LOCKOUT_CALLABLE = "logement_accompagne.www.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Idle and absolute session lifetimes, in minutes (the absolute one is also the cookie's age).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", "30")) * 60
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT_MINUTES", str(10 * 60))) * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Password-reset e-mails: at most this many per address and per client IP within the window.
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "3"))
PASSWORD_RESET_LIMIT_PER_IP = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "20"))
PASSWORD_RESET_WINDOW = int(os.environ.get("PASSWORD_RESET_WINDOW_MINUTES", "60")) * 60
# Demo data (known passwords) must never reach a production database: load_demo checks this.
IS_PRODUCTION = False

# --- Operations (bench-ops): reference dataset, benchmarks, load, task recovery ---
INSTALLED_APPS += ["logement_accompagne.operations"]  # noqa: F405
# The base layout's cost (quality.md: a page with no data must serve >= 500 requests/s): the site
# configuration read once a minute instead of once per page, sessions read from the cache first,
# fragments identical for everyone (footer, theme dialog) rendered once per process.
TEMPLATES[0]["OPTIONS"]["context_processors"] = [  # noqa: F405
    "logement_accompagne.www.context_processors.site_config"
    if p == "dsfr.context_processors.site_config"
    else p
    for p in TEMPLATES[0]["OPTIONS"]["context_processors"]  # noqa: F405
]
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CACHES = {
    # Sessions (cached_db) and page headers (www/header.py) of everyone signed in: the memory cache's
    # default of 300 entries would drop them past 300 people and send every page back to the database.
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
    # Rendered pieces of pages, per process (dossiers.listing.cached_figure: list rows and counts kept
    # per version of the data; filter forms): a queue page's rows weigh about 20 KB, so 1 000 entries
    # (every territory's first pages and filters) stay under 20 MB per process.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    # What every process of the server must see alike (dashboard figures, www/reporting/views.py):
    # files under var/ on one machine, Redis below when configured.
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "shared"),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# --- Scale-out (bench-ops): Redis and a read replica when configured, nothing extra otherwise ---
# REDIS_URL set: cache (sessions read through it), and background tasks on RQ workers
# (manage.py rqworker default) instead of the database worker.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "shared",
    }
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    if "TASKS_BACKEND" not in os.environ:
        TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
# REPLICA_DATABASE_URL set: reporting reads inside config.routers.reading_from_replica() go there.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )  # fmt: skip
DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
# --- Faults (bench-ops): a database that does not answer gives a French 503, then recovery ---
MIDDLEWARE += ["logement_accompagne.www.unavailable.DatabaseUnavailableMiddleware"]  # noqa: F405
# --- Faults (hardening): background work whose worker died is retried once (imports) or failed
# after this many minutes without moving (manage.py sweep_stale_jobs, and the job's own page).
BACKGROUND_JOB_TIMEOUT_MINUTES = int(os.environ.get("BACKGROUND_JOB_TIMEOUT_MINUTES", "30"))
# --- Security (hardening): a TOTP second factor for State agents and administrators (django-otp).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,  # noqa: F405
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,  # noqa: F405
    "logement_accompagne.www.second_factor.SecondFactorMiddleware",
)
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "Logement accompagné"
