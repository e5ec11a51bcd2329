"""Settings shared by both platforms. Each platform's module sets PLATFORM and its own database, keys and
URL; everything secret comes from the environment, with development defaults only when SUTIAO_DEV=1
(what `make up` and `make test` set)."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("SUTIAO_VAR_DIR", PROJECT_DIR / "var"))
DEV = os.environ.get("SUTIAO_DEV") == "1"
DEBUG = os.environ.get("SUTIAO_DEBUG") == "1"


def env_secret(name: str, dev_default: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if DEV:
        return dev_default
    raise ImproperlyConfigured(f"{name} must be set (only SUTIAO_DEV=1 allows a development default)")


def database_for(platform: str) -> dict:
    """SUTIAO_DATABASE_URL names this process's database. Without it, DATABASE_URL names a server (and
    a database whose name gets the platform as suffix, so the two platforms never share one); without
    either, an embedded SQLite file per platform."""
    url = os.environ.get("SUTIAO_DATABASE_URL")
    if not url and os.environ.get("DATABASE_URL"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        name = parts.path.lstrip("/") or "sutiao"
        url = urlunsplit(parts._replace(path=f"/{name}_{platform}"))
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / f'{platform}.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"].endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
        # WAL lets the web server and the worker read while one writes; IMMEDIATE transactions take the
        # write lock up front so two writers queue instead of failing on a lock upgrade.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-{platform}.sqlite3")}
    elif config["ENGINE"].endswith("postgresql"):
        # No JIT compilation: the reports' queries (one correlated subquery per fact column, sutiao.reports.facts)
        # are estimated far above jit_above_cost, and PostgreSQL then spent 2.5 s compiling each of them (238
        # functions) to save nothing: 3.1 s instead of 0.6 s for a quarter of 100,000 cases (make bench-reports).
        # The platforms' queries are short lookups and bounded aggregates; none gains from JIT.
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


ALLOWED_HOSTS = [h for h in os.environ.get("SUTIAO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "sutiao.accounts",
    "sutiao.jobs",
    "sutiao.docking",
    "sutiao.workdays",
    "sutiao.audit",
    "sutiao.documents",
    "sutiao.notifications",
    "sutiao.reports",
]

MIDDLEWARE = [
    "sutiao.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "sutiao.accounts.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sutiao.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent.parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "sutiao.accounts.context.platform",
                "sutiao.notifications.context.unread",
            ]
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A party signing in with a code sent to their registered mobile (sutiao.accounts.sms_signin).
    "sutiao.accounts.sms_signin.SmsCodeBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
PASSWORD_RESET_TIMEOUT = 24 * 3600  # a reset link works for a day, once
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the account-and-address pair for 15 minutes. The pair, not the account:
# someone failing on purpose from elsewhere cannot lock a user out, who may also reset their password by email.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address behind trusted proxies (SUTIAO_TRUSTED_PROXIES): see sutiao.accounts.client_ip.
AXES_CLIENT_IP_CALLABLE = "sutiao.accounts.client_ip.client_ip"
# A successful sign-in (or a password reset) clears the account's failures.
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sutiao.accounts.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Transport. Outside development the platforms are reached over https only (等级保护 level 3; issue 14 §13):
# cookies go only over https, http is redirected, and browsers are told to use nothing else for a year.
# `make up` and the tests serve plain http on loopback, so all of this waits for SUTIAO_DEV to be off.
HTTPS = not DEV
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and os.environ.get("SUTIAO_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy that terminates TLS: the addresses of the proxies whose X-Forwarded-Proto and
# X-Forwarded-For headers are believed (comma-separated). Only then is the forwarded scheme trusted.
SUTIAO_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("SUTIAO_TRUSTED_PROXIES", "").split(",") if p.strip()]
if SUTIAO_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Passkeys (WebAuthn, django-otp-webauthn) as a second factor beside the authenticator app (issue 14 §10): never
# instead of the password (no passwordless sign-in). The relying party is the platform's own host name; the
# browser only offers a passkey to the origin it was registered on.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "sutiao.passkeys"


def webauthn_for(base_url: str) -> tuple[str, list[str]]:
    """(relying party id, allowed origins) for the platform at `base_url`; SUTIAO_WEBAUTHN_RP_ID overrides the id
    (e.g. the parent domain when one passkey should serve several host names). Browsers refuse an IP address as
    relying party id, so a development server on 127.0.0.1 offers passkeys under http://localhost:<port> (a
    secure context too); its pages work under both names."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "localhost", f":{parts.port}" if parts.port else ""
    if DEV and host in ("127.0.0.1", "::1"):
        host = "localhost"
    return os.environ.get("SUTIAO_WEBAUTHN_RP_ID") or host, [f"{parts.scheme}://{host}{port}"]


