"""The registry of mediation organisations and mediators (notice §4(3)) and its pushes to courts' invited
rosters (§4(4)): one function per user-visible action, one transaction each; every change is versioned
(who, when, old and new value of each field) and the docking message it causes is written with it."""

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.docking import outbox
from sutiao.docking.models import Peer
from sutiao.docking.refusals import Rejected
from sutiao.docking.schemas import (
    CourtCard,
    MediatorCard,
    MessageType,
    OrganisationCard,
    RosterAdoptedPayload,
    RosterChangedPayload,
    RosterDecisionPayload,
    RosterProposedPayload,
    RosterRemovedPayload,
)
from sutiao.kernel.calendar import china_date
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask_id_number, validate_resident_id, validate_uscc
from sutiao.kernel.regions import valid_scope

from .models import (
    RENEWAL_WINDOW,
    CampaignConfirmation,
    CourtDirectory,
    MediationOrg,
    Mediator,
    OrgKind,
    ProposalState,
    Qualification,
    RegistryChange,
    RegistryStatus,
    RosterProposal,
    SubjectKind,
    UpdateCampaign,
)

SUPERVISING_KINDS = {InstitutionKind.REGIONAL_OFFICE, InstitutionKind.AFFILIATED_UNIT}
EVERY_COURT = "全国各级人民法院（最高人民法院与中国证监会共同认定名册）"
LIVE = (ProposalState.PENDING, ProposalState.CONFIRMED)
RECORD_LANGUAGE = "zh-hans"  # what is stored and sent to the courts stays Chinese, whoever is signed in


def _record_label(choice) -> str:
    """A choice's label in the record's language (a lazy label would follow the user's, and pydantic
    refuses it as a string)."""
    with translation.override(RECORD_LANGUAGE):
        return str(choice.label)


# --- identity numbers at rest ---


def _fernet() -> Fernet:
    return Fernet(settings.SUTIAO_FIELD_KEY.encode())


def id_number_digest(number: str) -> str:
    """A keyed digest, so the same person is found twice without the number being readable."""
    key = hashlib.sha256(b"sutiao-id-digest:" + settings.SUTIAO_FIELD_KEY.encode()).digest()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def reveal_id_number(mediator: Mediator) -> str:
    return _fernet().decrypt(base64.urlsafe_b64decode(mediator.id_number_encrypted.encode())).decode()


def _encrypt(number: str) -> str:
    return base64.urlsafe_b64encode(_fernet().encrypt(number.encode())).decode()


# --- who may do what ---


def is_bureau(user: User) -> bool:
    return user.is_authenticated and user.role == Role.BUREAU_STAFF


def supervises(user: User, organisation: Institution) -> bool:
    """A regional office or affiliated unit supervises the organisations registered under it."""
    return (
        user.is_authenticated
        and user.role == Role.SUPERVISOR
        and user.institution_id is not None
        and organisation.parent_id == user.institution_id
    )


def ensure_can_edit(user: User, organisation: Institution) -> None:
    own = user.is_authenticated and user.role == Role.ORG_ADMIN and user.institution_id == organisation.pk
    if not (own or is_bureau(user) or supervises(user, organisation)):
        raise PermissionDenied(gettext("无权维护该调解组织的信息"))


def ensure_oversees(user: User, organisation: Institution) -> None:
    if not (is_bureau(user) or supervises(user, organisation)):
        raise PermissionDenied(gettext("仅投资者保护局或该组织的指导单位可进行此操作"))


# --- input, checked the same way for a form, the API and an Excel row ---


@dataclass
class OrgData:
    name: str
    uscc: str
    kind: str
    supervisor_id: object
    scope: list[str]
    dispute_types: list[str]
    capacity: int
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


@dataclass
class MediatorData:
    name: str
    id_number: str
    specialties: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    training_hours: Decimal = Decimal("0")
    phone: str = ""


