"""A party's direct application to a mediation organisation (法办〔2021〕313号 四（六）; issue 10 item 3): one
function per action, one transaction each — permission, the application machine's transition, its timeline,
the audit record and the notices to those concerned. Once the respondent agreed, or refused where it may not
(L19), the mediation runs as for a delegated case (actions.mediation); nothing travels to a court."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts import parties
from sutiao.accounts.models import AgentScope, Institution, InstitutionKind, PartyProfile, Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.audit.log import SYSTEM, record
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.direct import (
    L19_CITATION,
    OFFLINE_ANSWER_METHODS,
    UNREACHED_CITATION,
    RespondentSector,
    competent_court_guidance,
    may_end_unreached,
    respondent_may_refuse,
)
from sutiao.kernel.enums import ConsentMethod, DisputeType, MediationOutcome, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import InvalidIdentifier, validate_uscc
from sutiao.kernel.mediation import NOTIFY_PERIOD
from sutiao.kernel.workflow import APPLICATION, ApplicationEvent, ApplicationState
from sutiao.notifications.service import notify
from sutiao.workdays.selectors import calendar

from .. import permissions
from ..direct.models import ApplicationEvent as TimelineLine
from ..direct.models import ApplicationEvidence, DirectApplication
from ..direct.rules import review_deadline
from ..mediation.models import Mediation, MediationParty
from ..mediation.notify import tell_parties
from ..models import MediationOrg, RegistryStatus
from . import delegations, mediation

MAX_FILES = 10
OUTCOME_EVENTS = {
    MediationOutcome.SUCCEEDED: ApplicationEvent.SUCCEED,
    MediationOutcome.FAILED: ApplicationEvent.FAIL,
    MediationOutcome.WITHDRAWN: ApplicationEvent.WITHDRAW,
}


def add_event(application: DirectApplication, actor, text: str) -> None:
    TimelineLine.objects.create(application=application, actor=str(actor), text=text[:500])


def _move(application: DirectApplication, event: ApplicationEvent) -> str:
    before = application.state
    application.state = APPLICATION.next_state(application.state, event)
    return before


def _locked(application: DirectApplication) -> DirectApplication:
    return (
        DirectApplication.objects.select_for_update(of=("self",))
        .select_related("organisation", "applicant", "mediator")
        .get(pk=application.pk)
    )


def _tell(user: User, subject: str, text: str, application: DirectApplication) -> None:
    notify(
        user,
        "mediation_notice",
        {"subject": subject, "text": text, "number": application.number},
        link=f"/applications/{application.pk}/",
    )


def _tell_organisation(application: DirectApplication, subject: str, text: str) -> None:
    for admin in User.objects.filter(role=Role.ORG_ADMIN, institution=application.organisation, is_active=True):
        _tell(admin, subject, text, application)


def _tell_respondent(application: DirectApplication, subject: str, text: str) -> int:
    """Everyone who acts for the respondent firm on this platform (its account, its staff, agents with the
    consent scope), found by the credit code's digest. Returns how many were told."""
    users = parties.users_for_digest(application.respondent_digest, AgentScope.CONSENT)
    for user in users:
        _tell(user, subject, text, application)
    return len(users)


def _applicant_profile(actor: User) -> PartyProfile:
    """L8-style real-name check before the application: a natural person's own party account, verified."""
    permissions.ensure_may_apply(actor)
    profile = PartyProfile.objects.get(user=actor)
    if profile.verified_at is None:
        raise DomainError(gettext("请先完成实名核验再申请调解"))
    return profile


def _number(application_id, today) -> str:
    return f"ZS{today:%Y%m%d}{application_id.hex[-6:].upper()}"


