"""Who sees what of a mediation, written once: the assigned mediator everything; the organisation's
administrator everything but the caucus messages (背对背); a party what is addressed to every party and their
own caucus with the mediator — and so does whoever acts for that party (an agent within a power of attorney in
force, a firm's authorised staff: permissions.represented_rows), never the other side's caucus. Anyone else
gets 404, as if the case did not exist."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import AgentScope, Role

from .. import permissions
from ..direct.models import DirectApplication
from ..models import Delegation
from .models import (
    Evidence,
    EvidenceAudience,
    Mediation,
    MediationParty,
    Message,
    Recording,
    RoomEvent,
    RoomSeat,
    SatisfactionSurvey,
    Session,
    SessionParticipant,
)


@dataclass(frozen=True)
class Viewer:
    mediator: bool
    admin: bool
    parties: tuple  # the party rows the viewer sees and acts as: their own, or those they represent
    acting: tuple = ()  # (row, Acting) for each row represented (an agent's, a firm staff member's), else empty

    @property
    def party(self) -> bool:
        return bool(self.parties)


def workspace_for(user, delegation_id) -> tuple[Delegation | DirectApplication, Mediation, Viewer]:
    """The case's mediation as `user` may see it, with its source (delegation or direct application), or 404."""
    mediation = (
        Mediation.objects.select_related(
            "delegation",
            "delegation__organisation",
            "delegation__mediator",
            "application",
            "application__organisation",
            "application__mediator",
        )
        .prefetch_related(Prefetch("parties", queryset=MediationParty.objects.select_related("user")))
        .filter(pk=delegation_id)
        .first()
    )
    if mediation is None or not user.is_authenticated:
        raise Http404("没有这个调解案件")
    delegation = mediation.source
    rows = list(mediation.parties.all())
    own = tuple(p for p in rows if p.user_id == user.pk) if user.role in (Role.PARTY, Role.AGENT) else ()
    represented = permissions.represented_rows(user, rows)
    acting = tuple((p, represented[p.pk]) for p in rows if p.pk in represented)
    viewer = Viewer(
        mediator=permissions.is_case_mediator(user, delegation),
        admin=permissions.administers(user, delegation.organisation_id),
        parties=own + tuple(p for p, _ in acting),
        acting=acting,
    )
    if not (viewer.mediator or viewer.admin or viewer.party):
        raise Http404("没有这个调解案件")
    return delegation, mediation, viewer


def messages_for(viewer: Viewer, mediation: Mediation):
    """The messages this viewer may read: a caucus only by the mediator and its one party (never the other
    party, the organisation's administrator or the court)."""
    qs = Message.objects.filter(mediation=mediation).select_related("caucus_with").order_by("at", "id")
    if viewer.mediator:
        return qs
    if viewer.party:
        return qs.filter(Q(caucus_with__isnull=True) | Q(caucus_with__in=[p.pk for p in viewer.parties]))
    return qs.filter(caucus_with__isnull=True)


def evidence_for(viewer: Viewer, mediation: Mediation):
    """The evidence this viewer may see and download, newest first: the mediator all; a party what is
    addressed to every party, what they submitted and what is addressed to them; the organisation's
    administrator what is addressed to every party. The court sees none (it is never sent)."""
    qs = Evidence.objects.filter(mediation=mediation).select_related("file", "on_behalf_of", "addressed_to")
    if viewer.mediator:
        return qs
    everyone = Q(audience=EvidenceAudience.ALL)
    if viewer.party:
        own = [p.pk for p in viewer.parties]
        return qs.filter(everyone | Q(on_behalf_of__in=own) | Q(addressed_to__in=own))
    return qs.filter(everyone)


def evidence_in(mediation: Mediation, evidence_id):
    """One piece of the mediation's evidence, whoever may see it (the download decides), or None."""
    return Evidence.objects.filter(mediation=mediation, pk=evidence_id).select_related("file").first()


# The attendance facts the workspace shows per session, the latest; all of them on the session's attendance page.
ATTENDANCE_SHOWN = 10


