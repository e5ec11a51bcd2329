"""Registry input, checked the same way for a form, the API and an Excel row: each refusal names the field
(and the rule) at fault."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from sutiao.accounts.models import Institution
from sutiao.accounts.pii import encrypt, id_number_digest
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask_id_number, validate_resident_id, validate_uscc
from sutiao.kernel.regions import valid_scope

from ..models import OrgKind, Qualification
from ..permissions import SUPERVISING_KINDS

# A number already registered tells neither where nor as whom: an organisation's administrator must not learn another
# organisation's mediators from the registry (issue 14); the Investor Service Center can look the number up.
NUMBER_REGISTERED = gettext_noop("该公民身份号码已登记，请联系投服中心核实")

RECORD_LANGUAGE = "zh-hans"  # what is stored and sent to the courts stays Chinese, whoever is signed in


def record_label(choice) -> str:
    """A choice's label in the record's language (a lazy label would follow the user's, and pydantic
    refuses it as a string)."""
    with translation.override(RECORD_LANGUAGE):
        return str(choice.label)


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


def org_fields(data: OrgData) -> dict:
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


def mediator_fields(data: MediatorData) -> dict:
    return {
        "name": data.name,
        "id_number_encrypted": encrypt(data.id_number),
        "id_number_digest": id_number_digest(data.id_number),
        "id_number_masked": mask_id_number(data.id_number),
        "phone": data.phone,
        "specialties": data.specialties,
        "qualifications": data.qualifications,
        "training_hours": data.training_hours,
    }