@transaction.atomic
def submit(
    actor: User,
    organisation: Institution,
    *,
    dispute_type: str,
    facts: str,
    claims: str,
    amount,
    respondent_name: str,
    respondent_code: str,
    respondent_sector: str,
    ordinary_investor: bool,
    files=(),
) -> DirectApplication:
    """An investor applies to an organisation; the organisation reviews within the platform's period."""
    profile = _applicant_profile(actor)
    org = MediationOrg.objects.filter(pk=organisation.pk, status=RegistryStatus.ACTIVE).first()
    if org is None or organisation.kind != InstitutionKind.MEDIATION_ORG or not organisation.active:
        raise DomainError(gettext("请选择在册且正常开展工作的调解组织"), field="organisation")
    if dispute_type not in {d.value for d in DisputeType}:
        raise DomainError(gettext("请选择纠纷类型"), field="dispute_type")
    facts, claims, respondent_name = facts.strip(), claims.strip(), respondent_name.strip()
    if not facts:
        raise DomainError(gettext("请填写事实与理由"), field="facts")
    if not claims:
        raise DomainError(gettext("请填写请求事项"), field="claims")
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise DomainError(gettext("请填写标的额（元）"), field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e14"):
        raise DomainError(gettext("标的额应大于零"), field="amount")
    if not respondent_name:
        raise DomainError(gettext("请填写被申请人名称"), field="respondent_name")
    try:
        code = validate_uscc(respondent_code)
    except InvalidIdentifier as e:
        raise InvalidIdentifier(e.template, e.params, field="respondent_code") from None
    if respondent_sector not in {s.value for s in RespondentSector}:
        raise DomainError(gettext("请选择被申请人类型"), field="respondent_sector")
    files = list(files)
    if len(files) > MAX_FILES:
        raise DomainError(gettext("证据文件最多%(n)s个") % {"n": MAX_FILES}, field="files")
    now = timezone.now()
    due = review_deadline(now)
    application = DirectApplication(
        organisation=organisation,
        applicant=actor,
        applicant_name=profile.name,
        applicant_digest=profile.id_number_digest,
        applicant_ordinary=ordinary_investor,
        dispute_type=dispute_type,
        facts=facts,
        claims=claims,
        amount=amount,
        respondent_name=respondent_name,
        respondent_code=code,
        respondent_digest=id_number_digest(code),
        respondent_sector=respondent_sector,
        submitted_at=now,
        review_due=due.due,
        review_due_provisional=due.provisional,
    )
    application.number = _number(application.id, china_today(now))
    application.save()
    for upload in files:
        stored = accept_upload(upload, uploaded_by=actor, kind=FileKind.EVIDENCE, case=application.pk)
        ApplicationEvidence.objects.create(application=application, file=stored, added_at=now)
    record(
        actor,
        "application.submit",
        application,
        case=application.pk,
        after={
            "organisation": organisation.name,
            "respondent": respondent_name,
            "respondent_code": code,
            "amount": str(amount),
            "evidence": len(files),
        },
    )
    add_event(application, profile.name, gettext("提交调解申请，附证据%(n)s份") % {"n": len(files)})
    _tell_organisation(
        application, gettext("收到调解申请"), gettext("%(name)s申请调解，请在审查期限内处理") % {"name": profile.name}
    )
    return application


@transaction.atomic
def accept(actor: User, application: DirectApplication, mediator: User) -> DirectApplication:
    """The organisation takes the application on (受理) and names the mediator; the respondent is invited."""
    application = _locked(application)
    permissions.ensure_org_admin(actor, application)
    before = _move(application, ApplicationEvent.ACCEPT)
    application.answered_at, application.answered_by = timezone.now(), actor
    application.save(update_fields=["state", "answered_at", "answered_by"])
    assign(actor, application, mediator)
    record(
        actor,
        "application.accept",
        application,
        case=application.pk,
        before={"state": before},
        after={"state": application.state},
    )
    add_event(application, actor.display_name, gettext("受理调解申请，邀请被申请人参加调解"))
    _tell(application.applicant, gettext("调解申请已受理"), gettext("调解组织已受理，正在邀请被申请人"), application)
    invitation = gettext("%(name)s申请调解，请登录平台答复是否同意调解") % {"name": application.applicant_name}
    if not respondent_may_refuse(application.applicant_ordinary, application.respondent_sector):
        invitation += gettext("（普通投资者提出调解请求，证券期货经营机构不得拒绝）")
    if not _tell_respondent(application, gettext("调解邀请"), invitation):
        add_event(
            application,
            actor.display_name,
            gettext("被申请人尚未在本平台开设单位账户，请通过其他方式告知其开户后答复"),
        )
    return application


@transaction.atomic
def decline(actor: User, application: DirectApplication, reason: str) -> DirectApplication:
    """The organisation does not take the application on, with a reason the applicant is told."""
    application = _locked(application)
    permissions.ensure_org_admin(actor, application)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("不予受理须写明理由"), field="reason")
    before = _move(application, ApplicationEvent.DECLINE)
    application.answered_at, application.answered_by, application.decline_reason = timezone.now(), actor, reason
    application.save(update_fields=["state", "answered_at", "answered_by", "decline_reason"])
    record(
        actor,
        "application.decline",
        application,
        case=application.pk,
        before={"state": before},
        after={"state": application.state, "reason": reason},
    )
    add_event(application, actor.display_name, gettext("不予受理：%(reason)s") % {"reason": reason[:400]})
    _tell(application.applicant, gettext("调解申请不予受理"), reason, application)
    return application