def clean_org(data: OrgData) -> OrgData:
    """Normalise and check; raises DomainError naming the field (and the rule) at fault."""
    name = (data.name or "").strip()
    if not name:
        raise DomainError(gettext("请填写调解组织名称"), field="name")
    if len(name) > 200:
        raise DomainError(gettext("调解组织名称不能超过200个字"), field="name")
    uscc = _identifier(validate_uscc, data.uscc, "uscc")  # GB 32100-2015
    if data.kind not in OrgKind.values:
        raise DomainError(gettext("未知的组织类型：%(kind)s") % {"kind": data.kind}, field="kind")
    try:
        supervisor = Institution.objects.filter(pk=data.supervisor_id, kind__in=SUPERVISING_KINDS).first()
    except (ValidationError, ValueError, TypeError):  # not an id at all
        supervisor = None
    if supervisor is None:
        raise DomainError(gettext("指导单位须为证监会派出机构或会管单位"), field="supervisor")
    scope = _identifier(valid_scope, data.scope or [], "scope")
    if not scope:
        raise DomainError(gettext("请至少选择一个服务地域"), field="scope")
    types = _dispute_types(data.dispute_types, "dispute_types")
    if not types:
        raise DomainError(gettext("请至少选择一种受理的纠纷类型"), field="dispute_types")
    try:
        capacity = int(data.capacity)
    except (TypeError, ValueError):
        capacity = 0
    if capacity < 1:
        raise DomainError(gettext("可同时办理案件数须为正整数"), field="capacity")
    email = (data.contact_email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(gettext("电子邮箱格式不正确"), field="contact_email") from None
    return OrgData(
        name=name,
        uscc=uscc,
        kind=data.kind,
        supervisor_id=supervisor.pk,
        scope=scope,
        dispute_types=types,
        capacity=capacity,
        address=(data.address or "").strip(),
        contact_name=(data.contact_name or "").strip(),
        contact_phone=(data.contact_phone or "").strip(),
        contact_email=email,
    )


def _identifier(validate, value, field_name: str) -> str:
    """A kernel identifier check, its refusal pinned to the form field that holds the number."""
    try:
        return validate(value if value is not None else "")
    except DomainError as e:
        e.field = field_name  # the same refusal (translatable as the kernel raised it), on the right field
        raise


def _dispute_types(values, field_name: str) -> list[str]:
    known = {t.value for t in DisputeType}
    for value in values:
        if value not in known:
            raise DomainError(gettext("未知的纠纷类型：%(type)s") % {"type": value}, field=field_name)
    return [t.value for t in DisputeType if t.value in set(values)]


def clean_mediator(data: MediatorData) -> MediatorData:
    name = (data.name or "").strip()
    if not name:
        raise DomainError(gettext("请填写调解员姓名"), field="name")
    if len(name) > 100:
        raise DomainError(gettext("调解员姓名不能超过100个字"), field="name")
    number = _identifier(validate_resident_id, data.id_number, "id_number")  # GB 11643-1999
    for q in data.qualifications:
        if q not in Qualification.values:
            raise DomainError(gettext("未知的资质：%(q)s") % {"q": q}, field="qualifications")
    try:
        hours = Decimal(data.training_hours or 0)
    except (InvalidOperation, TypeError, ValueError):
        hours = Decimal("NaN")
    if not hours.is_finite() or hours < 0 or hours > Decimal("99999.9"):
        raise DomainError(gettext("培训学时须在0至99999.9之间"), field="training_hours")
    return MediatorData(
        name=name,
        id_number=number,
        specialties=_dispute_types(data.specialties, "specialties"),
        qualifications=[q for q in Qualification.values if q in set(data.qualifications)],
        training_hours=hours.quantize(Decimal("0.1")),
        phone=(data.phone or "").strip(),
    )


# --- versions ---

ORG_FIELDS = {
    "name": gettext_noop("名称"),
    "uscc": gettext_noop("统一社会信用代码"),
    "kind": gettext_noop("组织类型"),
    "supervisor": gettext_noop("指导单位"),
    "address": gettext_noop("住所"),
    "scope": gettext_noop("服务地域"),
    "dispute_types": gettext_noop("受理纠纷类型"),
    "capacity": gettext_noop("可同时办理案件数"),
    "contact_name": gettext_noop("联系人"),
    "contact_phone": gettext_noop("联系电话"),
    "contact_email": gettext_noop("电子邮箱"),
    "status": gettext_noop("状态"),
    "status_reason": gettext_noop("状态说明"),
}
MEDIATOR_FIELDS = {
    "name": gettext_noop("姓名"),
    "id_number_masked": gettext_noop("公民身份号码"),
    "phone": gettext_noop("手机号"),
    "specialties": gettext_noop("擅长纠纷类型"),
    "qualifications": gettext_noop("资质"),
    "training_hours": gettext_noop("培训学时"),
    "status": gettext_noop("状态"),
    "status_reason": gettext_noop("状态说明"),
}


def org_snapshot(org: MediationOrg) -> dict:
    return {
        "name": org.institution.name,
        "uscc": org.uscc,
        "kind": org.kind,
        "supervisor": org.institution.parent.name if org.institution.parent_id else "",
        "address": org.address,
        "scope": list(org.scope),
        "dispute_types": list(org.dispute_types),
        "capacity": org.capacity,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "contact_email": org.contact_email,
        "status": org.status,
        "status_reason": org.status_reason,
    }


def mediator_snapshot(m: Mediator) -> dict:
    return {
        "name": m.name,
        "id_number_masked": m.id_number_masked,
        "phone": m.phone,
        "specialties": list(m.specialties),
        "qualifications": list(m.qualifications),
        "training_hours": str(m.training_hours),
        "status": m.status,
        "status_reason": m.status_reason,
    }


def _diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def actor_name(actor: User) -> str:
    """Who acted, as records and the courts read it: institution and name."""
    return f"{actor.institution or ''} {actor.display_name}".strip()


def _change(subject, actor, summary: str, changes: dict) -> RegistryChange:
    return RegistryChange(
        subject_kind=SubjectKind.MEDIATOR if isinstance(subject, Mediator) else SubjectKind.ORGANISATION,
        subject_id=subject.pk,
        version=subject.version,
        actor=actor if isinstance(actor, str) else actor_name(actor),
        summary=summary[:200],
        changes=changes,
    )


def _version(subject, actor, summary: str, changes: dict) -> None:
    """Record the subject's current version in its history."""
    _change(subject, actor, summary, changes).save()


def registration_change(subject, actor, summary: str = "登记") -> RegistryChange:
    """The first version of a newly registered organisation or mediator: every field, from nothing. Unsaved,
    so an import can write thousands at once."""
    snapshot = mediator_snapshot(subject) if isinstance(subject, Mediator) else org_snapshot(subject)
    return _change(subject, actor, summary, _diff({}, snapshot))


def _next_version(subject, actor, summary: str, changes: dict | None = None) -> None:
    """The subject's next version: with `changes` (already set on it) it is saved whole; without, it is an
    event of its history (a push, a court's decision) and only the version moves."""
    subject.version += 1
    subject.save(update_fields=None if changes else ["version", "updated_at"])
    _version(subject, actor, summary, changes or {})


# --- cards: what travels to the courts ---


def organisation_card(org: MediationOrg) -> OrganisationCard:
    return OrganisationCard(
        organisation_id=org.pk,
        name=org.institution.name,
        uscc=org.uscc,
        kind=_record_label(OrgKind(org.kind)),
        supervisor=org.institution.parent.name if org.institution.parent_id else "",
        address=org.address,
        scope=list(org.scope),
        dispute_types=list(org.dispute_types),
        capacity=org.capacity,
        contact_name=org.contact_name,
        contact_phone=org.contact_phone,
        active=org.status == RegistryStatus.ACTIVE,
        version=org.version,
    )


def mediator_card(m: Mediator) -> MediatorCard:
    return MediatorCard(
        mediator_id=m.pk,
        organisation_id=m.organisation_id,
        name=m.name,
        id_number_masked=m.id_number_masked,
        specialties=list(m.specialties),
        qualifications=[_record_label(Qualification(q)) for q in m.qualifications],
        training_hours=m.training_hours,
        active=m.status == RegistryStatus.ACTIVE and m.organisation.registry.status == RegistryStatus.ACTIVE,
        version=m.version,
    )


def _tell_courts(org: MediationOrg, mediator: Mediator | None, reason: str) -> None:
    """Every court platform where the subject is pushed or confirmed hears of the change (ROSTER_CHANGED)."""
    live = RosterProposal.objects.filter(state__in=LIVE)
    live = live.filter(mediator=mediator) if mediator else live.filter(organisation=org.institution)
    payload = RosterChangedPayload(
        organisation=organisation_card(org),
        mediator=mediator_card(mediator) if mediator else None,
        reason=reason,
        changed_at=timezone.now(),
    )
    for peer in Peer.objects.filter(pk__in=live.values("peer_id")):
        outbox.send(peer, MessageType.ROSTER_CHANGED, (mediator or org).pk, payload)


def _end_proposals(proposals, reason: str) -> None:
    proposals.filter(state__in=LIVE).update(
        state=ProposalState.ENDED, ended_at=timezone.now(), ended_reason=reason[:500]
    )


# --- organisations ---


@transaction.atomic
def register_organisation(actor: User, data: OrgData) -> MediationOrg:
    """The Bureau enters an organisation in the registry (notice §4(3))."""
    if not is_bureau(actor):
        raise PermissionDenied(gettext("仅投资者保护局可登记新的调解组织"))
    data = clean_org(data)
    if MediationOrg.objects.filter(uscc=data.uscc).exists():
        raise DomainError(gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc}, field="uscc")
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                kind=InstitutionKind.MEDIATION_ORG, name=data.name, parent_id=data.supervisor_id
            )
            org = MediationOrg.objects.create(institution=institution, **_org_fields(data))
    except IntegrityError as e:  # the same code registered at the same moment
        raise DomainError(gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc}, field="uscc") from e
    registration_change(org, actor).save()
    return org


