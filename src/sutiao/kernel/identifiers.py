"""Checking the identifiers parties and organisations give us: the unified social credit code (统一社会信用代码,
GB 32100-2015) and the citizen identity number (公民身份号码, GB 11643-1999), and masking them for display.

A refusal names the exact fault (which position, what was expected) so that a clerk can correct a typo
without guessing. Its text is a fixed Chinese template with %(name)s placeholders, so the Django layer can
translate it (sutiao.translation.refusal) while the kernel stays free of Django.
"""

import datetime as dt
import re
import unicodedata

from .calendar import CHINA
from .errors import DomainError


class InvalidIdentifier(DomainError):
    """An identifier we refuse; `template % params` is the Chinese message, `template` the msgid."""

    def __init__(self, template: str, params: dict | None = None, field: str | None = None):
        self.template = template
        self.params = dict(params or {})
        super().__init__(template % self.params, field)


def _compact(value: str) -> str:
    """What the user meant to type: NFKC folds the full-width digits and letters a Chinese input method
    produces into ASCII, and every space (including the ideographic U+3000) is dropped."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


_DIGITS = frozenset("0123456789")

# --- 统一社会信用代码 (GB 32100-2015) ---------------------------------------------------------------

# GB 32100-2015 §4.1: Arabic numerals and upper-case Latin letters without I, O, Z, S, V (too easily
# confused with 1, 0, 2, 5, U); a character's value is its index here.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
# GB 32100-2015 §5 (check character, after GB/T 17710 MOD 31): w_i = 3^(i-1) mod 31 for i = 1..17.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

USCC_EMPTY = "请填写统一社会信用代码"
USCC_LENGTH = "统一社会信用代码应为18位，实际为%(length)s位"
USCC_CHARACTER = "统一社会信用代码第%(position)s位“%(char)s”不是合法字符（只用数字和除I、O、Z、S、V以外的大写字母）"
USCC_DIVISION = "统一社会信用代码第3至8位应为登记管理机关的行政区划码（6位数字），实际为%(division)s"
USCC_CHECK = "统一社会信用代码校验位错误：第18位应为%(expected)s，实际为%(actual)s"


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code whose first 17 characters are `first17`."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"need 17 characters from {USCC_CHARSET}, got {first17!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """The normalised code (no spaces, upper case), or InvalidIdentifier saying what is wrong.

    Layout (GB 32100-2015 §4.2): position 1 registration authority, 2 organisation category, 3–8 the
    administrative division of the registration authority (GB/T 2260), 9–17 the organisation's subject
    code (GB 11714), 18 the check character. Positions 1, 2 and 9–17 are checked against the charset only:
    new authority and category codes get added, and subject codes issued before the USCC reform do not
    all carry a valid GB 11714 check digit, so anything stricter would refuse real organisations."""
    normalised = _compact(code)
    if not normalised:
        raise InvalidIdentifier(USCC_EMPTY)
    if len(normalised) != 18:
        raise InvalidIdentifier(USCC_LENGTH, {"length": len(normalised)})
    for position, char in enumerate(normalised, start=1):
        if char not in _USCC_VALUE:
            raise InvalidIdentifier(USCC_CHARACTER, {"position": position, "char": char})
    division = normalised[2:8]
    if not set(division) <= _DIGITS:
        raise InvalidIdentifier(USCC_DIVISION, {"division": division})
    expected = uscc_check_character(normalised[:17])
    if normalised[17] != expected:
        raise InvalidIdentifier(USCC_CHECK, {"expected": expected, "actual": normalised[17]})
    return normalised


# --- phone numbers ---------------------------------------------------------------------------------------

# A mainland mobile number: 11 digits, 1 then 3–9 (the numbering plan of the Ministry of Industry and IT).
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# A landline: the area code (0 and 2–3 digits), 7–8 digits, an extension after a dash.
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
PHONE_INVALID = "联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如010-12345678）"


def validate_phone(phone: str) -> str:
    """A mainland phone number normalised (full-width digits folded, spaces and brackets dropped, a leading +86
    or 0086 dropped from a mobile), or InvalidIdentifier. A party may give a mobile or, a firm usually, a
    landline; both reach the parties' notices (SMS goes only to mobiles, `accounts.parties`)."""
    compact = _compact(phone).replace("(", "").replace(")", "").replace("（", "").replace("）", "")
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix) and MOBILE.match(compact[len(prefix) :].lstrip("-")):
            compact = compact[len(prefix) :].lstrip("-")
    if MOBILE.match(compact) or _LANDLINE.match(compact):
        return compact
    raise InvalidIdentifier(PHONE_INVALID)


