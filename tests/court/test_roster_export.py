"""The court's invited roster as an Excel workbook: organisations and mediators, read back cell by cell."""

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from sutiao.court.models import Mediator, Organisation, RosterEntry, RosterProposal, SubjectKind
from sutiao.court.roster_export import roster_workbook
from sutiao.kernel.calendar import CHINA
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtProposalState


def confirm(court, staff, organisation, mediator=None, valid=(dt.date(2026, 1, 1), dt.date(2028, 12, 31))):
    kind = SubjectKind.MEDIATOR if mediator else SubjectKind.ORGANISATION
    proposal = RosterProposal.objects.create(
        id=new_id(),
        court=court,
        subject_kind=kind,
        organisation=organisation,
        mediator=mediator,
        proposed_by="中国证监会投资者保护局",
        proposed_at=timezone.now(),
        state=CourtProposalState.CONFIRMED,
    )
    return RosterEntry.objects.create(
        court=court,
        subject_kind=kind,
        organisation=organisation,
        mediator=mediator,
        proposal=proposal,
        valid_from=valid[0],
        valid_until=valid[1],
        confirmed_by=staff,
        # 23:30 in Beijing on 27 November is still the 27th there, whatever the server's zone.
        confirmed_at=dt.datetime(2025, 11, 27, 23, 30, tzinfo=CHINA),
    )


def test_the_roster_workbook_lists_organisations_and_mediators(court, staff, investor):
    organisation = Organisation.objects.create(
        id=new_id(),
        peer=investor.peer,
        name="中证资本市场法律服务中心",
        uscc="91110000MA01ABCD1X",
        kind="证券期货行业调解组织",
        supervisor="中国证监会北京监管局",
        scope=["北京市", "天津市"],
        dispute_types=["misrepresentation", "insider_trading"],
        capacity=50,
        contact_name="王联系",
        contact_phone="010-66668888",
    )
    mediator = Mediator.objects.create(
        id=new_id(),
        organisation=organisation,
        name="张调解",
        id_number_masked="110***********0012",
        specialties=["brokerage_contract"],
        qualifications=["律师", "证券从业人员"],
        training_hours=Decimal("24.5"),
        training_recent_hours=Decimal("12.5"),
        training_required=Decimal("24.0"),
        training_start=dt.date(2025, 11, 28),
        training_end=dt.date(2026, 11, 27),
        training_met=False,
    )
    entries = [confirm(court, staff, organisation), confirm(court, staff, organisation, mediator)]

    content = roster_workbook(entries, printed_on=dt.date(2026, 11, 28))

    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["特邀调解组织", "特邀调解员"]
    orgs, mediators = wb["特邀调解组织"], wb["特邀调解员"]
    for sheet in (orgs, mediators):
        assert sheet["A1"].value == "北京市朝阳区人民法院特邀调解名册（证券期货）"
        assert "打印日期：2026年11月28日" in sheet["A2"].value
        assert sheet.print_title_rows == "$1:$3"  # the caption and headers repeat on every page
    assert [c.value for c in orgs[3]] == [
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
    assert [c.value for c in orgs[4]] == [
        1,
        "中证资本市场法律服务中心",
        "91110000MA01ABCD1X",
        "证券期货行业调解组织",
        "中国证监会北京监管局",
        "北京市、天津市",
        "虚假陈述、内幕交易",
        50,
        "王联系",
        "010-66668888",
        "2026年1月1日",
        "2028年12月31日",
        "2025年11月27日",
    ]
    assert orgs.max_row == 4
    assert [c.value for c in mediators[3]] == [
        "序号",
        "姓名",
        "公民身份号码",
        "所属调解组织",
        "擅长纠纷类型",
        "资质",
        "近12个月培训学时",
        "培训要求",
        "有效期自",
        "有效期至",
        "确认时间",
    ]
    assert [c.value for c in mediators[4]] == [
        1,
        "张调解",
        "110***********0012",
        "中证资本市场法律服务中心",
        "证券经纪合同",
        "律师、证券从业人员",
        12.5,  # the docked figure of the last twelve months, not the registry's 24.5
        "未达到",
        "2026年1月1日",
        "2028年12月31日",
        "2025年11月27日",
    ]
    assert mediators.max_row == 4


def test_an_empty_roster_still_has_its_caption_and_headers(court):
    wb = load_workbook(io.BytesIO(roster_workbook([], court=court, printed_on=dt.date(2026, 1, 5))))
    sheet = wb["特邀调解组织"]
    assert sheet["A1"].value == "北京市朝阳区人民法院特邀调解名册（证券期货）"
    assert "（共 0 条）" in sheet["A2"].value and "2026年1月5日" in sheet["A2"].value
    assert sheet["B3"].value == "名称" and sheet.max_row == 3


def test_a_jointly_recognised_entry_names_every_court(staff, investor):
    organisation = Organisation.objects.create(id=new_id(), peer=investor.peer, name="某调解中心", capacity=5)
    entry = confirm(None, staff, organisation)
    wb = load_workbook(io.BytesIO(roster_workbook([entry])))
    assert wb.active["A1"].value == "全国各级人民法院特邀调解名册（证券期货）"
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in wb.active["A2"].value


def test_text_that_would_start_a_formula_is_exported_as_text(court, staff, investor):
    """Issue 14 (5): a name starting with = + - @ (or a tab or CR) must not become a live formula."""
    names = ['=HYPERLINK("http://evil.example","点击")', "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
    entries = []
    for name in names:
        organisation = Organisation.objects.create(
            id=new_id(), peer=investor.peer, name=name, contact_name="=1+1", scope=["北京市"], capacity=1
        )
        entries.append(confirm(court, staff, organisation))
    content = roster_workbook(entries, printed_on=dt.date(2026, 11, 28))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [row for row in sheet.iter_rows(min_row=4, max_row=3 + len(names))]
    assert all(c.data_type != "f" for row in cells for c in row)
    # A carriage return comes back as itself or, where the XML library writes it raw, as a line feed (XML
    # normalises raw line ends on reading; with lxml installed, as pyHanko brings it, openpyxl writes it escaped).
    assert sorted(row[1].value.replace("\r", "\n") for row in cells) == sorted(
        "'" + n.replace("\r", "\n") for n in names
    )
    assert {row[8].value for row in cells} == {"'=1+1"}
