"""Who may do what on the investor platform, written once: the Investor Protection Bureau (every
organisation), a supervising body (a CSRC regional office or affiliated unit: the organisations registered
under it), an organisation's administrator (its own organisation and its delegations) and the mediator
assigned to a case (notice §4(3)(4)(5)). Actions call the `ensure_*` checks; selectors and pages read the
same scopes, so what a user may see and what they may change cannot drift apart. Who may do what at all is
declared once, in the permission matrix (`access.py`), which a generated test walks against every page and API
operation; the scopes here say how far an actor's reach goes."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import AgentScope, Institution, InstitutionKind, Role, User
from sutiao.kernel.enums import AdoptionConsentBy
from sutiao.kernel.rules import adoption_consent_by

from .models import Delegation, MediationOrg, RosterProposal

SUPERVISING_KINDS = (InstitutionKind.REGIONAL_OFFICE, InstitutionKind.AFFILIATED_UNIT)


def _role(user: User) -> str | None:
    return user.role if user.is_authenticated else None


def is_bureau(user: User) -> bool:
    return _role(user) == Role.BUREAU_STAFF


def is_supervisor(user: User) -> bool:
    return _role(user) == Role.SUPERVISOR and user.institution_id is not None


def supervises(user: User, organisation: Institution) -> bool:
    """A regional office or affiliated unit supervises the organisations registered under it."""
    return is_supervisor(user) and organisation.parent_id == user.institution_id


def administers(user: User, organisation_id) -> bool:
    """The user is an administrator of that organisation."""
    return _role(user) == Role.ORG_ADMIN and user.institution_id is not None and user.institution_id == organisation_id


def sees_mediator_phones(user: User, organisation: Institution) -> bool:
    """A mediator's mobile number in clear: for the administrator of the mediator's own organisation, who works
    with them; everyone else who keeps or oversees the registry sees it masked (PIPL art. 6, minimum necessary;
    issue 14 §9)."""
    return administers(user, organisation.pk)


# --- scopes: the organisations a user may see and keep ---


def organisations_in_scope(user: User, *, own: bool = True):
    """The registry records a user may see and keep: the Bureau every one, a supervising body those registered
    under it, an organisation's administrator its own (unless `own` is False: overseeing, not keeping)."""
    qs = MediationOrg.objects.select_related("institution", "institution__parent")
    if is_bureau(user):
        return qs
    if is_supervisor(user):
        return qs.filter(institution__parent_id=user.institution_id)
    if own and _role(user) == Role.ORG_ADMIN and user.institution_id:
        return qs.filter(pk=user.institution_id)
    return qs.none()


def overseen_organisations(user: User):
    """The organisations a user oversees (sets status of, exports): Bureau all, a supervising body its own."""
    return organisations_in_scope(user, own=False)


def editable_organisations(user: User):
    """The organisations (as institutions) whose records and mediators this user may keep."""
    return Institution.objects.filter(
        kind=InstitutionKind.MEDIATION_ORG, pk__in=organisations_in_scope(user).values("pk")
    ).order_by("name")


# --- checks ---


def may_edit(user: User, organisation: Institution) -> bool:
    return administers(user, organisation.pk) or is_bureau(user) or supervises(user, organisation)


def may_oversee(user: User, organisation: Institution) -> bool:
    return is_bureau(user) or supervises(user, organisation)


def ensure_bureau(user: User, message: str) -> None:
    if not is_bureau(user):
        raise PermissionDenied(message)


def ensure_can_edit(user: User, organisation: Institution) -> None:
    if not may_edit(user, organisation):
        raise PermissionDenied(gettext("无权维护该调解组织的信息"))


def ensure_keeps_training(user: User, organisation: Institution) -> None:
    """Mediators' training records (issue 13 §6): kept by whoever keeps the organisation's registry record — its
    administrator for its own mediators, the Bureau, and the supervising body for the organisations under it."""
    if not may_edit(user, organisation):
        raise PermissionDenied(gettext("无权维护该调解组织调解员的培训记录"))


def ensure_keeps_some_training(user: User) -> None:
    """The training pages without an organisation (the requirement, the organisations one keeps): whoever keeps some
    organisation's training (the permission matrix, `access.RULES`)."""
    from sutiao.accounts.access import actor_of

    from .access import RULES

    if not (user.is_authenticated and actor_of(user) in RULES[("training_requirement", "read")]):
        raise PermissionDenied(gettext("仅投资者保护局、派出机构/会管单位及调解组织管理员可查看调解员培训情况"))


def ensure_oversees(user: User, organisation: Institution) -> None:
    if not may_oversee(user, organisation):
        raise PermissionDenied(gettext("仅投资者保护局或该组织的指导单位可进行此操作"))


def ensure_supervises(user: User, organisation: Institution) -> None:
    if not supervises(user, organisation):
        raise PermissionDenied(gettext("仅该调解组织的指导单位（派出机构或会管单位）可推送其调解员"))


def may_use_registry_files(user: User) -> bool:
    """Excel import and export of the registry: the Bureau, supervising bodies and organisations' administrators
    (the permission matrix, `access.RULES`)."""
    from sutiao.accounts.access import actor_of

    from .access import RULES

    return user.is_authenticated and actor_of(user) in RULES[("registry_files", "use")]


