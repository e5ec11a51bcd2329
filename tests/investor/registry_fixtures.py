"""Fixtures of the registry tests: the Bureau, two supervising bodies, organisations registered through the
services, their administrators and mediators, and the courts a push can go to. Valid identifiers are built
with the kernel's own check-character functions. Imported by the registry test modules (`from
registry_fixtures import *`), so their names are kept apart from conftest's."""

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.accounts.pii import decrypt
from sutiao.docking.models import InboxMessage
from sutiao.docking.schemas import RosterDecisionPayload
from sutiao.investor import inbound
from sutiao.investor.actions import registry, roster
from sutiao.investor.models import CourtDirectory, RosterProposal
from sutiao.investor.registry.data import MediatorData, OrgData
from sutiao.kernel.calendar import china_today
from sutiao.kernel.identifiers import resident_id_check_digit, uscc_check_character
from sutiao.kernel.ids import new_id
from sutiao.kernel.rules import default_validity

_numbers = itertools.count(1)


def make_uscc(n: int | None = None) -> str:
    first17 = f"91310000{(n or next(_numbers)):09d}"
    return first17 + uscc_check_character(first17)


def make_id_number(n: int | None = None) -> str:
    first17 = f"31011519850615{(n or next(_numbers)) % 1000:03d}"
    return first17 + resident_id_check_digit(first17)


def wrong_check(code: str) -> str:
    """The same code with a check character that does not fit."""
    last = code[-1]
    return code[:-1] + ("1" if last != "1" else "2")


def new_user(username: str, role: str, institution, full_name: str = "") -> User:
    return User.objects.create_user(
        username, password="x-long-password", role=role, institution=institution, full_name=full_name
    )


def org_data(supervisor, **overrides) -> OrgData:
    values = {
        "name": "上海证券期货纠纷调解中心",
        "uscc": make_uscc(),
        "kind": "industry",
        "supervisor_id": supervisor.pk,
        "scope": ["上海市", "江苏省"],
        "dispute_types": ["misrepresentation", "brokerage_contract"],
        "capacity": 80,
        "address": "上海市浦东新区",
        "contact_name": "钱联系",
        "contact_phone": "021-50000000",
    }
    values.update(overrides)
    return OrgData(**values)


def mediator_data(**overrides) -> MediatorData:
    values = {
        "name": "郑调解",
        "id_number": make_id_number(),
        "specialties": ["misrepresentation"],
        "qualifications": ["lawyer"],
        "training_hours": Decimal("24.0"),
        "phone": "13800000000",
    }
    values.update(overrides)
    return MediatorData(**values)


def decide(proposal, confirmed=True, reason="", valid_until=None, decided_by="北京市朝阳区人民法院 李法官"):
    """The court's answer, as the ROSTER_DECISION handler records it."""
    today = china_today()
    inbound.on_roster_decision(
        from_peer(
            proposal.peer if proposal.peer_id else None,
            RosterDecisionPayload(
                proposal_id=proposal.pk,
                confirmed=confirmed,
                reason=reason,
                valid_from=today if confirmed else None,
                valid_until=(valid_until or default_validity(today)) if confirmed else None,
                decided_by=decided_by,
                decided_at=timezone.now(),
            ),
        )
    )
    return RosterProposal.objects.get(pk=proposal.pk)


def from_peer(peer, payload) -> list:
    """One message from `peer` as the inbox hands it to an inbound effect: (message, payload) pairs."""
    return [(InboxMessage(peer=peer), payload)]


def stored_id_number(mediator) -> str:
    """The identity number as stored (decrypted), to check what an action kept."""
    return decrypt(mediator.id_number_encrypted)


@pytest.fixture
def reg_bureau(db):
    bureau = Institution.objects.create(kind=InstitutionKind.PROTECTION_BUREAU, name="中国证监会投资者保护局")
    return new_user("reg_bureau", Role.BUREAU_STAFF, bureau, "孙投保")


@pytest.fixture
def shanghai_office(db):
    return Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name="中国证监会上海监管局")


@pytest.fixture
def futures_association(db):
    return Institution.objects.create(kind=InstitutionKind.AFFILIATED_UNIT, name="中国期货业协会")


@pytest.fixture
def reg_supervisor(shanghai_office):
    return new_user("reg_supervisor", Role.SUPERVISOR, shanghai_office, "吴监管")


@pytest.fixture
def other_supervisor(futures_association):
    return new_user("reg_other_supervisor", Role.SUPERVISOR, futures_association, "冯监管")


@pytest.fixture
def reg_org(reg_bureau, shanghai_office):
    return registry.register_organisation(reg_bureau, org_data(shanghai_office))


@pytest.fixture
def other_org(reg_bureau, futures_association):
    return registry.register_organisation(
        reg_bureau, org_data(futures_association, name="大连期货纠纷调解室", kind="commercial", scope=["全国"])
    )


@pytest.fixture
def reg_admin(reg_org):
    return new_user("reg_admin", Role.ORG_ADMIN, reg_org.institution, "钱管理员")


@pytest.fixture
def other_admin(other_org):
    return new_user("reg_other_admin", Role.ORG_ADMIN, other_org.institution, "冯管理员")


@pytest.fixture
def reg_mediator_user(reg_org):
    return new_user("reg_mediator", Role.MEDIATOR, reg_org.institution, "郑调解")


@pytest.fixture
def reg_mediator(reg_admin, reg_org):
    return registry.register_mediator(reg_admin, reg_org.institution, mediator_data())


@pytest.fixture
def roster_peer(make_peer):
    return make_peer("court-platform").peer


@pytest.fixture
def chaoyang(roster_peer):
    return CourtDirectory.objects.create(id=new_id(), peer=roster_peer, name="北京市朝阳区人民法院")


@pytest.fixture
def xicheng(roster_peer):
    return CourtDirectory.objects.create(id=new_id(), peer=roster_peer, name="北京市西城区人民法院")


@pytest.fixture
def confirmed_on(reg_bureau):
    """Put an organisation on a court's roster (None: every court) the way it happens: pushed, confirmed."""

    def confirm(org, court=None, valid_until=None):
        proposal = roster.propose_organisation(reg_bureau, org, court.pk if court else None)
        return decide(proposal, valid_until=valid_until)

    return confirm
