"""Translating what the Django-free kernel says. The kernel keeps its Chinese labels (they travel in the
docking and are written into the case record); this module lists them for `makemessages` and translates
them where they are shown: forms, views and the REST APIs' refusals. Templates use
`{% translate case.get_state_display %}`."""

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import InvalidIdentifier
from sutiao.kernel.ranking import Factor
from sutiao.kernel.workflow import TransitionNotAllowed


def translated_choices(choices) -> list[tuple[str, str]]:
    """A kernel enum's `choices()` with each label translated when it is shown."""
    return [(value, gettext_lazy(label)) for value, label in choices]


def refusal(error: DomainError) -> str:
    """The message of a refusal in the user's language. Services raise theirs already translated; the
    kernel's own refusals (a transition the state machine does not allow, an identifier that fails its
    check) are translated here."""
    if isinstance(error, InvalidIdentifier):
        return gettext(error.template) % error.params
    if isinstance(error, TransitionNotAllowed):
        return gettext("案件当前状态不允许此操作（%(machine)s: %(state)s → %(event)s）") % {
            "machine": error.machine,
            "state": error.state,
            "event": error.event,
        }
    return error.message


def refused(error: Exception) -> str:
    """What the user reads of a refused action: a DomainError's message (`refusal`), or a PermissionDenied's own."""
    return refusal(error) if isinstance(error, DomainError) else str(error)


def translated_factor(factor: Factor) -> str:
    """A ranking factor's reason (kernel.ranking) in the user's language; its label is in LABELS."""
    return gettext(factor.detail_template) % factor.params


