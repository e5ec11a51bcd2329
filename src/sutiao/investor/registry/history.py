"""Versions of registry records: who changed what, when (old and new value of each field). A push or a
court's decision is a version too, with no field changed."""

from django.utils.translation import gettext_noop

from sutiao.accounts.models import User
from sutiao.kernel.identifiers import mask

from ..models import MediationOrg, Mediator, RegistryChange, SubjectKind

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
        "phone": mask("phone", m.phone),  # the history and the audit log keep no phone in clear
        "specialties": list(m.specialties),
        "qualifications": list(m.qualifications),
        "training_hours": str(m.training_hours),
        "status": m.status,
        "status_reason": m.status_reason,
    }


def diff(before: dict, after: dict) -> dict:
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


def registration_change(subject, actor, summary: str = "登记") -> RegistryChange:
    """The first version of a newly registered organisation or mediator: every field, from nothing. Unsaved,
    so an import can write thousands at once."""
    snapshot = mediator_snapshot(subject) if isinstance(subject, Mediator) else org_snapshot(subject)
    return _change(subject, actor, summary, diff({}, snapshot))


def next_version(subject, actor, summary: str, changes: dict | None = None) -> None:
    """The subject's next version: with `changes` (already set on it) it is saved whole; without, it is an
    event of its history (a push, a court's decision) and only the version moves."""
    subject.version += 1
    subject.save(update_fields=None if changes else ["version", "updated_at"])
    _change(subject, actor, summary, changes or {}).save()
