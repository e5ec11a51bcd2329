"""Provincial-level divisions (GB/T 2260) and the court-code abbreviations (法〔2015〕137号); territorial
scopes of organisations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sutiao.kernel.identifiers import InvalidIdentifier, uscc_check_character, validate_uscc
from sutiao.kernel.regions import (
    NATIONAL,
    NATIONWIDE,
    PROVINCES,
    REGION_KEY_LENGTH,
    REGIONS,
    UNPLACED,
    Province,
    Region,
    court_code_of_case_number,
    province_by_name,
    province_of_court_code,
    province_of_division,
    region_name,
    region_of_case_number,
    region_of_court,
    valid_scope,
)

NAMES = [p.name for p in PROVINCES]


def test_thirty_one_provinces_with_unique_codes_names_and_abbreviations():
    assert len(PROVINCES) == 31
    for attribute in ("code", "name", "abbr"):
        assert len({getattr(p, attribute) for p in PROVINCES}) == 31
    assert all(len(p.code) == 2 and p.code.isdigit() and len(p.abbr) == 1 for p in PROVINCES)
    assert [p.code for p in PROVINCES] == sorted(p.code for p in PROVINCES)


def test_court_code_abbreviations():
    abbreviations = "".join(p.abbr for p in PROVINCES)
    assert abbreviations == "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新"


def test_province_by_name():
    assert province_by_name("北京市") == Province("11", "北京市", "京")
    assert province_by_name(" 重庆市 ") == Province("50", "重庆市", "渝")
    assert province_by_name("北京") is None  # full names only
    assert province_by_name(NATIONWIDE) is None
    assert province_by_name("台湾省") is None  # mainland only


@pytest.mark.parametrize(
    ("code", "name"),
    [("京0105", "北京市"), ("沪74", "上海市"), ("黔01", "贵州省"), ("云0102", "云南省"), ("粤03", "广东省")],
)
def test_province_of_court_code(code, name):
    assert province_of_court_code(code).name == name


@pytest.mark.parametrize("code", ["最高法", "贵01", "滇01", "", "  ", "0105"])
def test_court_codes_without_a_province(code):
    assert province_of_court_code(code) is None


def test_province_of_division():
    assert province_of_division("110105").name == "北京市"
    assert province_of_division("440304").name == "广东省"
    assert province_of_division("650000").name == "新疆维吾尔自治区"
    for code in ("100000", "710000", "11010", "1101050", "11A105", "", "１１０１０５"):
        assert province_of_division(code) is None


def test_province_of_a_uscc_registration_division():
    first17 = "91440300MA5F00001"
    code = validate_uscc(first17 + uscc_check_character(first17))
    assert province_of_division(code[2:8]).name == "广东省"


def test_scope_is_sorted_deduplicated_and_stripped():
    assert valid_scope(["上海市", " 北京市", "上海市", ""]) == ["北京市", "上海市"]
    assert valid_scope([]) == []
    assert valid_scope("浙江省") == ["浙江省"]  # a lone string is one name


def test_nationwide_scope_stands_alone():
    assert valid_scope([NATIONWIDE]) == [NATIONWIDE]
    assert valid_scope(["北京市", NATIONWIDE, "上海市"]) == [NATIONWIDE]


@pytest.mark.parametrize("name", ["北京", "香港特别行政区", "Beijing"])
def test_unknown_province_is_refused(name):
    with pytest.raises(InvalidIdentifier) as caught:
        valid_scope(["上海市", name])
    assert caught.value.message == f"未知的省级行政区：{name}"
    assert caught.value.params == {"name": name}


@given(st.lists(st.sampled_from(NAMES)))
def test_scope_is_idempotent_and_in_province_order(names):
    scope = valid_scope(names)
    assert valid_scope(scope) == scope
    assert scope == [n for n in NAMES if n in set(names)]


# --- the region of a court and of a case ---


@pytest.mark.parametrize(
    ("number", "region"),
    [
        ("（2026）京0105民诉前调1号", Region("11", "北京市")),  # as courts print it
        ("(2026)京0105民诉前调12345号", Region("11", "北京市")),  # ASCII brackets, as often typed
        ("〔2026〕沪74民初3号", Region("31", "上海市")),
        (" （2025）黔01民初7号 ", Region("52", "贵州省")),
        ("（2026） 粤03民初9号", Region("44", "广东省")),
        ("京0105民初1号", Region("11", "北京市")),  # no year: the code starts the number
        ("（2026）最高法民终1号", Region(NATIONAL, "全国")),
        ("（2026）贵01民初1号", Region(UNPLACED, "未能确定地区")),  # 黔, not 贵, in the table
        ("(2026)测0民诉前调1号", Region(UNPLACED, "未能确定地区")),
        ("（2026）", Region(UNPLACED, "未能确定地区")),
        ("（2026京0105民初1号", Region(UNPLACED, "未能确定地区")),  # an unclosed bracket: the code is not found
        ("", Region(UNPLACED, "未能确定地区")),
    ],
)
def test_the_region_of_a_case_is_its_courts_province_from_the_case_number(number, region):
    assert region_of_case_number(number) == region


def test_the_court_code_follows_the_year():
    assert court_code_of_case_number("（2026）京0105民诉前调1号") == "京0105民诉前调1号"
    assert court_code_of_case_number("京0105民初1号") == "京0105民初1号"


def test_the_supreme_court_is_national_by_its_kind_or_its_code():
    assert region_of_court("", supreme=True) == Region(NATIONAL, "全国")
    assert region_of_court("最高法") == Region(NATIONAL, "全国")
    assert region_of_court("京0105") == Region("11", "北京市")
    assert region_of_court("") == region_of_court("军01") == Region(UNPLACED, "未能确定地区")


@given(st.sampled_from(PROVINCES), st.integers(2000, 2100), st.text("0123456789", min_size=0, max_size=4))
def test_a_case_numbered_by_a_court_is_in_the_courts_region(province, year, suffix):
    court = f"{province.abbr}{suffix}"
    number = f"（{year}）{court}民诉前调{year}号"
    assert region_of_case_number(number) == region_of_court(court) == Region(province.code, province.name)


def test_every_region_has_a_name_and_keys_fit_the_column():
    assert len(REGIONS) == len(PROVINCES) + 2 and len({r.key for r in REGIONS}) == len(REGIONS)
    assert region_name("11") == "北京市" and region_name(NATIONAL) == "全国" and region_name("99") == "99"
    assert len(UNPLACED) == REGION_KEY_LENGTH and all(len(r.key) <= REGION_KEY_LENGTH for r in REGIONS)
