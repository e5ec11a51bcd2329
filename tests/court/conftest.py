import datetime as dt
from decimal import Decimal

import pytest
from court_roster_setup import card, mediator_card, put_on_roster_bypassing_actions
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.models import Organisation
from sutiao.docking.schemas import MessageType
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.ids import new_id


@pytest.fixture
def court(db):
    return Institution.objects.create(
        kind=InstitutionKind.BASIC_COURT, name="北京市朝阳区人民法院", short_code="京0105"
    )


@pytest.fixture
def other_court(db):
    return Institution.objects.create(
        kind=InstitutionKind.BASIC_COURT, name="北京市西城区人民法院", short_code="京0102"
    )


@pytest.fixture
def staff(court):
    return User.objects.create_user(
        "filing", password="x-long-password", role=Role.FILING_STAFF, institution=court, full_name="王立案"
    )


@pytest.fixture
def admin(court):
    """A court admin: keeps the court's invited roster (court.permissions)."""
    return User.objects.create_user(
        "admin", password="x-long-password", role=Role.COURT_ADMIN, institution=court, full_name="赵管理"
    )


@pytest.fixture
def judge(court):
    return User.objects.create_user(
        "judge", password="x-long-password", role=Role.JUDGE, institution=court, full_name="李法官"
    )


@pytest.fixture
def other_admin(other_court):
    return User.objects.create_user(
        "other_admin", password="x-long-password", role=Role.COURT_ADMIN, institution=other_court
    )


@pytest.fixture
def other_staff(other_court):
    return User.objects.create_user(
        "other", password="x-long-password", role=Role.FILING_STAFF, institution=other_court
    )


@pytest.fixture
def investor(make_peer):
    return make_peer("investor-platform")


@pytest.fixture
def organisation(investor, court, staff):
    """An organisation on the court's invited roster (the roster itself is tested in test_roster.py)."""
    org = Organisation.objects.create(
        id=new_id(),
        peer=investor.peer,
        name="中证资本市场法律服务中心",
        uscc="51100000MJ00000119",
        kind="证券期货行业调解组织",
        scope=["全国"],
        dispute_types=["misrepresentation", "brokerage_contract"],
        capacity=100,
        registry_version=1,
    )
    put_on_roster_bypassing_actions(court, org, staff)
    return org


@pytest.fixture
def new_case(staff):
    def make(stage=CaseStage.PRE_FILING, number=""):
        return cases.register_case(
            staff,
            stage=stage,
            dispute_type=DisputeType.MISREPRESENTATION,
            amount=Decimal("125000.00"),
            litigation_number=number,
            parties=[
                cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "李四"),
                cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某药业股份有限公司"),
            ],
            claims=[cases.ClaimInput("赔偿投资差额损失", Decimal("125000.00"))],
        )

    return make


@pytest.fixture
def consented_case(staff, new_case):
    case = new_case()
    cases.ask_consent(staff, case)
    for party in case.parties.all():
        cases.record_consent(
            staff,
            case,
            party,
            consented=True,
            method=ConsentMethod.PHONE,
            answered_at=timezone.now() - dt.timedelta(minutes=5),
            note="录音 1",
        )
    case.refresh_from_db()
    return case


@pytest.fixture
def appointable_case(staff, consented_case):
    """A consented case whose parties asked the court to appoint (L3), so it may be delegated at once."""
    return cases.record_appointment_request(staff, consented_case)


@pytest.fixture
def delegated(staff, appointable_case, organisation, own_key):
    return delegation_actions.delegate_case(staff, appointable_case, organisation)


@pytest.fixture
def push(investor, post_message, make_envelope, court, own_key):
    """Deliver a ROSTER_PROPOSED through the real, signed endpoint."""
    seqs: dict = {}

    def send(org_id=None, mediator_id=None, court_id="court", **card_overrides):
        org_id = org_id or new_id()
        subject = mediator_id or org_id
        seqs[subject] = seqs.get(subject, 0) + 1
        proposal_id = new_id()
        payload = {
            "proposal_id": str(proposal_id),
            "court_id": str(court.pk) if court_id == "court" else court_id,
            "court_name": court.name,
            "organisation": card(org_id, **card_overrides),
            "mediator": mediator_card(mediator_id, org_id) if mediator_id else None,
            "proposed_by": "中国证监会投资者保护局 孙投保",
            "proposed_at": timezone.now().isoformat(),
        }
        message = make_envelope(
            MessageType.ROSTER_PROPOSED, subject, seqs[subject], payload, "investor-platform", "court-platform"
        )
        response = post_message(message, investor.key)
        response.proposal_id, response.org_id = proposal_id, org_id
        return response

    return send


@pytest.fixture
def from_investor(investor, post_message, make_envelope, own_key):
    """Deliver a message of the investor platform about a delegation through the real, signed endpoint."""
    seqs: dict = {}

    def send(message_type, delegation, **payload):
        seqs[delegation.case_id] = seqs.get(delegation.case_id, 0) + 1
        body = {"delegation_id": str(delegation.id), **{k: _json(v) for k, v in payload.items()}}
        message = make_envelope(
            message_type, delegation.case_id, seqs[delegation.case_id], body, "investor-platform", "court-platform"
        )
        response = post_message(message, investor.key)
        assert response.status_code == 200 and response.json()["status"] == "applied", response.content
        return response

    return send


def _json(value):
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value


@pytest.fixture
def answer(from_investor):
    def send(delegation, accepted=True, reason=""):
        return from_investor(
            MessageType.DELEGATION_ANSWER,
            delegation,
            accepted=accepted,
            reason=reason,
            answered_at=timezone.now(),
            answered_by="中证资本市场法律服务中心 管理员",
        )

    return send


@pytest.fixture
def result(from_investor):
    def send(delegation, outcome, terms="", reason=""):
        return from_investor(
            MessageType.MEDIATION_RESULT,
            delegation,
            outcome=outcome,
            terms=terms,
            reason=reason,
            concluded_at=timezone.now(),
        )

    return send