def _org_fields(data: OrgData) -> dict:
    return {
        "uscc": data.uscc,
        "kind": data.kind,
        "address": data.address,
        "scope": data.scope,
        "dispute_types": data.dispute_types,
        "capacity": data.capacity,
        "contact_name": data.contact_name,
        "contact_phone": data.contact_phone,
        "contact_email": data.contact_email,
    }


def _locked_org(org) -> MediationOrg:
    # Only this row is locked: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return MediationOrg.objects.select_for_update(of=("self",)).select_related("institution__parent").get(pk=org.pk)


@transaction.atomic
def update_organisation(actor: User, org: MediationOrg, data: OrgData) -> MediationOrg:
    """The organisation (or its supervisor, or the Bureau) refreshes its data; courts that have it on their
    roster, or are deciding on it, get the new card."""
    org = _locked_org(org)
    ensure_can_edit(actor, org.institution)
    data = clean_org(data)
    if data.supervisor_id != org.institution.parent_id and not is_bureau(actor):
        raise DomainError(gettext("仅投资者保护局可变更指导单位"), field="supervisor")
    if MediationOrg.objects.filter(uscc=data.uscc).exclude(pk=org.pk).exists():
        raise DomainError(gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc}, field="uscc")
    before = org_snapshot(org)
    org.institution.name, org.institution.parent_id = data.name, data.supervisor_id
    org.institution.save(update_fields=["name", "parent"])
    for name, value in _org_fields(data).items():
        setattr(org, name, value)
    org.institution.parent = Institution.objects.get(pk=data.supervisor_id)
    changes = _diff(before, org_snapshot(org))
    if not changes:
        return org
    _next_version(org, actor, "更新信息", changes)
    _tell_courts(org, None, "登记信息更新")
    return org


