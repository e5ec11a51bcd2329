"""Reads of typical cases: who sees a proposal (its organisation's administrator and the reviewers: the Bureau,
the organisation's supervising body), the lists, the public page, and what personal data a case holds — the
known values de-identification must replace (kernel.deidentify)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from sutiao.accounts.models import PartyProfile, Role
from sutiao.accounts.pii import decrypt
from sutiao.kernel.deidentify import Kind, Known
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.workflow import TypicalCaseState
from sutiao.listing import search

from .. import permissions
from ..mediation.models import Mediation
from .models import TypicalCase

MEDIATOR = -1  # the owner number of the mediator's name (named 调解员 in the published text)


@dataclass(frozen=True)
class Viewer:
    proposer: bool  # an administrator of the case's organisation
    reviewer: bool  # the Bureau, or the organisation's supervising body


def viewer_of(user, case: TypicalCase) -> Viewer:
    return Viewer(
        proposer=permissions.administers(user, case.organisation_id),
        reviewer=permissions.may_oversee(user, case.organisation),
    )


def typical_case_for(user, pk) -> tuple[TypicalCase, Viewer]:
    """The proposal with its original text, to its organisation's administrator and its reviewers; 404 to anyone
    else, as if it did not exist."""
    case = TypicalCase.objects.select_related("organisation", "proposed_by", "reviewed_by").filter(pk=pk).first()
    if case is None or not user.is_authenticated:
        raise Http404("没有这个典型案例")
    viewer = viewer_of(user, case)
    if not (viewer.proposer or viewer.reviewer):
        raise Http404("没有这个典型案例")
    return case, viewer


def typical_cases_for(user, state: str = "", query: str = "") -> QuerySet:
    """The proposals a user works on: an organisation's administrator its own organisation's, a supervising body
    those of the organisations under it, the Bureau all; filtered by state and searched by title and text."""
    qs = TypicalCase.objects.select_related("organisation")
    if permissions.is_bureau(user):
        pass
    elif permissions.is_supervisor(user):
        qs = qs.filter(organisation__parent_id=user.institution_id)
    elif user.role == Role.ORG_ADMIN and user.institution_id:
        qs = qs.filter(organisation_id=user.institution_id)
    else:
        return qs.none()
    if state:
        qs = qs.filter(state=state)
    return search(qs, query)


def published(dispute_type: str = "", query: str = "") -> QuerySet:
    """The public page's cases: published ones only, of one dispute type if asked, searched by their words."""
    qs = TypicalCase.objects.filter(state=TypicalCaseState.PUBLISHED).only(
        "id", "title", "dispute_type", "published_at", "text", "significance"
    )
    if dispute_type:
        qs = qs.filter(dispute_type=dispute_type)
    return search(qs, query)


def published_case(pk) -> TypicalCase:
    case = published().filter(pk=pk).first()
    if case is None:
        raise Http404("没有这个典型案例")
    return case


def live_proposal(mediation: Mediation) -> TypicalCase | None:
    """The case's proposal still under way or published (a case is proposed once; a withdrawn one may be again)."""
    return mediation.typical_cases.filter(~Q(state=TypicalCaseState.WITHDRAWN)).first()


def _kind(party_kind: str) -> Kind:
    return Kind.PERSON if party_kind == PartyKind.NATURAL_PERSON else Kind.FIRM


def known_personal_data(mediation: Mediation) -> list[Known]:
    """Every name, identity number or credit code, phone and address the case holds, each with its owner (one
    number per party, the same for the party's data from every source), and the mediator's name."""
    owners: dict[str, int] = {}
    known: list[Known] = []

    def add(name: str, kind: Kind, *values: tuple[Kind, str]) -> None:
        owner = owners.setdefault(name.strip(), len(owners))
        known.append(Known(kind, name, owner))
        known.extend(Known(k, v, owner) for k, v in values if v)

    for p in mediation.parties.all():
        add(p.name, _kind(p.kind), (Kind.PHONE, p.phone))
    source = mediation.source
    if mediation.direct:
        profile = PartyProfile.objects.filter(user_id=source.applicant_id).first()
        add(
            source.applicant_name,
            Kind.PERSON,
            *(
                [
                    (Kind.ID_NUMBER, decrypt(profile.id_number_encrypted)),
                    (Kind.PHONE, decrypt(profile.mobile_encrypted)),
                ]
                if profile
                else []
            ),
        )
        add(source.respondent_name, Kind.FIRM, (Kind.ID_NUMBER, source.respondent_code))
    else:
        for p in source.parties or []:  # erased by the retention job once the case is long closed
            add(
                p.get("name", ""),
                _kind(p.get("kind", "")),
                (Kind.ID_NUMBER, p.get("id_number", "")),
                (Kind.PHONE, p.get("phone", "")),
                (Kind.ADDRESS, p.get("address", "")),
            )
    if source.mediator_id:
        known.append(Known(Kind.PERSON, source.mediator.display_name, MEDIATOR, label="调解员"))
    return [k for k in known if k.value.strip()]


def draft_from_case(mediation: Mediation) -> dict:
    """The proposal form's first text, from the case's own record: the facts, the claims, how it ended. The
    organisation rewrites it; what it keeps of names and numbers de-identification replaces."""
    source = mediation.source
    claims = source.claims if mediation.direct else "；".join(c.get("text", "") for c in source.claims or [])
    result = source.get_outcome_display() if source.outcome else ""
    lines = [
        f"基本案情：{source.facts.strip()}" if source.facts.strip() else "基本案情：",
        f"请求事项：{claims}",
        "调解过程：",
        f"调解结果：{result}{('。' + source.terms.strip()) if source.terms.strip() else ''}",
    ]
    return {
        "title": f"{source.get_dispute_type_display()}调解案例"[:100],
        "text": "\n".join(lines),
        "significance": "",
    }
