"""Who reads a mediation's agreement, written once: the case's mediator, the organisation's administrator, the
mediation's parties (their linked accounts) and whoever acts for a party within a power of attorney covering
documents or signing (an agent, a firm's staff). Anyone else gets 404, as if the case did not exist."""

from dataclasses import dataclass

from django.http import Http404

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import AgentScope, Role

from .. import permissions
from ..mediation.models import Mediation, MediationParty
from .models import Agreement, AgreementVersion, PerformanceConfirmation

READ_SCOPES = (AgentScope.DOCUMENTS, AgentScope.SIGN)


@dataclass(frozen=True)
class AgreementViewer:
    mediator: bool
    admin: bool
    parties: tuple  # the mediation's party rows the viewer speaks for (their own, or as agent within «sign»)

    @property
    def party(self) -> bool:
        return bool(self.parties)


def _acted_for(user, mediation: Mediation, scopes) -> tuple:
    rows = list(mediation.parties.all())
    own = [p for p in rows if p.user_id is not None and p.user_id == user.pk]
    if user.role not in (Role.PARTY, Role.AGENT):
        return tuple(own)
    accounts = {a.party.user_id for a in party_accounts.represented(user) if any(s in a.scopes for s in scopes)}
    return tuple(own + [p for p in rows if p not in own and p.user_id in accounts])


def viewer_for(user, mediation_id) -> tuple[Mediation, AgreementViewer]:
    """The mediation as `user` may see its agreement, and the viewer (whose `parties` are those it may speak for:
    an agent whose power covers documents but not signing reads only), or 404."""
    mediation = (
        Mediation.objects.select_related(
            "delegation",
            "delegation__organisation",
            "delegation__mediator",
            "application",
            "application__organisation",
            "application__mediator",
        )
        .filter(pk=mediation_id)
        .first()
    )
    if mediation is None or not user.is_authenticated:
        raise Http404("没有这个调解案件")
    source = mediation.source
    readers = _acted_for(user, mediation, READ_SCOPES)
    acting = _acted_for(user, mediation, (AgentScope.SIGN,))
    viewer = AgreementViewer(
        mediator=permissions.is_case_mediator(user, source),
        admin=permissions.administers(user, source.organisation_id),
        parties=acting,
    )
    if not (viewer.mediator or viewer.admin or readers):
        raise Http404("没有这个调解案件")
    return mediation, viewer


def current_agreement(mediation: Mediation) -> Agreement | None:
    """The live agreement (draft, signing or in force), else the latest void one, else None."""
    qs = Agreement.objects.filter(mediation=mediation).select_related("current", "current__created_by")
    return qs.exclude(state="void").first() or qs.order_by("-created_at").first()


def terms_of(version: AgreementVersion):
    return version.terms.select_related("obligor", "obligee").order_by("position")


def confirmations_of(version: AgreementVersion):
    return (
        PerformanceConfirmation.objects.filter(term__version=version)
        .select_related("party", "by")
        .order_by("term", "at", "id")
    )


def versions_of(mediation: Mediation):
    """Every version of every agreement of the mediation, newest first (the history, paged by its caller)."""
    return (
        AgreementVersion.objects.filter(agreement__mediation=mediation)
        .select_related("agreement", "created_by", "pdf")
        .order_by("-created_at", "-id")
    )


def version_in(mediation: Mediation, version_id) -> AgreementVersion | None:
    return versions_of(mediation).filter(pk=version_id).first()


def parties_of(mediation: Mediation) -> list[MediationParty]:
    return list(mediation.parties.all())