# Content Security Policy (django-csp): scripts only from the platform's own static files (no inline script,
# no eval, no CDN: courts and regulators run closed networks); pygal's SVG and Bootstrap need inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders; it wants the root to exist
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG


def _bootstrap_dir() -> str:
    import importlib.util

    spec = importlib.util.find_spec("xstatic.pkg.bootstrap")
    if spec is None or not spec.origin:
        raise ImproperlyConfigured("xstatic-bootstrap is not installed")
    return str(Path(spec.origin).parent / "data")


STATICFILES_DIRS = [("bootstrap", _bootstrap_dir()), Path(__file__).resolve().parent.parent / "static"]


def storages_for(platform: str) -> dict:
    """Django's storages, with `documents` for uploaded files (sutiao.documents): by default a directory of this
    platform's own under var/, which no URL serves (files go out only through documents.downloads), readable
    by the server's user alone. SUTIAO_DOCUMENTS_DIR moves it; docs/documents.md shows S3-compatible storage."""
    location = Path(os.environ.get("SUTIAO_DOCUMENTS_DIR") or VAR_DIR / "documents" / platform)
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": location,
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        },
    }


# Largest upload accepted (sutiao.documents.actions.accept_upload); the web server in front should cap request
# bodies a little above it, so a larger one is cut off before Django reads it.
SUTIAO_UPLOAD_MAX_BYTES = int(os.environ.get("SUTIAO_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# How often stored bytes left without a row (a caller's transaction rolled back) are removed: hourly.
SUTIAO_DOCUMENTS_SWEEP_SECONDS = float(os.environ.get("SUTIAO_DOCUMENTS_SWEEP_SECONDS", "3600"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "sutiao": {"handlers": ["console"], "level": os.environ.get("SUTIAO_LOG_LEVEL", "INFO")},
    },
}

# --- docking (DESIGN.md §4) ---
SUTIAO_SIGNING_KEY_FILE = os.environ.get("SUTIAO_SIGNING_KEY_FILE", "")
SUTIAO_KEY_ID = os.environ.get("SUTIAO_KEY_ID", "")
SUTIAO_SIGNATURE_LIFETIME = 300  # seconds a signature stays valid after it is made
SUTIAO_MAX_BODY_BYTES = 2 * 1024 * 1024
SUTIAO_RELAY_MAX_ATTEMPTS = int(os.environ.get("SUTIAO_RELAY_MAX_ATTEMPTS", "12"))
SUTIAO_RELAY_BACKOFF_BASE = float(os.environ.get("SUTIAO_RELAY_BACKOFF_BASE", "1.0"))
SUTIAO_RELAY_BACKOFF_CAP = float(os.environ.get("SUTIAO_RELAY_BACKOFF_CAP", "300"))
# An online application for judicial confirmation whose agreement cannot be fetched from the parties' platform is
# tried again with the relay's backoff, then refused with the reason (court.actions.confirmation.register_online).
SUTIAO_CONFIRMATION_FETCH_ATTEMPTS = int(os.environ.get("SUTIAO_CONFIRMATION_FETCH_ATTEMPTS", "8"))
# Judicial confirmation (L11): the dispute types, besides securities misrepresentation (which the kernel sends to the
# issuer's seat, 虚假陈述规定 Art. 3), whose applications belong to intermediate courts — first-instance competence by
# kind is each high court's to set. Comma-separated DisputeType values. Both platforms read it: the court decides
# with it, the parties' platform offers the courts the court will take.
SUTIAO_CONFIRMATION_INTERMEDIATE_TYPES = tuple(
    t for t in os.environ.get("SUTIAO_CONFIRMATION_INTERMEDIATE_TYPES", "").split(",") if t
)
# A relay leases the messages it sends for longer than one batch may take (relay.BATCH_TIMEOUT), so a second
# relay does not send them meanwhile; a relay killed holding a lease delays its messages by at most this much.
SUTIAO_RELAY_LEASE_SECONDS = float(os.environ.get("SUTIAO_RELAY_LEASE_SECONDS", "90"))
# User-started long work (sutiao.jobs.tasks): django-tasks, its tasks stored in the platform's own database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How often an idle task worker looks for a task: each look briefly takes SQLite's write lock, so not as
# often as the relay polls; a user waits at most this long for an upload to start.
SUTIAO_TASK_POLL_SECONDS = float(os.environ.get("SUTIAO_TASK_POLL_SECONDS", "1"))
SUTIAO_WORKER_POLL_SECONDS = float(os.environ.get("SUTIAO_WORKER_POLL_SECONDS", "0.5"))
SUTIAO_DEADLINE_SCAN_SECONDS = float(os.environ.get("SUTIAO_DEADLINE_SCAN_SECONDS", "60"))
# The key of identity numbers' keyed digests (sutiao.accounts.pii); empty: the oldest key of SUTIAO_FIELD_KEY.
# Set it to that key before dropping it from SUTIAO_FIELD_KEY after a rotation (docs/personal-data.md).
SUTIAO_DIGEST_KEY = os.environ.get("SUTIAO_DIGEST_KEY", "")
# Retention of parties' personal data, per record kind, in days (个人信息保护法 Art. 19, 47; docs/personal-data.md):
# - case_parties: identity numbers, phones and addresses of a case's parties (the court's party rows, the investor
#   side's copy, the docking's stored messages of the case), counted from the case's closing. Three years: the
#   limitation period for a civil claim (民法典 Art. 188) within which the case may come back.
# - notification_addresses: the phone or email a notification was sent to, counted from its sending.
SUTIAO_RETENTION_DAYS = {
    "case_parties": int(os.environ.get("SUTIAO_RETENTION_CASE_PARTIES_DAYS", "1095")),
    "notification_addresses": int(os.environ.get("SUTIAO_RETENTION_NOTIFICATION_ADDRESSES_DAYS", "180")),
}
# How long after recording a mediation's result its mediator may still correct what was recorded by mistake (a
# slip in the agreed terms, the ground, the failure record), the correction recorded and sent to the court
# (issue 15 §4): one day — long enough to catch a slip found on rereading the record or pointed out by a party the
# same day, short enough that what the parties and the court read stays settled before the court acts on it. The
# outcome itself (succeeded, failed, withdrawn) is what the parties did and is not corrected here; and the court
# refuses a correction once it has acted on the result (filed the case, or resumed the trial).
SUTIAO_RESULT_CORRECTION_HOURS = float(os.environ.get("SUTIAO_RESULT_CORRECTION_HOURS", "24"))
# How long a superseded copy of the peer's signed statistics answer is kept (docking.StatisticsCopy; issue 13 §5),
# in days from the last time it was the peer's current word (its last_confirmed_at). The joint meeting reviews
# yearly; a figure questioned afterwards is raised at the next meetings. Three years keeps the evidence behind what
# was shown through the two yearly reviews after the one it served, and the comparison of a year with the year
# before. The newest copy of each (peer, period) is never removed, whatever its age: what the peer last said of
# a period stays provable for good. Removals are audited, count by period.
SUTIAO_STATISTICS_COPY_DAYS = int(os.environ.get("SUTIAO_STATISTICS_COPY_DAYS", "1095"))
# How often the purge jobs run (personal data, notification addresses, superseded statistics copies).
SUTIAO_RETENTION_SECONDS = float(os.environ.get("SUTIAO_RETENTION_SECONDS", "86400"))
# How often the worker refreshes SQLite's table statistics for its query planner (sutiao.jobs.maintenance).
SUTIAO_ANALYSE_SECONDS = float(os.environ.get("SUTIAO_ANALYSE_SECONDS", "86400"))
# The catch-up feed serves only messages older than this, so a slow transaction cannot slip behind a cursor.
SUTIAO_FEED_SETTLE_SECONDS = float(os.environ.get("SUTIAO_FEED_SETTLE_SECONDS", "5"))
SUTIAO_FEED_PULL_SECONDS = float(os.environ.get("SUTIAO_FEED_PULL_SECONDS", "30"))
SUTIAO_RECONCILE_SECONDS = float(os.environ.get("SUTIAO_RECONCILE_SECONDS", "3600"))
# How often the investor platform reads the court platform's list of courts (tried again each feed pull
# until it succeeds).
SUTIAO_COURT_DIRECTORY_SECONDS = float(os.environ.get("SUTIAO_COURT_DIRECTORY_SECONDS", "3600"))
# How often each platform sends its audit chain head to the other (sutiao.audit.heads): daily.
SUTIAO_AUDIT_HEAD_SECONDS = float(os.environ.get("SUTIAO_AUDIT_HEAD_SECONDS", "86400"))
# Which answer period applies (kernel/rules.py): "securities" = 5 working days (notice §4(5)).
SUTIAO_ANSWER_PERIOD = os.environ.get("SUTIAO_ANSWER_PERIOD", "securities")
# A party's direct application (issue 10 item 3): the working days the organisation has to review it, and the
# calendar days its mediation runs. No rule of law fixes either (sutiao.kernel.direct): the operator sets them.
SUTIAO_DIRECT_REVIEW_DAYS = int(os.environ.get("SUTIAO_DIRECT_REVIEW_DAYS", "5"))
SUTIAO_DIRECT_MEDIATION_DAYS = int(os.environ.get("SUTIAO_DIRECT_MEDIATION_DAYS", "30"))

# --- parties and notifications (issue 10) ---
# Text messages: a dotted path to a class with send(mobile, text) (sutiao.notifications.sms). In development the
# messages (sign-in codes, consent links) go to var/sms-<platform>.log and the console; elsewhere a deployment
# names its gateway's backend, and without one every send fails (and is tried again) rather than vanish.
SUTIAO_SMS_BACKEND = os.environ.get(
    "SUTIAO_SMS_BACKEND",
    "sutiao.notifications.sms.LogFileSmsBackend" if DEV else "sutiao.notifications.sms.UnconfiguredSmsBackend",
)
# Sign-in codes a mobile may be sent per minute and per hour, and an address per hour (sutiao.accounts.sms_signin).
# The live tests, which sign the demo parties in many times a minute, raise them; the unit tests keep these.
SUTIAO_SMS_THROTTLE = tuple(int(n) for n in os.environ.get("SUTIAO_SMS_THROTTLE", "1,5,20").split(","))
# Real-name verification of a party (sutiao.accounts.verification; docs/parties.md): a dotted path.
SUTIAO_IDENTITY_VERIFIER = os.environ.get(
    "SUTIAO_IDENTITY_VERIFIER", "sutiao.accounts.verification.DevelopmentVerifier" if DEV else ""
)
# Email: Django's framework; in development each message is a file in var/mail/.
EMAIL_BACKEND = os.environ.get(
    "SUTIAO_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend" if DEV else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("SUTIAO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SUTIAO_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("SUTIAO_EMAIL_FROM", "noreply@sutiao.invalid")

# --- electronic signatures (sutiao.documents: ca, tsa, signing; docs/signatures.md) ---
# The certificate authority: a dotted path to a class implementing sutiao.documents.ca.CertificateAuthority with a
# from_settings() constructor. The default is the platform's own CA, whose keys are the files in SUTIAO_CA_KEY_DIR
# (in development: generated once under var/ca/<platform>/); a deployment whose signatures must be reliable
# electronic signatures (电子签名法 Art. 13, 16) names its licensed CA's implementation instead.
SUTIAO_CERTIFICATE_AUTHORITY = os.environ.get("SUTIAO_CERTIFICATE_AUTHORITY", "sutiao.documents.ca.PlatformCA")
SUTIAO_CA_KEY_DIR = os.environ.get("SUTIAO_CA_KEY_DIR", "")
# Where the platform CA's CRLs are published (the CRL distribution point written into its certificates):
# <url>/issuing.crl and <url>/root.crl; default <SUTIAO_BASE_URL>/ca.
SUTIAO_CA_CRL_URL = os.environ.get("SUTIAO_CA_CRL_URL", "")
# Roots trusted besides the CA's own: PEM files, comma-separated (the peer platform's CA, another licensed CA).
SUTIAO_SIGNATURE_TRUST_ROOTS = [p for p in os.environ.get("SUTIAO_SIGNATURE_TRUST_ROOTS", "").split(",") if p]
# The RFC 3161 timestamp authority: its URL in deployment; empty in development, where a timestamp authority in
# the process signs with a certificate of the platform CA (sutiao.documents.tsa).
SUTIAO_TSA_URL = os.environ.get("SUTIAO_TSA_URL", "")
SUTIAO_TSA_TIMEOUT = float(os.environ.get("SUTIAO_TSA_TIMEOUT", "10"))
