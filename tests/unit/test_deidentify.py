"""Typical cases are published without personal data (issue 13 §7, kernel.deidentify): a property test over
generated cases — names, identity numbers, phones, account numbers, addresses and e-mail addresses written into
the text in the ways a case write-up writes them — finds none of them in the published text, and each party keeps
one pseudonym throughout."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sutiao.kernel.deidentify import Kind, Known, deidentify, pseudonyms, residue
from sutiao.kernel.identifiers import resident_id_check_digit, uscc_check_character

# Pools kept apart so that a generated name never occurs inside an address or the template's own words.
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂"
PLACES = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东"]
CITIES = ["广州", "杭州", "南京", "成都", "武汉", "济南", "深圳", "宁波"]
DISTRICTS = ["天河", "西湖", "鼓楼", "锦江", "江汉", "历下", "福田", "海曙"]
ROADS = ["中山", "解放", "人民", "建设", "和平", "长江", "延安", "黄河"]
FIRM_HEADS = ["东方", "华南", "长城", "光大", "银河", "国信", "兴业", "申万"]

person = st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2))
firm = st.builds(
    lambda head, trade: head + trade,
    st.sampled_from(FIRM_HEADS),
    st.sampled_from(["证券股份有限公司", "期货有限公司", "基金管理有限公司", "科技股份有限公司"]),
)


@st.composite
def id_number(draw):
    area = draw(st.sampled_from(["110105", "310115", "440305", "510104"]))
    born = f"{draw(st.integers(1950, 2005))}{draw(st.integers(1, 12)):02d}{draw(st.integers(1, 28)):02d}"
    first17 = f"{area}{born}{draw(st.integers(0, 999)):03d}"
    return first17 + resident_id_check_digit(first17)


@st.composite
def credit_code(draw):
    first17 = (
        "91"
        + draw(st.sampled_from(["110000", "310000", "440300"]))
        + draw(st.text("0123456789ABCDEFGH", min_size=9, max_size=9))
    )
    return first17 + uscc_check_character(first17)


phone = st.builds(lambda p, rest: f"1{p}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 999_999_999))
account = st.one_of(
    st.builds(lambda n: f"{n}", st.integers(10**9, 10**19 - 1)),  # a bank card or fund account, 10–19 digits
    st.builds(lambda n: f"A{n:09d}", st.integers(0, 999_999_999)),  # a Shanghai securities account
    st.builds(lambda a, b, c, d: f"{a:04d} {b:04d} {c:04d} {d:04d}", *[st.integers(1000, 9999)] * 4),
)
address = st.builds(
    lambda p, c, d, r, n, room: f"{p}省{c}市{d}区{r}路{n}号{room}室",
    st.sampled_from(PLACES),
    st.sampled_from(CITIES),
    st.sampled_from(DISTRICTS),
    st.sampled_from(ROADS),
    st.integers(1, 999),
    st.integers(101, 2508),
)
email = st.builds(
    lambda u, d: f"{u}@{d}.com", st.text("abcdefghijk", min_size=3, max_size=8), st.text("xyzmn", min_size=3)
)


def _phone_forms(number: str) -> list[str]:
    return [number, f"{number[:3]}-{number[3:7]}-{number[7:]}", f"{number[:3]} {number[3:7]} {number[7:]}"]


@st.composite
def case(draw):
    """A case write-up and what the case knows (some values are written in the text but unknown to the case: a
    witness's number, an account the record never held)."""
    investor, other = draw(st.lists(person, min_size=2, max_size=2, unique=True))
    company = draw(firm)
    numbers = draw(st.lists(id_number(), min_size=2, max_size=2, unique=True))
    code = draw(credit_code())
    phones = draw(st.lists(phone, min_size=2, max_size=2, unique=True))
    home = draw(address)
    witness_address = draw(address)
    accounts = draw(st.lists(account, min_size=2, max_size=2, unique=True))
    mail = draw(email)
    phone_written = draw(st.sampled_from(_phone_forms(phones[0])))
    text = (
        f"申请人{investor}（身份证号{numbers[0]}，联系电话{phone_written}，住{home}）与被申请人{company}"
        f"（统一社会信用代码{code}）证券交易代理合同纠纷一案。{investor}称，其于2023年3月在{company}开立资金账户"
        f"{accounts[0]}，{company}员工{other}（电话{phones[1]}）未经授权代为买卖股票，造成损失125,000.00元。"
        f"证人住所地位于{witness_address}，身份证号{numbers[1]}，银行卡号{accounts[1]}，电子邮箱{mail}。"
        f"经调解，{company}同意于2026-12-31前向{investor}支付赔偿款80,000元。"
    )
    known = [
        Known(Kind.PERSON, investor, 0),
        Known(Kind.ID_NUMBER, numbers[0], 0),
        Known(Kind.PHONE, phones[0], 0),
        Known(Kind.ADDRESS, home, 0),
        Known(Kind.ACCOUNT, accounts[0], 0),
        Known(Kind.FIRM, company, 1),
        Known(Kind.ID_NUMBER, code, 1),
        Known(Kind.PERSON, other, 2),
    ]
    secrets = [investor, other, company, code, *numbers, *phones, home, witness_address, mail]
    secrets += [re.sub(r"\D", "", a) for a in accounts] + accounts
    return text, known, secrets, investor


@settings(max_examples=300, deadline=None)
@given(case())
def test_no_name_number_phone_account_or_address_survives(generated):
    text, known, secrets, _investor = generated
    published = deidentify(text, known).text
    for secret in secrets:
        assert secret not in published, (secret, published)
    # Nor any run of six or more digits of them (a number cut in two would still identify).
    digits = {re.sub(r"\D", "", s) for s in secrets if re.sub(r"\D", "", s)}
    for run in re.findall(r"\d{6,}", re.sub(r"[\s-]", "", published)):
        assert not any(run in d for d in digits), (run, published)
    assert residue(published, known) == []
    # What is not personal data stays: the amounts and the date.
    assert "125,000.00元" in published and "80,000元" in published and "2026-12-31" in published


@settings(max_examples=100, deadline=None)
@given(case())
def test_each_party_keeps_one_pseudonym_throughout(generated):
    text, known, _secrets, investor = generated
    names = pseudonyms(known)
    published = deidentify(text, known).text
    assert published.count(names[0]) == text.count(investor) and names[0] == "投资者甲"
    assert names[1] in {"某证券公司", "某期货公司", "某基金公司", "某公司"}
    assert names[2] == "投资者乙"


def test_the_residue_names_what_remains_never_the_value():
    known = [Known(Kind.PERSON, "陈二", 0), Known(Kind.PHONE, "13800000002", 0)]
    assert residue("投资者甲同意调解。", known) == []
    found = residue("陈二的电话是138 0000 0002，邮箱 a@b.cn", known)
    assert found == ["email", "person", "phone"]


def test_the_longest_name_is_replaced_first_and_the_mediator_is_named_as_such():
    known = [
        Known(Kind.PERSON, "陈二", 0),
        Known(Kind.PERSON, "陈二狗", 1),
        Known(Kind.PERSON, "张调解", 9, label="调解员"),
        Known(Kind.FIRM, "甲证券股份有限公司", 2),
        Known(Kind.FIRM, "乙证券股份有限公司", 3),
    ]
    result = deidentify("陈二狗与陈二诉甲证券股份有限公司、乙证券股份有限公司，张调解主持调解。", known)
    assert result.text == "投资者乙与投资者甲诉甲证券公司、乙证券公司，调解员主持调解。"
    assert result.total == 5


def test_dates_amounts_and_case_numbers_are_not_taken_for_personal_data():
    text = "（2026）京0105民特123号，2026-12-01签订，赔偿1,000,000.00元，于2026年12月31日前付清。"
    assert deidentify(text, []).text == text
    assert residue(text, []) == []
