"""Pass 1 of an import: every cell of every row parsed and checked, each error with its row, column and reason;
then the good rows written in bulk (pass 2, in the job's transaction)."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.accounts.pii import id_number_digest
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import validate_resident_id, validate_uscc
from sutiao.kernel.regions import valid_scope

from ..actions.training import TrainingData, clean_training
from ..models import ImportJob, MediationOrg, Mediator, RegistryChange
from ..registry.cards import tell_courts_of_training
from ..registry.data import (
    NUMBER_REGISTERED,
    MediatorData,
    OrgData,
    clean_mediator,
    clean_org,
    mediator_fields,
    org_fields,
)
from ..registry.history import registration_change
from ..training.models import TrainingRecord, TrainingSource
from .layout import (
    MEDIATOR_COLUMNS,
    ORG_COLUMNS,
    TRAINING_COLUMNS,
    Column,
    dispute_type_labels,
    org_kind_labels,
    qualification_labels,
    supervisors,
)
from .reading import cell_text, split_list

# Reasons written into a job's errors; marked here so makemessages finds them, translated when shown.
REQUIRED = gettext_noop("请填写%(column)s")
TOO_LONG = gettext_noop("%(column)s不得超过%(max)d个字符")
UNKNOWN_LABEL = gettext_noop("未知的%(column)s：%(value)s")
DUPLICATE_IN_FILE = gettext_noop("与第%(row)d行的%(column)s重复")


class RowChecker:
    """Pass 1 for one kind: every cell of every row, each error with its row, column and reason."""

    columns: tuple[Column, ...] = ()

    def __init__(self):
        self.errors: list[dict] = []
        self.valid: list = []  # the cleaned data of good rows, in file order
        self._headers = {c.field: c.header for c in self.columns}
        self._order = {c.header: i for i, c in enumerate(self.columns)}

    def column_index(self, header: str) -> int:
        return self._order.get(header, -1)

    def error(self, row: int, field_name: str | None, message: str) -> None:
        self.errors.append({"row": row, "column": self._headers.get(field_name or "", ""), "message": message})

    def check(self, row: int, cells: tuple) -> None:
        values = dict(zip((c.field for c in self.columns), cells, strict=True))
        bad = len(self.errors)
        for column in self.columns:
            text = cell_text(values[column.field])
            if column.required and not text:
                self.error(row, column.field, gettext(REQUIRED) % {"column": column.header})
            elif column.max_length and len(text) > column.max_length:
                self.error(row, column.field, gettext(TOO_LONG) % {"column": column.header, "max": column.max_length})
        parsed = self.parse(row, values)
        if len(self.errors) > bad:
            return
        try:
            cleaned = self.clean(parsed)
        except DomainError as e:
            self.error(row, e.field, reason(e))
            return
        self.remember(row, cleaned)

    def labels(self, row: int, field_name: str, raw, mapping: dict[str, str]) -> list[str]:
        codes = []
        for part in split_list(raw):
            code = mapping.get(part) or (part if part in mapping.values() else None)
            if code is None:
                self.error(
                    row, field_name, gettext(UNKNOWN_LABEL) % {"column": self._headers[field_name], "value": part}
                )
            else:
                codes.append(code)
        return codes

    def identifier(self, row: int, field_name: str, raw, validate) -> str:
        header = self._headers[field_name]
        if isinstance(raw, int | float) and not isinstance(raw, bool) and abs(raw) >= 1e15:
            self.error(
                row, field_name, gettext("%(column)s须以文本格式填写（Excel 会改写过长的数字）") % {"column": header}
            )
            return ""
        text = cell_text(raw).replace(" ", "")
        if not text:
            return ""
        if "*" in text:
            self.error(row, field_name, gettext("%(column)s为脱敏显示，请填写完整号码") % {"column": header})
            return ""
        try:
            return validate(text)
        except DomainError as e:
            self.error(row, field_name, reason(e))
            return ""

    def duplicate(self, row: int, field_name: str, key: str, seen: dict[str, int]) -> bool:
        if key in seen:
            header = self._headers[field_name]
            self.error(row, field_name, gettext(DUPLICATE_IN_FILE) % {"row": seen[key], "column": header})
            return True
        seen[key] = row
        return False

    # subclass hooks
    def parse(self, row: int, values: dict):
        raise NotImplementedError

    def clean(self, data):
        raise NotImplementedError

    def remember(self, row: int, data) -> None:
        raise NotImplementedError

    def check_registered(self) -> None:
        raise NotImplementedError

    def write(self, job: ImportJob, actor: str, summary: str) -> None:
        raise NotImplementedError


def reason(error: DomainError) -> str:
    template = getattr(error, "template", None)
    if template:
        params = getattr(error, "params", None) or {}
        try:
            return gettext(template) % params
        except (KeyError, TypeError, ValueError):
            pass
    return error.message


class OrgChecker(RowChecker):
    columns = ORG_COLUMNS

    def __init__(self):
        super().__init__()
        self.kinds = org_kind_labels()
        self.types = dispute_type_labels()
        self.supervisors = supervisors()
        self.by_uscc: dict[str, int] = {}
        self.rows: list[int] = []

    def parse(self, row: int, values: dict) -> OrgData:
        uscc = self.identifier(row, "uscc", values["uscc"], validate_uscc)
        kind = cell_text(values["kind"])
        if kind:
            kind = self.kinds.get(kind) or (kind if kind in self.kinds.values() else "")
            if not kind:
                self.error(
                    row, "kind", gettext(UNKNOWN_LABEL) % {"column": "组织类型", "value": cell_text(values["kind"])}
                )
        supervisor_id = None
        name = cell_text(values["supervisor"])
        if name:
            matches = self.supervisors.get(name, [])
            if not matches:
                self.error(
                    row,
                    "supervisor",
                    gettext("指导单位须为证监会派出机构或会管单位：未找到“%(name)s”") % {"name": name},
                )
            elif len(matches) > 1:
                self.error(
                    row, "supervisor", gettext("有多个名为“%(name)s”的指导单位，请联系投资者保护局") % {"name": name}
                )
            else:
                supervisor_id = matches[0].pk
        scope = []
        for name in split_list(values["scope"]):
            try:
                scope += valid_scope([name])
            except DomainError as e:
                self.error(row, "scope", reason(e))
        scope = valid_scope(scope)
        types = self.labels(row, "dispute_types", values["dispute_types"], self.types)
        capacity = None
        raw = values["capacity"]
        if cell_text(raw):
            capacity = positive_int(raw)
            if capacity is None:
                self.error(row, "capacity", gettext("可同时办理案件数须为正整数"))
        email = cell_text(values["contact_email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(row, "contact_email", gettext("电子邮箱格式不正确"))
        if uscc and self.duplicate(row, "uscc", uscc, self.by_uscc):
            uscc = ""
        return OrgData(
            name=cell_text(values["name"]),
            uscc=uscc,
            kind=kind,
            supervisor_id=supervisor_id,
            scope=scope,
            dispute_types=types,
            capacity=capacity,
            address=cell_text(values["address"]),
            contact_name=cell_text(values["contact_name"]),
            contact_phone=cell_text(values["contact_phone"]),
            contact_email=email,
        )

    def clean(self, data: OrgData) -> OrgData:
        return clean_org(data)

    def remember(self, row: int, data: OrgData) -> None:
        self.valid.append(data)
        self.rows.append(row)

    def check_registered(self) -> None:
        usccs = list(self.by_uscc)
        for start in range(0, len(usccs), 500):
            for uscc in MediationOrg.objects.filter(uscc__in=usccs[start : start + 500]).values_list("uscc", flat=True):
                self.error(self.by_uscc[uscc], "uscc", gettext("统一社会信用代码 %(uscc)s 已登记") % {"uscc": uscc})

    def write(self, job: ImportJob, actor: str, summary: str) -> None:
        parents = {i.pk: i for group in self.supervisors.values() for i in group}
        institutions = [
            Institution(kind=InstitutionKind.MEDIATION_ORG, name=d.name, parent_id=d.supervisor_id) for d in self.valid
        ]
        Institution.objects.bulk_create(institutions, batch_size=500)
        orgs = []
        for institution, data in zip(institutions, self.valid, strict=True):
            institution.parent = parents[data.supervisor_id]
            orgs.append(MediationOrg(institution=institution, **org_fields(data)))
        MediationOrg.objects.bulk_create(orgs, batch_size=500)
        RegistryChange.objects.bulk_create([registration_change(o, actor, summary) for o in orgs], batch_size=500)


class MediatorChecker(RowChecker):
    columns = MEDIATOR_COLUMNS

    def __init__(self):
        super().__init__()
        self.types = dispute_type_labels()
        self.quals = qualification_labels()
        self.by_digest: dict[str, int] = {}

    def parse(self, row: int, values: dict) -> MediatorData:
        number = self.identifier(row, "id_number", values["id_number"], validate_resident_id)
        specialties = self.labels(row, "specialties", values["specialties"], self.types)
        qualifications = self.labels(row, "qualifications", values["qualifications"], self.quals)
        hours = Decimal("0")
        if cell_text(values["training_hours"]):
            try:
                hours = Decimal(cell_text(values["training_hours"]))
                if not hours.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.error(row, "training_hours", gettext("培训学时须为数字"))
        if number and self.duplicate(row, "id_number", id_number_digest(number), self.by_digest):
            number = ""
        return MediatorData(
            name=cell_text(values["name"]),
            id_number=number,
            specialties=specialties,
            qualifications=qualifications,
            training_hours=hours,
            phone=cell_text(values["phone"]),
        )

    def clean(self, data: MediatorData) -> MediatorData:
        return clean_mediator(data)

    def remember(self, row: int, data: MediatorData) -> None:
        self.valid.append(data)

    def check_registered(self) -> None:
        digests = list(self.by_digest)
        for start in range(0, len(digests), 500):
            found = Mediator.objects.filter(id_number_digest__in=digests[start : start + 500])
            for digest in found.values_list("id_number_digest", flat=True):
                self.error(self.by_digest[digest], "id_number", gettext(NUMBER_REGISTERED))

    def write(self, job: ImportJob, actor: str, summary: str) -> None:
        mediators = [Mediator(organisation_id=job.organisation_id, **mediator_fields(d)) for d in self.valid]
        Mediator.objects.bulk_create(mediators, batch_size=500)
        RegistryChange.objects.bulk_create([registration_change(m, actor, summary) for m in mediators], batch_size=500)


class TrainingChecker(RowChecker):
    """Training records for the mediators of the job's organisation: each row's mediator found by the keyed digest
    of the identity number among that organisation's mediators (never decrypted), its name checked against the
    registered one; the same record twice in the file is refused."""

    columns = TRAINING_COLUMNS

    def __init__(self, organisation_id):
        super().__init__()
        self.organisation_id = organisation_id
        self.digests: list[tuple[int, str, str]] = []  # (row, digest, name) of each good row, in file order
        self.mediator_ids: list = []
        self.seen: dict[str, int] = {}

    def parse(self, row: int, values: dict) -> TrainingData:
        number = self.identifier(row, "id_number", values["id_number"], validate_resident_id)
        completed_on = excel_date(values["completed_on"])
        if completed_on is None and cell_text(values["completed_on"]):
            self.error(row, "completed_on", gettext("完成日期格式不正确，请填写如 2026-05-20 的日期"))
        data = TrainingData(
            course=cell_text(values["course"]),
            provider=cell_text(values["provider"]),
            hours=cell_text(values["hours"]),
            completed_on=completed_on,
            certificate_number=cell_text(values["certificate_number"]),
        )
        self._row = (row, id_number_digest(number) if number else "", cell_text(values["name"]))
        return data

    def clean(self, data: TrainingData) -> TrainingData:
        return clean_training(data)

    def remember(self, row: int, data: TrainingData) -> None:
        _, digest, name = self._row
        key = "|".join((digest, data.course, data.completed_on.isoformat()))
        if self.duplicate(row, "course", key, self.seen):
            return
        self.valid.append(data)
        self.digests.append(self._row)

    def check_registered(self) -> None:
        wanted = sorted({digest for _, digest, _ in self.digests})
        found: dict[str, tuple] = {}
        for start in range(0, len(wanted), 500):
            rows = Mediator.objects.filter(
                organisation_id=self.organisation_id, id_number_digest__in=wanted[start : start + 500]
            ).values_list("id_number_digest", "pk", "name")
            found |= {digest: (pk, name) for digest, pk, name in rows}
        for row, digest, name in self.digests:
            match = found.get(digest)
            if match is None:
                self.error(row, "id_number", gettext("本调解组织没有登记该公民身份号码的调解员"))
            elif match[1] != name:
                self.error(
                    row,
                    "name",
                    gettext("姓名与登记的不一致：该公民身份号码登记的姓名为“%(name)s”") % {"name": match[1]},
                )
            self.mediator_ids.append(match[0] if match else None)

    def write(self, job: ImportJob, actor: str, summary: str) -> None:
        now = timezone.now()
        TrainingRecord.objects.bulk_create(
            [
                TrainingRecord(
                    mediator_id=mediator_id,
                    course=d.course,
                    provider=d.provider,
                    hours=d.hours,
                    completed_on=d.completed_on,
                    certificate_number=d.certificate_number,
                    source=TrainingSource.IMPORTED,
                    entered_by_id=job.uploaded_by_id,
                    entered_at=now,
                )
                for d, mediator_id in zip(self.valid, self.mediator_ids, strict=True)
            ],
            batch_size=500,
        )
        tell_courts_of_training(set(self.mediator_ids), "培训记录导入")


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def excel_date(raw) -> dt.date | None:
    """A date cell (openpyxl gives a datetime) or a date written as text: 2026-05-20, 2026/5/20, 2026年5月20日."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    match = _DATE.match(cell_text(raw).replace(" ", ""))
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def positive_int(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = cell_text(raw)
        if not text.isdigit():
            return None
        value = int(text)
    return value if 1 <= value <= 1_000_000 else None
