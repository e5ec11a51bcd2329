"""Two-factor sign-in for every staff role (issue 14 §10; 等级保护 level 3): after the password, a code from an
authenticator app (TOTP, RFC 6238, django-otp), a passkey (WebAuthn, django-otp-webauthn; registered beside the
authenticator once signed in with two factors, where the browser supports it) or one of ten single-use recovery
codes. A staff member without an authenticator enrols at their first sign-in. Parties and agents (PARTY_ROLES)
prove the password and an SMS code to their own mobile (sutiao.accounts.sms_signin), in either order: the
session keeps which of the two it has proven (`party_factor_proven`), and SecondFactorMiddleware sends it to
/accounts/sign-in/verify/ for the other before anything else."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from sutiao.audit.log import record
from sutiao.kernel.errors import DomainError

from .models import Role, User

# Everyone who works on a platform for an institution (or runs it): not the people a dispute concerns.
PARTY_ROLES = frozenset({Role.PARTY, Role.AGENT})
STAFF_ROLES = frozenset(Role) - PARTY_ROLES
RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"


def needs_second_factor(user) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES and not user.is_verified()


# --- parties and agents: password plus SMS code ---

PASSWORD, SMS = "password", "sms"
PARTY_FACTORS_KEY = "sutiao_party_factors"


def party_factor_proven(request, factor: str) -> None:
    """Called right after the factor was checked (and after login(), which keeps an anonymous session's data
    but starts afresh for another user): the session remembers it, for this user only."""
    held = request.session.get(PARTY_FACTORS_KEY) or {}
    factors = set(held.get("factors", [])) if held.get("user") == request.user.pk else set()
    factors.add(factor)
    request.session[PARTY_FACTORS_KEY] = {"user": request.user.pk, "factors": sorted(factors)}


def party_factors_missing(request) -> list[str]:
    """What a party's or agent's session still has to prove (empty for everyone else). A session signed in
    any other way (none exists today) has proven nothing and is asked for both."""
    user = request.user
    if not user.is_authenticated or user.role not in PARTY_ROLES:
        return []
    held = request.session.get(PARTY_FACTORS_KEY) or {}
    factors = set(held.get("factors", [])) if held.get("user") == user.pk else set()
    return [f for f in (PASSWORD, SMS) if f not in factors]


def has_authenticator(user: User) -> bool:
    return has_totp(user) or has_passkey(user)


def has_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkeys(user: User):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def passkey_registered(user: User, credential: WebAuthnCredential) -> None:
    """Called inside the registration's transaction (sutiao.accounts.passkeys)."""
    record(user, "account.passkey_registered", credential, after=_passkey_fields(credential))


def passkey_used(request, credential: WebAuthnCredential) -> None:
    """A passkey completed the sign-in: the session counts as signed in with two factors."""
    with transaction.atomic():
        otp_login(request, credential)
        record(request.user, "account.passkey_used", credential, after=_passkey_fields(credential))


@transaction.atomic
def remove_passkey(user: User, credential_id: int) -> None:
    credential = WebAuthnCredential.objects.select_for_update().filter(user=user, pk=credential_id).first()
    if credential is None:
        raise DomainError(gettext("没有这个通行密钥"))
    record(user, "account.passkey_removed", credential, before=_passkey_fields(credential))
    credential.delete()


def _passkey_fields(credential: WebAuthnCredential) -> dict:
    return {"name": credential.name, "aaguid": credential.aaguid, "transports": credential.transports}


def pending_authenticator(user: User) -> TOTPDevice:
    """The authenticator being enrolled (not yet confirmed): its key is shown until a code from it is typed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=AUTHENTICATOR)


def confirm_authenticator(request, device: TOTPDevice, token: str) -> list[str]:
    """The first code from the new authenticator confirms it; the session counts as signed in with two factors
    and the user gets their recovery codes (returned once). A wrong code is refused outside any transaction:
    django-otp's count of failures (which slows guessing down) must be kept, not rolled back."""
    device = TOTPDevice.objects.get(pk=device.pk, user=request.user, confirmed=False)
    if not device.verify_token((token or "").strip()):
        raise DomainError(gettext("动态口令不正确，请核对手机时间后输入验证器中当前显示的 6 位数字"), field="token")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(request.user)
        otp_login(request, device)
        record(request.user, "account.two_factor_enrolled", request.user)
    return codes


