"""Demo data both platforms agree on (fixed ids, so the court's organisations are the investor's)."""

import uuid

from django.conf import settings
from django.core.management.base import CommandError


def ensure_development() -> None:
    """Demo accounts share a published password and a published TOTP key: they exist only in development."""
    if not settings.DEV:
        raise CommandError("只在开发环境（SUTIAO_DEV=1）中可用：演示账号的密码和动态口令密钥是公开的")


PASSWORD = "sutiao-demo-2026"
# The demo staff accounts' shared TOTP key (hex, as django-otp stores it); its base32 form goes into an
# authenticator app.
OPERATOR_TOTP_KEY = "3132333435363738393031323334353637383930"
OPERATOR_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

SPC = uuid.UUID("00000000-0000-7000-8000-000000000001")
BEIJING_HIGH = uuid.UUID("00000000-0000-7000-8000-000000000002")
BEIJING_4TH_INTERMEDIATE = uuid.UUID("00000000-0000-7000-8000-000000000003")
CHAOYANG = uuid.UUID("00000000-0000-7000-8000-000000000004")
XICHENG = uuid.UUID("00000000-0000-7000-8000-000000000005")

BUREAU = uuid.UUID("00000000-0000-7000-8000-000000000101")
BEIJING_OFFICE = uuid.UUID("00000000-0000-7000-8000-000000000102")
# Registry data of the demo organisations: the first 17 characters of each unified social credit code (the
# check character is computed, GB 32100-2015), kind, territorial scope, dispute types, capacity.
ORGANISATION_REGISTRY = {
    "org1": (
        "51100000MJ0000011",
        "industry",
        ["全国"],
        [
            "misrepresentation",
            "insider_trading",
            "market_manipulation",
            "brokerage_contract",
            "margin_trading",
            "asset_management",
            "public_fund",
            "private_fund",
            "investment_advisory",
            "futures_brokerage",
            "other",
        ],
        500,
    ),
    "org2": (
        "51100000MJ0000022",
        "industry",
        ["全国"],
        ["brokerage_contract", "margin_trading", "investment_advisory", "asset_management", "other"],
        300,
    ),
    "org3": (
        "52110000MJ0000033",
        "people",
        ["北京市", "天津市", "河北省"],
        ["misrepresentation", "brokerage_contract", "futures_brokerage", "other"],
        120,
    ),
}
# The first 17 digits of the demo mediators' identity numbers (the check digit is computed, GB 11643-1999).
MEDIATOR_ID_PREFIXES = [
    "11010519750301",
    "11010219800512",
    "11010819690823",
    "11010619781109",
    "11010519850214",
    "11011419720730",
]
ORGANISATIONS = [
    (uuid.UUID("00000000-0000-7000-8000-000000000201"), "中证资本市场法律服务中心", "org1"),
    (uuid.UUID("00000000-0000-7000-8000-000000000202"), "中国证券业协会证券纠纷调解中心", "org2"),
    (uuid.UUID("00000000-0000-7000-8000-000000000203"), "北京证券期货纠纷调解中心", "org3"),
]

COURT_USERS = [
    # username, full name, role, court. Each court role has its own rights (court.permissions): filing staff
    # register, ask consent and delegate; judges review applications for judicial confirmation; court admins keep
    # the roster.
    ("court_filing", "王立案", "filing_staff", CHAOYANG),
    ("court_judge", "李法官", "judge", CHAOYANG),
    ("court_admin", "赵管理", "court_admin", CHAOYANG),
    ("xicheng_filing", "陈立案", "filing_staff", XICHENG),
    ("xicheng_admin", "吴管理", "court_admin", XICHENG),
    # The intermediate court the demo designates for securities misrepresentation (seed_demo_cases.COURT_AREAS):
    # a direct case's agreement in such a dispute is confirmed there (L11; 虚假陈述规定 Art. 3).
    ("bj4_filing", "冯立案", "filing_staff", BEIJING_4TH_INTERMEDIATE),
    ("bj4_judge", "韩法官", "judge", BEIJING_4TH_INTERMEDIATE),
    # A higher court's roster: a basic court below it may ask to take an entry over, which the organisation or
    # mediator consents to on the investor platform (在线调解规则 Art. 27 ¶2; LEGAL-RULES L23).
    ("beijing_high_admin", "高名册", "court_admin", BEIJING_HIGH),
    # The Supreme People's Court confirms the jointly recognised roster (notice §4(4) ¶2).
    ("spc_admin", "钱最高", "court_admin", SPC),
]
INVESTOR_USERS = [
    ("bureau", "孙投保", "bureau_staff", BUREAU),
    ("beijing_office", "周监管", "supervisor", BEIJING_OFFICE),
    *[(f"{code}_admin", f"{name[:2]}管理员", "org_admin", org_id) for org_id, name, code in ORGANISATIONS],
    *[
        (f"{code}_mediator{i}", f"{'张刘吴'[n]}调解{i}", "mediator", org_id)
        for n, (org_id, _name, code) in enumerate(ORGANISATIONS)
        for i in (1, 2)
    ],
]
# The demo mediators' mobiles: a mediator confirms their signature on an agreement with a code sent there
# (investor.actions.agreements.sign_agreement).
MEDIATOR_MOBILES = {
    f"{code}_mediator{i}": f"136{n:04d}{i:04d}" for n, (_id, _name, code) in enumerate(ORGANISATIONS, 1) for i in (1, 2)
}