# Every label of the kernel's enumerations and state machines, and the platform names from settings;
# tests/*/test_i18n.py checks that this list and the kernel agree and that each has an English msgstr.
LABELS = [
    # DisputeType
    gettext_noop("虚假陈述"),
    gettext_noop("内幕交易"),
    gettext_noop("操纵市场"),
    gettext_noop("证券经纪合同"),
    gettext_noop("融资融券"),
    gettext_noop("资产管理"),
    gettext_noop("私募基金"),
    gettext_noop("公募基金"),
    gettext_noop("证券投资咨询"),
    gettext_noop("期货经纪合同"),
    gettext_noop("其他证券期货纠纷"),
    # DelegationKind
    gettext_noop("委派调解"),
    gettext_noop("委托调解"),
    # CaseStage
    gettext_noop("诉前"),
    gettext_noop("诉中"),
    # PartyRole
    gettext_noop("申请人"),
    gettext_noop("被申请人"),
    gettext_noop("第三人"),
    # PartyKind
    gettext_noop("自然人"),
    gettext_noop("法人"),
    gettext_noop("非法人组织"),
    # ConsentMethod
    gettext_noop("在线确认"),
    gettext_noop("书面同意"),
    gettext_noop("电话确认（有录音）"),
    gettext_noop("当面确认（有笔录）"),
    gettext_noop("当事人本人在线确认"),
    # MediationOutcome
    gettext_noop("调解成功"),
    gettext_noop("调解不成"),
    gettext_noop("当事人撤回调解申请"),
    # CourtState
    gettext_noop("已申请"),
    gettext_noop("征求调解意见中"),
    gettext_noop("各方同意调解，待委派"),
    gettext_noop("已委派/委托，待调解组织答复"),
    gettext_noop("已退回，待重新委派或立案"),
    gettext_noop("调解中"),
    gettext_noop("已立案"),
    gettext_noop("已恢复审理"),
    # InvestorState
    gettext_noop("待答复"),
    gettext_noop("已接受，待指派调解员"),
    gettext_noop("不予接受"),
    gettext_noop("当事人撤回"),
    gettext_noop("法院已撤回委派"),
    # InvestorProposalState
    gettext_noop("待法院确认"),
    gettext_noop("已纳入名册"),
    gettext_noop("法院未予确认"),
    gettext_noop("已移出名册"),
    gettext_noop("待同意"),
    gettext_noop("不同意沿用"),
    # ImportState
    gettext_noop("排队中"),
    gettext_noop("导入中"),
    gettext_noop("未导入（有错误）"),
    gettext_noop("已导入"),
    # AgreementState, TermKind, TermStatus (kernel.workflow, kernel.agreement)
    gettext_noop("草拟中"),
    gettext_noop("已定稿，待签署"),
    gettext_noop("已生效"),
    gettext_noop("已作废"),
    gettext_noop("司法确认被驳回，已另行起草调解协议"),
    gettext_noop("给付金钱"),
    gettext_noop("履行行为"),
    gettext_noop("待履行"),
    gettext_noop("义务人已报告履行，待权利人确认"),
    gettext_noop("已履行"),
    gettext_noop("逾期未履行"),
    # kernel.agreement.term_problems
    gettext_noop("请填写协议条款"),
    gettext_noop("履行条款不能超过50项"),
    gettext_noop("义务人须为本案当事人"),
    gettext_noop("权利人须为本案当事人"),
    gettext_noop("义务人与权利人不能是同一当事人"),
    gettext_noop("请选择履行方式"),
    gettext_noop("请写明应履行的行为"),
    gettext_noop("履行内容不能超过500字"),
    gettext_noop("给付金钱须填写金额"),
    gettext_noop("金额须大于零"),
    gettext_noop("金额以元为单位，最多两位小数"),
    gettext_noop("请填写履行期限"),
    gettext_noop("履行期限不能早于今天"),
    # kernel.agreement.signing_refusal
    gettext_noop("调解员已签署本协议"),
    gettext_noop("当事人不属于本案"),
    gettext_noop("调解员尚未签署，请待调解员签署后再签署"),
    gettext_noop("该当事人已签署本协议"),
    # answer-period citations (kernel.rules)
    gettext_noop("法办〔2021〕313号 四（五）"),
    gettext_noop("《人民法院在线调解规则》第十二条"),
    # kernel.identifiers
    gettext_noop("请填写统一社会信用代码"),
    gettext_noop("统一社会信用代码应为18位，实际为%(length)s位"),
    gettext_noop("统一社会信用代码第%(position)s位“%(char)s”不是合法字符（只用数字和除I、O、Z、S、V以外的大写字母）"),
    gettext_noop("统一社会信用代码第3至8位应为登记管理机关的行政区划码（6位数字），实际为%(division)s"),
    gettext_noop("统一社会信用代码校验位错误：第18位应为%(expected)s，实际为%(actual)s"),
    gettext_noop("联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如010-12345678）"),
    gettext_noop("请填写公民身份号码"),
    gettext_noop("请填写18位公民身份号码"),
    gettext_noop("公民身份号码应为18位，实际为%(length)s位"),
    gettext_noop("公民身份号码第%(position)s位应为数字，实际为“%(char)s”"),
    gettext_noop("公民身份号码第18位应为数字或X，实际为“%(char)s”"),
    gettext_noop("公民身份号码第7至14位的出生日期%(date)s不是有效日期"),
    gettext_noop("公民身份号码第7至14位的出生日期%(date)s早于1900年1月1日"),
    gettext_noop("公民身份号码第7至14位的出生日期%(date)s晚于今天"),
    gettext_noop("公民身份号码校验位错误：第18位应为%(expected)s，实际为%(actual)s"),
    # kernel.regions (the one-character abbreviations and 最高法 are codes, not words: never translated)
    gettext_noop("全国"),
    gettext_noop("未能确定地区"),
    gettext_noop("未知的省级行政区：%(name)s"),
    gettext_noop("北京市"),
    gettext_noop("天津市"),
    gettext_noop("河北省"),
    gettext_noop("山西省"),
    gettext_noop("内蒙古自治区"),
    gettext_noop("辽宁省"),
    gettext_noop("吉林省"),
    gettext_noop("黑龙江省"),
    gettext_noop("上海市"),
    gettext_noop("江苏省"),
    gettext_noop("浙江省"),
    gettext_noop("安徽省"),
    gettext_noop("福建省"),
    gettext_noop("江西省"),
    gettext_noop("山东省"),
    gettext_noop("河南省"),
    gettext_noop("湖北省"),
    gettext_noop("湖南省"),
    gettext_noop("广东省"),
    gettext_noop("广西壮族自治区"),
    gettext_noop("海南省"),
    gettext_noop("重庆市"),
    gettext_noop("四川省"),
    gettext_noop("贵州省"),
    gettext_noop("云南省"),
    gettext_noop("西藏自治区"),
    gettext_noop("陕西省"),
    gettext_noop("甘肃省"),
    gettext_noop("青海省"),
    gettext_noop("宁夏回族自治区"),
    gettext_noop("新疆维吾尔自治区"),
    # kernel.ranking
    gettext_noop("纠纷类型匹配"),
    gettext_noop("地域范围"),
    gettext_noop("当前负荷"),
    gettext_noop("答复及时率"),
    gettext_noop("调解成功率"),
    gettext_noop("专业领域包括本案纠纷类型"),
    gettext_noop("专业领域不包括本案纠纷类型"),
    gettext_noop("办理范围为全国"),
    gettext_noop("办理范围包括本院所在省份"),
    gettext_noop("办理范围不包括本院所在省份"),
    gettext_noop("本院所在省份未知，无法按地域范围计分"),
    gettext_noop("在办%(load)s件／容量%(capacity)s件"),
    gettext_noop("按期答复%(answered_on_time)s件／已答复%(answered)s件"),
    gettext_noop("暂无答复记录，按中间值计"),
    gettext_noop("调解成功%(succeeded)s件／已办结%(concluded)s件"),
    gettext_noop("暂无办结记录，按中间值计"),
    # settings.PLATFORM_NAME
    gettext_noop("人民法院调解平台"),
    gettext_noop("中国投资者网证券期货纠纷在线调解平台"),
    # CourtState (issue 9): withdrawal, and the labels that name 委派 or 委托 by the case's stage
    gettext_noop("当事人撤回，已结案"),
    gettext_noop("已作废（登记错误）"),
    gettext_noop("各方同意调解，待委派"),
    gettext_noop("各方同意调解，待委托"),
    gettext_noop("已委派，待调解组织答复"),
    gettext_noop("已委托，待调解组织答复"),
    gettext_noop("已退回，待重新委派或立案"),
    gettext_noop("已退回，待重新委托或恢复审理"),
    # DelegationState (court)
    gettext_noop("已发出，待调解平台接收"),
    gettext_noop("调解平台已接收，待答复"),
    gettext_noop("已接受"),
    gettext_noop("不予接受"),
    gettext_noop("逾期未答复"),
    gettext_noop("已撤回"),
    gettext_noop("调解结束"),
    # CourtProposalState
    gettext_noop("待确认"),
    gettext_noop("已确认"),
    gettext_noop("未予确认"),
    gettext_noop("推送方已撤销"),
    gettext_noop("待调解组织或调解员同意"),
    # AdoptionConsentBy (who answers a request to take over a higher court's entry, L23)
    gettext_noop("调解组织（由其管理员答复）"),
    gettext_noop("调解员本人"),
    gettext_noop("调解员本人（由所属调解组织管理员记录）"),
    # Party roles in litigation
    gettext_noop("原告"),
    gettext_noop("被告"),
    # MediationState
    gettext_noop("鉴定评估中（调解期限暂停计算）"),
    gettext_noop("调解终结（调解不成）"),
    # TerminationGround (在线调解规则 Art. 25)
    gettext_noop("当事人达成调解协议"),
    gettext_noop("当事人自行和解，撤回调解申请"),
    gettext_noop("在调解期限内无法联系到当事人"),
    gettext_noop("当事人一方明确表示不愿意继续调解"),
    gettext_noop("当事人分歧较大且难以达成调解协议"),
    gettext_noop("调解期限届满，未达成调解协议，且各方当事人未达成延长调解期限的合意"),
    gettext_noop("当事人一方拒绝在调解协议上签章"),
    gettext_noop("其他导致调解无法进行的情形"),
    # RecusalDecision
    gettext_noop("更换调解员"),
    gettext_noop("驳回申请，原调解员继续调解"),
    # CourtLevel (judicial confirmation, L11–L13)
    gettext_noop("基层人民法院"),
    gettext_noop("中级人民法院"),
    # VenueGround (judicial confirmation, L11–L13)
    gettext_noop("作出邀请的人民法院"),
    gettext_noop("当事人住所地"),
    gettext_noop("标的物所在地"),
    gettext_noop("调解组织所在地"),
    gettext_noop("发行人住所地"),
    # NonAcceptanceGround (judicial confirmation, L11–L13)
    gettext_noop("不属于人民法院受理范围"),
    gettext_noop("不属于本院管辖"),
    gettext_noop("申请确认婚姻关系、亲子关系、收养关系等身份关系"),
    gettext_noop("涉及适用其他特别程序、公示催告程序、破产程序审理"),
    gettext_noop("调解协议内容涉及物权、知识产权确权"),
    gettext_noop("超过调解协议生效之日起三十日的申请期间"),
    # RejectionGround (judicial confirmation, L11–L13)
    gettext_noop("违反法律强制性规定"),
    gettext_noop("损害国家利益、社会公共利益、他人合法权益"),
    gettext_noop("违背公序良俗"),
    gettext_noop("违反自愿原则"),
    gettext_noop("内容不明确"),
    gettext_noop("其他不能进行司法确认的情形"),
    # RulingOutcome (judicial confirmation, L11–L13)
    gettext_noop("裁定调解协议有效"),
    gettext_noop("裁定驳回申请"),
    # ConfirmationState (judicial confirmation, L11–L13)
    gettext_noop("已收到申请，待决定是否受理"),
    gettext_noop("已受理，审查中"),
    gettext_noop("裁定不予受理"),
    gettext_noop("裁定调解协议有效"),
    gettext_noop("裁定驳回申请"),
    gettext_noop("准许撤回申请"),
    # RequestState (the parties' online application for judicial confirmation, issue 11 §4)
    gettext_noop("当事人共同申请中"),
    gettext_noop("已提交法院"),
    gettext_noop("法院已收到申请，待决定是否受理"),
    gettext_noop("法院平台未接收"),
    gettext_noop("法院已受理，审查中"),
    gettext_noop("法院裁定不予受理"),
    gettext_noop("法院裁定调解协议有效"),
    gettext_noop("法院裁定驳回申请"),
    gettext_noop("已撤回申请"),
    # what_follows (L13)
    gettext_noop("一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请执行。"),
    gettext_noop("通过调解方式变更原调解协议；"),
    gettext_noop("达成新的调解协议；"),
    gettext_noop("向人民法院提起诉讼。"),
    # CourtState and MediationDocumentState: the 调解书 (issue 11 §5, L15)
    gettext_noop("已制作调解书，待双方当事人签收"),
    gettext_noop("调解书已生效，已结案"),
    gettext_noop("已送达，待双方当事人签收"),
    gettext_noop("双方当事人已签收，调解书发生法律效力"),
    gettext_noop("当事人拒绝签收，调解书未生效"),
    # Electronic service (issue 11 §6, L16): channels, how consent was given, other means
    gettext_noop("诉讼平台账号（站内信）"),
    gettext_noop("手机短信"),
    gettext_noop("电子邮箱"),
    gettext_noop("当事人本人（或其代理人）在线确认"),
    gettext_noop("书面电子送达确认书（工作人员登记）"),
    gettext_noop("直接送达（当事人签收）"),
    gettext_noop("邮寄送达"),
]
