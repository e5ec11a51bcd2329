"""中国投资者网证券期货纠纷在线调解平台 — the investor platform."""

import os

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, VAR_DIR, database_for, env_secret, storages_for, webauthn_for

PLATFORM = "investor"
PLATFORM_ID = os.environ.get("SUTIAO_PLATFORM_ID", "investor-platform")
PLATFORM_NAME = "中国投资者网证券期货纠纷在线调解平台"
OTP_TOTP_ISSUER = PLATFORM_NAME  # the name an authenticator app shows
SECRET_KEY = env_secret("SUTIAO_SECRET_KEY", "dev-only-investor-secret-key-not-for-production-0123456789")
BASE_URL = os.environ.get("SUTIAO_BASE_URL", "http://127.0.0.1:8002")
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS = webauthn_for(BASE_URL)
OTP_WEBAUTHN_RP_NAME = PLATFORM_NAME
DATABASES = {"default": database_for("investor")}
STORAGES = storages_for("investor")
INSTALLED_APPS = [*INSTALLED_APPS, "sutiao.investor"]
ROOT_URLCONF = "sutiao.investor.urls"
SESSION_COOKIE_NAME = "sutiao_investor_session"
CSRF_COOKIE_NAME = "sutiao_investor_csrf"
# Fernet key (urlsafe base64 of 32 bytes) for identity numbers at rest (sutiao.accounts.pii).
SUTIAO_FIELD_KEY = env_secret("SUTIAO_FIELD_KEY", "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZDA=")
# Days an import job (its report, which quotes the rows) is kept after it ends; the uploaded file itself is deleted
# when the job ends (issue 14).
SUTIAO_IMPORT_JOB_RETENTION_DAYS = int(os.environ.get("SUTIAO_IMPORT_JOB_RETENTION_DAYS", "30"))
SUTIAO_SMS_LOG = VAR_DIR / "sms-investor.log"
PARTY_HOME_URL = "/mediations/"
# What an API token may be scoped to (sutiao.accounts.tokens): the first path segment of each REST API operation,
# with its label on the token page (a test checks it matches the API).
SUTIAO_API_RESOURCES = {
    "delegations": "委派案件",
    "mediators": "本组织调解员",
    "registry": "调解组织与调解员信息、名册推送",
}
# What a party's copy of their data holds about their cases on this platform (accounts.parties.data_copy).
SUTIAO_PARTY_DATA_COPY = "sutiao.investor.actions.personal_data.party_copy"
