"""Test set-up for the court platform's reports: the generated records of tests/report_data.py written as cases
and delegations of two courts, bypassing the actions (the figures are what is tested, not how states were reached)."""

import datetime as dt
import uuid
from decimal import Decimal

from report_data import COURT_CODES, ORGS, SUPREME_COURT, Record, office_of
from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.court.confirmation.models import Channel, ConfirmationApplication
from sutiao.court.models import Case, Delegation, MediationDocument, Organisation
from sutiao.documents.models import FileKind, StoredFile
from sutiao.kernel.confirmation import RulingOutcome, VenueGround
from sutiao.kernel.enums import CaseStage, DelegationKind, DisputeType, MediationOutcome
from sutiao.kernel.regions import region_of_case_number
from sutiao.kernel.workflow import CourtState, DelegationState

MEDIATOR_NAMES = [[f"调解员{o + 1}-{m + 1}" for m in range(2)] for o in range(ORGS)]
OFFICE_NAMES = ["测试监管局1", "测试监管局2"]


def _states(r: Record, today) -> tuple[DelegationState, CourtState]:
    if r.recalled:
        return DelegationState.RECALLED, CourtState.RETURNED
    if r.answered is None:
        return (DelegationState.OVERDUE if r.due < today else DelegationState.RECEIVED), CourtState.DELEGATED
    if r.declined:
        return DelegationState.DECLINED, CourtState.RETURNED
    if r.outcome:
        return DelegationState.CONCLUDED, CourtState(r.outcome)
    return DelegationState.ACCEPTED, CourtState.MEDIATING


def write_cases_bypassing_actions(records: list[Record], peer, staff, today) -> dict:
    courts = [
        Institution.objects.create(kind=InstitutionKind.BASIC_COURT, name=f"测试第{i + 1}人民法院", short_code=code)
        if i != SUPREME_COURT
        else Institution.objects.create(kind=InstitutionKind.SUPREME_COURT, name="最高人民法院", short_code=code)
        for i, code in enumerate(COURT_CODES)
    ]
    orgs = [
        Organisation.objects.create(
            id=uuid.UUID(int=9000 + i), peer=peer, name=f"测试调解组织{i + 1}", supervisor=OFFICE_NAMES[office_of(i)]
        )
        for i in range(ORGS)
    ]
    cases, delegations = [], []
    for r in records:
        delegation_state, case_state = _states(r, today)
        case = Case(
            id=uuid.UUID(int=100000 + r.n),
            court=courts[r.court],
            number=r.case_number,
            # As register_case sets it (the figures by region are what is tested here, the kernel's reading of a
            # number in tests/unit/test_regions.py).
            region=region_of_case_number(r.case_number).key,
            stage=CaseStage.PRE_FILING,
            dispute_type=r.dispute_type,
            amount="1000.00",
            state=case_state,
            registered_by=staff,
        )
        cases.append(case)
        delegations.append(
            Delegation(
                id=uuid.UUID(int=r.n + 1),
                case=case,
                organisation=orgs[r.org],
                kind=DelegationKind.DELEGATION,
                state=delegation_state,
                sent_by=staff,
                sent_at=r.received,
                received_at=r.received,
                answer_due=r.due,
                answered_at=r.answered,
                mediator_name=MEDIATOR_NAMES[r.org][r.mediator] if r.mediator is not None else "",
                outcome=r.outcome,
                concluded_at=r.concluded,
                termination_ground=r.ground,
            )
        )
    Case.objects.bulk_create(cases)
    Delegation.objects.bulk_create(delegations)
    _write_court_acts(records, courts, cases, delegations, staff)
    return {"courts": courts, "orgs": orgs}


def _file():
    return StoredFile.objects.create(
        storage_name=f"test/{uuid.uuid4()}",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        kind=FileKind.DOCUMENT,
    )


def _write_court_acts(records: list[Record], courts, cases, delegations, staff) -> None:
    """What the court did after the mediation (report_data's court facts): applications for judicial confirmation
    with their rulings, and 调解书. Beside them, applications that must not count: one registered without the
    delegated case, one on a case whose mediation failed."""
    agreement = _file()

    def application(case, court, outcome):
        return ConfirmationApplication(
            court=court,
            channel=Channel.COUNTER,
            case=case,
            dispute_type=DisputeType.MISREPRESENTATION,
            organisation_name="测试调解组织",
            agreement=agreement,
            agreement_effective_on=dt.date(2026, 1, 5),
            received_at=dt.datetime(2026, 1, 6, tzinfo=dt.UTC),
            venue_ground=VenueGround.INVITING_COURT,
            venue_citation="民事诉讼法第二百零五条",
            outcome=outcome,
        )

    applications, documents = [], []
    for r, case, delegation in zip(records, cases, delegations, strict=True):
        court = courts[r.court]
        applications += [application(case, court, outcome) for outcome in r.confirmations]
        if r.document:
            documents.append(
                MediationDocument(
                    case=case,
                    delegation=delegation,
                    agreement=agreement,
                    document=_file(),
                    terms="x",
                    case_fee=Decimal("100.00"),
                    fee_due=Decimal("50.00"),
                    issued_by=staff,
                    issued_at=r.concluded,
                )
            )
    failed = next(c for r, c in zip(records, cases, strict=True) if r.outcome == MediationOutcome.FAILED)
    applications += [application(None, courts[0], RulingOutcome.VALID), application(failed, failed.court, "valid")]
    ConfirmationApplication.objects.bulk_create(applications)
    MediationDocument.objects.bulk_create(documents)
