"""Unified social credit codes (GB 32100-2015), citizen identity numbers (GB 11643-1999) and their masking;
and that every refusal is a fixed template the Django layer can translate."""

import ast
import datetime as dt
import inspect

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

import sutiao.translation
from sutiao.kernel import identifiers, ranking, regions
from sutiao.kernel.identifiers import (
    USCC_CHARSET,
    InvalidIdentifier,
    mask_id_number,
    resident_id_check_digit,
    uscc_check_character,
    validate_resident_id,
    validate_uscc,
)
from sutiao.translation import LABELS, refusal

TODAY = dt.date(2026, 6, 1)
DIGITS = "0123456789"


def refused(validate, value, **kwargs) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        validate(value, **kwargs)
    error = caught.value
    assert error.message == error.template % error.params
    assert error.template in LABELS  # translatable
    return error


# --- 统一社会信用代码 -------------------------------------------------------------------------------------

# 9 (市场监管) 1 (企业) 110000 (北京市) + a subject code; the check character computed.
BEIJING_COMPANY = "91110000" + "MA01ABCD4"
BEIJING_COMPANY += uscc_check_character(BEIJING_COMPANY)
# 5 (民政) 1 (社会团体) 310000 (上海市): a mediation organisation registered as a social organisation.
SHANGHAI_ASSOCIATION = "51310000" + "50000123X"
SHANGHAI_ASSOCIATION += uscc_check_character(SHANGHAI_ASSOCIATION)


def test_weights_are_powers_of_three_mod_31():
    assert tuple(pow(3, i, 31) for i in range(17)) == identifiers.USCC_WEIGHTS
    assert len(USCC_CHARSET) == 31 and not set("IOZSV") & set(USCC_CHARSET)


def test_the_standards_example_and_constructed_codes_are_valid():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"  # the example code in GB 32100-2015
    assert validate_uscc(BEIJING_COMPANY) == BEIJING_COMPANY
    assert validate_uscc(SHANGHAI_ASSOCIATION) == SHANGHAI_ASSOCIATION
    assert BEIJING_COMPANY == "91110000MA01ABCD4Y"


def test_uscc_is_normalised_spaces_case_and_full_width():
    spaced = " 9111 0000 ma01 abcd 4y "
    assert validate_uscc(spaced) == BEIJING_COMPANY
    full_width = "９１１１００００ＭＡ０１ＡＢＣＤ４Ｙ"
    assert validate_uscc(full_width) == BEIJING_COMPANY
    assert validate_uscc("\u30009111 0000MA01ABCD4Y\t") == BEIJING_COMPANY  # ideographic space


@pytest.mark.parametrize("blank", ["", "   ", "\u3000"])
def test_empty_uscc(blank):
    assert refused(validate_uscc, blank).message == "请填写统一社会信用代码"


@pytest.mark.parametrize(("code", "length"), [("91110000MA01ABCD4", 17), ("91110000MA01ABCD4YY", 19), ("9", 1)])
def test_uscc_of_wrong_length(code, length):
    error = refused(validate_uscc, code)
    assert error.message == f"统一社会信用代码应为18位，实际为{length}位"
    assert error.params == {"length": length}


@pytest.mark.parametrize(
    ("code", "position", "char"),
    [
        ("91110000MA01ABCI4Y", 16, "I"),
        ("9111000OMA01ABCD4Y", 8, "O"),
        ("Z1110000MA01ABCD4Y", 1, "Z"),
        ("91110000MA01ABCD4S", 18, "S"),
        ("91110000MA01-BCD4Y", 13, "-"),
    ],
)
def test_uscc_with_an_illegal_character_names_it_and_its_position(code, position, char):
    error = refused(validate_uscc, code)
    assert error.params == {"position": position, "char": char}
    assert error.message.startswith(f"统一社会信用代码第{position}位“{char}”不是合法字符")


def test_uscc_division_code_must_be_digits():
    first17 = "9111A000MA01ABCD4"
    error = refused(validate_uscc, first17 + uscc_check_character(first17))
    assert error.params == {"division": "11A000"}
    assert "第3至8位" in error.message


def test_uscc_with_a_wrong_check_character():
    error = refused(validate_uscc, "91110000MA01ABCD4L")
    assert error.message == "统一社会信用代码校验位错误：第18位应为Y，实际为L"
    assert error.params == {"expected": "Y", "actual": "L"}