def verify(request, token: str) -> None:
    """A code from the authenticator or a recovery code (used up) completes the sign-in. As above, a wrong
    code is refused outside any transaction, so that the failure counts."""
    token = (token or "").replace(" ", "")
    # Six digits are the authenticator's, anything else a recovery code: only that kind of device is asked, so a
    # code of one kind never counts as a failure (and a longer wait) against the other.
    kind = TOTPDevice if len(token) == 6 and token.isdigit() else StaticDevice
    devices = kind.objects.filter(user=request.user, confirmed=True)
    device = next((d for d in devices if d.verify_token(token)), None)
    if device is None:
        raise DomainError(gettext("动态口令或恢复码不正确；连续错误后需等待片刻再试"), field="token")
    with transaction.atomic():
        otp_login(request, device)
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            record(request.user, "account.recovery_code_used", request.user, after={"left": left})


@transaction.atomic
def renew_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    record(user, "account.recovery_codes_renewed", user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


# --- a lost authenticator (issue 14 §10): reset by the institution's administrator ---

# Who administers whose second factor: a court's administrator the staff of that court, an organisation's
# administrator the staff of that organisation (its mediators); the Investor Protection Bureau every staff
# account of the investor platform, and the platform's operator every staff account of the platform, so that
# an administrator (or a bureau or supervisor's staff) who lost theirs is reset by someone else.
INSTITUTION_ADMINS = frozenset({Role.COURT_ADMIN, Role.ORG_ADMIN})
PLATFORM_WIDE = frozenset({Role.BUREAU_STAFF, Role.OPERATOR})


def may_reset(actor: User, user: User) -> bool:
    if not actor.is_authenticated or not actor.is_active or actor.pk == user.pk or user.role not in STAFF_ROLES:
        return False
    if actor.role == Role.OPERATOR or actor.is_superuser:
        return True
    if actor.role == Role.BUREAU_STAFF:
        return user.role != Role.OPERATOR and not user.is_superuser
    return (
        actor.role in INSTITUTION_ADMINS
        and actor.institution_id is not None
        and actor.institution_id == user.institution_id
        and user.role != Role.OPERATOR
    )


def resettable(actor: User):
    """The staff accounts whose second factor `actor` may reset (selector for the list page)."""
    users = User.objects.filter(role__in=STAFF_ROLES).exclude(pk=actor.pk).select_related("institution")
    if actor.role == Role.OPERATOR or actor.is_superuser:
        return users
    if actor.role == Role.BUREAU_STAFF:
        return users.exclude(role=Role.OPERATOR).exclude(is_superuser=True)
    if actor.role in INSTITUTION_ADMINS and actor.institution_id is not None:
        return users.filter(institution_id=actor.institution_id).exclude(role=Role.OPERATOR)
    return users.none()


def devices_of(user: User) -> dict:
    """What a reset would remove, by kind."""
    return {
        "authenticators": TOTPDevice.objects.filter(user=user).count(),
        "passkeys": WebAuthnCredential.objects.filter(user=user).count(),
        "recovery_codes": StaticToken.objects.filter(device__user=user).count(),
    }


@transaction.atomic
def reset_second_factor(actor: User, user: User, reason: str) -> dict:
    """Remove every authenticator, passkey and recovery code of `user`: their sessions stop counting as signed in
    with two factors (the device they were verified with is gone), and at their next sign-in they enrol a new
    authenticator. For a staff member who lost their phone or security key; the reason is recorded."""
    if not may_reset(actor, user):
        raise PermissionDenied(gettext("只能重置本机构工作人员的第二重验证"))
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(gettext("请写明重置原因（如“手机遗失，本人电话确认”）"), field="reason")
    user = User.objects.select_for_update().get(pk=user.pk)
    removed = devices_of(user)
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()  # with its tokens
    record(actor, "account.two_factor_reset", user, before=removed, after={"reason": reason, "user": user.username})
    return removed