# --- 公民身份号码 (GB 11643-1999) ---------------------------------------------------------------------

# GB 11643-1999 §7 (ISO 7064:1983 MOD 11-2): W_i = 2^(18-i) mod 11 for i = 1..17; the check digit is
# "10X98765432"[sum mod 11], X standing for 10.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"
# A birth date before 1900 is a typing error: nobody holding an 18-digit number was born that early.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)

RESIDENT_ID_EMPTY = "请填写公民身份号码"
RESIDENT_ID_OLD = "请填写18位公民身份号码"
RESIDENT_ID_LENGTH = "公民身份号码应为18位，实际为%(length)s位"
RESIDENT_ID_DIGIT = "公民身份号码第%(position)s位应为数字，实际为“%(char)s”"
RESIDENT_ID_LAST = "公民身份号码第18位应为数字或X，实际为“%(char)s”"
RESIDENT_ID_NO_DATE = "公民身份号码第7至14位的出生日期%(date)s不是有效日期"
RESIDENT_ID_TOO_EARLY = "公民身份号码第7至14位的出生日期%(date)s早于1900年1月1日"
RESIDENT_ID_FUTURE = "公民身份号码第7至14位的出生日期%(date)s晚于今天"
RESIDENT_ID_CHECK = "公民身份号码校验位错误：第18位应为%(expected)s，实际为%(actual)s"


def resident_id_check_digit(first17: str) -> str:
    """The 18th character (a digit or X) of a citizen identity number whose first 17 digits are `first17`."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def validate_resident_id(number: str, *, today: dt.date | None = None) -> str:
    """The normalised number (no spaces, upper-case X), or InvalidIdentifier saying what is wrong.

    Layout (GB 11643-1999 §5): positions 1–6 the address code, 7–14 the birth date YYYYMMDD, 15–17 the
    sequence code, 18 the check digit. The 15-digit numbers of GB 11643-1989 have no check digit and were
    replaced nationwide; we ask for the 18-digit one rather than convert, since a converted number cannot be
    verified. `today` (China time by default) bounds the birth date."""
    normalised = _compact(number)
    if not normalised:
        raise InvalidIdentifier(RESIDENT_ID_EMPTY)
    if len(normalised) == 15 and set(normalised) <= _DIGITS:
        raise InvalidIdentifier(RESIDENT_ID_OLD)
    if len(normalised) != 18:
        raise InvalidIdentifier(RESIDENT_ID_LENGTH, {"length": len(normalised)})
    for position, char in enumerate(normalised[:17], start=1):
        if char not in _DIGITS:
            raise InvalidIdentifier(RESIDENT_ID_DIGIT, {"position": position, "char": char})
    if normalised[17] not in _DIGITS and normalised[17] != "X":
        raise InvalidIdentifier(RESIDENT_ID_LAST, {"char": normalised[17]})
    digits = normalised[6:14]
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidIdentifier(RESIDENT_ID_NO_DATE, {"date": digits}) from None
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdentifier(RESIDENT_ID_TOO_EARLY, {"date": digits})
    if born > (today or dt.datetime.now(CHINA).date()):
        raise InvalidIdentifier(RESIDENT_ID_FUTURE, {"date": digits})
    expected = resident_id_check_digit(normalised[:17])
    if normalised[17] != expected:
        raise InvalidIdentifier(RESIDENT_ID_CHECK, {"expected": expected, "actual": normalised[17]})
    return normalised


def mask_id_number(number: str) -> str:
    """Enough to recognise a number, not enough to reuse it: the first 3 and last 4 characters are kept.
    A value shorter than 8 characters would reveal most of itself that way, so it is masked entirely."""
    number = number.strip()
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str) -> str:
    """A phone shown as 138****0002: the carrier prefix and the last 4 digits, as courts print them."""
    phone = phone.strip()
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_address(address: str) -> str:
    """An address shown down to its first 6 characters (province and city, usually), the rest starred."""
    address = address.strip()
    return address[:6] + "****" if len(address) > 6 else "*" * len(address)


# A party's personal fields and how each is shown to one whose role does not need the clear value.
_MASKS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}
PERSONAL_FIELDS = tuple(_MASKS)


def mask(field: str, value: str) -> str:
    """The one masking of a party's personal data (lists, pages, exports, API): `field` is one of
    PERSONAL_FIELDS."""
    return _MASKS[field](value or "")


def mask_parties(parties: list[dict]) -> list[dict]:
    """Parties as a message or a copy carries them (dicts), each personal field masked."""
    return [{**p, **{f: mask(f, p[f]) for f in PERSONAL_FIELDS if p.get(f)}} for p in parties]