def _status_reason(current: str, status: str, reason: str, reason_missing: str) -> str:
    """The reason, stripped, once `status` is a change the registry can make (leaving active needs one)."""
    reason = reason.strip()
    if status not in RegistryStatus.values:
        raise DomainError(gettext("未知的状态"), field="status")
    if status != RegistryStatus.ACTIVE and not reason:
        raise DomainError(reason_missing, field="reason")
    if status == current:
        raise DomainError(gettext("状态未变化"), field="status")
    return reason


@transaction.atomic
def set_organisation_status(actor: User, org: MediationOrg, status: str, reason: str) -> MediationOrg:
    """Suspend, withdraw or reinstate an organisation. An organisation that is not active comes off every
    roster it is on, with its mediators, and each court is told; reinstated, it must be pushed again."""
    org = _locked_org(org)
    ensure_oversees(actor, org.institution)
    reason = _status_reason(org.status, status, reason, gettext("暂停或退出须写明原因"))
    before = org_snapshot(org)
    org.status, org.status_reason = status, reason
    label = _record_label(RegistryStatus(status))
    _next_version(org, actor, f"状态变更为{label}", _diff(before, org_snapshot(org)))
    _tell_courts(org, None, reason or label)
    if status != RegistryStatus.ACTIVE:
        _end_proposals(RosterProposal.objects.filter(organisation=org.institution), f"调解组织{label}：{reason}")
    return org


# --- mediators ---


