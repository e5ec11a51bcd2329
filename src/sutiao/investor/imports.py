"""Excel import and export of the registry (openpyxl, DESIGN.md §6).

An import is whole or nothing: the worker first checks every row of the file (the same `clean_org` /
`clean_mediator` a form and the API use, plus duplicates within the file and against the registry) and
collects every error with its Excel row, column and reason; only a file without a single error is written,
in one transaction, each record with its version 1. An export has the import's layout, so an exported file
can be edited and imported again (identity numbers leave the platform masked and must be filled in whole)."""

import datetime as dt
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_tasks import task

from sutiao.accounts.models import Institution, InstitutionKind, User
from sutiao.jobs.schedule import periodic
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import validate_resident_id, validate_uscc
from sutiao.kernel.regions import NATIONWIDE, PROVINCES, valid_scope

from .models import ImportJob, ImportState, MediationOrg, Mediator, OrgKind, Qualification, RegistryChange, SubjectKind
from .registry import (
    SUPERVISING_KINDS,
    MediatorData,
    OrgData,
    _mediator_fields,
    _org_fields,
    clean_mediator,
    clean_org,
    ensure_can_edit,
    id_number_digest,
    is_bureau,
    registration_change,
)

log = logging.getLogger("sutiao.imports")

MAX_FILE_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 200  # rows between two progress updates the job page can see
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_ROWS_FORMATTED = 2000  # template rows given text format and drop-downs
LIST_SEPARATORS = re.compile(r"[、，,；;\s]+")
ACTIVE_STATES = (ImportState.QUEUED, ImportState.RUNNING)


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
LAYOUTS = {SubjectKind.ORGANISATION: ORG_COLUMNS, SubjectKind.MEDIATOR: MEDIATOR_COLUMNS}
SHEET_TITLES = {SubjectKind.ORGANISATION: "调解组织", SubjectKind.MEDIATOR: "调解员"}
OPTIONS_SHEET = "选项"

# Reasons written into a job's errors; marked here so makemessages finds them, translated when shown.
REQUIRED = gettext_noop("请填写%(column)s")
TOO_LONG = gettext_noop("%(column)s不得超过%(max)d个字符")
UNKNOWN_LABEL = gettext_noop("未知的%(column)s：%(value)s")
DUPLICATE_IN_FILE = gettext_noop("与第%(row)d行的%(column)s重复")


def columns_for(kind: str) -> tuple[Column, ...]:
    if kind not in LAYOUTS:
        raise DomainError(gettext("未知的导入内容"), field="kind")
    return LAYOUTS[kind]


def headers_for(kind: str) -> list[str]:
    return [c.header for c in columns_for(kind)]


# --- labels (the file holds Chinese labels; the registry stores codes) ---


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


def _label_of(mapping: dict[str, str], code: str) -> str:
    return next((label for label, value in mapping.items() if value == code), code)


def supervisors() -> dict[str, list]:
    """Regional offices and affiliated units by name (a name held by two institutions is ambiguous)."""
    found: dict[str, list] = {}
    for institution in Institution.objects.filter(kind__in=SUPERVISING_KINDS).order_by("name"):
        found.setdefault(institution.name, []).append(institution)
    return found


# --- the workbook: template and export share one layout ---


def template_workbook(kind: str) -> bytes:
    """An empty workbook to fill in: the header row, drop-downs where a cell takes one value from a list,
    and a notes sheet listing the accepted values."""
    return _workbook(kind, [], _notes(kind))


