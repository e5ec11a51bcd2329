"""Signing a party in with a code sent to their registered mobile. The code is 6 digits, valid 5 minutes, kept
only as a keyed hash, spent on first use, and dead after 5 wrong tries. Requests are throttled per mobile (one a
minute, 5 an hour) and per address (20 an hour), counted on the same rows; an unknown number gets the same
answer as a known one (nothing is sent), so the page does not tell who has an account. Failed sign-ins count
towards django-axes' lockout like failed passwords (the mobile is the «username»)."""

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.kernel.errors import DomainError
from sutiao.notifications.sms import send_sms

from .models import PartyProfile, SmsCode, User
from .parties import mobile_digest, normalised_mobile

CODE_LIFETIME = dt.timedelta(minutes=5)
MAX_TRIES = 5
PER_MOBILE_MINUTE = 1
PER_MOBILE_HOUR = 5
PER_ADDRESS_HOUR = 20


def _hash(digest: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{digest}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def request_code(mobile: str, ip_address: str | None) -> None:
    """Send a sign-in code to `mobile` if a party account has it; refuse (in Chinese) when throttled."""
    mobile = normalised_mobile(mobile)
    digest = mobile_digest(mobile)
    now = timezone.now()
    recent = SmsCode.objects.filter(created_at__gte=now - dt.timedelta(hours=1))
    if recent.filter(mobile_digest=digest, created_at__gte=now - dt.timedelta(minutes=1)).count() >= PER_MOBILE_MINUTE:
        raise DomainError(gettext("验证码发送过于频繁，请一分钟后再试"), field="mobile")
    if recent.filter(mobile_digest=digest).count() >= PER_MOBILE_HOUR:
        raise DomainError(gettext("该手机号一小时内获取验证码次数过多，请稍后再试或使用密码登录"), field="mobile")
    if ip_address and recent.filter(ip_address=ip_address).count() >= PER_ADDRESS_HOUR:
        raise DomainError(gettext("本网络获取验证码次数过多，请稍后再试"), field="mobile")
    known = PartyProfile.objects.filter(mobile_digest=digest, user__is_active=True).exists()
    code = f"{secrets.randbelow(10**6):06d}"
    SmsCode.objects.create(
        mobile_digest=digest,
        code_hash=_hash(digest, code) if known else "",
        ip_address=ip_address,
        expires_at=now + CODE_LIFETIME,
    )
    if known:
        # Sent now, in the request: the person is waiting for it (and the code must not sit in a queue in clear).
        send_sms(mobile, gettext("您的登录验证码为 %(code)s，5分钟内有效。请勿告诉他人。") % {"code": code})


class SmsCodeBackend(BaseBackend):
    """authenticate(request, username=<mobile>, sms_code=<code>)."""

    def authenticate(self, request, username=None, sms_code=None, **kwargs):
        if not username or not sms_code:
            return None
        try:
            digest = mobile_digest(normalised_mobile(username))
        except DomainError:
            return None
        with transaction.atomic():
            sent = (
                SmsCode.objects.select_for_update()
                .filter(mobile_digest=digest, used_at__isnull=True, expires_at__gt=timezone.now())
                .exclude(code_hash="")
                .order_by("-created_at")
                .first()
            )
            if sent is None or sent.attempts >= MAX_TRIES:
                return None
            if not hmac.compare_digest(sent.code_hash, _hash(digest, sms_code.strip())):
                sent.attempts += 1
                sent.save(update_fields=["attempts"])
                return None
            sent.used_at = timezone.now()
            sent.save(update_fields=["used_at"])
        profile = PartyProfile.objects.filter(mobile_digest=digest).select_related("user").first()
        user = profile.user if profile else None
        return user if user is not None and user.is_active else None

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()