def assign(actor: User, application: DirectApplication, mediator: User, change_reason: str = "") -> None:
    """Name (or, on a recusal or change the organisation decided, L9, replace) the mediator; the caller holds
    the application's lock, checked the actor and runs the transaction."""
    delegations.registered_mediator(application.organisation_id, mediator)
    before = application.mediator_id
    application.mediator, application.mediator_assigned_at = mediator, timezone.now()
    application.save(update_fields=["mediator", "mediator_assigned_at"])
    record(
        actor,
        "application.assign_mediator",
        application,
        case=application.pk,
        before={"mediator": before},
        after={"mediator": mediator.pk, "change_reason": change_reason},
    )
    add_event(application, actor.display_name, gettext("指派调解员：%(name)s") % {"name": mediator.display_name})


@transaction.atomic
def flag_overdue_reviews(today=None) -> int:
    """A periodic job: an application whose review deadline (SUTIAO_DIRECT_REVIEW_DAYS working days) has passed
    with no decision is flagged once — on its timeline and in the audit log — to the organisation's
    administrators, to the regional office or affiliated unit that supervises it, and to the applicant, who may
    keep waiting or withdraw and go elsewhere. Nothing is decided for anyone: a late review is still a review
    (and a provisional deadline, L21, decides nothing irreversible either)."""
    today = today or china_today()
    now = timezone.now()
    flagged = 0
    waiting = (
        DirectApplication.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("organisation", "organisation__parent", "applicant")
        .filter(state=ApplicationState.SUBMITTED, review_overdue_at__isnull=True, review_due__lt=today)
        .order_by("review_due")[:500]
    )
    for application in waiting:
        application.review_overdue_at = now
        application.save(update_fields=["review_overdue_at"])
        due = cn_date(application.review_due) + (gettext("（暂定）") if application.review_due_provisional else "")
        text = gettext("审查期限（%(due)s）已届满，调解组织尚未决定是否受理") % {"due": due}
        add_event(application, SYSTEM, text)
        record(SYSTEM, "application.review_overdue", application, case=application.pk, after={"review_due": due})
        _tell_organisation(application, gettext("调解申请审查逾期"), text)
        supervisor = application.organisation.parent
        if supervisor is not None:
            subject, named = gettext("所指导的调解组织审查逾期"), f"{application.organisation.name}：{text}"
            for staff in User.objects.filter(institution=supervisor, is_active=True):
                _tell(staff, subject, named, application)
        _tell(
            application.applicant,
            gettext("调解申请审查逾期"),
            text + gettext("。您可以继续等待，也可以撤回申请后向其他调解组织申请或向人民法院起诉。"),
            application,
        )
        flagged += 1
    return flagged


