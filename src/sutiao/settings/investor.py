"""中国投资者网证券期货纠纷在线调解平台 — the investor platform."""

import copy
import json
import os
from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, INSTALLED_APPS, VAR_DIR, database_for, env_secret, storages_for, webauthn_for

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
INSTALLED_APPS = [*INSTALLED_APPS, "sutiao.media", "sutiao.investor"]
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

# Audio/video rooms (issue 12, sutiao.media): the signalling server (`sutiao investor serve_media`, an ASGI process
# beside the web server) at this address, as the browser reaches it; behind a reverse proxy, the same origin as the
# pages (wss://host/media/). The pages may connect to it (CSP connect-src).
SUTIAO_MEDIA_URL = os.environ.get("SUTIAO_MEDIA_URL", "ws://127.0.0.1:8003/media/")
_media = urlsplit(SUTIAO_MEDIA_URL)
CONTENT_SECURITY_POLICY = copy.deepcopy(CONTENT_SECURITY_POLICY)
CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append(f"{_media.scheme}://{_media.netloc}")
ASGI_APPLICATION = "sutiao.media.asgi.application"
# One signalling process: in memory. Several (behind a load balancer): SUTIAO_CHANNEL_REDIS_URL names the Redis
# they share (channels-redis).
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["SUTIAO_CHANNEL_REDIS_URL"]]},
        }
        if os.environ.get("SUTIAO_CHANNEL_REDIS_URL")
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
# STUN/TURN servers for the browsers, as RTCPeerConnection's iceServers (JSON), e.g.
# [{"urls": "turn:turn.example.cn:3478", "username": "u", "credential": "p"}]: docs/media.md (coturn).
SUTIAO_ICE_SERVERS = json.loads(os.environ.get("SUTIAO_ICE_SERVERS", "[]"))
# A room ticket (issued by the room page after its permission checks) admits for this long.
SUTIAO_MEDIA_TICKET_SECONDS = int(os.environ.get("SUTIAO_MEDIA_TICKET_SECONDS", "120"))
# A room opens this many minutes before the session's time (the waiting room).
SUTIAO_ROOM_OPENS_MINUTES = int(os.environ.get("SUTIAO_ROOM_OPENS_MINUTES", "30"))
# Per connection: messages a second on average, at once, and refused ones in a row before it is closed.
SUTIAO_MEDIA_RATE = float(os.environ.get("SUTIAO_MEDIA_RATE", "30"))
SUTIAO_MEDIA_BURST = int(os.environ.get("SUTIAO_MEDIA_BURST", "120"))
SUTIAO_MEDIA_FLOOD_LIMIT = int(os.environ.get("SUTIAO_MEDIA_FLOOD_LIMIT", "200"))
# A guest's invitation link (a judge, an interpreter: no account here) works for this many days.
SUTIAO_GUEST_LINK_DAYS = int(os.environ.get("SUTIAO_GUEST_LINK_DAYS", "7"))
# A session's recording: handed in by the browser in parts of at most this size, kept up to this size in all.
SUTIAO_RECORDING_PART_BYTES = int(os.environ.get("SUTIAO_RECORDING_PART_BYTES", str(1024 * 1024)))
SUTIAO_RECORDING_MAX_BYTES = int(os.environ.get("SUTIAO_RECORDING_MAX_BYTES", str(2 * 1024**3)))