def test_uscc_check_character_needs_17_valid_characters():
    with pytest.raises(ValueError):
        uscc_check_character("91110000MA01ABCD")
    with pytest.raises(ValueError):
        uscc_check_character("91110000MA01ABCDI")


USCC_CHAR = st.sampled_from(USCC_CHARSET)
USCC_FIRST17 = st.builds(
    lambda head, division, subject: head + division + subject,
    st.text(USCC_CHAR, min_size=2, max_size=2),
    st.text(st.sampled_from(DIGITS), min_size=6, max_size=6),
    st.text(USCC_CHAR, min_size=9, max_size=9),
)


@given(USCC_FIRST17)
def test_any_17_valid_characters_with_their_check_character_pass(first17):
    code = first17 + uscc_check_character(first17)
    assert validate_uscc(code) == code
    assert validate_uscc(code.lower()) == code


@given(USCC_FIRST17, st.integers(0, 17), st.integers(1, 30))
def test_changing_any_one_character_fails(first17, position, shift):
    """31 is prime and no weight is 0 mod 31, so a single substitution always changes the sum mod 31."""
    code = first17 + uscc_check_character(first17)
    alphabet = DIGITS if 2 <= position <= 7 else USCC_CHARSET
    old = alphabet.index(code[position])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == code[position]:  # shift is a multiple of 10 within the digits
        new = alphabet[(old + 1) % len(alphabet)]
    changed = code[:position] + new + code[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_uscc(changed)


# --- 公民身份号码 -----------------------------------------------------------------------------------------


def test_weights_are_iso_7064_mod_11_2():
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == identifiers.RESIDENT_ID_WEIGHTS


def test_the_standards_example_and_constructed_numbers_are_valid():
    assert validate_resident_id("11010519491231002X", today=TODAY) == "11010519491231002X"  # GB 11643-1999's
    leap_day = "44030420000229123"
    number = leap_day + resident_id_check_digit(leap_day)
    assert validate_resident_id(number, today=TODAY) == number
    assert validate_resident_id(" 110105 19491231 002x ", today=TODAY) == "11010519491231002X"
    assert validate_resident_id("１１０１０５１９４９１２３１００２ｘ", today=TODAY) == "11010519491231002X"


def test_born_today_is_valid_and_tomorrow_is_not():
    today = "110105" + TODAY.strftime("%Y%m%d") + "001"
    assert validate_resident_id(today + resident_id_check_digit(today), today=TODAY)
    tomorrow = "110105" + (TODAY + dt.timedelta(days=1)).strftime("%Y%m%d") + "001"
    error = refused(validate_resident_id, tomorrow + resident_id_check_digit(tomorrow), today=TODAY)
    assert error.message == "公民身份号码第7至14位的出生日期20260602晚于今天"


def test_default_today_is_china_today():
    born = "110105" + "20991231" + "001"
    assert refused(validate_resident_id, born + resident_id_check_digit(born)).params == {"date": "20991231"}


@pytest.mark.parametrize("blank", ["", "  "])
def test_empty_resident_id(blank):
    assert refused(validate_resident_id, blank, today=TODAY).message == "请填写公民身份号码"


def test_old_15_digit_number_is_refused():
    assert refused(validate_resident_id, "110105491231002", today=TODAY).message == "请填写18位公民身份号码"


@pytest.mark.parametrize(("number", "length"), [("11010519491231002", 17), ("11010519491231002X1", 19)])
def test_resident_id_of_wrong_length(number, length):
    assert refused(validate_resident_id, number, today=TODAY).message == f"公民身份号码应为18位，实际为{length}位"


@pytest.mark.parametrize(
    ("number", "template", "params"),
    [
        ("1101051949123100XX", identifiers.RESIDENT_ID_DIGIT, {"position": 17, "char": "X"}),
        ("A1010519491231002X", identifiers.RESIDENT_ID_DIGIT, {"position": 1, "char": "A"}),
        ("11010519491231002Y", identifiers.RESIDENT_ID_LAST, {"char": "Y"}),
        ("110105194902300021", identifiers.RESIDENT_ID_NO_DATE, {"date": "19490230"}),
        ("110105194913310021", identifiers.RESIDENT_ID_NO_DATE, {"date": "19491331"}),
        ("110105190002290021", identifiers.RESIDENT_ID_NO_DATE, {"date": "19000229"}),  # 1900: no leap year
        ("110105189912310021", identifiers.RESIDENT_ID_TOO_EARLY, {"date": "18991231"}),
        ("110105203001010021", identifiers.RESIDENT_ID_FUTURE, {"date": "20300101"}),
    ],
)
def test_resident_id_refusals_name_the_fault(number, template, params):
    error = refused(validate_resident_id, number, today=TODAY)
    assert (error.template, error.params) == (template, params)


def test_bad_birth_date_is_reported_before_the_check_digit():
    first17 = "11010519490230002"
    error = refused(validate_resident_id, first17 + resident_id_check_digit(first17), today=TODAY)
    assert error.message == "公民身份号码第7至14位的出生日期19490230不是有效日期"


def test_resident_id_with_a_wrong_check_digit():
    error = refused(validate_resident_id, "110105194912310021", today=TODAY)
    assert error.message == "公民身份号码校验位错误：第18位应为X，实际为1"


def test_resident_id_check_digit_needs_17_digits():
    with pytest.raises(ValueError):
        resident_id_check_digit("1101051949123100")
    with pytest.raises(ValueError):
        resident_id_check_digit("1101051949123100X")


RESIDENT_FIRST17 = st.builds(
    lambda address, born, sequence: address + born.strftime("%Y%m%d") + sequence,
    st.text(st.sampled_from(DIGITS), min_size=6, max_size=6),
    st.dates(dt.date(1900, 1, 1), TODAY),
    st.text(st.sampled_from(DIGITS), min_size=3, max_size=3),
)


@given(RESIDENT_FIRST17)
def test_any_valid_17_digits_with_their_check_digit_pass(first17):
    number = first17 + resident_id_check_digit(first17)
    assert validate_resident_id(number, today=TODAY) == number


@given(RESIDENT_FIRST17, st.integers(0, 17), st.integers(1, 10))
def test_changing_any_one_digit_fails(first17, position, shift):
    """11 is prime and no weight is 0 mod 11: a single substitution changes the check digit (or, in the birth
    date, may make the date invalid first)."""
    number = first17 + resident_id_check_digit(first17)
    alphabet = DIGITS + "X" if position == 17 else DIGITS
    old = alphabet.index(number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == number[position]:
        new = alphabet[(old + 1) % len(alphabet)]
    changed = number[:position] + new + number[position + 1 :]
    with pytest.raises(InvalidIdentifier):
        validate_resident_id(changed, today=TODAY)


# --- masking --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("11010519491231002X", "110***********002X"),
        ("91110000MA01ABCD4Y", "911***********CD4Y"),
        ("12345678", "123*5678"),
        ("1234567", "*******"),
        ("", ""),
    ],
)
def test_mask_id_number(number, masked):
    assert mask_id_number(number) == masked


