"""Who may act on the court platform: one function per right, each raising PermissionDenied with the reason.
Actions call them first; pages call `allows` to show only the buttons the user's role permits.

Roles (accounts.Role): filing staff (立案庭) register applications, ask the parties' consent and delegate; judges
review and rule on the applications for judicial confirmation the court names them to (filing staff register
and accept those);
court admins keep the court's invited roster (confirm, reject, remove, ask to take over a higher court's entry); the
Supreme People's Court's admins confirm the jointly recognised roster (notice 四（四）). Everyone works only
on their own court's cases and roster. Which actor may do what is declared once, in the permission matrix
(`access.RULES`); the checks here read it and add the reach (own court, the jointly recognised roster)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from sutiao.accounts.access import actor_of
from sutiao.accounts.models import InstitutionKind, User

from . import access


def allows(right, *args) -> bool:
    """Whether `right(*args)` would let the user act (for pages deciding which buttons to show)."""
    try:
        right(*args)
    except PermissionDenied:
        return False
    return True


def _may(user: User, kind: str, action: str) -> bool:
    """The matrix lets this user's actor do `action` to `kind` at all (its reach is checked by the caller)."""
    return user.is_authenticated and access.RULES[(kind, action)].get(actor_of(user)) is not None


def _of_a_court(user: User) -> bool:
    return _may(user, "case", "read") and user.institution_id is not None


def ensure_may_read(user: User, case=None) -> None:
    """Any staff of the court reads its cases and roster; staff of court X see only court X's cases."""
    if not _of_a_court(user):
        raise PermissionDenied(gettext("仅法院工作人员可进行此操作"))
    if case is not None and case.court_id != user.institution_id:
        raise PermissionDenied(gettext("无权处理其他法院的案件"))


def _filing_staff(user: User, action: str, case=None) -> None:
    ensure_may_read(user, case)
    if not _may(user, "case", action):
        raise PermissionDenied(gettext("仅立案工作人员可进行此操作"))


def ensure_may_register(user: User) -> None:
    """Filing staff register an application for mediation."""
    _filing_staff(user, "register")


def ensure_may_ask_consent(user: User, case) -> None:
    """Filing staff ask the parties and record their answers and choices (LEGAL-RULES L1, L3)."""
    _filing_staff(user, "ask_consent", case)


def ensure_may_correct(user: User, case) -> None:
    """Filing staff of the case's court correct its registration data and void a case registered by mistake
    (issue 15): they registered it."""
    _filing_staff(user, "correct", case)


def ensure_may_delegate(user: User, case=None) -> None:
    """Filing staff delegate (委派) or entrust (委托), recall, and send a case back to filing or trial."""
    _filing_staff(user, "delegate", case)


def _court_admin(user: User, action: str) -> None:
    if not _of_a_court(user):
        raise PermissionDenied(gettext("仅法院工作人员可确认特邀调解名册"))
    if not _may(user, "roster", action):
        raise PermissionDenied(gettext("仅法院管理员可管理特邀调解名册"))


def ensure_may_decide_roster(user: User, court_id) -> None:
    """A court's admins confirm, reject and remove its roster's entries; the jointly recognised roster
    (`court_id` None) is the Supreme People's Court's to decide (notice 四（四）)."""
    _court_admin(user, "decide")
    if court_id is None:
        if user.institution.kind != InstitutionKind.SUPREME_COURT:
            raise PermissionDenied(gettext("共同认定名册由最高人民法院确认"))
    elif court_id != user.institution_id:
        raise PermissionDenied(gettext("无权确认推送给其他法院的名册"))


def ensure_may_adopt(user: User) -> None:
    """A court's admins ask to take over a higher court's roster entry as their court's own; the organisation or
    mediator consents (在线调解规则 Art. 27 ¶2; LEGAL-RULES L23)."""
    _court_admin(user, "adopt")


def decides_jointly_recognised(user: User) -> bool:
    """The Supreme People's Court's admins decide the jointly recognised roster."""
    return allows(ensure_may_decide_roster, user, None)


# --- judicial confirmation (issue 11 §4) ---


def ensure_may_read_confirmation(user: User, application=None) -> None:
    """A court's staff read its applications for judicial confirmation."""
    if not (_of_a_court(user) and _may(user, "confirmation", "read")):
        raise PermissionDenied(gettext("仅法院工作人员可进行此操作"))
    if application is not None and application.court_id != user.institution_id:
        raise PermissionDenied(gettext("无权处理其他法院的司法确认申请"))


def ensure_may_receive_confirmation(user: User, application=None) -> None:
    """Filing staff register an application brought to the court (解释 Art. 353: written or oral) and decide
    whether the court accepts it (受理 or 不予受理, 2011 provisions Art. 4), naming the judge who reviews it."""
    ensure_may_read_confirmation(user, application)
    if not _may(user, "confirmation", "receive"):
        raise PermissionDenied(gettext("仅立案工作人员可登记和受理司法确认申请"))


def ensure_may_review_confirmation(user: User, application) -> None:
    """The judge the court named reviews the application and rules on it (2011 provisions Art. 6: 指定一名审判
    人员): another judge of the same court may read it, not decide it."""
    ensure_may_read_confirmation(user, application)
    if not _may(user, "confirmation", "review"):
        raise PermissionDenied(gettext("仅审查法官可进行此操作"))
    if application.judge_id != user.pk:
        raise PermissionDenied(gettext("本申请由%(judge)s审查") % {"judge": application.judge or gettext("指定的法官")})


def ensure_may_withdraw_confirmation(user: User, application) -> None:
    """Before the court accepts, filing staff record a withdrawal; after, the reviewing judge (解释 Art. 357)."""
    ensure_may_read_confirmation(user, application)
    if not _may(user, "confirmation", "withdraw"):
        raise PermissionDenied(gettext("仅立案工作人员或审查法官可记录撤回申请"))
    if application.judge_id is None:
        ensure_may_receive_confirmation(user, application)
    else:
        ensure_may_review_confirmation(user, application)


# --- the 调解书 and electronic service (issue 11 §5–6; L15, L16) ---


def ensure_may_assign_judge(user: User, case) -> None:
    """Filing staff name the judge who hears a case in litigation (承办法官)."""
    _filing_staff(user, "assign_judge", case)


def ensure_may_issue_document(user: User, case) -> None:
    """The judge who hears the case issues its 调解书 (《民事诉讼法》Art. 100 ¶2: 由审判人员署名) and records a party's
    refusal to sign for it; another judge of the court may read it, not issue it."""
    ensure_may_read(user, case)
    if not _may(user, "mediation_document", "issue"):
        raise PermissionDenied(gettext("仅承办法官可制作调解书"))
    if case.judge_id != user.pk:
        raise PermissionDenied(gettext("本案由%(judge)s承办") % {"judge": case.judge or gettext("承办法官")})


def ensure_may_record_service(user: User, court_id) -> None:
    """Filing staff and judges of the court record a party's consent to electronic service from their written
    confirmation, and the service by other means of a party who did not consent (L16)."""
    if not (_of_a_court(user) and _may(user, "service", "record")):
        raise PermissionDenied(gettext("仅法院立案工作人员或法官可登记送达事项"))
    if court_id != user.institution_id:
        raise PermissionDenied(gettext("无权处理其他法院的送达事项"))
