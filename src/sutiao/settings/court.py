"""人民法院调解平台 — the court platform."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, VAR_DIR, database_for, env_secret, storages_for, webauthn_for

PLATFORM = "court"
PLATFORM_ID = os.environ.get("SUTIAO_PLATFORM_ID", "court-platform")
PLATFORM_NAME = "人民法院调解平台"
OTP_TOTP_ISSUER = PLATFORM_NAME  # the name an authenticator app shows
SECRET_KEY = env_secret("SUTIAO_SECRET_KEY", "dev-only-court-secret-key-not-for-production-0123456789")
BASE_URL = os.environ.get("SUTIAO_BASE_URL", "http://127.0.0.1:8001")
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS = webauthn_for(BASE_URL)
OTP_WEBAUTHN_RP_NAME = PLATFORM_NAME
DATABASES = {"default": database_for("court")}
STORAGES = storages_for("court")
INSTALLED_APPS = [*INSTALLED_APPS, "sutiao.court"]
ROOT_URLCONF = "sutiao.court.urls"
SESSION_COOKIE_NAME = "sutiao_court_session"
CSRF_COOKIE_NAME = "sutiao_court_csrf"
# Fernet key (urlsafe base64 of 32 bytes) for identity numbers at rest (sutiao.accounts.pii); each platform
# has its own, as each institution holds its own data.
SUTIAO_FIELD_KEY = env_secret("SUTIAO_FIELD_KEY", "ZGV2LW9ubHktY291cnQtZmllbGQta2V5LW5vdHByb2Q=")
SUTIAO_SMS_LOG = VAR_DIR / "sms-court.log"
PARTY_HOME_URL = "/my/cases/"
# What an API token may be scoped to (sutiao.accounts.tokens): the first path segment of each REST API operation,
# with its label on the token page (a test checks it matches the API).
SUTIAO_API_RESOURCES = {"cases": "案件", "organisations": "可委派的调解组织", "roster": "特邀调解名册"}
# What a party's copy of their data holds about their cases on this platform (accounts.parties.data_copy).
SUTIAO_PARTY_DATA_COPY = "sutiao.court.actions.personal_data.party_copy"
