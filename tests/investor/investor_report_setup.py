"""Test set-up for the investor platform's reports: the generated records of tests/report_data.py written as
delegations, bypassing the actions (the figures are what is tested, not how the states were reached)."""

import uuid

from report_data import COURTS, MEDIATORS_PER_ORG, ORGS, Record
from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.investor.models import Delegation
from sutiao.kernel.enums import DelegationKind
from sutiao.kernel.workflow import InvestorState

COURT_IDS = [uuid.UUID(int=7000 + i) for i in range(COURTS)]
COURT_NAMES = [f"测试第{i + 1}人民法院" for i in range(COURTS)]


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
            court_case_number=f"(2026)测{r.court}民诉前调{r.n + 1}号",
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