@transaction.atomic
def withdraw(actor: User, application: DirectApplication, reason: str = "") -> DirectApplication:
    """The applicant withdraws the application before the mediation starts (while the organisation reviews it,
    or the respondent has not answered yet); the organisation, and the respondent if it was invited, are told.
    Once the mediation runs, withdrawing ends it through the mediation (L7)."""
    application = _locked(application)
    if application.applicant_id != actor.pk:
        raise PermissionDenied(gettext("只有申请人本人可以撤回调解申请"))
    if application.state == ApplicationState.MEDIATING or ApplicationEvent.WITHDRAW not in APPLICATION.allowed_events(
        application.state
    ):
        raise DomainError(gettext("调解已开始或申请已结束，不能撤回申请；调解开始后可在调解工作台申请终结调解"))
    reason = reason.strip()
    invited = application.state == ApplicationState.AWAITING_RESPONDENT
    before = _move(application, ApplicationEvent.WITHDRAW)
    application.save(update_fields=["state"])  # the reason is kept in the timeline and the audit record
    record(
        actor,
        "application.withdraw",
        application,
        case=application.pk,
        before={"state": before},
        after={"state": application.state, "reason": reason},
    )
    text = gettext("申请人撤回调解申请") + (gettext("：%(reason)s") % {"reason": reason[:400]} if reason else "")
    add_event(application, application.applicant_name, text)
    _tell_organisation(application, gettext("调解申请已撤回"), text)
    if application.mediator_id:
        _tell(application.mediator, gettext("调解申请已撤回"), text, application)
    if invited:
        _tell_respondent(application, gettext("调解申请已撤回"), text)
    return application


@transaction.atomic
def respond(actor: User, application: DirectApplication, agreed: bool, reason: str = "") -> DirectApplication:
    """The respondent (its account, its staff, or an agent with the consent scope) agrees or refuses. A
    securities or futures firm may not refuse an ordinary investor's request (L19): the refusal is recorded as
    such and the mediation starts all the same."""
    application = _locked(application)
    acting = parties.acting_for(actor, application.respondent_digest, AgentScope.CONSENT)
    return _answered(
        actor,
        application,
        agreed,
        reason,
        who=acting.party.name,
        respondent=acting.party.user,
        kind=acting.party.kind,
        acting=acting,
    )


@transaction.atomic
def record_respondent_answer(
    actor: User, application: DirectApplication, agreed: bool, method: str, reason: str = "", note: str = ""
) -> DirectApplication:
    """The organisation's administrator records the answer a respondent with no account on this platform gave
    it off the platform — by phone (recorded), in writing or in person — as a court records offline consent
    (kernel.direct: UNREACHED_CITATION's note; L1). Who recorded it, how, and the note (the recording's or the
    letter's reference) are kept on the timeline and in the audit record; L19 applies as to an answer online.
    A respondent who has an account answers there itself."""
    application = _locked(application)
    permissions.ensure_org_admin(actor, application)
    if application.state != ApplicationState.AWAITING_RESPONDENT:
        raise DomainError(gettext("该申请当前不在等待被申请人答复"))
    if method not in OFFLINE_ANSWER_METHODS:
        raise DomainError(gettext("请选择被申请人答复的方式（电话、书面或当面）"), field="method")
    if parties.users_for_digest(application.respondent_digest, AgentScope.CONSENT):
        raise DomainError(gettext("被申请人已在本平台开设账户，请由其登录平台自行答复"))
    note = note.strip()
    if not note:
        raise DomainError(gettext("请填写答复的凭据（如录音编号、书面回复的文号或笔录）"), field="note")
    how = ConsentMethod(method).label
    who = gettext("%(firm)s（调解组织%(name)s记录：%(how)s，%(note)s）") % {
        "firm": application.respondent_name,
        "name": actor.display_name,
        "how": gettext(how),
        "note": note[:200],
    }
    offline = {"method": method, "note": note}
    return _answered(
        actor, application, agreed, reason, who=who, respondent=None, kind=PartyKind.LEGAL_PERSON, offline=offline
    )