def sessions_for(viewer: Viewer, mediation: Mediation):
    participants = SessionParticipant.objects.select_related("party", "id_checked_by")
    # A flaky connection leaves a join and a leave each time it drops: a session's attendance can run long.
    events = RoomEvent.objects.filter(session=OuterRef("pk")).order_by().values("session").annotate(n=Count("pk"))
    qs = (
        Session.objects.filter(mediation=mediation)
        .annotate(room_event_count=Subquery(events.values("n"), output_field=IntegerField()))
        .prefetch_related(
            Prefetch("participants", queryset=participants),
            Prefetch(
                "room_events",
                queryset=RoomEvent.objects.order_by("-at", "-id")[:ATTENDANCE_SHOWN],
                to_attr="latest_room_events",
            ),
            Prefetch("seats", queryset=RoomSeat.objects.filter(guest_role__gt="").order_by("id")),
            Prefetch(
                "recordings", queryset=Recording.objects.select_related("file").prefetch_related("agreements__party")
            ),
        )
    )
    if viewer.mediator or viewer.admin:
        return qs
    return qs.filter(participants__party__in=[p.pk for p in viewer.parties]).distinct()


def mediations_of_party(user):
    """The mediations a party account is linked to (their own cases only), and those of the parties the user
    represents (an agent, a firm's staff: the party's linked rows with the party's identity number)."""
    mine = Q(parties__user=user)
    for a in party_accounts.represented(user):
        if not a.as_self:
            mine |= Q(parties__user_id=a.party.user_id, parties__id_number_digest=a.party.id_number_digest)
    return (
        Mediation.objects.filter(mine)
        .select_related("delegation", "delegation__organisation", "application", "application__organisation")
        .distinct()
        .order_by("-accepted_on")
    )


def session_of(mediation: Mediation, session_id, viewer: Viewer) -> Session:
    """One of the mediation's sessions the viewer may see (sessions_for), or 404."""
    session = sessions_for(viewer, mediation).select_related("room_with").filter(pk=session_id).first()
    if session is None:
        raise Http404("没有这次调解")
    return session


def attendance_of(session: Session, search: str = ""):
    """The session's attendance facts (RoomEvent), oldest first, those naming `search` (a person) if given."""
    qs = RoomEvent.objects.filter(session=session)
    return qs.filter(label__icontains=search.strip()) if search.strip() else qs


def recording_of(session: Session, recording_id) -> Recording:
    """A recording of the session: every party of a session may read it (a caucus is never recorded), as may
    the mediator and the organisation's administrator who see the session; or 404."""
    recording = session.recordings.select_related("file").filter(pk=recording_id).first()
    if recording is None:
        raise Http404("没有这个录音录像")
    return recording


# A party answers the survey about the mediation as it would write to it: the «messages» scope of a power of attorney.
SURVEY_SCOPE = AgentScope.MESSAGES


@dataclass(frozen=True)
class SurveyRow:
    party: MediationParty
    answer: SatisfactionSurvey | None
    may_answer: bool


def survey_for(user, mediation_id) -> tuple[Mediation, list[SurveyRow]]:
    """The satisfaction survey of a mediation as `user` sees it: the party rows they are (their own account) or
    act for (an agent, a firm's staff), each with its answer; `may_answer` once the mediation has ended, for a row
    not answered yet, by the party or within the survey's scope. 404 for anyone who is no party's side."""
    mediation = (
        Mediation.objects.select_related("delegation", "application").filter(pk=mediation_id).first()
        if user.is_authenticated
        else None
    )
    if mediation is None:
        raise Http404("没有这个调解案件")
    rows = list(mediation.parties.all())
    acting = permissions.represented_rows(user, rows)
    own = [r for r in rows if r.user_id is not None and r.user_id == user.pk]
    mine = own + [r for r in rows if r.pk in acting and r not in own]
    if not mine:
        raise Http404("没有这个调解案件")
    answers = {a.party_id: a for a in SatisfactionSurvey.objects.filter(mediation=mediation)}
    ended = not mediation.is_open and mediation.ended_at is not None
    return mediation, [
        SurveyRow(
            r,
            answers.get(r.pk),
            ended and r.pk not in answers and (r in own or SURVEY_SCOPE in acting[r.pk].scopes),
        )
        for r in mine
    ]
