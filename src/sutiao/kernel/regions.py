"""The mainland's provincial-level divisions, for an organisation's territorial scope (办理范围, one of the
factors a court weighs when delegating: 法办〔2021〕313号 四（五）), for placing a court or an organisation, and for
the region of a case in the oversight figures (法办〔2021〕313号 五: by region, on both platforms alike).

Codes are the two-digit provincial prefixes of GB/T 2260 (中华人民共和国行政区划代码). Abbreviations are the
first character of a court's code (法院代字) in the table attached to 《最高人民法院关于人民法院案件案号的若干
规定》(法〔2015〕137号): for Guizhou and Yunnan that table uses 黔 and 云, not 贵 and 滇.
"""

from collections.abc import Iterable
from typing import NamedTuple

from .identifiers import InvalidIdentifier


class Province(NamedTuple):
    code: str
    name: str
    abbr: str


# In GB/T 2260 order, which is also the order a scope is shown in.
PROVINCES: tuple[Province, ...] = (
    Province("11", "北京市", "京"),
    Province("12", "天津市", "津"),
    Province("13", "河北省", "冀"),
    Province("14", "山西省", "晋"),
    Province("15", "内蒙古自治区", "蒙"),
    Province("21", "辽宁省", "辽"),
    Province("22", "吉林省", "吉"),
    Province("23", "黑龙江省", "黑"),
    Province("31", "上海市", "沪"),
    Province("32", "江苏省", "苏"),
    Province("33", "浙江省", "浙"),
    Province("34", "安徽省", "皖"),
    Province("35", "福建省", "闽"),
    Province("36", "江西省", "赣"),
    Province("37", "山东省", "鲁"),
    Province("41", "河南省", "豫"),
    Province("42", "湖北省", "鄂"),
    Province("43", "湖南省", "湘"),
    Province("44", "广东省", "粤"),
    Province("45", "广西壮族自治区", "桂"),
    Province("46", "海南省", "琼"),
    Province("50", "重庆市", "渝"),
    Province("51", "四川省", "川"),
    Province("52", "贵州省", "黔"),
    Province("53", "云南省", "云"),
    Province("54", "西藏自治区", "藏"),
    Province("61", "陕西省", "陕"),
    Province("62", "甘肃省", "甘"),
    Province("63", "青海省", "青"),
    Province("64", "宁夏回族自治区", "宁"),
    Province("65", "新疆维吾尔自治区", "新"),
)

# The scope of an organisation that takes disputes from every province.
NATIONWIDE = "全国"

UNKNOWN_PROVINCE = "未知的省级行政区：%(name)s"

_BY_NAME = {p.name: p for p in PROVINCES}
_BY_ABBR = {p.abbr: p for p in PROVINCES}
_BY_CODE = {p.code: p for p in PROVINCES}


def province_by_name(name: str) -> Province | None:
    """The province with exactly this full name (北京市, not 北京), or None."""
    return _BY_NAME.get(name.strip())


def province_of_court_code(short_code: str) -> Province | None:
    """The province of a court from its code (代字), e.g. 京0105 → 北京市. None for the Supreme People's Court
    (最高法) and for codes whose first character is no province's abbreviation."""
    short_code = short_code.strip()
    return _BY_ABBR.get(short_code[0]) if short_code else None


def province_of_division(code: str) -> Province | None:
    """The province of a six-digit GB/T 2260 division code (e.g. positions 3–8 of a unified social credit
    code, or positions 1–6 of a citizen identity number). None for national-level codes such as 100000 and
    for anything that is not six digits."""
    if len(code) != 6 or not all(c in "0123456789" for c in code):
        return None
    return _BY_CODE.get(code[:2])


def valid_scope(names: Iterable[str]) -> list[str]:
    """A territorial scope in its one spelling: [NATIONWIDE], or known province names without repeats in
    PROVINCES order. Nationwide already covers every province, so listing provinces beside it changes
    nothing and they are dropped. Blank entries (an empty form row) are ignored; an empty scope stays empty
    and whether that is allowed is the caller's decision."""
    if isinstance(names, str):  # a single name, not its characters
        names = [names]
    chosen: set[str] = set()
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name != NATIONWIDE and name not in _BY_NAME:
            raise InvalidIdentifier(UNKNOWN_PROVINCE, {"name": name})
        chosen.add(name)
    if NATIONWIDE in chosen:
        return [NATIONWIDE]
    return [p.name for p in PROVINCES if p.name in chosen]


# --- the region of a court and of a case (the oversight figures and the joint meeting's, issue 13) ---

# Region keys besides a province's GB/T 2260 code: the Supreme People's Court (and the jointly recognised roster,
# every court's), and a court whose code (代字) names no province (a code outside the table: a typing error, or a
# court the table does not list). Stored in the platforms' case rows: never renamed.
NATIONAL, UNPLACED = "national", "unplaced"
NATIONAL_NAME, UNPLACED_NAME = "全国", "未能确定地区"
# The Supreme People's Court's code (代字) in its case numbers, e.g. （2026）最高法民终1号 (法〔2015〕137号).
SUPREME_COURT_CODE = "最高法"


class Region(NamedTuple):
    key: str
    name: str


# Every region a case can be in, in the order figures list them: the provinces in GB/T 2260 order, then national
# and unplaced.
REGIONS: tuple[Region, ...] = (
    *(Region(p.code, p.name) for p in PROVINCES),
    Region(NATIONAL, NATIONAL_NAME),
    Region(UNPLACED, UNPLACED_NAME),
)
_REGION_NAMES = dict(REGIONS)
# The longest key (a column's width).
REGION_KEY_LENGTH = max(len(r.key) for r in REGIONS)

# The brackets a case number's year is written in: full-width as courts print them, ASCII as often typed, and the
# hexagonal ones of document numbers typed by mistake.
_YEAR_BRACKETS = {"（": "）", "(": ")", "〔": "〕", "[": "]"}


def region_of_court(short_code: str, *, supreme: bool = False) -> Region:
    """A court's region: national for the Supreme People's Court (`supreme`, or its code 最高法), else the province
    its code (代字) begins with (京0105 → 北京市, 11); unplaced for a code that names no province (or none)."""
    short_code = (short_code or "").strip()
    if supreme or short_code.startswith(SUPREME_COURT_CODE):
        return Region(NATIONAL, NATIONAL_NAME)
    province = province_of_court_code(short_code)
    return Region(province.code, province.name) if province else Region(UNPLACED, UNPLACED_NAME)


def court_code_of_case_number(number: str) -> str:
    """What follows the year in a case number (案号 per 法〔2015〕137号: year, court code, type code, serial), the
    court's code first: （2026）京0105民诉前调1号 → 京0105民诉前调1号. A number without a bracketed year is returned
    whole."""
    number = (number or "").strip()
    closing = _YEAR_BRACKETS.get(number[:1])
    if closing is None:
        return number
    at = number.find(closing)
    return number[at + 1 :].strip() if at >= 0 else number


def region_of_case_number(number: str) -> Region:
    """The region of a case: that of the court that delegated it, read from the court's code in the case number —
    the datum both platforms hold alike (the court registers the number; the DELEGATE message carries it), so
    both derive the same key. （2026）京0105民诉前调1号 → 11 北京市; （2026）最高法民终1号 → national; a code that
    names no province → unplaced."""
    return region_of_court(court_code_of_case_number(number))


def region_name(key: str) -> str:
    """The name of a region's key; the key itself for a key this table does not know."""
    return _REGION_NAMES.get(key, key)