def export_workbook(kind: str, queryset) -> bytes:
    """Organisations (MediationOrg) or mediators (Mediator) in the import's layout; identity numbers masked."""
    if kind == SubjectKind.ORGANISATION:
        kinds, types = org_kind_labels(), dispute_type_labels()
        rows = [
            [
                org.institution.name,
                org.uscc,
                _label_of(kinds, org.kind),
                org.institution.parent.name if org.institution.parent_id else "",
                org.address,
                "、".join(org.scope),
                "、".join(_label_of(types, t) for t in org.dispute_types),
                org.capacity,
                org.contact_name,
                org.contact_phone,
                org.contact_email,
            ]
            for org in queryset.select_related("institution__parent")
        ]
        note = gettext_noop(
            "本文件为导出数据，格式与导入模板相同，修改后可重新导入（已登记的统一社会信用代码不能重复导入）。"
        )
    else:
        quals, types = qualification_labels(), dispute_type_labels()
        rows = [
            [
                m.name,
                m.id_number_masked,
                m.phone,
                "、".join(_label_of(types, t) for t in m.specialties),
                "、".join(_label_of(quals, q) for q in m.qualifications),
                float(m.training_hours),
            ]
            for m in queryset
        ]
        note = gettext_noop(
            "本文件为导出数据，格式与导入模板相同。公民身份号码已脱敏，重新导入前须填写完整号码"
            "（已登记的公民身份号码不能重复导入）。"
        )
    notes = [
        gettext("导出时间：%(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        gettext(note),
        *_notes(kind),
    ]
    return _workbook(kind, rows, notes)


def _notes(kind: str) -> list[str]:
    lines = [
        gettext("第一个工作表的第一行为表头，请勿修改、增删或调换列；从第二行起每行填写一条记录，空行将被忽略。"),
        gettext("导入为全部导入或全部不导入：任何一行有错误，系统列出所有错误（行号、列、原因），不导入任何数据。"),
        gettext("文件须为 .xlsx 格式，不超过 10 MB。"),
        gettext("多个值之间用顿号“、”分隔。"),
    ]
    if kind == SubjectKind.ORGANISATION:
        lines += [
            gettext("必填列：名称、统一社会信用代码、组织类型、指导单位、服务地域、受理纠纷类型、可同时办理案件数。"),
            gettext("统一社会信用代码：18位，按 GB 32100-2015 校验。"),
            gettext("组织类型（选一）：%(v)s") % {"v": "、".join(org_kind_labels())},
            gettext("指导单位：证监会派出机构或会管单位的全称（见“选项”工作表）。"),
            gettext("服务地域：省级行政区名称，可填多个；或填“%(all)s”。") % {"all": NATIONWIDE},
            gettext("受理纠纷类型：%(v)s") % {"v": "、".join(dispute_type_labels())},
            gettext("可同时办理案件数：正整数。"),
        ]
    else:
        lines += [
            gettext("必填列：姓名、公民身份号码。"),
            gettext("公民身份号码：18位，按 GB 11643-1999 校验（请以文本格式填写，避免 Excel 改写长数字）。"),
            gettext("擅长纠纷类型：%(v)s") % {"v": "、".join(dispute_type_labels())},
            gettext("资质：%(v)s") % {"v": "、".join(qualification_labels())},
            gettext("培训学时：0 至 99999.9 之间的数，保留一位小数。"),
        ]
    return lines


def _workbook(kind: str, rows: list[list], notes: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = columns_for(kind)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES[kind]
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    ws.freeze_panes = "A2"
    last = max(len(rows) + 1, DATA_ROWS_FORMATTED)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.text:
            ws.column_dimensions[letter].number_format = "@"
    for row in rows:
        ws.append(row)
    text_columns = [i for i, c in enumerate(columns, start=1) if c.text]
    for row_cells in ws.iter_rows(min_row=2, max_row=len(rows) + 1):
        for i in text_columns:
            row_cells[i - 1].number_format = "@"

    # The accepted values, on a sheet of their own, feed the drop-downs.
    options = wb.create_sheet(OPTIONS_SHEET)
    lists = _option_lists(kind)
    for col, (header, values) in enumerate(lists.items(), start=1):
        options.cell(row=1, column=col, value=header).font = Font(bold=True)
        for r, value in enumerate(values, start=2):
            options.cell(row=r, column=col, value=value)
        options.column_dimensions[get_column_letter(col)].width = 28
    headers = [c.header for c in columns]
    for col, (header, values) in enumerate(lists.items(), start=1):
        if not values:
            continue
        letter = get_column_letter(col)
        single = header in ("组织类型", "指导单位")  # one value from the list; the others take several
        dv = DataValidation(
            type="list",
            formula1=f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=single,
            errorTitle=gettext("请从下拉列表中选择") if single else None,
            error=gettext("请从下拉列表中选择%(column)s") % {"column": header} if single else None,
            promptTitle=header,
            prompt=None if single else gettext("多个值用顿号“、”分隔"),
            showInputMessage=not single,
        )
        target = get_column_letter(headers.index(header) + 1)
        dv.add(f"{target}2:{target}{last}")
        ws.add_data_validation(dv)
    numbers = {
        "capacity": DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True),
        "training_hours": DataValidation(
            type="decimal", operator="between", formula1="0", formula2="99999.9", allow_blank=True
        ),
    }
    for field_name, dv in numbers.items():
        match = [i for i, c in enumerate(columns, start=1) if c.field == field_name]
        if match:
            dv.showErrorMessage = True
            dv.error = gettext("请填写数字")
            letter = get_column_letter(match[0])
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)

    sheet = wb.create_sheet("说明", 1)
    sheet.column_dimensions["A"].width = 110
    sheet.append([gettext("填写说明")])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in notes:
        sheet.append([line])
    for row_cells in sheet.iter_rows(min_row=2):
        row_cells[0].alignment = Alignment(wrap_text=True, vertical="top")
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _option_lists(kind: str) -> dict[str, list[str]]:
    types = list(dispute_type_labels())
    if kind == SubjectKind.ORGANISATION:
        return {
            "组织类型": list(org_kind_labels()),
            "指导单位": list(supervisors()),
            "服务地域": [NATIONWIDE, *(p.name for p in PROVINCES)],
            "受理纠纷类型": types,
        }
    return {"擅长纠纷类型": types, "资质": list(qualification_labels())}


