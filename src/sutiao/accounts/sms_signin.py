"""SMS codes for a party's or agent's sign-in (issue 14 §10: «password plus SMS code»). Every such session
proves both (sutiao.accounts.two_factor.party_factors_missing): the password first and then a code sent to
the account's own mobile (`send_code_to`, `check_user_code`), or a code first, typed with the mobile on
/accounts/sms-login/ (`request_code`, `SmsCodeBackend`), and then the password. The code is 6 digits, valid 5
minutes, kept only as a keyed hash, spent on first use, and dead after 5 wrong tries. Requests are throttled per
mobile (one a minute, 5 an hour) and per address (20 an hour; settings.SUTIAO_SMS_THROTTLE), counted on the
same rows; an unknown number gets the same
answer as a known one (nothing is sent), so the page does not tell who has an account. Failed sign-ins count
towards django-axes' lockout like failed passwords (the mobile is the «username»)."""

import datetime as dt
import enum
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
from .parties import mask_mobile, mobile_digest, normalised_mobile

CODE_LIFETIME = dt.timedelta(minutes=5)
MAX_TRIES = 5
PER_MOBILE_MINUTE, PER_MOBILE_HOUR, PER_ADDRESS_HOUR = settings.SUTIAO_SMS_THROTTLE


def _hash(digest: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{digest}:{code}".encode(), hashlib.sha256).hexdigest()


def _throttle(digest: str, ip_address: str | None, now) -> None:
    recent = SmsCode.objects.filter(created_at__gte=now - dt.timedelta(hours=1))
    if recent.filter(mobile_digest=digest, created_at__gte=now - dt.timedelta(minutes=1)).count() >= PER_MOBILE_MINUTE:
        raise DomainError(gettext("验证码发送过于频繁，请一分钟后再试"), field="mobile")
    if recent.filter(mobile_digest=digest).count() >= PER_MOBILE_HOUR:
        raise DomainError(gettext("该手机号一小时内获取验证码次数过多，请一小时后再试"), field="mobile")
    if ip_address and recent.filter(ip_address=ip_address).count() >= PER_ADDRESS_HOUR:
        raise DomainError(gettext("本网络获取验证码次数过多，请稍后再试"), field="mobile")


def _issue(mobile: str, digest: str, ip_address: str | None, known: bool, purpose: str = "") -> None:
    now = timezone.now()
    _throttle(digest, ip_address, now)
    code = f"{secrets.randbelow(10**6):06d}"
    SmsCode.objects.create(
        mobile_digest=digest,
        code_hash=_hash(digest, code) if known else "",
        ip_address=ip_address,
        expires_at=now + CODE_LIFETIME,
    )
    if known:
        # Sent now, in the request: the person is waiting for it (and the code must not sit in a queue in clear).
        if purpose:
            text = gettext("您正在%(purpose)s，验证码为 %(code)s，5分钟内有效。请勿告诉他人。")
            send_sms(mobile, text % {"purpose": purpose, "code": code})
        else:
            send_sms(mobile, gettext("您的登录验证码为 %(code)s，5分钟内有效。请勿告诉他人。") % {"code": code})


@transaction.atomic
def request_code(mobile: str, ip_address: str | None) -> None:
    """Send a sign-in code to `mobile` if a party account has it; refuse (in Chinese) when throttled."""
    mobile = normalised_mobile(mobile)
    digest = mobile_digest(mobile)
    known = PartyProfile.objects.filter(mobile_digest=digest, user__is_active=True).exists()
    _issue(mobile, digest, ip_address, known)


def signed_in_mobile(user: User) -> str:
    """The mobile a party's or agent's sign-in code goes to: a party's registered (verified at every sign-in)
    mobile, else the account's own phone (an agent's, a firm's staff member's, recorded when the account was
    opened). Empty when the account has none: such an account cannot complete its sign-in."""
    from sutiao.notifications.service import user_mobile

    try:
        return normalised_mobile(user_mobile(user) or "")
    except DomainError:
        return ""


def masked_mobile(user: User) -> str:
    mobile = signed_in_mobile(user)
    return mask_mobile(mobile) if mobile else ""


@transaction.atomic
def send_code_to(user: User, ip_address: str | None, purpose: str = "") -> str:
    """The sign-in's second step after the password: a code to the signed-in account's own mobile (the same
    codes, lifetime, tries and throttles as `request_code`). Returns the masked mobile it went to. `purpose`
    («签署调解协议（…）») is what a signed-in user confirms with the code (an agreement's signature, checked with
    `check_user_code`): the message says so instead of «登录»."""
    mobile = signed_in_mobile(user)
    if not mobile:
        if purpose:
            raise DomainError(gettext("您的账户未登记手机号，无法发送验证码，请联系平台运维人员登记手机号"))
        raise DomainError(gettext("您的账户未登记手机号，无法发送验证码，请联系平台运维人员登记后再登录"))
    _issue(mobile, mobile_digest(mobile), ip_address, known=True, purpose=purpose)
    return mask_mobile(mobile)


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"  # the latest code was spent, ran out of time or of tries
    NONE = "none"  # no code was sent to this mobile


def check_code(digest: str, code: str) -> Check:
    """Spend the latest code sent to the mobile `digest` if `code` is it. A wrong code counts a try (outside
    the caller's transaction: the count must not be rolled back with a refusal)."""
    with transaction.atomic():
        latest = (
            SmsCode.objects.select_for_update()
            .filter(mobile_digest=digest)
            .exclude(code_hash="")
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None:
            return Check.NONE
        if latest.used_at is not None or latest.expires_at <= timezone.now() or latest.attempts >= MAX_TRIES:
            return Check.EXPIRED
        if not hmac.compare_digest(latest.code_hash, _hash(digest, (code or "").strip())):
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            return Check.WRONG
        latest.used_at = timezone.now()
        latest.save(update_fields=["used_at"])
        return Check.OK


def tries_left(digest: str) -> int:
    latest = SmsCode.objects.filter(mobile_digest=digest).exclude(code_hash="").order_by("-created_at", "-id").first()
    return max(0, MAX_TRIES - latest.attempts) if latest else 0


def check_user_code(user: User, code: str) -> Check:
    """The second step: the code must be the latest one sent to this account's own mobile (a code sent to
    anyone else's mobile never matches)."""
    mobile = signed_in_mobile(user)
    if not mobile:
        return Check.NONE
    return check_code(mobile_digest(mobile), code)


class SmsCodeBackend(BaseBackend):
    """authenticate(request, username=<mobile>, sms_code=<code>)."""

    def authenticate(self, request, username=None, sms_code=None, **kwargs):
        if not username or not sms_code:
            return None
        try:
            digest = mobile_digest(normalised_mobile(username))
        except DomainError:
            return None
        if check_code(digest, sms_code) is not Check.OK:
            return None
        profile = PartyProfile.objects.filter(mobile_digest=digest).select_related("user").first()
        user = profile.user if profile else None
        return user if user is not None and user.is_active else None

    def get_user(self, user_id):
        return User.objects.filter(pk=user_id, is_active=True).first()
