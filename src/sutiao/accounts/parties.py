"""Parties as users (issue 10 item 1): the actions that create and authorise party accounts, and the one answer
to «for whom may this user act, and how far» that both platforms ask before a party's act.

A user acts for a party as the party themself (their own PartyProfile), as a firm's authorised staff
(`FirmStaff`, every scope), or as an agent within a power of attorney still in force (`PowerOfAttorney`)."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from sutiao.audit.log import record
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import MOBILE, mask, mask_id_number

from . import pii
from .models import ActOnBehalf, AgentScope, FirmStaff, PartyProfile, PowerOfAttorney, Role, User
from .verification import Claimed, Registered, normalised_id, verifier


def normalised_mobile(mobile: str) -> str:
    mobile = "".join(mobile.split()).removeprefix("+86")
    if not MOBILE.match(mobile):
        raise DomainError(gettext("请填写11位中国大陆手机号码"), field="mobile")
    return mobile


def mask_mobile(mobile: str) -> str:
    return mask("phone", mobile)


# --- who acts for whom ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acting:
    """`user` may act for `party` within `scopes`; `as_self` when the user is the party (or the firm's admin)."""

    party: PartyProfile
    scopes: frozenset
    as_self: bool
    via: str  # 本人 / 单位授权 / 委托代理


ALL_SCOPES = frozenset(AgentScope.values)


def represented(user: User, on: dt.date | None = None) -> list[Acting]:
    """Every party the user acts for, with the scopes: three indexed queries, whatever the number of parties."""
    if not user.is_authenticated or user.role not in (Role.PARTY, Role.AGENT):
        return []
    on = on or timezone.localdate()
    acting = []
    own = PartyProfile.objects.filter(user=user).first()
    if own is not None:
        acting.append(Acting(own, ALL_SCOPES, True, gettext("本人")))
    for staff in FirmStaff.objects.filter(user=user, revoked_at__isnull=True).select_related("firm"):
        acting.append(Acting(staff.firm, ALL_SCOPES, False, gettext("单位授权")))
    powers = PowerOfAttorney.objects.filter(agent=user, revoked_at__isnull=True, valid_until__gte=on)
    for power in powers.select_related("party"):
        acting.append(Acting(power.party, frozenset(power.scopes), False, gettext("委托代理")))
    return acting


def digests_for(user: User, scope: str | None = None) -> set[str]:
    """The identity digests of the parties the user acts for (within `scope`): how cases are found."""
    return {a.party.id_number_digest for a in represented(user) if scope is None or scope in a.scopes}


def acting_for(user: User, id_digest: str, scope: str) -> Acting:
    """How the user acts for the party with this digest within `scope`, or PermissionDenied."""
    for acting in represented(user):
        if acting.party.id_number_digest == id_digest and scope in acting.scopes:
            return acting
    raise PermissionDenied(gettext("您不是该当事人，也未获其在此事项上的授权"))


def users_for_digest(id_digest: str, scope: str | None = None) -> list[User]:
    """Everyone who acts for the party with this digest (to notify them, or to let them in): the party's own
    account, the firm's staff, agents in force within `scope`."""
    today = timezone.localdate()
    profile = PartyProfile.objects.filter(id_number_digest=id_digest).select_related("user").first()
    if profile is None:
        return []
    users = [profile.user]
    users += [s.user for s in FirmStaff.objects.filter(firm=profile, revoked_at__isnull=True).select_related("user")]
    powers = PowerOfAttorney.objects.filter(party=profile, revoked_at__isnull=True, valid_until__gte=today)
    users += [p.agent for p in powers.select_related("agent") if scope is None or scope in p.scopes]
    return users


def record_act(acting: Acting, actor: User, action: str, summary: str, audit_seq: int | None) -> None:
    """Someone acting for a party did something: the party sees it (their «代理人/工作人员的操作» list)."""
    if not acting.as_self:
        ActOnBehalf.objects.create(
            party=acting.party,
            actor=actor,
            action=action,
            summary=summary[:500],
            audit_seq=audit_seq,
        )


# --- actions ---------------------------------------------------------------------------------------------


def _ensure_operator(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_staff):
        raise PermissionDenied(gettext("仅平台运维人员可为当事人开设账户"))


@transaction.atomic
def register_party(
    actor: User | str, *, kind: str, name: str, id_number: str, mobile: str, username: str, password: str | None
) -> PartyProfile:
    """Open a party's account (by an operator, or the platform itself for the demo). The number is checked
    (GB 11643 / GB 32100) and kept only encrypted, with its digest; the party is not yet verified."""
    if not isinstance(actor, str):
        _ensure_operator(actor)
    name = name.strip()
    if not name:
        raise DomainError(gettext("请填写姓名/名称"), field="name")
    number = normalised_id(kind, id_number)
    mobile = normalised_mobile(mobile)
    digest, mobile_digest_value = pii.id_number_digest(number), mobile_digest(mobile)
    if PartyProfile.objects.filter(id_number_digest=digest).exists():
        raise DomainError(gettext("该证件号码/统一社会信用代码已开设账户"), field="id_number")
    if PartyProfile.objects.filter(mobile_digest=mobile_digest_value).exists():
        raise DomainError(gettext("该手机号已被其他当事人账户使用"), field="mobile")
    if User.objects.filter(username=username).exists():
        raise DomainError(gettext("用户名已被使用"), field="username")
    user = User.objects.create_user(username=username, password=password, role=Role.PARTY, full_name=name)
    profile = PartyProfile.objects.create(
        user=user,
        kind=kind,
        name=name,
        id_number_encrypted=pii.encrypt(number),
        id_number_digest=digest,
        id_number_masked=mask_id_number(number),
        mobile_encrypted=pii.encrypt(mobile),
        mobile_digest=mobile_digest_value,
        mobile_masked=mask_mobile(mobile),
    )
    record(actor, "party.register", profile, after={"name": name, "kind": kind, "id": profile.id_number_masked})
    return profile


SELF_SIGN_UP = "当事人自行注册"


def sign_up(*, kind: str, name: str, id_number: str, mobile: str) -> PartyProfile:
    """A party opens their own account (the investor platform's sign-up page). It has no password yet: the
    person signs in first with a code sent to the mobile they gave and sets a password then (every later sign-in
    asks for both: issue 14 §10); they are not verified until real-name verification against a case
    (`verify_identity`) passes."""
    return register_party(
        SELF_SIGN_UP,
        kind=kind,
        name=name,
        id_number=id_number,
        mobile=mobile,
        username=f"party-{secrets.token_hex(6)}",
        password=None,
    )


def own_profile(user: User) -> PartyProfile | None:
    """The party account the user holds themself (not one they act for)."""
    if not user.is_authenticated or user.role != Role.PARTY:
        return None
    return PartyProfile.objects.filter(user=user).first()


def mobile_digest(mobile: str) -> str:
    # Prefixed, so a mobile's digest can never equal an identity number's.
    return pii.id_number_digest("mobile:" + mobile)


@transaction.atomic
def verify_identity(user: User, profile: PartyProfile, registered: Registered | None) -> PartyProfile:
    """Real-name verification against the case's registration (settings.SUTIAO_IDENTITY_VERIFIER). The
    number is decrypted only to be checked, never shown."""
    profile = PartyProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.user_id != user.pk:
        raise PermissionDenied(gettext("只能核验本人账户"))
    claimed = Claimed(profile.kind, profile.name, pii.decrypt(profile.id_number_encrypted))
    method = verifier().verify(claimed, registered)
    profile.verified_at, profile.verifier = timezone.now(), method[:100]
    profile.save(update_fields=["verified_at", "verifier"])
    record(user, "party.verify_identity", profile, after={"verifier": profile.verifier})
    return profile


def _firm_admin(actor: User) -> PartyProfile:
    profile = PartyProfile.objects.filter(user=actor).exclude(kind=PartyKind.NATURAL_PERSON).first()
    if profile is None:
        raise PermissionDenied(gettext("仅单位账户的管理员可授权工作人员"))
    return profile


@transaction.atomic
def authorise_staff(actor: User, *, username: str, full_name: str, password: str, mobile: str) -> FirmStaff:
    """The firm's administrator opens an account for a member of staff who then acts for the firm. Their mobile
    receives the SMS code every sign-in asks for after the password (issue 14 §10)."""
    firm = _firm_admin(actor)
    mobile = normalised_mobile(mobile)
    if User.objects.filter(username=username).exists():
        raise DomainError(gettext("用户名已被使用"), field="username")
    if not full_name.strip():
        raise DomainError(gettext("请填写工作人员姓名"), field="full_name")
    user = User.objects.create_user(
        username=username, password=password, role=Role.PARTY, full_name=full_name, phone=mobile
    )
    staff = FirmStaff.objects.create(firm=firm, user=user, authorised_by=actor)
    record(actor, "party.authorise_staff", staff, after={"firm": firm.name, "staff": full_name})
    return staff


@transaction.atomic
def revoke_staff(actor: User, staff: FirmStaff) -> FirmStaff:
    firm = _firm_admin(actor)
    staff = FirmStaff.objects.select_for_update().filter(pk=staff.pk, firm=firm).first()
    if staff is None:
        raise PermissionDenied(gettext("该工作人员不属于本单位"))
    if staff.revoked_at is None:
        staff.revoked_at = timezone.now()
        staff.save(update_fields=["revoked_at"])
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
        record(actor, "party.revoke_staff", staff, after={"staff": str(staff.user)})
    return staff


@transaction.atomic
def grant_power(
    actor: User,
    *,
    agent: User,
    scopes: list[str],
    valid_until: dt.date,
    document_ref: str = "",
    document_file=None,
) -> PowerOfAttorney:
    """The party (or the firm's admin) records a power of attorney for an agent, with the signed instrument
    uploaded (`document_file`, checked and stored by sutiao.documents after every other check, so a refusal
    stores nothing) and/or referred to by `document_ref`."""
    party = PartyProfile.objects.filter(user=actor).first()
    if party is None:
        raise PermissionDenied(gettext("仅当事人本人可委托代理人"))
    if agent.role != Role.AGENT or not agent.is_active:
        raise DomainError(gettext("受托人须为代理人账户"), field="agent")
    unknown = set(scopes) - ALL_SCOPES
    if not scopes or unknown:
        raise DomainError(gettext("请选择代理权限"), field="scopes")
    if valid_until < timezone.localdate():
        raise DomainError(gettext("有效期不能早于今天"), field="valid_until")
    document = None
    if document_file is not None:
        document = accept_upload(
            document_file, uploaded_by=actor, kind=FileKind.POWER_OF_ATTORNEY, label=gettext("授权委托书")
        )
    power = PowerOfAttorney.objects.create(
        party=party,
        agent=agent,
        scopes=sorted(scopes),
        valid_until=valid_until,
        document_ref=document_ref,
        document=document,
        granted_by=actor,
    )
    record(
        actor,
        "party.grant_power",
        power,
        after={
            "agent": str(agent),
            "scopes": power.scopes,
            "valid_until": valid_until,
            "document": document_ref,
            "file": str(document.pk) if document else None,
        },
    )
    return power


@transaction.atomic
def revoke_power(actor: User, power: PowerOfAttorney) -> PowerOfAttorney:
    power = PowerOfAttorney.objects.select_for_update().filter(pk=power.pk, party__user=actor).first()
    if power is None:
        raise PermissionDenied(gettext("只能撤销本人的授权委托"))
    if power.revoked_at is None:
        power.revoked_at = timezone.now()
        power.save(update_fields=["revoked_at"])
        record(actor, "party.revoke_power", power, after={"agent": str(power.agent)})
    return power


def power_document_readable(user: User, power: PowerOfAttorney) -> bool:
    """The power of attorney's file is read by the party who granted it and by the agent it names."""
    return user.is_authenticated and user.pk in (power.party.user_id, power.agent_id)


def acts_for_party(user: User):
    """What others did for the user's own party account (newest first)."""
    return ActOnBehalf.objects.filter(party__user=user).select_related("actor")


def is_firm_admin(user: User) -> bool:
    return PartyProfile.objects.filter(user=user).exclude(kind=PartyKind.NATURAL_PERSON).exists()


def is_party_holder(user: User) -> bool:
    return user.is_authenticated and PartyProfile.objects.filter(user=user).exists()


def staff_of(user: User):
    return FirmStaff.objects.filter(firm__user=user).select_related("user").order_by("-authorised_at")


def powers_of(user: User):
    return PowerOfAttorney.objects.filter(party__user=user).select_related("agent").order_by("-granted_at")


def agent_by_username(username: str) -> User:
    agent = User.objects.filter(username=username.strip(), role=Role.AGENT, is_active=True).first()
    if agent is None:
        raise DomainError(gettext("没有这个代理人账户（请代理人先在本平台开设代理人账户）"), field="agent")
    return agent


@transaction.atomic
def data_copy(actor: User) -> dict:
    """A party's copy of their personal data on this platform (个人信息保护法 Art. 45): the account's own data
    and what the platform's cases hold about them (settings.SUTIAO_PARTY_DATA_COPY), in clear, to the account's
    holder only (not to staff or agents acting for them); audited."""
    profile = PartyProfile.objects.filter(user=actor).first()
    if profile is None:
        raise PermissionDenied(gettext("仅当事人本人可下载本人的个人信息"))
    record(actor, "party.data_copy", profile)
    return {
        "platform": settings.PLATFORM_NAME,
        "generated_at": timezone.now().isoformat(),
        "account": {
            "kind": str(profile.get_kind_display()),
            "name": profile.name,
            "id_number": pii.decrypt(profile.id_number_encrypted),
            "mobile": pii.decrypt(profile.mobile_encrypted),
            "verified_at": profile.verified_at.isoformat() if profile.verified_at else None,
            "created_at": profile.created_at.isoformat(),
        },
        "cases": import_string(settings.SUTIAO_PARTY_DATA_COPY)(profile),
    }
