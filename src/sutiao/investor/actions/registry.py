"""Keeping the registry of mediation organisations and mediators (notice §4(3)): one function per action our
staff take, one transaction each: permission, the change with its version, the audit record, and the
ROSTER_CHANGED the courts that have the subject must hear. Sensitive reads (an identity number shown
unmasked, an export of the registry) are actions too: they leave an audit record."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.accounts.pii import decrypt, id_number_digest
from sutiao.audit.log import record
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask
from sutiao.kernel.workflow import InvestorProposalEvent

from .. import permissions
from ..excel import layout, runner, upload, workbook
from ..models import (
    CampaignConfirmation,
    ImportJob,
    ImportKind,
    MediationOrg,
    Mediator,
    RegistryStatus,
    RosterProposal,
    SubjectKind,
    UpdateCampaign,
)
from ..registry.cards import tell_courts
from ..registry.data import (
    NUMBER_REGISTERED,
    MediatorData,
    OrgData,
    clean_mediator,
    clean_org,
    mediator_fields,
    org_fields,
    record_label,
)
from ..registry.history import diff, mediator_snapshot, next_version, org_snapshot, registration_change
from ..registry.records import locked_mediator, locked_org
from .roster import end_proposals

# --- organisations ---


@transaction.atomic
def register_organisation(actor: User, data: OrgData) -> MediationOrg:
    """The Bureau enters an organisation in the registry (notice §4(3))."""
    permissions.ensure_bureau(actor, gettext("仅投资者保护局可登记新的调解组织"))
    data = clean_org(data)
    if MediationOrg.objects.filter(uscc=data.uscc).exists():
        raise DomainError(gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc}, field="uscc")
    try:
        with transaction.atomic():
            institution = Institution.objects.create(
                kind=InstitutionKind.MEDIATION_ORG, name=data.name, parent_id=data.supervisor_id
            )
            org = MediationOrg.objects.create(institution=institution, **org_fields(data))
    except IntegrityError as e:  # the same code registered at the same moment
        raise DomainError(gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc}, field="uscc") from e
    registration_change(org, actor).save()
    record(actor, "registry.organisation.register", org, after=org_snapshot(org))
    return org


@transaction.atomic
def update_organisation(actor: User, org: MediationOrg, data: OrgData) -> MediationOrg:
    """The organisation (or its supervisor, or the Bureau) refreshes its data; courts that have it on their
    roster, or are deciding on it, get the new card."""
    org = locked_org(org)
    permissions.ensure_can_edit(actor, org.institution)
    data = clean_org(data)
    if data.supervisor_id != org.institution.parent_id and not permissions.is_bureau(actor):
        raise DomainError(gettext("仅投资者保护局可变更指导单位"), field="supervisor")
    if MediationOrg.objects.filter(uscc=data.uscc).exclude(pk=org.pk).exists():
        raise DomainError(gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": data.uscc}, field="uscc")
    before = org_snapshot(org)
    org.institution.name, org.institution.parent_id = data.name, data.supervisor_id
    org.institution.save(update_fields=["name", "parent"])
    for name, value in org_fields(data).items():
        setattr(org, name, value)
    org.institution.parent = Institution.objects.get(pk=data.supervisor_id)
    changes = diff(before, org_snapshot(org))
    if not changes:
        return org
    next_version(org, actor, "更新信息", changes)
    tell_courts(org, None, "登记信息更新")
    record(actor, "registry.organisation.update", org, before=before, after=org_snapshot(org))
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
    org = locked_org(org)
    permissions.ensure_oversees(actor, org.institution)
    reason = _status_reason(org.status, status, reason, gettext("暂停或退出须写明原因"))
    before = org_snapshot(org)
    org.status, org.status_reason = status, reason
    label = record_label(RegistryStatus(status))
    next_version(org, actor, f"状态变更为{label}", diff(before, org_snapshot(org)))
    tell_courts(org, None, reason or label)
    ended = 0
    if status != RegistryStatus.ACTIVE:
        ended = end_proposals(
            RosterProposal.objects.filter(organisation=org.institution),
            InvestorProposalEvent.SUBJECT_INACTIVE,
            f"调解组织{label}：{reason}",
        )
    record(
        actor,
        "registry.organisation.set_status",
        org,
        before={"status": before["status"]},
        after={"status": status, "reason": reason, "proposals_ended": ended},
    )
    return org


# --- mediators ---


@transaction.atomic
def register_mediator(actor: User, organisation: Institution, data: MediatorData, user: User | None = None) -> Mediator:
    permissions.ensure_can_edit(actor, organisation)
    if not MediationOrg.objects.filter(pk=organisation.pk).exists():
        raise DomainError(gettext("该机构尚未登记为调解组织"))
    data = clean_mediator(data)
    if user is not None and (
        user.role != Role.MEDIATOR
        or user.institution_id != organisation.pk
        or Mediator.objects.filter(user=user).exists()
    ):
        raise DomainError(gettext("登录账号须为本组织尚未关联登记信息的调解员账号"), field="user")
    if Mediator.objects.filter(id_number_digest=id_number_digest(data.id_number)).exists():
        raise DomainError(gettext(NUMBER_REGISTERED), field="id_number")
    mediator = Mediator(organisation=organisation, user=user, **mediator_fields(data))
    try:
        with transaction.atomic():
            mediator.save(force_insert=True)
    except IntegrityError as e:  # the same number registered at the same moment elsewhere
        raise DomainError(gettext(NUMBER_REGISTERED), field="id_number") from e
    registration_change(mediator, actor).save()
    record(actor, "registry.mediator.register", mediator, after=mediator_snapshot(mediator))
    return mediator


@transaction.atomic
def update_mediator(actor: User, mediator: Mediator, data: MediatorData) -> Mediator:
    """Refresh a mediator's record. An empty identity number keeps the registered one (decrypted here for the
    check only: never shown)."""
    mediator = locked_mediator(mediator)
    permissions.ensure_can_edit(actor, mediator.organisation)
    if not (data.id_number or "").strip():
        data.id_number = decrypt(mediator.id_number_encrypted)
    data = clean_mediator(data)
    if Mediator.objects.filter(id_number_digest=id_number_digest(data.id_number)).exclude(pk=mediator.pk).exists():
        raise DomainError(gettext(NUMBER_REGISTERED), field="id_number")
    before, digest_before, phone_before = mediator_snapshot(mediator), mediator.id_number_digest, mediator.phone
    for name, value in mediator_fields(data).items():
        setattr(mediator, name, value)
    changes = diff(before, mediator_snapshot(mediator))
    if mediator.phone != phone_before and "phone" not in changes:  # only the masked middle digits differ
        changes["phone"] = [before["phone"], mask("phone", mediator.phone)]
    # A corrected number can keep its mask (only the middle digits differ): the history still says so.
    number_corrected = mediator.id_number_digest != digest_before
    if number_corrected and "id_number_masked" not in changes:
        changes["id_number_masked"] = [before["id_number_masked"], mediator.id_number_masked]
    if not changes:
        return mediator
    next_version(mediator, actor, "更新信息（更正公民身份号码）" if number_corrected else "更新信息", changes)
    tell_courts(mediator.organisation.registry, mediator, "登记信息更新")
    after = mediator_snapshot(mediator)
    if number_corrected:
        after["id_number_corrected"] = True
    record(actor, "registry.mediator.update", mediator, before=before, after=after)
    return mediator


@transaction.atomic
def set_mediator_status(actor: User, mediator: Mediator, status: str, reason: str) -> Mediator:
    """A mediator leaves, is suspended or reinstated; off every roster when not active, courts told."""
    mediator = locked_mediator(mediator)
    permissions.ensure_can_edit(actor, mediator.organisation)
    reason = _status_reason(mediator.status, status, reason, gettext("暂停或离任须写明原因"))
    before = mediator_snapshot(mediator)
    mediator.status, mediator.status_reason = status, reason
    label = record_label(RegistryStatus(status))
    next_version(mediator, actor, f"状态变更为{label}", diff(before, mediator_snapshot(mediator)))
    tell_courts(mediator.organisation.registry, mediator, reason or label)
    ended = 0
    if status != RegistryStatus.ACTIVE:
        ended = end_proposals(
            RosterProposal.objects.filter(mediator=mediator),
            InvestorProposalEvent.SUBJECT_INACTIVE,
            f"调解员{label}：{reason}",
        )
    record(
        actor,
        "registry.mediator.set_status",
        mediator,
        before={"status": before["status"]},
        after={"status": status, "reason": reason, "proposals_ended": ended},
    )
    return mediator


@transaction.atomic
def reveal_id_number(actor: User, mediator: Mediator, purpose: str) -> str:
    """The whole identity number, for one who keeps the record and says why: a sensitive read, audited."""
    permissions.ensure_can_edit(actor, mediator.organisation)
    record(actor, "registry.mediator.reveal_id_number", mediator, after={"purpose": purpose[:200]})
    return decrypt(mediator.id_number_encrypted)


# --- the periodic information update (notice §4(3)) ---


@transaction.atomic
def start_campaign(actor: User, title: str, due: dt.date) -> UpdateCampaign:
    permissions.ensure_bureau(actor, gettext("仅投资者保护局可发起信息更新"))
    if not title.strip():
        raise DomainError(gettext("请填写名称"), field="title")
    if due < china_today():
        raise DomainError(gettext("截止日期不能早于今天"), field="due")
    campaign = UpdateCampaign.objects.create(title=title.strip(), due=due, started_by=actor)
    record(actor, "registry.campaign.start", campaign, after={"title": campaign.title, "due": due})
    return campaign


@transaction.atomic
def confirm_information(actor: User, org: MediationOrg, campaign: UpdateCampaign) -> CampaignConfirmation:
    """The organisation confirms its data are current for the campaign (after refreshing what changed)."""
    if not permissions.administers(actor, org.pk):
        raise PermissionDenied(gettext("仅本组织管理员可确认本组织信息"))
    confirmation, created = CampaignConfirmation.objects.get_or_create(
        campaign=campaign, organisation=org.institution, defaults={"confirmed_by": actor}
    )
    if not created:
        raise DomainError(gettext("本组织已确认过该次信息更新"))
    org = locked_org(org)
    next_version(org, actor, f"确认信息（{campaign.title}）")
    record(actor, "registry.campaign.confirm", org, after={"campaign": campaign.pk, "version": org.version})
    return confirmation


# --- Excel import and export ---


def ensure_can_import(actor: User, kind: str, organisation: Institution | None) -> None:
    """Organisations: the Bureau only; mediators and their training records: the organisation's administrator, its
    supervisor or the Bureau."""
    layout.columns_for(kind)
    if kind == SubjectKind.ORGANISATION:
        permissions.ensure_bureau(actor, gettext("仅投资者保护局可导入调解组织"))
        return
    if organisation is None:
        raise DomainError(gettext("请选择调解员所属的调解组织"), field="organisation")
    if kind == ImportKind.TRAINING:
        permissions.ensure_keeps_training(actor, organisation)
    else:
        permissions.ensure_can_edit(actor, organisation)


@transaction.atomic
def queue_import(actor: User, kind: str, file_name: str, content: bytes, organisation=None) -> ImportJob:
    """Accept a file for the worker, after the checks that need no workbook opened: who, what kind, the file's
    name, size and archive (the worker opens it). Raises PermissionDenied, or DomainError with a Chinese reason."""
    ensure_can_import(actor, kind, organisation if kind != ImportKind.ORGANISATION else None)
    if kind != ImportKind.ORGANISATION:
        if not MediationOrg.objects.filter(pk=organisation.pk).exists():
            raise DomainError(gettext("该调解组织尚未在名录中登记，不能导入调解员"), field="organisation")
    else:
        organisation = None
    file_name = upload.check_file(file_name, content)
    job = ImportJob.objects.create(
        subject_kind=kind, organisation=organisation, uploaded_by=actor, file_name=file_name, content=content
    )
    # The job and its task commit together: never one without the other.
    runner.run_queued_import.enqueue(str(job.pk))
    record(actor, "registry.import.queue", job, after={"kind": kind, "file_name": file_name, "bytes": len(content)})
    return job


@transaction.atomic
def export_organisations(actor: User) -> bytes:
    """The organisations the user oversees, in the import's layout: an export of the registry, audited."""
    if not (permissions.is_bureau(actor) or permissions.is_supervisor(actor)):
        raise PermissionDenied(gettext("仅投资者保护局或派出机构/会管单位可导出调解组织"))
    organisations = permissions.overseen_organisations(actor).order_by("institution__name")
    content = workbook.export_workbook(SubjectKind.ORGANISATION, organisations)
    record(actor, "registry.export.organisations", None, after={"rows": organisations.count()})
    return content


@transaction.atomic
def export_mediators(actor: User, organisation: Institution) -> bytes:
    """An organisation's mediators (identity numbers masked; phones too, but for the organisation's own
    administrator), in the import's layout; audited."""
    permissions.ensure_may_use_registry_files(actor)
    permissions.ensure_can_edit(actor, organisation)
    mediators = Mediator.objects.filter(organisation=organisation).order_by("name")
    phones = permissions.sees_mediator_phones(actor, organisation)
    content = workbook.export_workbook(SubjectKind.MEDIATOR, mediators, phones_in_clear=phones)
    record(
        actor,
        "registry.export.mediators",
        organisation,
        after={"rows": mediators.count(), "phones": "clear" if phones else "masked"},
    )
    return content
