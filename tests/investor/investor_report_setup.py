"""Test set-up for the investor platform's reports: the generated records of tests/report_data.py written as
delegations, bypassing the actions (the figures are what is tested, not how the states were reached)."""

import datetime as dt
import uuid

from report_data import COURTS, MEDIATORS_PER_ORG, ORGS, SUPREME_COURT, Record
from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.investor.models import Delegation
from sutiao.kernel.enums import DelegationKind
from sutiao.kernel.regions import region_of_case_number
from sutiao.kernel.workflow import InvestorState

COURT_IDS = [uuid.UUID(int=7000 + i) for i in range(COURTS)]
COURT_NAMES = [f"测试第{i + 1}人民法院" if i != SUPREME_COURT else "最高人民法院" for i in range(COURTS)]


def state_of(r: Record) -> InvestorState:
    if r.recalled:
        return InvestorState.RECALLED
    if r.answered is None:
        return InvestorState.RECEIVED
    if r.declined:
        return InvestorState.DECLINED
    if r.outcome:
        return InvestorState(r.outcome)
    return InvestorState.MEDIATING if r.mediator is not None else InvestorState.ACCEPTED


def write_delegations_bypassing_actions(records: list[Record], peer, registered_org) -> dict:
    """Offices, organisations, mediators (users) and one delegation per record. Returns the objects by index."""
    offices = [
        Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name=f"测试监管局{i + 1}") for i in range(2)
    ]
    orgs = [registered_org(f"测试调解组织{i + 1}", 500 + i, offices[0 if i < 2 else 1]) for i in range(ORGS)]
    mediators = [
        [
            User.objects.create_user(
                f"rm{o}_{m}",
                password="x-long-password",
                role=Role.MEDIATOR,
                institution=orgs[o],
                full_name=f"调解员{o + 1}-{m + 1}",
            )
            for m in range(MEDIATORS_PER_ORG)
        ]
        for o in range(ORGS)
    ]
    Delegation.objects.bulk_create(
        Delegation(
            id=uuid.UUID(int=r.n + 1),
            case=uuid.UUID(int=100000 + r.n),
            peer=peer,
            organisation=orgs[r.org],
            kind=DelegationKind.DELEGATION,
            court_id=COURT_IDS[r.court],
            court_name=COURT_NAMES[r.court],
            court_case_number=r.case_number,
            # As the inbound handler sets it.
            region=region_of_case_number(r.case_number).key,
            dispute_type=r.dispute_type,
            amount="1000.00",
            claims=[],
            parties=[],
            consent=[],
            delegated_at=r.received,
            received_at=r.received,
            answer_due=r.due,
            state=state_of(r),
            answered_at=r.answered,
            decline_reason="案件不属于受理范围" if r.declined else "",
            mediator=mediators[r.org][r.mediator] if r.mediator is not None else None,
            outcome=r.outcome,
            concluded_at=r.concluded,
        )
        for r in records
    )
    return {"offices": offices, "orgs": orgs, "mediators": mediators}


