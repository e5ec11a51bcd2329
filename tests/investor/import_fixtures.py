"""Helpers for the Excel import tests: valid identifiers built with the kernel's check characters (numbers
apart from those conftest.py uses), workbooks in the import layout, and a supervisor's account."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from sutiao.accounts.models import Role, User
from sutiao.investor.excel.layout import MEDIATOR_COLUMNS, ORG_COLUMNS
from sutiao.kernel.identifiers import resident_id_check_digit, uscc_check_character

MEDIATOR_HEADERS = [c.header for c in MEDIATOR_COLUMNS]
ORG_HEADERS = [c.header for c in ORG_COLUMNS]


def resident_id(n: int) -> str:
    """The n-th distinct valid citizen identity number (Beijing Chaoyang, born on a day from 1960 on)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"110105{born:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def wrong_check(number: str) -> str:
    """The same number with a check character that is not the right one."""
    options = "0123456789X" if len(number) == 18 and number[:17].isdigit() else "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return number[:17] + next(c for c in options if c != number[17])


def uscc(n: int) -> str:
    first17 = f"52110105{n:09d}"
    return first17 + uscc_check_character(first17)


def xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def read_sheet(content: bytes, index: int = 0) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content))
    return list(wb.worksheets[index].iter_rows(values_only=True))


def mediator_row(n: int, **overrides) -> list:
    values = {
        "姓名": f"调解员{n:04d}",
        "公民身份号码": resident_id(n),
        "手机号": f"139{n:08d}",
        "擅长纠纷类型": "虚假陈述、证券经纪合同",
        "资质": "律师、证券从业人员",
        "培训学时": 24,
    }
    values.update(overrides)
    return [values[h] for h in MEDIATOR_HEADERS]


def org_row(n: int, supervisor: str, **overrides) -> list:
    values = {
        "名称": f"某某证券期货纠纷调解中心{n:03d}",
        "统一社会信用代码": uscc(n),
        "组织类型": "证券期货行业调解组织",
        "指导单位": supervisor,
        "住所": "北京市西城区金融大街19号",
        "服务地域": "北京市、天津市",
        "受理纠纷类型": "虚假陈述、内幕交易",
        "可同时办理案件数": 50,
        "联系人": "王联系",
        "联系电话": "010-66668888",
        "电子邮箱": "contact@example.cn",
    }
    values.update(overrides)
    return [values[h] for h in ORG_HEADERS]


@pytest.fixture(name="supervisor")
def supervisor_fixture(regional_office):
    """Staff of the regional office that supervises org_a and org_b (tests/investor/conftest.py)."""
    return User.objects.create_user(
        "supervisor",
        password="x-long-password",
        role=Role.SUPERVISOR,
        institution=regional_office,
        full_name="监管局乙",
    )
