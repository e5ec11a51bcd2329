"""What the mediator, the organisation's administrator and the parties do in a mediation (issue 10 item 4):
one function per action, one transaction each — permission, the mediation machine's transition, the case's
timeline, the audit record and, for what the court follows (item 6), the docking message. Caucus messages
(背对背) and the mediation record never travel to the court. A mediation's source is a court's delegation or a
party's direct application (`Mediation.source`); only a delegated case has a court to tell."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import AgentScope, Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.accounts.verification import Registered
from sutiao.audit.log import SYSTEM, record
from sutiao.docking import outbox
from sutiao.docking.schemas import (
    FailureRecord,
    MediationPeriodPayload,
    MediationSessionPayload,
    MediatorRecusalPayload,
    MessageType,
    PeriodStep,
    RecusalStep,
    SessionStep,
)
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.kernel.calendar import china_today, cn_date
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import (
    FAILURE_RECORD_FIELDS,
    NOTIFY_PERIOD,
    REMINDER_DAYS,
    RecusalDecision,
    TerminationGround,
    extension_allowed,
    failure_record_problems,
    identities_checked,
    identity_cleared,
    refusing_every_replacement_ends,
    termination_allowed,
)
from sutiao.kernel.workflow import MEDIATION, MEDIATION_OPEN, MediationEvent, MediationState
from sutiao.workdays.selectors import calendar

from .. import permissions
from ..mediation import figures, period
from ..mediation.models import (
    Appraisal,
    Disclosure,
    Evidence,
    EvidenceAudience,
    ExtensionConsent,
    Mediation,
    MediationParty,
    MediationRecord,
    Message,
    NotificationAttempt,
    NotifyResult,
    PeriodExtension,
    RecordConfirmation,
    RecusalRequest,
    Session,
    SessionMode,
    SessionParticipant,
)
from ..mediation.notify import tell_parties
from ..models import Delegation
from . import applications, delegations


def locked_mediation(mediation: Mediation) -> Mediation:
    """The mediation, locked for this transaction, with what its actions read (for the agreement's actions too)."""
    return (
        Mediation.objects.select_for_update(of=("self",))
        .select_related(
            "delegation",
            "delegation__peer",
            "delegation__organisation",
            "delegation__mediator",
            "application",
            "application__organisation",
            "application__mediator",
        )
        .get(pk=mediation.pk)
    )


def _open(mediation: Mediation) -> None:
    if mediation.state not in MEDIATION_OPEN:
        raise DomainError(gettext("调解已结束，不能再进行此操作"))


def _move(mediation: Mediation, event: MediationEvent) -> str:
    before = mediation.state
    mediation.state = MEDIATION.next_state(mediation.state, event)
    return before


def _timeline(mediation: Mediation, actor, text: str) -> None:
    """A line of the case's timeline: the delegation's, or the direct application's."""
    if mediation.direct:
        applications.add_event(mediation.application, actor, text)
    else:
        delegations.add_event(mediation.delegation, actor, text)


def _send_period(mediation: Mediation, step: PeriodStep, reason: str = "") -> None:
    if mediation.direct:  # the court follows only the cases it delegated (notice 四（五）; item 6)
        return
    d = mediation.delegation
    outbox.send(
        d.peer,
        MessageType.MEDIATION_PERIOD,
        d.case,
        MediationPeriodPayload(
            delegation_id=d.id,
            step=step,
            accepted_on=mediation.accepted_on,
            period_days=mediation.period_days,
            extension_days=mediation.extension_days,
            due=mediation.due,
            provisional=mediation.due_provisional,
            reason=reason,
            at=timezone.now(),
        ),
    )


def _due_text(mediation: Mediation) -> str:
    if mediation.due is None:
        return gettext("鉴定评估期间暂停计算")
    return cn_date(mediation.due) + (gettext("（暂定）") if mediation.due_provisional else "")


# --- opening (part of the organisation's acceptance) and party accounts ---


def open_mediation(actor: User, delegation: Delegation) -> Mediation:
    """Called inside `accept_delegation`'s transaction: the period runs from acceptance on the platform
    (《人民法院在线调解规则》Art. 24 ¶2; L6), and the other party is to be told within 3 working days (Art. 15; L5)."""
    mediation = _start(
        actor,
        Mediation(id=delegation.id, delegation=delegation),
        china_today(delegation.answered_at),
        [
            MediationParty(
                role=p["role"],
                kind=p["kind"],
                name=p["name"],
                phone=p.get("phone", ""),
                id_number_digest=id_number_digest(p["id_number"]) if p.get("id_number") else "",
            )
            for p in delegation.parties
        ],
    )
    _send_period(mediation, PeriodStep.STARTED)
    return mediation


def correct_mediation_parties(delegation: Delegation) -> None:
    """The court corrected the parties of a delegation being mediated (CASE_CORRECTED, issue 15): the
    mediation's parties follow, in the order they were taken from the delegation (the court neither adds nor
    removes parties once they were asked). A party whose identity number changed loses the account linked by
    the old number; the account of the right person links again by the new one."""
    mediation = getattr(delegation, "mediation", None)
    if mediation is None:
        return
    for row, p in zip(mediation.parties.order_by("id"), delegation.parties, strict=False):
        digest = id_number_digest(p["id_number"]) if p.get("id_number") else ""
        if digest != row.id_number_digest:
            row.user, row.linked_at = None, None
        row.role, row.kind, row.name, row.phone, row.id_number_digest = (
            p["role"],
            p["kind"],
            p["name"],
            p.get("phone", ""),
            digest,
        )
        row.save()


def open_direct_mediation(actor: User, application, parties: list[MediationParty]) -> Mediation:
    """Called inside the transaction in which the respondent agreed to a direct application (or could not refuse
    it, L19): the period the platform sets for direct applications runs from that day. Nothing goes to a court."""
    return _start(actor, Mediation(id=application.id, application=application), china_today(), parties)


def _start(actor: User, mediation: Mediation, accepted_on, parties: list[MediationParty]) -> Mediation:
    mediation.accepted_on = accepted_on
    mediation.period_days = period.rule(mediation).length
    mediation.notify_due = calendar().deadline(accepted_on, NOTIFY_PERIOD).due
    period.refresh_due(mediation)
    mediation.save()
    for p in parties:
        p.mediation = mediation
    MediationParty.objects.bulk_create(parties)
    record(actor, "mediation.open", mediation, case=mediation.case_ref, after={"due": mediation.due})
    _timeline(mediation, actor.display_name, gettext("调解期限起算，至%(due)s届满") % {"due": _due_text(mediation)})
    return mediation


@transaction.atomic
def link_party_account(user: User, digest: str) -> int:
    """Link the user's party account to every mediation party with the same identity-number digest (the
    parties' app calls this once it verified the person's name and number). Returns how many were linked."""
    if user.role not in (Role.PARTY, Role.AGENT):
        raise DomainError(gettext("仅当事人账号可关联案件"))
    if not digest:
        return 0
    rows = list(
        MediationParty.objects.select_for_update(of=("self",))
        .select_related("mediation__delegation", "mediation__application")
        .filter(id_number_digest=digest, user__isnull=True)
    )
    now = timezone.now()
    for row in rows:
        row.user, row.linked_at = user, now
        row.save(update_fields=["user", "linked_at"])
        record(user, "mediation.link_party", row, case=row.mediation.case_ref, after={"party": row.name})
    return len(rows)


@transaction.atomic
def join_mediations(user: User) -> int:
    """A party joins their cases: their own account is verified by real name (settings.SUTIAO_IDENTITY_VERIFIER)
    against each way the mediations registered the party with their identity number, and then linked to every
    such mediation party (`link_party_account`), all in one transaction — a failed verification links nothing.
    Returns how many were linked."""
    profile = party_accounts.own_profile(user)
    if profile is None:
        raise PermissionDenied(gettext("仅当事人本人的账户可核验身份并关联案件"))
    waiting = MediationParty.objects.filter(id_number_digest=profile.id_number_digest, user__isnull=True)
    names = sorted(set(waiting.values_list("name", flat=True)))
    if not names:
        raise DomainError(
            gettext("没有待关联的调解案件：调解组织登记的当事人证件号码与您的账户不一致，或案件已关联到您的账户")
        )
    for name in names:
        party_accounts.verify_identity(user, profile, Registered(name, profile.id_number_digest))
    return link_party_account(user, profile.id_number_digest)


# --- acting as a party: the party's own account, or an agent / a firm's staff within their authority ---


def _as_party(actor: User, party: MediationParty, scope: str):
    """(Acting or None, the name shown on the timeline and in messages): the party's own name, or «代理人X代Y»
    («X代Y» for a firm's staff), so the party and the mediator see who did it (issue 10 §1)."""
    acting = permissions.acting_as(actor, party, scope)
    return acting, _party_label(actor, party, acting)


def _party_label(actor: User, party: MediationParty, acting) -> str:
    if acting is None:
        return party.name
    names = {"actor": actor.display_name, "party": party.name}
    if actor.role == Role.AGENT:
        return gettext("代理人%(actor)s代%(party)s") % names
    return gettext("%(actor)s代%(party)s") % names


def _acted(acting, actor: User, action: str, mediation: Mediation, summary: str, seq: int) -> None:
    """What an agent or staff member did, on the party's own «代为办理记录» list (with the audit record's seq)."""
    if acting is not None:
        party_accounts.record_act(acting, actor, action, f"{mediation.number}：{summary}", seq)


# --- L5: telling the other party ---


@transaction.atomic
def record_notification(
    actor: User, mediation: Mediation, party: MediationParty, channel: str, at: dt.datetime, result: str, note=""
) -> NotificationAttempt:
    """L5: one attempt to reach the other party (《人民法院在线调解规则》Art. 15), with channel, time and result."""
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    if party.mediation_id != mediation.pk:
        raise DomainError(gettext("当事人不属于本案"), field="party")
    if at > timezone.now():
        raise DomainError(gettext("通知时间不能晚于现在"), field="at")
    attempt = NotificationAttempt.objects.create(
        mediation=mediation, party=party, channel=channel, at=at, result=result, note=note.strip(), by=actor
    )
    record(
        actor,
        "mediation.notify_party",
        attempt,
        case=mediation.case_ref,
        after={"party": party.name, "channel": channel, "result": result},
    )
    text = gettext("通知%(party)s（%(channel)s）：%(result)s") % {
        "party": party.name,
        "channel": attempt.get_channel_display(),
        "result": attempt.get_result_display(),
    }
    if result in (NotifyResult.REFUSED, NotifyResult.UNREACHABLE):
        # Art. 15 ¶2: refusal or no contact — the mediator writes why and ends the mediation (L7 (3)/(4)).
        text += gettext("；请写明原因并终结调解")
    _timeline(mediation, actor.display_name, text)
    return attempt


# --- L6: the period — appraisal and extension ---


@transaction.atomic
def start_appraisal(actor: User, mediation: Mediation, started_on: dt.date, note: str = "") -> Appraisal:
    """An appraisal stops the clock (《人民法院在线调解规则》Art. 26; L6)."""
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    if started_on < mediation.accepted_on or started_on > china_today():
        raise DomainError(gettext("鉴定评估开始日期应在接受调解之后、不晚于今天"), field="started_on")
    before = _move(mediation, MediationEvent.PAUSE)
    appraisal = Appraisal.objects.create(mediation=mediation, started_on=started_on, note=note.strip())
    mediation.save(update_fields=["state", *period.refresh_due(mediation)])
    record(
        actor,
        "mediation.appraisal_start",
        appraisal,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": mediation.state, "started_on": started_on},
    )
    _send_period(mediation, PeriodStep.PAUSED, note.strip())
    _timeline(mediation, actor.display_name, gettext("鉴定评估开始，调解期限暂停计算"))
    return appraisal


@transaction.atomic
def end_appraisal(actor: User, mediation: Mediation, ended_on: dt.date) -> Appraisal:
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    appraisal = mediation.appraisals.filter(ended_on__isnull=True).first()
    if appraisal is None or ended_on < appraisal.started_on or ended_on > china_today():
        raise DomainError(gettext("鉴定评估结束日期应不早于开始日期、不晚于今天"), field="ended_on")
    before = _move(mediation, MediationEvent.RESUME)
    appraisal.ended_on = ended_on
    appraisal.save(update_fields=["ended_on"])
    mediation.save(update_fields=["state", *period.refresh_due(mediation)])
    record(
        actor,
        "mediation.appraisal_end",
        appraisal,
        case=mediation.case_ref,
        before={"state": before},
        after={"state": mediation.state, "ended_on": ended_on, "due": mediation.due},
    )
    _send_period(mediation, PeriodStep.RESUMED)
    _timeline(
        mediation,
        actor.display_name,
        gettext("鉴定评估结束，调解期限恢复计算，至%(due)s届满") % {"due": _due_text(mediation)},
    )
    return appraisal


@transaction.atomic
def propose_extension(actor: User, mediation: Mediation, days: int, reason: str) -> PeriodExtension:
    """The mediator proposes extending the period; it takes effect only with every party's consent (L6)."""
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    if mediation.extensions.filter(granted_at__isnull=True, refused_at__isnull=True).exists():
        raise DomainError(gettext("已有一项延长调解期限的提议待当事人答复"))
    if not 1 <= days <= 365 or not reason.strip():
        raise DomainError(gettext("请填写延长日数（1至365日）和理由"), field="days")
    extension = PeriodExtension.objects.create(
        mediation=mediation, days=days, reason=reason.strip(), proposed_by=actor, proposed_at=timezone.now()
    )
    record(actor, "mediation.propose_extension", extension, case=mediation.case_ref, after={"days": days})
    _timeline(
        mediation,
        actor.display_name,
        gettext("提议延长调解期限%(days)s日，待各方当事人同意") % {"days": days},
    )
    tell_parties(mediation, mediation.parties.all(), gettext("延长调解期限征求意见"), reason.strip())
    return extension


@transaction.atomic
def answer_extension(
    actor: User, extension: PeriodExtension, party: MediationParty, consented: bool
) -> PeriodExtension:
    """A party's own consent to (or refusal of) an extension; when every party consented, the period is
    extended (《人民法院在线调解规则》Art. 24 ¶1 各方当事人同意延长; L6) and the court is told."""
    mediation = locked_mediation(extension.mediation)
    extension = PeriodExtension.objects.select_for_update().get(pk=extension.pk)
    acting, who = _as_party(actor, party, AgentScope.CONSENT)
    if party.mediation_id != mediation.pk or not extension.open:
        raise DomainError(gettext("该延长提议已不需要答复"))
    _open(mediation)
    if extension.consents.filter(party=party).exists():
        raise DomainError(gettext("您已答复过该延长提议"))
    ExtensionConsent.objects.create(extension=extension, party=party, consented=consented, at=timezone.now(), by=actor)
    seq = record(
        actor,
        "mediation.answer_extension",
        extension,
        case=mediation.case_ref,
        after={"party": party.name, "consented": consented, "by": who},
    )
    verb = gettext("同意") if consented else gettext("不同意")
    done = gettext("%(verb)s延长调解期限") % {"verb": verb}
    _timeline(mediation, who, done)
    _acted(acting, actor, "mediation.answer_extension", mediation, done, seq)
    if not consented:
        extension.refused_at = timezone.now()
        extension.save(update_fields=["refused_at"])
        return extension
    consenting = set(extension.consents.filter(consented=True).values_list("party_id", flat=True))
    if extension_allowed(consenting, set(mediation.parties.values_list("pk", flat=True))):
        _move(mediation, MediationEvent.EXTEND)
        before = mediation.due
        mediation.extension_days += extension.days
        mediation.reminded = []
        mediation.save(update_fields=["state", "extension_days", "reminded", *period.refresh_due(mediation)])
        extension.granted_at = timezone.now()
        extension.save(update_fields=["granted_at"])
        figures.refresh(mediation.pk)
        record(
            SYSTEM,
            "mediation.extended",
            mediation,
            case=mediation.case_ref,
            before={"due": before},
            after={"due": mediation.due, "extension_days": mediation.extension_days},
        )
        _send_period(mediation, PeriodStep.EXTENDED, extension.reason)
        _timeline(
            mediation,
            SYSTEM,
            gettext("各方当事人同意，调解期限延长至%(due)s") % {"due": _due_text(mediation)},
        )
    return extension


@transaction.atomic
def remind_deadlines() -> int:
    """Tell the mediator and the parties 5 and 1 days before the period ends (a periodic job)."""
    today = china_today()
    sent = 0
    candidates = (
        Mediation.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("delegation", "application")
        .filter(state=MediationState.ACTIVE, due__gte=today, due__lte=today + dt.timedelta(days=max(REMINDER_DAYS)))
    )
    for mediation in candidates:
        left = (mediation.due - today).days
        due_marks = [n for n in REMINDER_DAYS if left <= n and n not in mediation.reminded]
        if not due_marks:
            continue
        mediation.reminded = sorted({*mediation.reminded, *due_marks}, reverse=True)
        mediation.save(update_fields=["reminded"])
        text = gettext("调解期限还剩%(left)s日（%(due)s届满）") % {"left": left, "due": _due_text(mediation)}
        record(SYSTEM, "mediation.reminded", mediation, case=mediation.case_ref, after={"days_left": left})
        _timeline(mediation, SYSTEM, text)
        tell_parties(mediation, mediation.parties.all(), gettext("调解期限提醒"), text)
        sent += 1
    return sent


# --- L8 and sessions ---


def _tell_court_of_session(mediation: Mediation, session, step, invited: list, attended: list, at) -> None:
    """A delegated case's court hears that a session was scheduled or held, and who came: never what was said.
    Nothing of a direct application goes to a court."""
    if mediation.direct:
        return
    d = mediation.delegation
    payload = MediationSessionPayload(
        delegation_id=d.id,
        session_id=session.pk,
        step=step,
        starts_at=session.starts_at,
        mode=session.mode,
        invited=invited,
        attended=attended,
        at=at,
    )
    outbox.send(d.peer, MessageType.MEDIATION_SESSION, d.case, payload)


@transaction.atomic
def schedule_session(
    actor: User, mediation: Mediation, starts_at: dt.datetime, mode: str, place: str, parties, channel: str
) -> Session:
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    parties = list(parties)
    if not parties or any(p.mediation_id != mediation.pk for p in parties):
        raise DomainError(gettext("请选择参加调解的本案当事人"), field="parties")
    if starts_at <= timezone.now():
        raise DomainError(gettext("调解时间应晚于现在"), field="starts_at")
    if mode == SessionMode.ON_SITE and not place.strip():
        raise DomainError(gettext("现场调解须填写地点"), field="place")
    now = timezone.now()
    session = Session.objects.create(
        mediation=mediation, starts_at=starts_at, mode=mode, place=place.strip(), scheduled_by=actor
    )
    SessionParticipant.objects.bulk_create(
        [SessionParticipant(session=session, party=p, invited_at=now, invitation_channel=channel) for p in parties]
    )
    names = [p.name for p in parties]
    record(
        actor,
        "mediation.schedule_session",
        session,
        case=mediation.case_ref,
        after={"starts_at": starts_at, "mode": mode, "invited": names},
    )
    _tell_court_of_session(mediation, session, SessionStep.SCHEDULED, names, [], now)
    _timeline(
        mediation,
        actor.display_name,
        gettext("安排调解（%(mode)s），邀请：%(names)s")
        % {"mode": session.get_mode_display(), "names": "、".join(names)},
    )
    tell_parties(
        mediation,
        parties,
        gettext("调解邀请"),
        gettext("%(mode)s调解，%(place)s") % {"mode": session.get_mode_display(), "place": session.place},
    )
    return session


@transaction.atomic
def check_identity(actor: User, participant: SessionParticipant, method: str, passed: bool, warned: bool):
    """L8: before the session, the mediator checks a participant's identity (证件证照在线比对 or the like) and
    tells them the consequences of sham mediation, which they acknowledge (《人民法院在线调解规则》Art. 17)."""
    participant = (
        SessionParticipant.objects.select_for_update(of=("self",))
        .select_related("session__mediation__delegation", "session__mediation__application", "party")
        .get(pk=participant.pk)
    )
    mediation = participant.session.mediation
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    if participant.session.held_at:
        raise DomainError(gettext("调解已举行，不能再核实身份"))
    if not method.strip():
        raise DomainError(gettext("请写明核实身份的方式"), field="method")
    participant.id_checked_at, participant.id_checked_by = timezone.now(), actor
    participant.id_check_method, participant.id_check_passed, participant.warned = method.strip(), passed, warned
    participant.save(update_fields=["id_checked_at", "id_checked_by", "id_check_method", "id_check_passed", "warned"])
    record(
        actor,
        "mediation.check_identity",
        participant,
        case=mediation.case_ref,
        after={"party": participant.party.name, "method": method.strip(), "passed": passed, "warned": warned},
    )
    _timeline(
        mediation,
        actor.display_name,
        gettext("核实%(party)s身份（%(method)s）：%(result)s")
        % {
            "party": participant.party.name,
            "method": method.strip(),
            "result": gettext("通过") if passed else gettext("未通过"),
        },
    )
    return participant


@transaction.atomic
def record_session_held(actor: User, session: Session, attended_ids, summary: str = "") -> Session:
    """The session took place; only participants whose identity was checked and who were warned (L8) may
    have taken part."""
    # The mediation before the session, as the mediation's other actions lock it first (its figures are refreshed).
    locked_mediation(Mediation(pk=session.mediation_id))
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("mediation__delegation__peer", "mediation__application")
        .get(pk=session.pk)
    )
    mediation = session.mediation
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    if session.held_at:
        raise DomainError(gettext("该次调解已记录举行"))
    participants = list(session.participants.select_related("party"))
    attended_ids = {int(i) for i in attended_ids}
    attended = [p for p in participants if p.pk in attended_ids]
    verified = {p.pk for p in participants if identity_cleared(p.id_check_passed, p.warned)}
    if not identities_checked({p.pk for p in attended}, verified):
        raise DomainError(gettext("出席人员须先核实身份并告知虚假调解的法律后果"), field="attended")
    for p in participants:
        p.attended = p.pk in attended_ids
    SessionParticipant.objects.bulk_update(participants, ["attended"])
    session.held_at, session.summary = timezone.now(), summary.strip()
    session.save(update_fields=["held_at", "summary"])
    figures.refresh(mediation.pk)
    names = [p.party.name for p in attended]
    record(actor, "mediation.session_held", session, case=mediation.case_ref, after={"attended": names})
    _tell_court_of_session(
        mediation, session, SessionStep.HELD, [p.party.name for p in participants], names, session.held_at
    )
    _timeline(mediation, actor.display_name, gettext("调解已举行，出席：%(names)s") % {"names": "、".join(names)})
    return session