# The courts whose demo roster holds the demo organisations (both sides seed the same confirmations).
ROSTER_COURTS = [(CHAOYANG, "北京市朝阳区人民法院"), (XICHENG, "北京市西城区人民法院")]
ROSTER_VALID_YEARS = 3
# The Beijing High Court's demo roster: an organisation (on the basic courts' rosters too) and one of its
# mediators, whom the Chaoyang court can ask to take over and who consents in person (org3_mediator1).
HIGH_COURT_ROSTER = (BEIJING_HIGH, "北京市高级人民法院", "org3", 1)


def uscc(code: str) -> str:
    from sutiao.kernel.identifiers import uscc_check_character

    first17 = ORGANISATION_REGISTRY[code][0]
    return first17 + uscc_check_character(first17)


def mediator_id_number(index: int) -> str:
    from sutiao.kernel.identifiers import resident_id_check_digit

    first17 = MEDIATOR_ID_PREFIXES[index] + f"{index + 1:03d}"
    return first17 + resident_id_check_digit(first17)


def roster_proposal_id(org_id: uuid.UUID, court_id: uuid.UUID) -> uuid.UUID:
    """The same demo confirmation on both platforms."""
    return uuid.uuid5(org_id, f"demo-roster-{court_id}")


def mediator_id(org_code: str, number: int) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"sutiao-demo-mediator-{org_code}-{number}")


# Parties with accounts on the court platform (issue 10): an investor and a securities firm, both parties of the
# demo case awaiting consent. They sign in with the password plus the SMS code (var/sms-court.log).
INVESTOR_PARTY = ("investor_chen", "陈二", "110105198001010012", "13800000002")
FIRM_PARTY = ("securities_firm", "某某证券股份有限公司", "91110000MA01234567", "13900000003")
# The investor's lawyer (role 代理人) on both platforms, with a power of attorney from 陈二 on each; on the
# investor platform the demo delegated case in mediation (DELEGATED_IN_MEDIATION) is theirs to work for her.
LAWYER = ("lawyer_zhao", "赵律师", "13700000004")
POWER_OF_ATTORNEY_REF = "（2026）京律委字第0001号"
# The court's demo case 陈二 v. 某某证券, consented and delegated to org1; `make up` then has org1 accept it and
# its mediation hold a session, with messages and evidence (investor: seed_demo_mediation).
DELEGATED_IN_MEDIATION = ("陈二", "某某证券股份有限公司", "48000.00", "赔偿营业部员工违规代客操作造成的损失")


def seed_lawyer(password: str | None = None):
    """The demo lawyer's account and 陈二's power of attorney for them (all scopes, a year), through the
    actions; on the platform this runs on. Returns the lawyer."""
    import datetime as dt

    from sutiao.accounts import parties
    from sutiao.accounts.models import AgentScope, PartyProfile, Role, User

    username, name, mobile = LAWYER
    lawyer = User.objects.filter(username=username).first()
    if lawyer is None:
        lawyer = User.objects.create_user(
            username, password=password or PASSWORD, role=Role.AGENT, full_name=name, phone=mobile
        )
    investor = PartyProfile.objects.get(user__username=INVESTOR_PARTY[0]).user
    if not parties.powers_of(investor).filter(agent=lawyer, revoked_at__isnull=True).exists():
        parties.grant_power(
            investor,
            agent=lawyer,
            scopes=list(AgentScope.values),
            valid_until=dt.date.today() + dt.timedelta(days=365),
            document_ref=POWER_OF_ATTORNEY_REF,
        )
    return lawyer


def party_id_number(first: str) -> str:
    """A demo identity number or credit code made valid: its last character replaced by the check character."""
    from sutiao.kernel.identifiers import resident_id_check_digit, uscc_check_character

    return first[:17] + (
        resident_id_check_digit(first[:17]) if first[:17].isdigit() else uscc_check_character(first[:17])
    )