def _answered(actor, application, agreed, reason, *, who, respondent, kind, acting=None, offline=None):
    """An answer to the invitation, given online by the respondent's side or recorded by the organisation: the
    state, the timeline, the audit record, the applicant told; the mediation opens unless the respondent
    refused where it may (L19)."""
    reason = reason.strip()
    may_refuse = respondent_may_refuse(application.applicant_ordinary, application.respondent_sector)
    if not agreed and not reason:
        raise DomainError(gettext("拒绝调解请写明理由"), field="reason")
    refused = not agreed and may_refuse
    before = _move(application, ApplicationEvent.RESPONDENT_REFUSED if refused else ApplicationEvent.START_MEDIATION)
    application.respondent_answered_at, application.respondent_answered_by = timezone.now(), actor
    application.refusal_attempted = not agreed and not may_refuse
    application.respondent_reason = reason if not agreed else ""
    if refused:
        application.court_guidance = competent_court_guidance(application.dispute_type, application.respondent_code)
    application.save(
        update_fields=[
            "state",
            "respondent_answered_at",
            "respondent_answered_by",
            "refusal_attempted",
            "respondent_reason",
            "court_guidance",
        ]
    )
    action = "application.respondent_agree"
    if refused:
        action = "application.respondent_refuse"
    elif not agreed:
        action = "application.respondent_refusal_not_allowed"  # L19
    after = {"state": application.state, "reason": reason, "rule": "" if agreed or refused else "L19"}
    if offline:
        after["recorded_offline"] = offline
    seq = record(actor, action, application, case=application.pk, before={"state": before}, after=after)
    if acting is not None:
        parties.record_act(acting, actor, action, application.number, seq)
    if refused:
        add_event(application, who, gettext("被申请人拒绝调解：%(reason)s") % {"reason": reason[:400]})
        _tell(
            application.applicant,
            gettext("被申请人拒绝调解"),
            gettext("被申请人拒绝调解，调解无法进行。可向人民法院起诉，详见申请页面。"),
            application,
        )
        return application
    if not agreed:
        add_event(
            application,
            who,
            gettext(
                "被申请人表示拒绝调解（%(reason)s）；依%(law)s，证券期货经营机构不得拒绝普通投资者提出的调解请求，调解继续进行"
            )
            % {"reason": reason[:200], "law": L19_CITATION},
        )
    else:
        add_event(application, who, gettext("被申请人同意调解"))
    m = mediation.open_direct_mediation(
        actor,
        application,
        [
            MediationParty(
                role=PartyRole.APPLICANT,
                kind=PartyKind.NATURAL_PERSON,
                name=application.applicant_name,
                id_number_digest=application.applicant_digest,
                user=application.applicant,
                linked_at=timezone.now(),
            ),
            MediationParty(
                role=PartyRole.RESPONDENT,
                kind=kind,
                name=application.respondent_name,
                id_number_digest=application.respondent_digest,
                # Without an account (an answer recorded offline) the firm's account joins it later by its
                # credit code (actions.mediation.join_mediations).
                user=respondent,
                linked_at=timezone.now() if respondent is not None else None,
            ),
        ],
    )
    tell_parties(m, m.parties.all(), gettext("调解开始"), gettext("调解已开始，请登录平台查看调解工作台"))
    return application