def write_mediations_bypassing_actions(records: list[Record], made: dict) -> None:
    """How each mediation went (report_data's investor facts): the mediation (its id is its delegation's), sessions,
    extensions, the agreement in force with its terms. Beside them, facts that must not count: a session scheduled
    but not held (earlier than the first held), a refused extension, a void agreement and an earlier version of the
    agreement in force, each with terms all performed. Written past the actions, so the mediations' stored figures
    are then recomputed from those rows as after a restore (mediation.figures.refresh_all)."""
    from decimal import Decimal

    from sutiao.investor.agreements.models import Agreement, AgreementTerm
    from sutiao.investor.mediation.figures import refresh_all
    from sutiao.investor.mediation.models import (
        Mediation,
        MediationParty,
        PeriodExtension,
        SatisfactionSurvey,
        Session,
    )
    from sutiao.kernel.enums import PartyKind, PartyRole
    from sutiao.kernel.workflow import AgreementState

    mediated = [r for r in records if r.mediator is not None]
    mediations = Mediation.objects.bulk_create(
        Mediation(
            id=uuid.UUID(int=r.n + 1),
            delegation_id=uuid.UUID(int=r.n + 1),
            accepted_on=r.answered.date(),
            period_days=30,
            notify_due=r.answered.date(),
            ground=r.ground,
        )
        for r in mediated
    )
    by_n = {r.n: m for r, m in zip(mediated, mediations, strict=True)}
    sessions, extensions = [], []
    for r in mediated:
        user = made["mediators"][r.org][r.mediator]
        m = by_n[r.n]
        if r.first_session:
            held = [r.first_session, r.first_session + dt.timedelta(days=3)]
            sessions += [Session(mediation=m, starts_at=t, mode="online", scheduled_by=user, held_at=t) for t in held]
            early = r.first_session - dt.timedelta(hours=1)
            sessions.append(Session(mediation=m, starts_at=early, mode="online", scheduled_by=user))
        at = r.answered + dt.timedelta(days=1)
        extensions += [
            PeriodExtension(mediation=m, days=10, reason="协商", proposed_by=user, proposed_at=at, granted_at=at)
            for _ in range(r.extensions)
        ]
        if r.n % 3 == 0:
            extensions.append(
                PeriodExtension(mediation=m, days=10, reason="协商", proposed_by=user, proposed_at=at, refused_at=at)
            )
    Session.objects.bulk_create(sessions)
    PeriodExtension.objects.bulk_create(extensions)

    with_terms = [r for r in mediated if r.terms]
    parties = {}
    for r in mediated:
        if not (r.terms or r.surveys):
            continue
        m = by_n[r.n]
        parties[r.n] = (
            MediationParty.objects.create(
                mediation=m, role=PartyRole.APPLICANT, kind=PartyKind.NATURAL_PERSON, name="甲"
            ),
            MediationParty.objects.create(
                mediation=m, role=PartyRole.RESPONDENT, kind=PartyKind.LEGAL_PERSON, name="乙"
            ),
        )
    terms = []
    for r in with_terms:
        m, user = by_n[r.n], made["mediators"][r.org][r.mediator]
        obligee, obligor = parties[r.n]
        at = r.concluded

        if r.n % 4 == 0:
            void = Agreement.objects.create(mediation=m, state=AgreementState.VOID, created_by=user, created_at=at)
            old = _version(void, 1, user, at)
            void.current = old
            void.save()
            terms.append(_term(old, 1, obligor, obligee, at, Decimal("999.00"), r.terms[0][1], True))
        agreement = Agreement.objects.create(
            mediation=m, state=AgreementState.EFFECTIVE, created_by=user, created_at=at, effective_at=at
        )
        if r.n % 2 == 0:
            earlier = _version(agreement, 1, user, at)
            terms.append(_term(earlier, 1, obligor, obligee, at, Decimal("777.00"), r.terms[0][1], True))
        current = _version(agreement, 2, user, at)
        agreement.current = current
        agreement.save()
        terms += [_term(current, i + 1, obligor, obligee, at, *t) for i, t in enumerate(r.terms)]
    AgreementTerm.objects.bulk_create(terms)
    SatisfactionSurvey.objects.bulk_create(
        SatisfactionSurvey(
            mediation=by_n[r.n],
            party=parties[r.n][i],
            fairness=a[0],
            conduct=a[1],
            convenience=a[2],
            at=r.concluded,
            by=made["mediators"][r.org][r.mediator],
        )
        for r in mediated
        for i, a in enumerate(r.surveys)
    )
    refresh_all()


def _version(agreement, number, user, at):
    from sutiao.documents.models import FileKind, StoredFile
    from sutiao.investor.agreements.models import AgreementVersion

    pdf = StoredFile.objects.create(
        storage_name=f"test/{uuid.uuid4()}",
        original_name="协议.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        kind=FileKind.DOCUMENT,
    )
    return AgreementVersion.objects.create(
        agreement=agreement, number=number, clauses="x", created_by=user, created_at=at, pdf=pdf, sha256="0" * 64
    )


def _term(version, position, obligor, obligee, at, amount, due, performed):
    from sutiao.investor.agreements.models import AgreementTerm

    return AgreementTerm(
        version=version,
        position=position,
        obligor=obligor,
        obligee=obligee,
        kind="payment",
        amount=amount,
        due=due,
        performed_at=at if performed else None,
    )