@transaction.atomic
def register_mediator(actor: User, organisation: Institution, data: MediatorData, user: User | None = None) -> Mediator:
    ensure_can_edit(actor, organisation)
    if not MediationOrg.objects.filter(pk=organisation.pk).exists():
        raise DomainError(gettext("该机构尚未登记为调解组织"))
    data = clean_mediator(data)
    if user is not None and (
        user.role != Role.MEDIATOR
        or user.institution_id != organisation.pk
        or Mediator.objects.filter(user=user).exists()
    ):
        raise DomainError(gettext("登录账号须为本组织尚未关联登记信息的调解员账号"), field="user")
    digest = id_number_digest(data.id_number)
    existing = Mediator.objects.filter(id_number_digest=digest).select_related("organisation").first()
    if existing is not None:
        raise DomainError(
            gettext("该公民身份号码已登记为%(org)s的调解员%(name)s")
            % {"org": existing.organisation, "name": existing.name},
            field="id_number",
        )
    mediator = Mediator(organisation=organisation, user=user, **_mediator_fields(data))
    try:
        with transaction.atomic():
            mediator.save(force_insert=True)
    except IntegrityError as e:  # the same number registered at the same moment elsewhere
        raise DomainError(gettext("该公民身份号码已登记"), field="id_number") from e
    registration_change(mediator, actor).save()
    return mediator


def _mediator_fields(data: MediatorData) -> dict:
    return {
        "name": data.name,
        "id_number_encrypted": _encrypt(data.id_number),
        "id_number_digest": id_number_digest(data.id_number),
        "id_number_masked": mask_id_number(data.id_number),
        "phone": data.phone,
        "specialties": data.specialties,
        "qualifications": data.qualifications,
        "training_hours": data.training_hours,
    }


def _locked_mediator(mediator) -> Mediator:
    return (
        Mediator.objects.select_for_update(of=("self",))
        .select_related("organisation__registry", "organisation__parent")
        .get(pk=mediator.pk)
    )


@transaction.atomic
def update_mediator(actor: User, mediator: Mediator, data: MediatorData) -> Mediator:
    mediator = _locked_mediator(mediator)
    ensure_can_edit(actor, mediator.organisation)
    data = clean_mediator(data)
    if Mediator.objects.filter(id_number_digest=id_number_digest(data.id_number)).exclude(pk=mediator.pk).exists():
        raise DomainError(gettext("该公民身份号码已登记"), field="id_number")
    before, digest_before = mediator_snapshot(mediator), mediator.id_number_digest
    for name, value in _mediator_fields(data).items():
        setattr(mediator, name, value)
    changes = _diff(before, mediator_snapshot(mediator))
    # A corrected number can keep its mask (only the middle digits differ): the history still says so.
    number_corrected = mediator.id_number_digest != digest_before
    if number_corrected and "id_number_masked" not in changes:
        changes["id_number_masked"] = [before["id_number_masked"], mediator.id_number_masked]
    if not changes:
        return mediator
    _next_version(mediator, actor, "更新信息（更正公民身份号码）" if number_corrected else "更新信息", changes)
    _tell_courts(mediator.organisation.registry, mediator, "登记信息更新")
    return mediator


@transaction.atomic
def set_mediator_status(actor: User, mediator: Mediator, status: str, reason: str) -> Mediator:
    """A mediator leaves, is suspended or reinstated; off every roster when not active, courts told."""
    mediator = _locked_mediator(mediator)
    ensure_can_edit(actor, mediator.organisation)
    reason = _status_reason(mediator.status, status, reason, gettext("暂停或离任须写明原因"))
    before = mediator_snapshot(mediator)
    mediator.status, mediator.status_reason = status, reason
    label = _record_label(RegistryStatus(status))
    _next_version(mediator, actor, f"状态变更为{label}", _diff(before, mediator_snapshot(mediator)))
    _tell_courts(mediator.organisation.registry, mediator, reason or label)
    if status != RegistryStatus.ACTIVE:
        _end_proposals(RosterProposal.objects.filter(mediator=mediator), f"调解员{label}：{reason}")
    return mediator


# --- the periodic information update (notice §4(3)) ---


@transaction.atomic
def start_campaign(actor: User, title: str, due: dt.date) -> UpdateCampaign:
    if not is_bureau(actor):
        raise PermissionDenied(gettext("仅投资者保护局可发起信息更新"))
    if not title.strip():
        raise DomainError(gettext("请填写名称"), field="title")
    if due < timezone.localdate():
        raise DomainError(gettext("截止日期不能早于今天"), field="due")
    return UpdateCampaign.objects.create(title=title.strip(), due=due, started_by=actor)


