"""The file format: columns of each kind, and the Chinese labels the file holds for the registry's codes."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext

from sutiao.accounts.models import Institution
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.errors import DomainError

from ..models import ImportKind, OrgKind, Qualification
from ..permissions import SUPERVISING_KINDS

MAX_FILE_BYTES = 10 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    field: str  # the name clean_org / clean_mediator use in DomainError.field
    header: str  # the Chinese header in row 1 (part of the file format, never translated)
    required: bool = False
    max_length: int | None = None
    text: bool = False  # stored as text in Excel (long digit strings would otherwise be mangled)
    width: int = 16


ORG_COLUMNS = (
    Column("name", "名称", required=True, max_length=200, width=30),
    Column("uscc", "统一社会信用代码", required=True, text=True, width=22),
    Column("kind", "组织类型", required=True, width=20),
    Column("supervisor", "指导单位", required=True, width=26),
    Column("address", "住所", max_length=300, width=30),
    Column("scope", "服务地域", required=True, width=24),
    Column("dispute_types", "受理纠纷类型", required=True, width=30),
    Column("capacity", "可同时办理案件数", required=True, width=12),
    Column("contact_name", "联系人", max_length=100, width=12),
    Column("contact_phone", "联系电话", max_length=40, text=True, width=16),
    Column("contact_email", "电子邮箱", max_length=254, width=24),
)


MEDIATOR_COLUMNS = (
    Column("name", "姓名", required=True, max_length=100, width=12),
    Column("id_number", "公民身份号码", required=True, text=True, width=22),
    Column("phone", "手机号", max_length=20, text=True, width=16),
    Column("specialties", "擅长纠纷类型", width=30),
    Column("qualifications", "资质", width=24),
    Column("training_hours", "培训学时", width=10),
)


# A training record names its mediator by identity number (matched by its keyed digest among the organisation's
# mediators, as the registry import finds duplicates) and by name, which must be the registered one.
TRAINING_COLUMNS = (
    Column("name", "姓名", required=True, max_length=100, width=12),
    Column("id_number", "公民身份号码", required=True, text=True, width=22),
    Column("course", "课程名称", required=True, max_length=200, width=30),
    Column("provider", "培训举办单位", required=True, max_length=200, width=26),
    Column("hours", "学时", required=True, width=8),
    Column("completed_on", "完成日期", required=True, width=14),
    Column("certificate_number", "证书编号", max_length=100, text=True, width=20),
)


LAYOUTS = {
    ImportKind.ORGANISATION: ORG_COLUMNS,
    ImportKind.MEDIATOR: MEDIATOR_COLUMNS,
    ImportKind.TRAINING: TRAINING_COLUMNS,
}


SHEET_TITLES = {ImportKind.ORGANISATION: "调解组织", ImportKind.MEDIATOR: "调解员", ImportKind.TRAINING: "培训记录"}


OPTIONS_SHEET = "选项"


def columns_for(kind: str) -> tuple[Column, ...]:
    if kind not in LAYOUTS:
        raise DomainError(gettext("未知的导入内容"), field="kind")
    return LAYOUTS[kind]


def headers_for(kind: str) -> list[str]:
    return [c.header for c in columns_for(kind)]


def _labels(choices) -> dict[str, str]:
    """label → code, from the untranslated (Chinese) labels, whatever language the request is in."""
    with translation.override(None):
        return {str(label): value for value, label in choices}


def org_kind_labels() -> dict[str, str]:
    return _labels(OrgKind.choices)


def qualification_labels() -> dict[str, str]:
    return _labels(Qualification.choices)


def dispute_type_labels() -> dict[str, str]:
    return {t.label: t.value for t in DisputeType}


def label_of(mapping: dict[str, str], code: str) -> str:
    return next((label for label, value in mapping.items() if value == code), code)


def supervisors() -> dict[str, list]:
    """Regional offices and affiliated units by name (a name held by two institutions is ambiguous)."""
    found: dict[str, list] = {}
    for institution in Institution.objects.filter(kind__in=SUPERVISING_KINDS).order_by("name"):
        found.setdefault(institution.name, []).append(institution)
    return found