@given(st.text(min_size=8).map(str.strip).filter(lambda s: len(s) >= 8))
def test_masking_keeps_length_and_only_the_ends(number):
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert set(masked[3:-4]) == {"*"}


# --- translation ----------------------------------------------------------------------------------------


def test_refusal_translates_the_template_with_its_params(monkeypatch):
    error = refused(validate_uscc, "91110000MA01ABCD4L")
    with translation.override("zh-hans"):
        assert refusal(error) == error.message
    # The catalogue is regenerated separately; a stand-in shows that the template, not the message, is looked up.
    english = {error.template: "Wrong check character: position 18 should be %(expected)s, not %(actual)s"}
    monkeypatch.setattr(sutiao.translation, "gettext", lambda msgid: english.get(msgid, msgid))
    assert refusal(error) == "Wrong check character: position 18 should be Y, not L"


def _chinese_constants(module) -> set[str]:
    """Every string literal with a CJK character in the module's code, docstrings left out."""
    tree = ast.parse(inspect.getsource(module))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any("\u4e00" <= c <= "\u9fff" for c in node.value)
    }


@pytest.mark.parametrize("module", [identifiers, regions, ranking])
def test_every_chinese_string_of_the_module_is_listed_for_translation(module):
    # Codes inside court case numbers, never translated.
    abbreviations = {p.abbr for p in regions.PROVINCES} | {regions.SUPREME_COURT_CODE}
    assert _chinese_constants(module) - abbreviations <= set(LABELS)