@transaction.atomic
def confirm_information(actor: User, org: MediationOrg, campaign: UpdateCampaign) -> CampaignConfirmation:
    """The organisation confirms its data are current for the campaign (after refreshing what changed)."""
    if not (actor.is_authenticated and actor.role == Role.ORG_ADMIN and actor.institution_id == org.pk):
        raise PermissionDenied(gettext("仅本组织管理员可确认本组织信息"))
    confirmation, created = CampaignConfirmation.objects.get_or_create(
        campaign=campaign, organisation=org.institution, defaults={"confirmed_by": actor}
    )
    if not created:
        raise DomainError(gettext("本组织已确认过该次信息更新"))
    org = _locked_org(org)
    _next_version(org, actor, f"确认信息（{campaign.title}）")
    return confirmation


# --- pushing to courts' rosters (notice §4(4)) ---


@transaction.atomic
def record_court_list(peer: Peer, courts: list[CourtCard]) -> None:
    """The court platform's own list of its courts keeps the directory the Bureau pushes to current: new
    courts are added, names and status follow, and a court that platform no longer lists is kept (pushes
    refer to it) but cannot be pushed to."""
    now = timezone.now()
    known = {c.pk: c for c in CourtDirectory.objects.select_for_update().filter(peer=peer)}
    listed = set()
    for card in courts:
        listed.add(card.court_id)
        fields = {"name": card.name, "kind": card.kind, "parent_id": card.parent_id, "active": card.active}
        court = known.get(card.court_id)
        if court is None:
            CourtDirectory.objects.create(id=card.court_id, peer=peer, synced_at=now, **fields)
        elif any(getattr(court, k) != v for k, v in fields.items()) or court.synced_at is None:
            CourtDirectory.objects.filter(pk=court.pk).update(synced_at=now, **fields)
    CourtDirectory.objects.filter(peer=peer, active=True).exclude(pk__in=listed).update(active=False, synced_at=now)


def _court(court_id) -> CourtDirectory | None:
    if court_id is None:
        return None
    court = CourtDirectory.objects.select_related("peer").filter(pk=court_id, active=True).first()
    if court is None:
        raise DomainError(gettext("法院名录中没有该法院"), field="court")
    return court


def _court_peer(court: CourtDirectory | None) -> Peer:
    if court is not None:
        return court.peer
    peer = Peer.objects.filter(active=True).first()
    if peer is None:
        raise DomainError(gettext("尚未接入法院平台"))
    return peer


def _live_for(proposals, court_id):
    return proposals.filter(state__in=LIVE).filter(Q(court_id=court_id) | Q(court_id__isnull=True))


def _blocking(proposals, court_id):
    """Pushes that make another push of the subject to that court pointless: one the court has yet to decide,
    or a confirmation not yet within RENEWAL_WINDOW of running out (a push then renews it)."""
    renew_from = china_date(timezone.now()) + RENEWAL_WINDOW
    return _live_for(proposals, court_id).filter(Q(state=ProposalState.PENDING) | Q(valid_until__gt=renew_from))


@transaction.atomic
def propose_organisation(actor: User, org: MediationOrg, court_id, note: str = "") -> RosterProposal:
    """The Bureau pushes a qualifying organisation to one court, or (no court) to every court at once: the
    list the SPC and the CSRC recognise jointly (notice §4(4))."""
    if not is_bureau(actor):
        raise PermissionDenied(gettext("仅投资者保护局可推送调解组织"))
    org = _locked_org(org)
    if org.status != RegistryStatus.ACTIVE:
        raise DomainError(gettext("该调解组织目前状态为%(s)s，不能推送") % {"s": gettext(org.get_status_display())})
    court = _court(court_id)
    proposals = RosterProposal.objects.filter(organisation=org.institution, subject_kind=SubjectKind.ORGANISATION)
    if _blocking(proposals, court_id).exists():
        raise DomainError(
            gettext("该调解组织已推送至该法院（或已在共同认定名册中），无需重复推送；有效期届满前90日内可再次推送续期")
        )
    return _propose(actor, org, None, court, note)