# --- queueing: what can be refused at once is refused at upload ---


def _open(content: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as e:
        raise DomainError(
            gettext("无法读取该文件，请上传 Excel 2007 及以上版本的 .xlsx 文件（可先下载导入模板）"), field="file"
        ) from e
    except Exception as e:  # openpyxl raises assorted errors on damaged files
        log.info("unreadable workbook: %r", e)
        raise DomainError(gettext("无法读取该文件，文件可能已损坏"), field="file") from e


def _check_headers(ws, kind: str) -> None:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found = [_text(v) for v in first]
    expected = headers_for(kind)
    while found and not found[-1]:
        found.pop()
    if found != expected:
        raise DomainError(
            gettext("表头与导入模板不符：第一行应依次为“%(expected)s”，实际为“%(found)s”。请使用导入模板。")
            % {"expected": "、".join(expected), "found": "、".join(found) or gettext("（空）")},
            field="file",
        )


def ensure_can_import(actor: User, kind: str, organisation: Institution | None) -> None:
    """Organisations: the Bureau only; mediators: the organisation's administrator, its supervisor or the Bureau."""
    columns_for(kind)
    if kind == SubjectKind.ORGANISATION:
        if not is_bureau(actor):
            raise PermissionDenied(gettext("仅投资者保护局可导入调解组织"))
        return
    if organisation is None:
        raise DomainError(gettext("请选择调解员所属的调解组织"), field="organisation")
    ensure_can_edit(actor, organisation)


def queue_import(actor: User, kind: str, file_name: str, content: bytes, organisation=None) -> ImportJob:
    """Accept a file for the worker, after the checks that need no row: who, what kind, the file itself and
    its header row. Raises PermissionDenied, or DomainError with a Chinese reason."""
    ensure_can_import(actor, kind, organisation if kind == SubjectKind.MEDIATOR else None)
    if kind == SubjectKind.MEDIATOR:
        if not MediationOrg.objects.filter(pk=organisation.pk).exists():
            raise DomainError(gettext("该调解组织尚未在名录中登记，不能导入调解员"), field="organisation")
    else:
        organisation = None
    file_name = (file_name or "").strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not file_name.lower().endswith(".xlsx"):
        raise DomainError(gettext("请上传 .xlsx 格式的 Excel 文件"), field="file")
    if not content:
        raise DomainError(gettext("文件为空"), field="file")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(gettext("文件超过 10 MB 的上限，请分成多个文件导入"), field="file")
    wb = _open(content)
    try:
        if not wb.worksheets:
            raise DomainError(gettext("文件中没有工作表"), field="file")
        _check_headers(wb.worksheets[0], kind)
    finally:
        wb.close()
    with transaction.atomic():  # the job and its task together: never one without the other
        job = ImportJob.objects.create(
            subject_kind=kind,
            organisation=organisation,
            uploaded_by=actor,
            file_name=file_name[:255],
            content=content,
        )
        run_queued_import.enqueue(str(job.pk))
    return job


# --- the worker ---

# No import runs this long (a 10 MB file is checked and written in minutes): a job still running after it
# belonged to a worker that stopped mid-way. It wrote nothing, since pass 2 is one transaction.
STALE_AFTER = dt.timedelta(hours=1)


@task()
def run_queued_import(job_id: str) -> str:
    """The background task of one uploaded file (sutiao.jobs.tasks), claimed by one worker: run the import;
    its progress is kept on the job, which the page polls."""
    return run_import(ImportJob.objects.defer("content").get(pk=job_id)).state


@periodic("fail_interrupted_imports", every="SUTIAO_DEADLINE_SCAN_SECONDS")
def fail_interrupted_imports() -> int:
    """Mark failed the jobs a stopped worker left running, so their uploaders know to upload again."""
    with translation.override("zh-hans"):
        return ImportJob.objects.filter(state=ImportState.RUNNING, created_at__lt=timezone.now() - STALE_AFTER).update(
            state=ImportState.FAILED,
            errors=[_job_error(gettext_noop("导入因平台后台任务中断而未完成，未导入任何数据，请重新上传。"))],
            finished_at=timezone.now(),
        )


def _job_error(message: str) -> dict:
    return {"row": None, "column": "", "message": gettext(message)}


class _Abandoned(Exception):
    """The job stopped being ours (failed by a restarted worker) while pass 2 ran: roll it back."""


def run_import(job: ImportJob) -> ImportJob:
    """Check every row, then write all rows or none. Never raises: a crash leaves the job failed."""
    if job.state not in ACTIVE_STATES:
        return job
    if job.state == ImportState.QUEUED:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)
        job.state = ImportState.RUNNING
    try:
        with translation.override("zh-hans"):  # the reasons are kept in Chinese, the record's language
            _run(job)
    except _Abandoned:
        log.warning("import %s was abandoned while it ran", job.pk)
    except DomainError as e:  # the file itself (unreadable, headers changed): said as at upload
        with translation.override("zh-hans"):
            _finish_failed(job, [{"row": None, "column": "", "message": _reason(e)}])
    except IntegrityError:
        log.warning("import %s collided with a concurrent registration", job.pk, exc_info=True)
        with translation.override("zh-hans"):
            _finish_failed(
                job,
                [
                    _job_error(
                        gettext_noop(
                            "导入期间有相同的统一社会信用代码或公民身份号码被登记，未导入任何数据，请重新上传。"
                        )
                    )
                ],
            )
    except Exception:
        log.exception("import %s crashed", job.pk)
        with translation.override("zh-hans"):
            _finish_failed(
                job,
                [_job_error(gettext_noop("导入时发生系统错误，未导入任何数据。请稍后重新上传，或联系平台运维人员。"))],
            )
    job.refresh_from_db()
    return job


