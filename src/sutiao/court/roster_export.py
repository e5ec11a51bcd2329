"""A court's invited roster (特邀调解名册, notice 法办〔2021〕313号 §4(4)) as an Excel workbook to print or
file: one sheet of organisations, one of mediators, each under the caption "（法院名）特邀调解名册（证券期货）"
and the print date. Identity numbers are only ever shown masked (as the registry sends them)."""

import datetime as dt
import io

from django.utils import timezone

from sutiao.kernel.calendar import china_date, cn_date
from sutiao.kernel.enums import DisputeType
from sutiao.kernel.spreadsheet import safe_cell

from .models import SubjectKind

EVERY_COURT = "全国各级人民法院"
ORG_HEADERS = [
    "序号",
    "名称",
    "统一社会信用代码",
    "组织类型",
    "指导单位",
    "服务地域",
    "受理纠纷类型",
    "可同时办理案件数",
    "联系人",
    "联系电话",
    "有效期自",
    "有效期至",
    "确认时间",
]
ORG_WIDTHS = [6, 30, 22, 20, 26, 24, 34, 10, 10, 16, 16, 16, 16]
MEDIATOR_HEADERS = [
    "序号",
    "姓名",
    "公民身份号码",
    "所属调解组织",
    "擅长纠纷类型",
    "资质",
    # The docked figure of the last twelve months (issue 13 §6), not the registry's own training_hours.
    "近12个月培训学时",
    "培训要求",
    "有效期自",
    "有效期至",
    "确认时间",
]
MEDIATOR_WIDTHS = [6, 12, 22, 30, 34, 24, 12, 10, 16, 16, 16]


def _types(codes) -> str:
    labels = []
    for code in codes:
        try:
            labels.append(DisputeType(code).label)
        except ValueError:
            labels.append(str(code))
    return "、".join(labels)


def _training(mediator) -> list:
    """The hours of the last twelve months and whether they meet the roster's requirement, as the investor platform
    last sent them; "未提供" where no card has carried them yet (older messages)."""
    if mediator.training_recent_hours is None:
        return ["未提供", ""]
    return [float(mediator.training_recent_hours), "已达到" if mediator.training_met else "未达到"]


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = china_date(value)
    return cn_date(value)


def caption_for(court_name: str) -> str:
    return f"{court_name}特邀调解名册（证券期货）"


def _court_name(entries, court) -> str:
    if court is not None:
        return str(court)
    named = next((e.court for e in entries if e.court_id is not None), None)
    return named.name if named is not None else EVERY_COURT


def roster_workbook(entries, court=None, printed_on: dt.date | None = None) -> bytes:
    """The roster `entries` (RosterEntry, organisations and mediators mixed, in the order given) as an .xlsx.
    `court` (an Institution or a name) names the roster; by default the court of the first entry that has
    one. `printed_on` defaults to today in China."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    entries = list(entries)
    court_name = _court_name(entries, court)
    printed = cn_date(printed_on or china_date(timezone.now()))
    orgs = [e for e in entries if e.subject_kind == SubjectKind.ORGANISATION]
    mediators = [e for e in entries if e.subject_kind == SubjectKind.MEDIATOR]

    org_rows = [
        [
            i,
            e.organisation.name,
            e.organisation.uscc,
            e.organisation.kind,
            e.organisation.supervisor,
            "、".join(e.organisation.scope),
            _types(e.organisation.dispute_types),
            e.organisation.capacity,
            e.organisation.contact_name,
            e.organisation.contact_phone,
            _date(e.valid_from),
            _date(e.valid_until),
            _date(e.confirmed_at),
        ]
        for i, e in enumerate(orgs, start=1)
    ]
    mediator_rows = [
        [
            i,
            e.mediator.name,
            e.mediator.id_number_masked,
            e.mediator.organisation.name,
            _types(e.mediator.specialties),
            "、".join(str(q) for q in e.mediator.qualifications),
            *_training(e.mediator),
            _date(e.valid_from),
            _date(e.valid_until),
            _date(e.confirmed_at),
        ]
        for i, e in enumerate(mediators, start=1)
    ]

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    sheets = [
        ("特邀调解组织", ORG_HEADERS, ORG_WIDTHS, org_rows),
        ("特邀调解员", MEDIATOR_HEADERS, MEDIATOR_WIDTHS, mediator_rows),
    ]
    for index, (title, headers, widths, rows) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        last = get_column_letter(len(headers))
        ws["A1"] = safe_cell(caption_for(court_name))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A1:{last}1")
        ws["A2"] = f"{title}（共 {len(rows)} 条）　打印日期：{printed}"
        ws["A2"].alignment = Alignment(horizontal="right")
        ws.merge_cells(f"A2:{last}2")
        ws.append(headers)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="F2F2F2")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        for row in rows:
            ws.append([safe_cell(value) for value in row])
        for row_cells in ws.iter_rows(min_row=4, max_row=len(rows) + 3):
            for cell in row_cells:
                cell.border = border
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A4"
        ws.print_title_rows = "1:3"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