@transaction.atomic
def propose_mediator(actor: User, mediator: Mediator, court_id, note: str = "") -> RosterProposal:
    """A regional office or affiliated unit pushes a qualifying mediator of an organisation it supervises to a
    court whose roster already has that organisation (notice §4(4))."""
    mediator = _locked_mediator(mediator)
    if not supervises(actor, mediator.organisation):
        raise PermissionDenied(gettext("仅该调解组织的指导单位（派出机构或会管单位）可推送其调解员"))
    org = mediator.organisation.registry
    if mediator.status != RegistryStatus.ACTIVE or org.status != RegistryStatus.ACTIVE:
        raise DomainError(gettext("调解员或其所属组织目前不在正常状态，不能推送"))
    court = _court(court_id)
    org_on_roster = _live_for(
        RosterProposal.objects.filter(
            organisation=mediator.organisation,
            subject_kind=SubjectKind.ORGANISATION,
            state=ProposalState.CONFIRMED,
            valid_until__gte=china_date(timezone.now()),  # a lapsed confirmation is no roster
        ),
        court_id,
    )
    if not org_on_roster.exists():
        raise DomainError(gettext("所属调解组织尚未纳入该法院特邀调解名册，请先由投资者保护局推送调解组织"))
    if _blocking(RosterProposal.objects.filter(mediator=mediator), court_id).exists():
        raise DomainError(gettext("该调解员已推送至该法院，无需重复推送；有效期届满前90日内可再次推送续期"))
    return _propose(actor, org, mediator, court, note)


def _propose(actor, org, mediator, court, note) -> RosterProposal:
    # The push is a version of the subject's record (its history shows it); the card sent carries it.
    _next_version(mediator or org, actor, f"推送至{court.name if court else EVERY_COURT}")
    proposal = RosterProposal.objects.create(
        peer=_court_peer(court),
        subject_kind=SubjectKind.MEDIATOR if mediator else SubjectKind.ORGANISATION,
        organisation=org.institution,
        mediator=mediator,
        court_id=court.pk if court else None,
        court_name=court.name if court else EVERY_COURT,
        proposed_by=actor,
        proposed_at=timezone.now(),
        note=note.strip(),
    )
    outbox.send(
        proposal.peer,
        MessageType.ROSTER_PROPOSED,
        (mediator or org).pk,
        RosterProposedPayload(
            proposal_id=proposal.pk,
            court_id=proposal.court_id,
            court_name=proposal.court_name,
            organisation=organisation_card(org),
            mediator=mediator_card(mediator) if mediator else None,
            proposed_by=actor_name(actor),
            proposed_at=proposal.proposed_at,
            note=proposal.note,
        ),
    )
    return proposal


@transaction.atomic
def record_roster_decision(payload: RosterDecisionPayload, peer: Peer) -> RosterProposal:
    """The court confirmed (with a validity period) or rejected (with a reason) a push. Only the court
    platform it was pushed to decides it."""
    proposal = RosterProposal.objects.select_for_update().filter(pk=payload.proposal_id, peer=peer).first()
    if proposal is None:
        raise Rejected("unknown_proposal", f"本平台没有标识为 {payload.proposal_id} 的名册推送", final=True)
    if proposal.state != ProposalState.PENDING:
        return proposal  # ended meanwhile (suspended, left): the court hears of that through ROSTER_CHANGED
    proposal.state = ProposalState.CONFIRMED if payload.confirmed else ProposalState.REJECTED
    proposal.decided_at, proposal.decided_by, proposal.reason = payload.decided_at, payload.decided_by, payload.reason
    proposal.valid_from, proposal.valid_until = payload.valid_from, payload.valid_until
    proposal.save()
    if payload.confirmed and payload.supersedes:
        RosterProposal.objects.filter(pk=payload.supersedes, peer=peer, state=ProposalState.CONFIRMED).update(
            state=ProposalState.ENDED, ended_at=payload.decided_at, ended_reason="续期：由新的确认替代"
        )
    return proposal


@transaction.atomic
def record_roster_removal(payload: RosterRemovedPayload, peer: Peer) -> RosterProposal:
    """The court took the organisation or mediator off its roster (除名, 特邀调解规定 Art. 28): the membership
    ends, so that court's delegations are refused from now on; the subject's history shows it."""
    proposal = (
        RosterProposal.objects.select_for_update(of=("self",))
        .select_related("organisation__registry", "mediator")
        .filter(pk=payload.proposal_id, peer=peer)
        .first()
    )
    if proposal is None:
        raise Rejected("unknown_proposal", f"本平台没有标识为 {payload.proposal_id} 的名册推送", final=True)
    if proposal.state != ProposalState.CONFIRMED:
        return proposal
    proposal.state, proposal.ended_at = ProposalState.ENDED, payload.removed_at
    proposal.ended_reason = f"{proposal.court_name}移出名册：{payload.reason}"[:500]
    proposal.save(update_fields=["state", "ended_at", "ended_reason"])
    _next_version(proposal.mediator or proposal.organisation.registry, payload.removed_by, proposal.ended_reason)
    return proposal