def ensure_may_use_registry_files(user: User) -> None:
    if not may_use_registry_files(user):
        raise PermissionDenied(gettext("仅投资者保护局、派出机构/会管单位及调解组织管理员可导入或导出名录信息"))


def ensure_may_apply(user: User) -> None:
    """A direct application is made by the investor in person: a natural person's own party account."""
    from sutiao.accounts.models import PartyProfile
    from sutiao.kernel.enums import PartyKind

    profile = PartyProfile.objects.filter(user=user).first() if user.is_authenticated else None
    if _role(user) != Role.PARTY or profile is None or profile.kind != PartyKind.NATURAL_PERSON:
        raise PermissionDenied(gettext("仅投资者本人的当事人账户可申请调解"))


def ensure_org_admin(user: User, delegation: Delegation) -> None:
    """An organisation's staff act only on their own organisation's delegations."""
    if not administers(user, delegation.organisation_id):
        raise PermissionDenied(gettext("仅受委派调解组织的管理员可进行此操作"))


def ensure_assigned_mediator(user: User, delegation: Delegation) -> None:
    if not user.is_authenticated or delegation.mediator_id != user.pk:
        raise PermissionDenied(gettext("仅本案调解员可记录调解结果"))


# --- a lower court's request to take a subject over from a higher court's roster (LEGAL-RULES L23) ---


def adoption_answered_by(proposal: RosterProposal) -> AdoptionConsentBy:
    """Who answers for this request's subject (`kernel.rules.adoption_consent_by`)."""
    mediator = proposal.mediator
    return adoption_consent_by(mediator is not None, mediator is not None and mediator.user_id is not None)


def may_answer_adoption(user: User, proposal: RosterProposal) -> bool:
    """The organisation's administrator answers for the organisation, and records the answer of a mediator
    who has no account; a mediator with an account answers in person (《人民法院在线调解规则》Art. 27 ¶2)."""
    if adoption_answered_by(proposal) == AdoptionConsentBy.MEDIATOR:
        return user.is_authenticated and proposal.mediator.user_id == user.pk
    return administers(user, proposal.organisation_id)


def ensure_may_answer_adoption(user: User, proposal: RosterProposal) -> None:
    if not may_answer_adoption(user, proposal):
        if adoption_answered_by(proposal) == AdoptionConsentBy.MEDIATOR:
            raise PermissionDenied(gettext("仅调解员本人可答复是否同意沿用"))
        raise PermissionDenied(gettext("仅该调解组织的管理员可答复是否同意沿用"))


# --- the mediation (issue 10): the assigned mediator works it, the organisation's administrator reads it and
# decides recusals, a party reads what is addressed to them and acts for their own party only ---


def is_case_mediator(user: User, delegation: Delegation) -> bool:
    return user.is_authenticated and delegation.mediator_id == user.pk


def party_rows_of(user: User, mediation):
    """The mediation's party rows this user is linked to (a party account, L8-verified by the parties' app)."""
    if not user.is_authenticated or _role(user) not in (Role.PARTY, Role.AGENT):
        return mediation.parties.none()
    return mediation.parties.filter(user=user)


def ensure_case_mediator(user: User, delegation: Delegation) -> None:
    if not is_case_mediator(user, delegation):
        raise PermissionDenied(gettext("仅本案调解员可进行此操作"))


def ensure_party(user: User, party) -> None:
    """A party acts only as their own party row of this mediation."""
    if not user.is_authenticated or party.user_id != user.pk:
        raise PermissionDenied(gettext("仅该当事人本人可进行此操作"))


def represented_rows(user: User, rows) -> dict:
    """The mediation's party rows `user` acts for without being the party (issue 10 §1): an agent within a power
    of attorney in force, a firm's authorised staff — for a party whose own account is linked to the row (so
    verified by real name against it, L8) and registered with the same identity number. {row pk: Acting}."""
    if not user.is_authenticated or _role(user) not in (Role.PARTY, Role.AGENT):
        return {}
    acting = [a for a in party_accounts.represented(user) if not a.as_self]
    found = {}
    for row in rows:
        if row.user_id is None or row.user_id == user.pk or not row.id_number_digest:
            continue
        for a in acting:
            if a.party.user_id == row.user_id and a.party.id_number_digest == row.id_number_digest:
                found[row.pk] = a
    return found


def acting_as(user: User, party, scope: str):
    """How `user` acts as the mediation party `party` for a step within `scope` (an AgentScope): None for the
    party's own account; the Acting of an agent or a firm's staff whose authority covers the step; otherwise
    PermissionDenied, saying what is missing."""
    if user.is_authenticated and party.user_id is not None and party.user_id == user.pk:
        return None
    acting = represented_rows(user, [party]).get(party.pk)
    if acting is None:
        raise PermissionDenied(gettext("仅该当事人本人或其授权代理人可进行此操作"))
    if scope not in acting.scopes:
        raise PermissionDenied(
            gettext("您的授权委托不包括“%(scope)s”，请由当事人本人办理或扩大授权范围")
            % {"scope": AgentScope(scope).label}
        )
    return acting
