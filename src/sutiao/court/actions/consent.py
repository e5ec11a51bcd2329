"""Consent online, by the party themself (issue 10 item 2; 《人民法院在线调解规则》Art. 4, 10, 17; LEGAL-RULES L1,
L3). Asking consent sends each party a link with a single-use token (SMS to the phone the court registered, and
the inbox of every account acting for the party); the party signs in, is verified by real name, reads what
mediation means, and agrees or refuses. The answer is kept exactly as staff keep one (`cases.save_answer`), so
the workflow continues the same way; its method says it was the party's own act."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from sutiao.accounts import parties
from sutiao.accounts.models import AgentScope, User
from sutiao.accounts.verification import Registered
from sutiao.audit.log import record
from sutiao.kernel.enums import ConsentMethod
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CourtState
from sutiao.notifications.models import Channel
from sutiao.notifications.service import Contact, notify

from ..models import Case, Consent, ConsentRequest, Organisation, Party, PartyChoice
from ..selectors import choice_deadlines, organisation_on_roster
from .cases import CONSENT_STATES, save_answer, set_joint_choice
from .common import case_event

# How long a consent link stays valid: long enough for a party who reads messages weekly; staff may ask again.
LINK_LIFETIME = dt.timedelta(days=15)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_consent_requests(actor: User, case: Case) -> list[ConsentRequest]:
    """One request per party, inside the asking action's transaction: the link by SMS to the registered phone,
    and to the inbox (and email) of each account that acts for the party within the consent scope."""
    requests = []
    for party in case.parties.all():
        token = secrets.token_urlsafe(32)
        request = ConsentRequest.objects.create(
            case=case,
            party=party,
            token_digest=token_digest(token),
            asked_by=actor,
            expires_at=timezone.now() + LINK_LIFETIME,
        )
        link = reverse("consent-link", args=[token])
        context = {"case": case, "party": party, "court": case.court, "expires_at": request.expires_at}
        if party.phone:
            notify(Contact(name=party.name, mobile=party.phone), "consent_request", context, [Channel.SMS], link)
        if party.id_digest:
            for user in parties.users_for_digest(party.id_digest, AgentScope.CONSENT):
                notify(user, "consent_request", context, [Channel.IN_APP, Channel.EMAIL], link)
        requests.append(request)
    return requests


def request_for_token(token: str) -> ConsentRequest:
    """The request a link names, or a refusal saying why the link no longer works."""
    request = ConsentRequest.objects.select_related("case", "party").filter(token_digest=token_digest(token)).first()
    if request is None:
        raise DomainError(gettext("链接无效，请核对短信中的链接，或联系法院"))
    if request.used_at is not None:
        raise DomainError(gettext("该链接已使用过，调解意见已提交"))
    if request.expires_at < timezone.now():
        raise DomainError(gettext("该链接已过期，请联系法院重新征求意见"))
    return request


def open_request(case: Case, party: Party) -> ConsentRequest | None:
    return (
        ConsentRequest.objects.filter(case=case, party=party, used_at__isnull=True, expires_at__gte=timezone.now())
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def answer_online(user: User, case: Case, party: Party, *, consented: bool) -> Consent:
    """The party (or an agent within the «consent» scope, or a firm's staff) agrees or refuses online. A party
    answering as themself is verified by real name first (settings.SUTIAO_IDENTITY_VERIFIER), against the
    party as the court registered them."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    party = Party.objects.get(pk=party.pk, case=case)
    if not party.id_digest:
        raise PermissionDenied(gettext("法院登记该当事人时未填写证件号码，无法在线确认，请联系法院"))
    acting = parties.acting_for(user, party.id_digest, AgentScope.CONSENT)
    if case.state not in CONSENT_STATES:
        raise DomainError(gettext("本案当前阶段不再征求调解意见"))
    request = open_request(case, party)
    if request is None:
        raise DomainError(gettext("法院尚未向您征求调解意见，或链接已过期，请联系法院"))
    if acting.as_self and acting.party.verified_at is None:
        parties.verify_identity(user, acting.party, Registered(party.name, party.id_digest))
    consent = save_answer(
        user,
        case,
        party,
        consented=consented,
        method=ConsentMethod.PARTY_ONLINE,
        answered_at=timezone.now(),
        note=gettext("%(via)s在线提交") % {"via": acting.via},
        request=request,
    )
    # The link is single-use: every open link to this party is spent by the answer.
    ConsentRequest.objects.filter(case=case, party=party, used_at__isnull=True).update(used_at=timezone.now())
    parties.record_act(
        acting,
        user,
        "case.record_consent",
        gettext("%(case)s：代为表示%(answer)s调解")
        % {"case": case.number, "answer": gettext("同意") if consented else gettext("不同意")},
        consent.audit_seq,
    )
    return consent


@transaction.atomic
def choose_online(user: User, case: Case, party: Party, organisation: Organisation) -> PartyChoice:
    """A party's own choice of organisation, online, within 2 working days of all agreeing (《人民法院在线调解规则》
    Art. 10 ¶2; LEGAL-RULES L3). When every party's latest choice names the same organisation, it becomes the
    parties' joint choice exactly as when staff record one (`cases.set_joint_choice`)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    party = Party.objects.get(pk=party.pk, case=case)
    acting = parties.acting_for(user, party.id_digest, AgentScope.CONSENT)
    if case.state != CourtState.CONSENTED or case.chosen_by:
        raise DomainError(gettext("本案当前不在当事人共同选择调解组织的阶段"))
    deadline = choice_deadlines(case).joint_choice
    if deadline is not None and deadline.is_overdue(timezone.now()):
        raise DomainError(gettext("共同选择调解组织的期限（2个工作日）已过，将由人民法院指定"))
    if not organisation_on_roster(case.court_id, organisation.pk):
        raise DomainError(gettext("当事人只能在本院特邀调解名册中选择调解组织"), field="organisation")
    choice = PartyChoice.objects.create(case=case, party=party, organisation=organisation, chosen_by=user)
    case_event(case, user, f"{party.name}在线选择调解组织：{organisation.name}")
    audit = record(
        user, "case.party_choice", choice, case=case, after={"party": party.name, "organisation": organisation.name}
    )
    parties.record_act(
        acting, user, "case.party_choice", gettext("%(case)s：代为选择调解组织") % {"case": case.number}, audit
    )
    latest = {c.party_id: c.organisation_id for c in PartyChoice.objects.filter(case=case)}
    if set(latest) == {p.pk for p in case.parties.all()} and set(latest.values()) == {organisation.pk}:
        set_joint_choice(user, case, organisation, None)
    return choice