@transaction.atomic
def record_roster_adoption(payload: RosterAdoptedPayload, peer: Peer) -> RosterProposal:
    """A court took the subject over from a higher court's roster with its consent (《人民法院在线调解规则》
    Art. 27 ¶2): a membership of that court's own from now on, so its delegations are taken. A subject
    suspended or gone meanwhile is recorded as ended: the court hears of that through ROSTER_CHANGED."""
    source = (
        RosterProposal.objects.select_related("organisation__registry", "mediator")
        .filter(pk=payload.source_proposal_id, peer=peer)
        .first()
    )
    if source is None:
        raise Rejected("unknown_proposal", f"本平台没有标识为 {payload.source_proposal_id} 的名册推送", final=True)
    if (known := RosterProposal.objects.filter(pk=payload.proposal_id).first()) is not None:
        return known
    org, mediator = _locked_org(source.organisation.registry), source.mediator
    subject = _locked_mediator(mediator) if mediator else org
    active = subject.status == RegistryStatus.ACTIVE and org.status == RegistryStatus.ACTIVE
    adoption = RosterProposal.objects.create(
        id=payload.proposal_id,
        peer=peer,
        subject_kind=source.subject_kind,
        organisation=source.organisation,
        mediator=mediator,
        court_id=payload.court_id,
        court_name=payload.court_name,
        proposed_by=source.proposed_by,
        proposed_at=payload.decided_at,
        note=f"沿用{source.court_name}名册：{payload.consent}"[:2000],
        state=ProposalState.CONFIRMED if active else ProposalState.ENDED,
        decided_at=payload.decided_at,
        decided_by=payload.decided_by,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        ended_at=None if active else timezone.now(),
        ended_reason="" if active else "登记状态已变更，未纳入名册",
        adopted_from=source,
    )
    _next_version(
        subject,
        payload.decided_by,
        f"{payload.court_name}沿用{source.court_name}名册，确认为本院特邀（有效期至{payload.valid_until:%Y年%m月%d日}）",
    )
    return adoption


@transaction.atomic
def record_pushes_refused(messages) -> None:
    """The court platform refused pushes for good (e.g. no such court there): each one ends as not confirmed,
    with the refusal as its reason, so the pusher sees it and can push again."""
    for message in messages:
        RosterProposal.objects.filter(pk=message.payload["proposal_id"], state=ProposalState.PENDING).update(
            state=ProposalState.REJECTED, decided_at=timezone.now(), reason=f"法院平台拒收：{message.last_error}"[:2000]
        )


# --- what a delegation needs (LEGAL-RULES L2) ---


def roster_refusal(organisation_id, court_id, today: dt.date | None = None) -> Rejected | None:
    """Why this organisation may not take a delegation from that court, or None if it may: it must be
    active in the registry and on that court's confirmed roster (or the jointly recognised one), in date."""
    today = today or china_date(timezone.now())
    org = MediationOrg.objects.filter(pk=organisation_id).first()
    if org is None or org.status != RegistryStatus.ACTIVE:
        return Rejected(
            "organisation_unavailable", f"调解组织 {organisation_id} 未登记或目前暂停/已退出，不能接受委派", final=True
        )
    confirmed = _live_for(
        RosterProposal.objects.filter(
            organisation_id=organisation_id,
            subject_kind=SubjectKind.ORGANISATION,
            state=ProposalState.CONFIRMED,
            valid_from__lte=today,
            valid_until__gte=today,
        ),
        court_id,
    )
    if confirmed.exists():
        return None
    organisation_pushes = RosterProposal.objects.filter(
        organisation_id=organisation_id, subject_kind=SubjectKind.ORGANISATION
    )
    if _live_for(organisation_pushes.filter(state=ProposalState.PENDING), court_id).exists():
        # The court may have confirmed and delegated at once: its decision is still on its way. Retried.
        return Rejected("roster_pending", f"调解组织 {organisation_id} 推送至委派法院 {court_id} 的名册确认尚未送达")
    return Rejected(
        "not_on_roster", f"调解组织 {organisation_id} 不在委派法院 {court_id} 确认的特邀调解名册中", final=True
    )