def _finish_failed(job: ImportJob, errors: list[dict]) -> None:
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.FAILED, errors=errors, finished_at=timezone.now())


def _run(job: ImportJob) -> None:
    content = bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk))
    wb = _open(content)
    try:
        ws = wb.worksheets[0]
        _check_headers(ws, job.subject_kind)
        width = len(columns_for(job.subject_kind))
        total = sum(1 for row in ws.iter_rows(min_row=2, values_only=True) if not _blank(row[:width]))
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total, done_rows=0)
        checker = OrgChecker() if job.subject_kind == SubjectKind.ORGANISATION else MediatorChecker()
        done = 0
        for number, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
            cells = (tuple(row) + (None,) * width)[:width]
            if _blank(cells):
                continue
            checker.check(number, cells)
            done += 1
            if done % PROGRESS_EVERY == 0:
                ImportJob.objects.filter(pk=job.pk).update(done_rows=done)
        checker.check_registered()
    finally:
        wb.close()
    ImportJob.objects.filter(pk=job.pk).update(done_rows=done)
    if checker.errors or not checker.valid:
        errors = sorted(checker.errors, key=lambda e: (e["row"], checker.column_index(e["column"])))
        if not errors:
            errors = [_job_error(gettext_noop("文件中没有可导入的数据行"))]
        _finish_failed(job, errors)
        return
    summary = f"Excel导入：{job.file_name}"[:200]
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, state=ImportState.RUNNING).update(
            state=ImportState.DONE, imported=len(checker.valid), done_rows=done, errors=[], finished_at=timezone.now()
        ):
            raise _Abandoned
        checker.write(job, _actor_label(job.uploaded_by), summary)


