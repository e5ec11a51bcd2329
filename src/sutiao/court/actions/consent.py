"""Consent online, by the party themself (issue 10 item 2; 《人民法院在线调解规则》Art. 4, 10; LEGAL-RULES L1, L3,
L8). Asking consent sends each party a link with a single-use token (SMS to the phone the court registered, and
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
from sutiao.kernel.enums import ConsentMethod
from sutiao.kernel.errors import DomainError
from sutiao.notifications.models import Channel
from sutiao.notifications.service import Contact, notify

from ..models import Case, Consent, ConsentRequest, Party
from .cases import CONSENT_STATES, save_answer

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
        consent.audit_record,
    )
    return consent