@transaction.atomic
def end_unreached(actor: User, application: DirectApplication, reason: str) -> DirectApplication:
    """The organisation could not reach a respondent that never answered: once the period for reaching the
    other party has passed (L5: 3 working days from acceptance), its administrator ends the procedure, writing
    down the attempts made (《人民法院在线调解规则》Art. 15 ¶2, Art. 25 (3); L7). Never automatic (L21). The
    applicant is told, with where to go to court, and the respondent's side if anyone acts for it here."""
    application = _locked(application)
    permissions.ensure_org_admin(actor, application)
    if application.state != ApplicationState.AWAITING_RESPONDENT:
        raise DomainError(gettext("该申请当前不在等待被申请人答复"))
    due = calendar().deadline(timezone.localdate(application.answered_at), NOTIFY_PERIOD).due
    if not may_end_unreached(china_today(), due, application.respondent_answered_at is not None):
        raise DomainError(
            gettext("联系被申请人的期限（受理后三个工作日）至%(due)s届满，届满后仍无法联系的才能终结")
            % {"due": cn_date(due)},
            field="reason",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("请写明联系被申请人的经过和无法联系的原因"), field="reason")
    before = _move(application, ApplicationEvent.RESPONDENT_UNREACHED)
    application.court_guidance = competent_court_guidance(application.dispute_type, application.respondent_code)
    application.save(update_fields=["state", "court_guidance"])
    record(
        actor,
        "application.respondent_unreached",
        application,
        case=application.pk,
        before={"state": before},
        after={"state": application.state, "reason": reason, "rule": "L7", "citation": UNREACHED_CITATION},
    )
    text = gettext("无法联系被申请人（%(reason)s），依%(law)s终结调解程序") % {
        "reason": reason[:400],
        "law": UNREACHED_CITATION,
    }
    add_event(application, actor.display_name, text)
    _tell(
        application.applicant,
        gettext("无法联系被申请人，调解程序终结"),
        text + gettext("。可向人民法院起诉，详见申请页面；也可在联系上被申请人后重新申请调解。"),
        application,
    )
    if application.mediator_id:
        _tell(application.mediator, gettext("无法联系被申请人，调解程序终结"), text, application)
    _tell_respondent(application, gettext("调解程序终结"), text)
    return application


@transaction.atomic
def record_result(
    actor: User,
    application: DirectApplication,
    outcome: MediationOutcome,
    terms: str = "",
    reason: str = "",
    ground=None,
    failure_record: dict | None = None,
) -> DirectApplication:
    """The mediator ends the mediation (as `delegations.record_result` does for a delegated case, with the same
    checks: L7, L17). A failed applicant is told which court is competent and how to apply there."""
    application = _locked(application)
    permissions.ensure_assigned_mediator(actor, application)
    row = Mediation.objects.select_for_update().get(application=application)
    terms, reason, ground, failure = mediation.ending(row, outcome, terms, reason, ground, failure_record)
    before = _move(application, OUTCOME_EVENTS[outcome])
    application.outcome, application.terms, application.outcome_reason = outcome, terms, reason
    application.concluded_at = timezone.now()
    if outcome == MediationOutcome.FAILED:
        application.court_guidance = competent_court_guidance(application.dispute_type, application.respondent_code)
    application.save(update_fields=["state", "outcome", "terms", "outcome_reason", "concluded_at", "court_guidance"])
    mediation.close(row, outcome, ground, failure, application.concluded_at)
    record(
        actor,
        "application.record_result",
        application,
        case=application.pk,
        before={"state": before},
        after={"state": application.state, "outcome": outcome, "reason": reason, "ground": ground},
    )
    add_event(
        application,
        actor.display_name,
        gettext("记录调解结果：%(outcome)s") % {"outcome": MediationOutcome(outcome).label},
    )
    text = MediationOutcome(outcome).label
    if outcome == MediationOutcome.FAILED:
        text += gettext("。可向人民法院起诉，管辖法院与起诉方式见申请页面")
    tell_parties(row, row.parties.all(), gettext("调解结果"), text)
    return application