def _actor_label(actor: User) -> str:
    return f"{actor.institution or ''} {actor.display_name}".strip()


# --- reading cells ---


def _blank(cells) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _split(value) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(_text(value)) if part]


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
            text = _text(values[column.field])
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
            self.error(row, e.field, _reason(e))
            return
        self.remember(row, cleaned)

    def labels(self, row: int, field_name: str, raw, mapping: dict[str, str]) -> list[str]:
        codes = []
        for part in _split(raw):
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
        text = _text(raw).replace(" ", "")
        if not text:
            return ""
        if "*" in text:
            self.error(row, field_name, gettext("%(column)s为脱敏显示，请填写完整号码") % {"column": header})
            return ""
        try:
            return validate(text)
        except DomainError as e:
            self.error(row, field_name, _reason(e))
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


def _reason(error: DomainError) -> str:
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
        kind = _text(values["kind"])
        if kind:
            kind = self.kinds.get(kind) or (kind if kind in self.kinds.values() else "")
            if not kind:
                self.error(row, "kind", gettext(UNKNOWN_LABEL) % {"column": "组织类型", "value": _text(values["kind"])})
        supervisor_id = None
        name = _text(values["supervisor"])
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
        for name in _split(values["scope"]):
            try:
                scope += valid_scope([name])
            except DomainError as e:
                self.error(row, "scope", _reason(e))
        scope = valid_scope(scope)
        types = self.labels(row, "dispute_types", values["dispute_types"], self.types)
        capacity = None
        raw = values["capacity"]
        if _text(raw):
            capacity = _positive_int(raw)
            if capacity is None:
                self.error(row, "capacity", gettext("可同时办理案件数须为正整数"))
        email = _text(values["contact_email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(row, "contact_email", gettext("电子邮箱格式不正确"))
        if uscc and self.duplicate(row, "uscc", uscc, self.by_uscc):
            uscc = ""
        return OrgData(
            name=_text(values["name"]),
            uscc=uscc,
            kind=kind,
            supervisor_id=supervisor_id,
            scope=scope,
            dispute_types=types,
            capacity=capacity,
            address=_text(values["address"]),
            contact_name=_text(values["contact_name"]),
            contact_phone=_text(values["contact_phone"]),
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
            orgs.append(MediationOrg(institution=institution, **_org_fields(data)))
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
        if _text(values["training_hours"]):
            try:
                hours = Decimal(_text(values["training_hours"]))
                if not hours.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                self.error(row, "training_hours", gettext("培训学时须为数字"))
        if number and self.duplicate(row, "id_number", id_number_digest(number), self.by_digest):
            number = ""
        return MediatorData(
            name=_text(values["name"]),
            id_number=number,
            specialties=specialties,
            qualifications=qualifications,
            training_hours=hours,
            phone=_text(values["phone"]),
        )

    def clean(self, data: MediatorData) -> MediatorData:
        return clean_mediator(data)

    def remember(self, row: int, data: MediatorData) -> None:
        self.valid.append(data)

    def check_registered(self) -> None:
        digests = list(self.by_digest)
        for start in range(0, len(digests), 500):
            found = Mediator.objects.filter(id_number_digest__in=digests[start : start + 500]).select_related(
                "organisation"
            )
            for existing in found:
                self.error(
                    self.by_digest[existing.id_number_digest],
                    "id_number",
                    gettext("该公民身份号码已登记为%(org)s的调解员%(name)s")
                    % {"org": existing.organisation, "name": existing.name},
                )

    def write(self, job: ImportJob, actor: str, summary: str) -> None:
        mediators = [Mediator(organisation_id=job.organisation_id, **_mediator_fields(d)) for d in self.valid]
        Mediator.objects.bulk_create(mediators, batch_size=500)
        RegistryChange.objects.bulk_create([registration_change(m, actor, summary) for m in mediators], batch_size=500)


def _positive_int(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = _text(raw)
        if not text.isdigit():
            return None
        value = int(text)
    return value if 1 <= value <= 1_000_000 else None