# --- messages ---


@transaction.atomic
def post_message(actor: User, mediation: Mediation, text: str, caucus_with: MediationParty | None = None) -> Message:
    """A message to every party, or a caucus (背对背) between the mediator and one party. A party writes to
    everyone or privately to the mediator (their own caucus); never into another party's caucus."""
    mediation = locked_mediation(mediation)
    _open(mediation)
    text = text.strip()
    if not text:
        raise DomainError(gettext("请填写消息内容"), field="text")
    if len(text) > 5000:
        raise DomainError(gettext("消息不能超过5000字"), field="text")
    acting = None
    if permissions.is_case_mediator(actor, mediation.source):
        label = gettext("调解员%(name)s") % {"name": actor.display_name}
        if caucus_with is not None and caucus_with.mediation_id != mediation.pk:
            raise DomainError(gettext("当事人不属于本案"), field="caucus_with")
    else:
        # A party writes as their own party row; an agent (or a firm's staff) as the party they represent,
        # within the «messages» scope — into that party's caucus, never another's.
        rows = list(mediation.parties.all())
        own = [p for p in rows if p.user_id == actor.pk] or [
            p for p in rows if p.pk in permissions.represented_rows(actor, rows)
        ]
        if not own:
            raise PermissionDenied(gettext("仅本案调解员和当事人可发送消息"))
        if caucus_with is not None and caucus_with.pk not in {p.pk for p in own}:
            raise PermissionDenied(gettext("仅本案调解员和当事人可发送消息"))
        acting, label = _as_party(actor, caucus_with or own[0], AgentScope.MESSAGES)
    message = Message.objects.create(
        mediation=mediation, author=actor, author_label=label, caucus_with=caucus_with, text=text, at=timezone.now()
    )
    # The audit trail keeps that a message was sent and to whom, never its words (caucus content stays between
    # the mediator and that party).
    seq = record(
        actor,
        "mediation.message",
        message,
        case=mediation.case_ref,
        after={"caucus_with": caucus_with.name if caucus_with else None, "by": label},
    )
    _acted(acting, actor, "mediation.message", mediation, gettext("发送调解消息"), seq)
    to = [caucus_with] if caucus_with else mediation.parties.exclude(user=actor)
    tell_parties(mediation, to, gettext("调解消息"), gettext("您有一条新的调解消息"))
    return message


