"""Translating what the Django-free kernel says. The kernel keeps its Chinese labels (they travel in the
docking and are written into the case record); this module lists them for `makemessages` and translates
them where they are shown: forms, views and the REST APIs' refusals. Templates use
`{% translate case.get_state_display %}`."""

from django.utils.translation import gettext, gettext_lazy, gettext_noop

from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import TransitionNotAllowed


def translated_choices(choices) -> list[tuple[str, str]]:
    """A kernel enum's `choices()` with each label translated when it is shown."""
    return [(value, gettext_lazy(label)) for value, label in choices]


def refusal(error: DomainError) -> str:
    """The message of a refusal in the user's language. Services raise theirs already translated; the
    kernel's own refusal (a transition the state machine does not allow) is translated here."""
    if isinstance(error, TransitionNotAllowed):
        return gettext("案件当前状态不允许此操作（%(machine)s: %(state)s → %(event)s）") % {
            "machine": error.machine,
            "state": error.state,
            "event": error.event,
        }
    return error.message


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
    gettext_noop("已拒绝"),
    gettext_noop("当事人撤回"),
    gettext_noop("法院已撤回委派"),
    # answer-period citations (kernel.rules)
    gettext_noop("法办〔2021〕313号 第四条第（五）项"),
    gettext_noop("《人民法院在线调解规则》第十二条"),
    # settings.PLATFORM_NAME
    gettext_noop("人民法院调解平台"),
    gettext_noop("中国投资者网证券期货纠纷在线调解平台"),
]
