import datetime as dt
from decimal import Decimal

import pytest
from court_roster_setup import put_on_roster
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.court import services
from sutiao.court.models import Organisation
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
    put_on_roster(court, org, staff)
    return org


@pytest.fixture
def new_case(staff):
    def make(stage=CaseStage.PRE_FILING, number=""):
        return services.register_case(
            staff,
            stage=stage,
            dispute_type=DisputeType.MISREPRESENTATION,
            amount=Decimal("125000.00"),
            litigation_number=number,
            parties=[
                services.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "李四"),
                services.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某药业股份有限公司"),
            ],
            claims=[services.ClaimInput("赔偿投资差额损失", Decimal("125000.00"))],
        )

    return make


@pytest.fixture
def consented_case(staff, new_case):
    case = new_case()
    services.ask_consent(staff, case)
    for party in case.parties.all():
        services.record_consent(
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
def delegated(staff, consented_case, organisation, own_key):
    return services.delegate_case(staff, consented_case, organisation)