# --- evidence and documents ---


def _evidence_acting(actor: User, mediation: Mediation, party: MediationParty | None):
    """Who uploads, and for whom: the mediator for the mediation itself (no party), or someone acting for
    `party` — the party's own linked account, or an agent or a firm's staff acting within the «documents»
    scope for that party's verified account. Returns the party-accounts `Acting` for an agent (its act is
    shown to the party), else None."""
    if permissions.is_case_mediator(actor, mediation.delegation):
        if party is not None:
            raise DomainError(gettext("调解员提交的材料不代表任何一方当事人"), field="on_behalf_of")
        return None
    refused = PermissionDenied(gettext("仅本案调解员、当事人本人或其授权代理人可提交证据"))
    if party is None or party.mediation_id != mediation.pk:
        raise refused
    if party.user_id is not None and party.user_id == actor.pk:
        return None
    if party.user_id is None or not party.id_number_digest:
        raise refused
    try:
        acting = party_accounts.acting_for(actor, party.id_number_digest, AgentScope.DOCUMENTS)
    except PermissionDenied:
        raise refused from None
    if acting.as_self or acting.party.user_id != party.user_id:
        raise refused
    return acting


@transaction.atomic
def upload_evidence(
    actor: User,
    mediation: Mediation,
    upload,
    title: str,
    audience: str,
    on_behalf_of: MediationParty | None = None,
    addressed_to: MediationParty | None = None,
) -> Evidence:
    """Evidence or a document for the mediation (PDF, images, Office files; sutiao.documents decides the type
    by content and refuses whatever it cannot accept). Every check runs before the file is read, so a refusal
    stores nothing. A party addresses it to every party or to the mediator only; the mediator to every party
    or, like a caucus, to one party. It is never sent to the court."""
    mediation = locked_mediation(mediation)
    _open(mediation)
    acting = _evidence_acting(actor, mediation, on_behalf_of)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise DomainError(gettext("请填写证据名称（200字以内）"), field="title")
    mediator = on_behalf_of is None
    allowed = {EvidenceAudience.ALL, EvidenceAudience.PARTY if mediator else EvidenceAudience.MEDIATOR}
    if audience not in allowed:
        raise DomainError(
            gettext("调解员提交的材料请选择送达各方当事人或一方当事人")
            if mediator
            else gettext("当事人提交的材料请选择送达各方当事人或仅送达调解员"),
            field="audience",
        )
    if audience == EvidenceAudience.PARTY:
        if addressed_to is None or addressed_to.mediation_id != mediation.pk:
            raise DomainError(gettext("请选择送达的本案当事人"), field="addressed_to")
    else:
        addressed_to = None
    d = mediation.delegation
    stored = accept_upload(upload, uploaded_by=actor, kind=FileKind.EVIDENCE, label=title, case=d.case)
    evidence = Evidence.objects.create(
        mediation=mediation,
        file=stored,
        title=title,
        uploaded_by=actor,
        on_behalf_of=on_behalf_of,
        audience=audience,
        addressed_to=addressed_to,
        at=timezone.now(),
    )
    seq = record(
        actor,
        "mediation.upload_evidence",
        evidence,
        case=d.case,
        after={
            "title": title,
            "file": str(stored.pk),
            "audience": audience,
            "on_behalf_of": on_behalf_of.name if on_behalf_of else None,
            "addressed_to": addressed_to.name if addressed_to else None,
        },
    )
    if acting is not None:
        party_accounts.record_act(
            acting,
            actor,
            "mediation.upload_evidence",
            gettext("%(case)s：提交证据《%(title)s》") % {"case": d.court_case_number, "title": title},
            seq,
        )
    who = _party_label(actor, on_behalf_of, acting) if on_behalf_of else actor.display_name
    if audience == EvidenceAudience.ALL:
        # The timeline is read by the organisation's administrator too: only what every party may see.
        delegations.add_event(d, who, gettext("提交证据《%(title)s》") % {"title": title})
        to = mediation.parties.exclude(pk=on_behalf_of.pk) if on_behalf_of else mediation.parties.all()
        tell_parties(mediation, to, gettext("新的证据材料"), gettext("%(who)s提交了证据材料") % {"who": who})
    elif audience == EvidenceAudience.PARTY:
        tell_parties(mediation, [addressed_to], gettext("新的证据材料"), gettext("调解员向您送达了证据材料"))
    return evidence


