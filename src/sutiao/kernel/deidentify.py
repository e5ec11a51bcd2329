"""De-identifying a closed case for publication as a typical case (典型案例; 法办〔2021〕313号 五（四）「通过典型
案例…提高当事人和社会公众…的知晓度和信任度」; issue 13 §7), as a pure function over text.

Two nets, because neither alone is enough:
1. What the case itself knows — each party's name, identity number or credit code, phone, address, account
   numbers: replaced wherever it appears, consistently ("投资者甲" stays 投资者甲 throughout, a firm becomes
   "某证券公司"), longest value first so that a name inside a longer one never leaves a tail behind.
2. What a text may hold that the case never recorded — another identity number, a mobile or fixed-line number,
   an e-mail address, a bank or securities account number, a credit code, a street address: caught by their
   shape and masked.

What neither net catches (a witness's name written only in the free text) is why a reviewer compares the original
and the result side by side before anything is published, and why `residue` checks the reviewer's final text
again: approval is refused while anything known or anything of a personal-data shape remains.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

# Pseudonyms in the order parties are listed: 甲, 乙, 丙 … then 甲1 … if a case ever had more.
_ORDINALS = "甲乙丙丁戊己庚辛壬癸"


class Kind(StrEnum):
    PERSON = "person"  # a natural person's name
    FIRM = "firm"  # a legal person's name
    ID_NUMBER = "id_number"  # identity number or unified social credit code
    PHONE = "phone"
    ADDRESS = "address"
    ACCOUNT = "account"  # securities, futures, fund or bank account number
    EMAIL = "email"


@dataclass(frozen=True)
class Known:
    """One piece of personal data the case holds, and whose it is (`owner` = the party's position in the case, so
    each party's pseudonym is the same wherever their data appears). `label`, if given, is the owner's pseudonym
    (the mediator is 调解员, not an investor)."""

    kind: Kind
    value: str
    owner: int = 0
    label: str = ""


@dataclass(frozen=True)
class Replacement:
    kind: Kind
    pseudonym: str
    count: int


@dataclass(frozen=True)
class Result:
    text: str
    replacements: tuple[Replacement, ...]  # what was replaced, by kind and pseudonym (never the original value)

    @property
    def total(self) -> int:
        return sum(r.count for r in self.replacements)


# Firms are named by their trade, as published judgments and typical cases do (某证券公司, 某期货公司 …).
_TRADES = (
    ("证券", "证券公司"),
    ("期货", "期货公司"),
    ("基金", "基金公司"),
    ("银行", "银行"),
    ("保险", "保险公司"),
    ("信托", "信托公司"),
)


def _ordinal(i: int) -> str:
    return _ORDINALS[i] if i < len(_ORDINALS) else f"{_ORDINALS[i % len(_ORDINALS)]}{i // len(_ORDINALS)}"


def _trade(name: str) -> str:
    for word, trade in _TRADES:
        if word in name:
            return trade
    return "公司"


def pseudonyms(known: list[Known]) -> dict[int, str]:
    """Each owner's pseudonym: natural persons 投资者甲、投资者乙 …; firms 某证券公司 (甲证券公司、乙证券公司 when
    the case has two of the same trade). An owner with no name in `known` is 当事人甲 … in their order."""
    labelled = {k.owner for k in known if k.label}
    persons = sorted({k.owner for k in known if k.kind == Kind.PERSON} - labelled)
    firms = {k.owner: _trade(k.value) for k in known if k.kind == Kind.FIRM and k.owner not in labelled}
    names = {owner: f"投资者{_ordinal(i)}" for i, owner in enumerate(persons)}
    for trade in sorted(set(firms.values())):
        owners = sorted(o for o, t in firms.items() if t == trade)
        for i, owner in enumerate(owners):
            names[owner] = f"某{trade}" if len(owners) == 1 else f"{_ordinal(i)}{trade}"
    others = sorted({k.owner for k in known} - set(names) - labelled)
    for i, owner in enumerate(others):
        names[owner] = f"当事人{_ordinal(i)}"
    names.update({k.owner: k.label for k in known if k.label})
    return names


# What the masks read. A reader sees that something was there and what kind, never any part of it.
MASKS = {
    Kind.ID_NUMBER: "[证件号码]",
    Kind.PHONE: "[电话号码]",
    Kind.ADDRESS: "[住址]",
    Kind.ACCOUNT: "[账号]",
    Kind.EMAIL: "[电子邮箱]",
}

# Shapes of personal data. Digits next to other digits are never cut in the middle ((?<![0-9]) … (?![0-9])).
_SHAPES: tuple[tuple[Kind, re.Pattern], ...] = (
    # GB 32100 unified social credit code, GB 11643 identity numbers (18, or the old 15 digits).
    (Kind.ID_NUMBER, re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])")),
    (Kind.ID_NUMBER, re.compile(r"(?<![0-9])\d{17}[0-9Xx](?![0-9A-Za-z])")),
    (Kind.ID_NUMBER, re.compile(r"(?<![0-9])\d{15}(?![0-9])")),
    # Mainland mobile numbers, with or without +86 and separators.
    (Kind.PHONE, re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")),
    # Card and account numbers written in groups (6222 0212 3456 7890): three or more groups of 3+ digits.
    (Kind.ACCOUNT, re.compile(r"(?<![0-9])\d{3,}(?:[- ]\d{3,}){2,5}(?![0-9])")),
    # Fixed lines with an area code (010-12345678, 0755 1234 5678).
    (Kind.PHONE, re.compile(r"(?<![0-9])0\d{2,3}[- ]?\d{3,4}[- ]?\d{4}(?![0-9])")),
    (Kind.EMAIL, re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    # Any other run of 8 or more digits is an account number: amounts are written with a decimal point or
    # thousands separators, dates with 年月日 or two-digit groups (2026-12-01), so neither is taken for one.
    (Kind.ACCOUNT, re.compile(r"(?<![0-9A-Za-z.,])[A-Z]?\d{8,}(?![0-9.,])")),
    # A street address: a place (not starting with a function word such as 于、住、在, so that "住所地位于北京市…"
    # loses only the address), an administrative unit, a road, street, lane, village or estate, and a number.
    (
        Kind.ADDRESS,
        re.compile(
            r"(?:(?![于在为是住址所地居位的和与及至从到向即系其])[\u4e00-\u9fff]){2,6}?(?:省|自治区|市|区|县|镇|乡)"
            r"[\u4e00-\u9fff0-9]{0,30}?(?:路|街|大道|道|巷|弄|胡同|村|小区|大厦|花园|公寓)[\u4e00-\u9fff0-9\-]{0,12}?\d+\s*号"
            r"(?:[\u4e00-\u9fff0-9\-]{0,12}?(?:室|楼|层|单元|幢|栋|座))*"
        ),
    ),
)


def _variants(k: Known) -> list[str]:
    """The forms a value may be written in: a phone or account number also with its groups separated."""
    value = k.value.strip()
    if not value:
        return []
    if k.kind in (Kind.PHONE, Kind.ACCOUNT, Kind.ID_NUMBER):
        digits = re.sub(r"[\s-]", "", value)
        forms = {value, digits, digits.lower(), digits.upper()}
        if k.kind == Kind.PHONE and len(digits) == 11:
            forms |= {f"{digits[:3]}{s}{digits[3:7]}{s}{digits[7:]}" for s in (" ", "-")}
        return sorted(forms, key=len, reverse=True)
    return [value]


def deidentify(text: str, known: list[Known]) -> Result:
    """`text` with every known value and every personal-data shape replaced. Known names and firm names become
    the owner's pseudonym; numbers and addresses their kind's mask."""
    names = pseudonyms(known)
    counts: dict[tuple[Kind, str], int] = {}
    # Longest first: 陈二狗 before 陈二, a full address before the street alone.
    ordered = sorted(
        ((variant, k) for k in known for variant in _variants(k)), key=lambda pair: len(pair[0]), reverse=True
    )
    for variant, k in ordered:
        if len(variant) < 2:  # a one-character "name" would eat ordinary words
            continue
        replacement = names[k.owner] if k.kind in (Kind.PERSON, Kind.FIRM) else MASKS[k.kind]
        n = text.count(variant)
        if n:
            text = text.replace(variant, replacement)
            counts[(k.kind, replacement)] = counts.get((k.kind, replacement), 0) + n
    for kind, shape in _SHAPES:
        text, n = shape.subn(MASKS[kind], text)
        if n:
            counts[(kind, MASKS[kind])] = counts.get((kind, MASKS[kind]), 0) + n
    return Result(text, tuple(Replacement(kind, p, n) for (kind, p), n in counts.items()))


def residue(text: str, known: list[Known]) -> list[str]:
    """What in `text` still looks like personal data: each known value found (by kind, never the value itself)
    and each personal-data shape. Empty when the text may be published."""
    found = []
    for k in known:
        if any(len(v) >= 2 and v in text for v in _variants(k)):
            found.append(str(k.kind))
    for kind, shape in _SHAPES:  # in deidentify's order: a mobile written in groups is a phone, not an account
        text, n = shape.subn(MASKS[kind], text)
        if n:
            found.append(str(kind))
    return sorted(set(found))
