"""Domain enumerations with their zh-hans labels (the labels are what users read and what travels)."""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a Chinese label; `choices()` feeds Django model fields."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class DisputeType(LabelledEnum):
    MISREPRESENTATION = "misrepresentation", "虚假陈述"
    INSIDER_TRADING = "insider_trading", "内幕交易"
    MARKET_MANIPULATION = "market_manipulation", "操纵市场"
    BROKERAGE_CONTRACT = "brokerage_contract", "证券经纪合同"
    MARGIN_TRADING = "margin_trading", "融资融券"
    ASSET_MANAGEMENT = "asset_management", "资产管理"
    PRIVATE_FUND = "private_fund", "私募基金"
    PUBLIC_FUND = "public_fund", "公募基金"
    INVESTMENT_ADVISORY = "investment_advisory", "证券投资咨询"
    FUTURES_BROKERAGE = "futures_brokerage", "期货经纪合同"
    OTHER = "other", "其他证券期货纠纷"


class DelegationKind(LabelledEnum):
    """委派 happens before filing, 委托 during litigation (《人民法院在线调解规则》Art. 24)."""

    DELEGATION = "delegation", "委派调解"
    ENTRUSTMENT = "entrustment", "委托调解"


class CaseStage(LabelledEnum):
    PRE_FILING = "pre_filing", "诉前"
    IN_LITIGATION = "in_litigation", "诉中"


class PartyRole(LabelledEnum):
    APPLICANT = "applicant", "申请人"
    RESPONDENT = "respondent", "被申请人"
    THIRD_PARTY = "third_party", "第三人"


class PartyKind(LabelledEnum):
    NATURAL_PERSON = "natural_person", "自然人"
    LEGAL_PERSON = "legal_person", "法人"
    OTHER_ORGANISATION = "other_organisation", "非法人组织"


class ConsentMethod(LabelledEnum):
    ONLINE = "online", "在线确认"
    WRITTEN = "written", "书面同意"
    PHONE = "phone", "电话确认（有录音）"
    IN_PERSON = "in_person", "当面确认（有笔录）"
    # The party (or their agent within a power of attorney) answered on the court platform themself (issue 10).
    PARTY_ONLINE = "party_online", "当事人本人在线确认"


class MediationOutcome(LabelledEnum):
    SUCCEEDED = "succeeded", "调解成功"
    FAILED = "failed", "调解不成"
    WITHDRAWN = "withdrawn", "当事人撤回调解申请"


class AdoptionConsentBy(LabelledEnum):
    """Who answers a lower court's request to take an organisation or mediator over from a higher court's
    roster (《人民法院在线调解规则》Art. 27 ¶2: 经其同意, 其 = the organisation or mediator; LEGAL-RULES L23)."""

    ORGANISATION = "organisation", "调解组织（由其管理员答复）"
    MEDIATOR = "mediator", "调解员本人"
    # A mediator without an account on the platform: the organisation's administrator records the mediator's
    # own answer and how it was obtained; the answer stays the mediator's.
    RECORDED_FOR_MEDIATOR = "recorded_for_mediator", "调解员本人（由所属调解组织管理员记录）"