# --- the mediation record (调解笔录) ---


@transaction.atomic
def write_record(actor: User, mediation: Mediation, text: str) -> MediationRecord:
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    if not text.strip():
        raise DomainError(gettext("请填写笔录内容"), field="text")
    version = (mediation.records.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    rec = MediationRecord.objects.create(
        mediation=mediation, version=version, text=text.strip(), written_by=actor, written_at=timezone.now()
    )
    record(actor, "mediation.write_record", rec, case=mediation.case_ref, after={"version": version})
    _timeline(
        mediation,
        actor.display_name,
        gettext("制作调解笔录（第%(v)s版），待各方当事人确认") % {"v": version},
    )
    tell_parties(mediation, mediation.parties.all(), gettext("调解笔录待确认"), gettext("请阅读并确认调解笔录"))
    return rec


@transaction.atomic
def confirm_record(actor: User, rec: MediationRecord, party: MediationParty) -> RecordConfirmation:
    """A party confirms online the record as written (《人民法院在线调解规则》Art. 22 ¶2)."""
    mediation = locked_mediation(rec.mediation)
    acting, who = _as_party(actor, party, AgentScope.SIGN)
    if party.mediation_id != mediation.pk:
        raise DomainError(gettext("当事人不属于本案"))
    latest = mediation.records.order_by("-version").first()
    if latest.pk != rec.pk:
        raise DomainError(gettext("笔录已有新版本，请确认最新版本"))
    if rec.confirmations.filter(party=party).exists():
        raise DomainError(gettext("您已确认过该笔录"))
    confirmation = RecordConfirmation.objects.create(record=rec, party=party, at=timezone.now(), by=actor)
    seq = record(
        actor,
        "mediation.confirm_record",
        confirmation,
        case=mediation.case_ref,
        after={"party": party.name, "version": rec.version, "by": who},
    )
    done = gettext("确认调解笔录（第%(v)s版）") % {"v": rec.version}
    _timeline(mediation, who, done)
    _acted(acting, actor, "mediation.confirm_record", mediation, done, seq)
    return confirmation


# --- L9: disclosure, recusal and change ---


@transaction.atomic
def disclose(actor: User, mediation: Mediation, text: str) -> Disclosure:
    """The mediator discloses a circumstance that may affect impartiality (《人民法院在线调解规则》Art. 13)."""
    mediation = locked_mediation(mediation)
    permissions.ensure_case_mediator(actor, mediation.source)
    _open(mediation)
    if not text.strip():
        raise DomainError(gettext("请填写披露内容"), field="text")
    disclosure = Disclosure.objects.create(mediation=mediation, mediator=actor, text=text.strip(), at=timezone.now())
    record(actor, "mediation.disclose", disclosure, case=mediation.case_ref)
    _timeline(mediation, actor.display_name, gettext("调解员披露：%(text)s") % {"text": text.strip()[:400]})
    tell_parties(mediation, mediation.parties.all(), gettext("调解员披露"), text.strip())
    return disclosure


def _send_recusal(mediation, request: RecusalRequest, step: RecusalStep, mediator_name: str) -> None:
    if mediation.direct:
        return
    d = mediation.delegation
    outbox.send(
        d.peer,
        MessageType.MEDIATOR_RECUSAL,
        d.case,
        MediatorRecusalPayload(
            delegation_id=d.id,
            request_id=request.pk,
            step=step,
            kind=request.kind,
            party=request.party.name,
            mediator_name=mediator_name,
            reason=request.reason,
            decision=request.decision or None,
            decision_reason=request.decision_reason,
            at=timezone.now(),
        ),
    )


@transaction.atomic
def request_recusal(actor: User, mediation: Mediation, party: MediationParty, kind: str, reason: str) -> RecusalRequest:
    """A party asks for the mediator's recusal or a change (《人民法院在线调解规则》Art. 13, 14). Asking again
    after a replacement means refusing mediation (Art. 14; L9): the request is kept and the mediator ends the
    mediation on Art. 25 (4)."""
    mediation = locked_mediation(mediation)
    acting, who = _as_party(actor, party, AgentScope.CONSENT)
    _open(mediation)
    if party.mediation_id != mediation.pk:
        raise DomainError(gettext("当事人不属于本案"))
    if not reason.strip():
        raise DomainError(gettext("请写明申请理由"), field="reason")
    if mediation.source.mediator_id is None:
        raise DomainError(gettext("尚未指派调解员"))
    if mediation.recusals.filter(decision="").exists():
        raise DomainError(gettext("已有回避或更换申请待调解组织决定"))
    replaced_before = mediation.recusals.filter(party=party, decision=RecusalDecision.REPLACED).count()
    d = mediation.source
    request = RecusalRequest.objects.create(
        mediation=mediation,
        party=party,
        kind=kind,
        reason=reason.strip(),
        mediator=d.mediator,
        at=timezone.now(),
        by=actor,
    )
    seq = record(
        actor,
        "mediation.request_recusal",
        request,
        case=mediation.case_ref,
        after={"party": party.name, "kind": kind, "after_replacement": replaced_before, "by": who},
    )
    _send_recusal(mediation, request, RecusalStep.REQUESTED, d.mediator.display_name)
    text = gettext("%(party)s%(kind)s：%(reason)s") % {
        "party": who,
        "kind": request.get_kind_display(),
        "reason": reason.strip()[:300],
    }
    if refusing_every_replacement_ends(replaced_before):
        text += gettext("（已更换过调解员仍不同意，视为拒绝调解）")
    _timeline(mediation, who, text)
    _acted(acting, actor, "mediation.request_recusal", mediation, request.get_kind_display(), seq)
    return request


@transaction.atomic
def decide_recusal(
    actor: User, request: RecusalRequest, decision: str, reason: str, new_mediator: User | None = None
) -> RecusalRequest:
    """The organisation's administrator decides: replace the mediator (the court hears MEDIATOR_ASSIGNED with
    the reason) or reject the request with reasons (L9)."""
    mediation = locked_mediation(request.mediation)
    request = RecusalRequest.objects.select_for_update().select_related("party").get(pk=request.pk)
    d = mediation.source
    permissions.ensure_org_admin(actor, d)
    _open(mediation)
    if request.decision:
        raise DomainError(gettext("该申请已决定"))
    if not reason.strip():
        raise DomainError(gettext("请写明决定理由"), field="reason")
    if decision == RecusalDecision.REPLACED and (new_mediator is None or new_mediator.pk == d.mediator_id):
        raise DomainError(gettext("请选择另一名调解员"), field="new_mediator")
    request.decision, request.decision_reason = decision, reason.strip()
    request.decided_at, request.decided_by = timezone.now(), actor
    old = d.mediator.display_name
    if decision == RecusalDecision.REPLACED:
        _move(mediation, MediationEvent.CHANGE_MEDIATOR)
        request.new_mediator = new_mediator
        change = f"{request.get_kind_display()}：{reason.strip()}"
        if mediation.direct:
            applications.assign(actor, d, new_mediator, change_reason=change)
        else:
            delegations.assign(actor, d, new_mediator, change_reason=change)
    request.save(update_fields=["decision", "decision_reason", "decided_at", "decided_by", "new_mediator"])
    record(
        actor,
        "mediation.decide_recusal",
        request,
        case=mediation.case_ref,
        after={"decision": decision, "new_mediator": new_mediator.pk if new_mediator else None},
    )
    _send_recusal(mediation, request, RecusalStep.DECIDED, old)
    _timeline(
        mediation,
        actor.display_name,
        gettext("对%(party)s的%(kind)s决定：%(decision)s（%(reason)s）")
        % {
            "party": request.party.name,
            "kind": request.get_kind_display(),
            "decision": RecusalDecision(decision).label,
            "reason": reason.strip()[:300],
        },
    )
    return request


# --- the end (the source's own action records the outcome: delegations.record_result, applications.record_result) ---

MEDIATION_EVENTS = {
    MediationOutcome.SUCCEEDED: MediationEvent.SUCCEED,
    MediationOutcome.FAILED: MediationEvent.TERMINATE,
    MediationOutcome.WITHDRAWN: MediationEvent.WITHDRAW,
}


def ending(mediation: Mediation | None, outcome, terms: str, reason: str, ground, failure_record: dict | None):
    """Check how the mediator ends the mediation: success with the agreed terms, the applicant's withdrawal, or
    termination on a ground of Art. 25 (L7) with the failure record (L17: undisputed facts, points in dispute,
    each side's position, conduct that raised costs). Returns (terms, reason, ground, failure record)."""
    terms, reason = terms.strip(), reason.strip()
    failure = None
    if outcome == MediationOutcome.SUCCEEDED:
        if not terms:
            raise DomainError(gettext("调解成功须填写调解协议内容"), field="terms")
        ground = TerminationGround.AGREEMENT
    elif outcome == MediationOutcome.WITHDRAWN:
        if not reason:
            raise DomainError(gettext("请写明撤回的情况"), field="reason")
        ground = TerminationGround.WITHDRAWN
    else:
        deadline = period.deadline(mediation) if mediation else None
        if ground is None or not termination_allowed(ground, china_today(), deadline):
            raise DomainError(
                gettext("请选择《人民法院在线调解规则》第二十五条规定的终结事由；期限届满须在调解期限届满后"),
                field="ground",
            )
        record_ = {k: (failure_record or {}).get(k) or ("" if k != "positions" else {}) for k in FAILURE_RECORD_FIELDS}
        if failure_record_problems(record_):
            raise DomainError(gettext("调解不成须记录无争议事实、争议焦点和各方当事人的意见"), field="failure_record")
        failure = FailureRecord.model_validate(record_)
        reason = reason or TerminationGround(ground).label
    return terms, reason, ground, failure


def close(mediation: Mediation, outcome, ground, failure, at: dt.datetime) -> None:
    """The mediation's own end, in the source's result action (its lock held)."""
    mediation.state = MEDIATION.next_state(mediation.state, MEDIATION_EVENTS[outcome])
    mediation.ground = ground
    mediation.failure_record = failure.model_dump(mode="json") if failure else {}
    mediation.ended_at = at
    mediation.save(update_fields=["state", "ground", "failure_record", "ended_at"])
    if outcome != MediationOutcome.SUCCEEDED:
        # Ended without an agreement: a draft or an agreement awaiting signatures goes with it (L10).
        from .agreements import void_open_agreements

        void_open_agreements(SYSTEM, mediation, MediationOutcome(outcome).label)
