"""A direct application (当事人直接申请调解) on the investor platform (法办〔2021〕313号 四（六）; issue 10 item 3):
who may refuse it (L19), the periods the platform applies to it, and what a failed applicant is told about
going to court. Pure functions; the investor platform stores and shows what these decide."""

from .calendar import PeriodRule
from .enums import DisputeType, LabelledEnum
from .regions import province_of_division


class RespondentSector(LabelledEnum):
    """What the respondent is, as the applicant declares it (and the organisation checks when it reviews)."""

    SECURITIES_FIRM = "securities_firm", "证券公司"
    FUTURES_FIRM = "futures_firm", "期货公司"
    ISSUER = "issuer", "上市公司/发行人"
    FUND_MANAGER = "fund_manager", "基金管理人"
    OTHER = "other", "其他机构"


# L19: 《证券法》第九十四条第一款 — 普通投资者与证券公司发生证券业务纠纷，普通投资者提出调解请求的，证券公司不得
# 拒绝；《期货和衍生品法》第五十七条 — 普通交易者与期货经营机构发生期货业务纠纷并提出调解请求的，期货经营机构不得
# 拒绝. (Art. 56 of that law, cited here before, is the burden of proof on the futures firm in a dispute with an
# ordinary trader — the futures counterpart of 证券法 Art. 89 ¶2, not of Art. 94.) Neither law is in docs/law/.
L19_CITATION = "《中华人民共和国证券法》第九十四条第一款；《中华人民共和国期货和衍生品法》第五十七条"
L19_OUTSIDE_LAW = (
    "Neither law is in docs/law/. 《证券法》(2019年修订) 第九十四条第一款 and 《期货和衍生品法》(2022年4月20日通过，"
    "2022年8月1日施行) 第五十七条 are cited from the published texts (全国人民代表大会常务委员会公报); the "
    "earlier citation of 期货和衍生品法 第五十六条 (the burden of proof, not mediation) was corrected. Check both "
    "against the official texts before relying on them."
)
MAY_NOT_REFUSE = frozenset({RespondentSector.SECURITIES_FIRM, RespondentSector.FUTURES_FIRM})


def respondent_may_refuse(applicant_is_ordinary_investor: bool, sector: RespondentSector) -> bool:
    """L19: a securities or futures firm may not refuse mediation an ordinary investor (普通投资者, as opposed to
    a professional one, 《证券法》第八十九条) asked for; any other respondent may, as mediation is voluntary.
    The articles speak of disputes over the firm's securities (futures) business: the organisation checks that
    when it takes the application on, and declines with a reason what it should not mediate."""
    return not (applicant_is_ordinary_investor and RespondentSector(sector) in MAY_NOT_REFUSE)


# Neither the notice nor the rules give an organisation a period to review a party's own application or to
# mediate it (《人民法院在线调解规则》Art. 12 and 24 are about cases a court delegates): these are the platform's
# settings, named as such wherever they are shown (settings.SUTIAO_DIRECT_REVIEW_DAYS, _MEDIATION_DAYS).
DIRECT_SOURCE = "本平台设置（调解组织审查当事人直接申请的期限）"
DIRECT_MEDIATION_SOURCE = "本平台设置（调解组织受理的当事人直接申请的调解期限）"


def review_period(days: int) -> PeriodRule:
    return PeriodRule("direct-review", days, True, DIRECT_SOURCE)


def mediation_period(days: int) -> PeriodRule:
    return PeriodRule("direct-mediation", days, False, DIRECT_MEDIATION_SOURCE)


# A respondent with no account on the platform may never answer an invitation it never saw. The organisation then
# has two ways forward: record the answer the respondent gave it off the platform (by phone, in writing, in
# person), as a court records offline consent (L1: 在线调解规则 Art. 4 allows 线下 consent; the method is kept);
# or, when it could not reach the respondent, end the procedure with a written account of its attempts —
# 《人民法院在线调解规则》Art. 15 ¶2 (无法联系对方当事人的，调解员应当写明原因，终结在线调解程序…并告知当事人) and
# Art. 25 (3) (无法联系到当事人); LEGAL-RULES L5, L7. Not before the L5 period for reaching the other party (3
# working days from acceptance, Art. 15 ¶1) has passed, never automatically (L21: nothing irreversible on a
# deadline alone), and the applicant is told where to go to court.
UNREACHED_CITATION = "《人民法院在线调解规则》第十五条第二款、第二十五条第（三）项"
OFFLINE_ANSWER_METHODS = ("phone", "written", "in_person")  # enums.ConsentMethod values, never «online»


def may_end_unreached(today, notify_due, respondent_answered: bool) -> bool:
    """L5/L7: the respondent has not answered and the period for reaching it has ended (exclusive of its last
    day: on the due day itself the organisation may still reach it)."""
    return not respondent_answered and today > notify_due


def competent_court_guidance(dispute_type: DisputeType, respondent_code: str) -> str:
    """What the applicant is told when the mediation failed: where to sue and how. Built from the law on
    jurisdiction and the respondent's place of registration (positions 3–8 of its credit code name the
    registering authority's division, GB 32100), which is where its seat usually is — the court decides."""
    province = province_of_division(respondent_code[2:8]) if len(respondent_code) == 18 else None
    where = f"（依其统一社会信用代码，登记机关位于{province.name}）" if province else ""
    lines = [
        "调解未成功，您可以依法向人民法院起诉。",
        f"一般由被申请人住所地人民法院管辖{where}（《中华人民共和国民事诉讼法》第二十二条）；"
        "合同纠纷也可由合同履行地法院管辖（第二十四条），侵权纠纷也可由侵权行为地法院管辖（第二十九条）。",
    ]
    if DisputeType(dispute_type) == DisputeType.MISREPRESENTATION:
        lines.append(
            "证券虚假陈述侵权民事赔偿案件，由发行人住所地的省、自治区、直辖市人民政府所在的市、计划单列市和"
            "经济特区中级人民法院或者专门人民法院管辖（《最高人民法院关于审理证券市场虚假陈述侵权民事赔偿案件的"
            "若干规定》第三条）。"
        )
    lines.append(
        "起诉应当向人民法院递交起诉状，写明原告、被告、诉讼请求和所根据的事实与理由、证据和证据来源（第一百二十三条、"
        "第一百二十四条），也可通过人民法院在线服务平台网上立案。是否受理、由哪一法院管辖，以法院审查为准。"
    )
    return "\n".join(lines)
