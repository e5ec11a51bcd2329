"""Provincial-level divisions (GB/T 2260) and the court-code abbreviations (法〔2015〕137号); territorial
scopes of organisations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sutiao.kernel.identifiers import InvalidIdentifier, uscc_check_character, validate_uscc
from sutiao.kernel.regions import (
    NATIONWIDE,
    PROVINCES,
    Province,
    province_by_name,
    province_of_court_code,
    province_of_division,
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
