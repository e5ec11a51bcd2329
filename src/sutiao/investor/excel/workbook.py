"""Writing workbooks: the template to fill in and an export share one layout."""

import io

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from sutiao.kernel.identifiers import mask
from sutiao.kernel.regions import NATIONWIDE, PROVINCES
from sutiao.kernel.spreadsheet import safe_cell

from ..models import ImportKind, SubjectKind
from .layout import (
    OPTIONS_SHEET,
    SHEET_TITLES,
    columns_for,
    dispute_type_labels,
    label_of,
    org_kind_labels,
    qualification_labels,
    supervisors,
)

DATA_ROWS_FORMATTED = 2000  # template rows given text format and drop-downs


def template_workbook(kind: str) -> bytes:
    """An empty workbook to fill in: the header row, drop-downs where a cell takes one value from a list,
    and a notes sheet listing the accepted values."""
    return _workbook(kind, [], _notes(kind))


def export_workbook(kind: str, queryset, *, phones_in_clear: bool = False) -> bytes:
    """Organisations (MediationOrg) or mediators (Mediator) in the import's layout; identity numbers masked,
    mediators' phones too unless `phones_in_clear` (permissions.sees_mediator_phones)."""
    if kind == SubjectKind.ORGANISATION:
        kinds, types = org_kind_labels(), dispute_type_labels()
        rows = [
            [
                org.institution.name,
                org.uscc,
                label_of(kinds, org.kind),
                org.institution.parent.name if org.institution.parent_id else "",
                org.address,
                "、".join(org.scope),
                "、".join(label_of(types, t) for t in org.dispute_types),
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
                m.phone if phones_in_clear else mask("phone", m.phone),
                "、".join(label_of(types, t) for t in m.specialties),
                "、".join(label_of(quals, q) for q in m.qualifications),
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
    elif kind == ImportKind.TRAINING:
        lines += [
            gettext("每行一条培训记录，导入到上传时选择的调解组织的调解员名下。"),
            gettext("必填列：姓名、公民身份号码、课程名称、培训举办单位、学时、完成日期。"),
            gettext("公民身份号码与姓名须与该组织已登记的调解员一致（请以文本格式填写公民身份号码）。"),
            gettext("学时：大于0且不超过200的数，最多保留一位小数。"),
            gettext("完成日期：日期格式（如 2026-05-20），不能晚于今天。"),
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
        ws.append([safe_cell(value) for value in row])
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
            options.cell(row=r, column=col, value=safe_cell(value))
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
        "hours": DataValidation(type="decimal", operator="between", formula1="0.1", formula2="200", allow_blank=True),
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
        sheet.append([safe_cell(line)])
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
    if kind == ImportKind.TRAINING:
        return {}
    return {"擅长纠纷类型": types, "资质": list(qualification_labels())}
