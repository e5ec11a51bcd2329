import pytest
from django.utils import timezone
from investor_registry_setup import id_number_for, registered_org

from sutiao.accounts.models import Institution, InstitutionKind, Role, User
from sutiao.docking.schemas import MessageType
from sutiao.kernel.identifiers import mask_id_number
from sutiao.kernel.ids import new_id


@pytest.fixture
def bureau_user(db):
    bureau = Institution.objects.create(kind=InstitutionKind.PROTECTION_BUREAU, name="中国证监会投资者保护局")
    return User.objects.create_user("bureau", password="x-long-password", role=Role.BUREAU_STAFF, institution=bureau)


@pytest.fixture
def regional_office(db):
    return Institution.objects.create(kind=InstitutionKind.REGIONAL_OFFICE, name="中国证监会北京监管局")


@pytest.fixture
def org_a(regional_office, court_peer, bureau_user):
    return registered_org("中证资本市场法律服务中心", 1, regional_office, court_peer, bureau_user)


@pytest.fixture
def org_b(regional_office, court_peer, bureau_user):
    return registered_org("北京证券期货纠纷调解中心", 2, regional_office, court_peer, bureau_user)


def _user(username, role, institution, name=""):
    user = User.objects.create_user(
        username, password="x-long-password", role=role, institution=institution, full_name=name
    )
    if role == Role.MEDIATOR:
        from sutiao.accounts.pii import encrypt, id_number_digest
        from sutiao.investor.models import Mediator

        number = id_number_for(User.objects.count())
        Mediator.objects.create(
            organisation=institution,
            user=user,
            name=name,
            id_number_encrypted=encrypt(number),
            id_number_digest=id_number_digest(number),
            id_number_masked=mask_id_number(number),
        )
    return user


@pytest.fixture
def admin_a(org_a):
    return _user("a_admin", Role.ORG_ADMIN, org_a, "甲管理员")


@pytest.fixture
def admin_b(org_b):
    return _user("b_admin", Role.ORG_ADMIN, org_b, "乙管理员")


@pytest.fixture
def mediator_a(org_a):
    return _user("a_mediator", Role.MEDIATOR, org_a, "张调解")


@pytest.fixture
def mediator_a2(org_a):
    return _user("a_mediator2", Role.MEDIATOR, org_a, "赵调解")


@pytest.fixture
def mediator_b(org_b):
    return _user("b_mediator", Role.MEDIATOR, org_b, "刘调解")


@pytest.fixture
def court_peer(make_peer):
    return make_peer("court-platform")


@pytest.fixture
def delegate_payload():
    def make(organisation, **overrides):
        now = timezone.now().isoformat()
        return {
            "delegation_id": str(new_id()),
            "kind": "delegation",
            "court_case_number": "(2026)京0105民诉前调12345号",
            "court_id": str(new_id()),
            "court_name": "北京市朝阳区人民法院",
            "organisation_id": str(organisation.pk),
            "dispute_type": "misrepresentation",
            "facts": "虚假陈述致投资损失",
            "claims": [{"text": "赔偿投资差额损失", "amount": "125000.00"}],
            "amount": "125000.00",
            "parties": [
                {"role": "applicant", "kind": "natural_person", "name": "李四"},
                {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司"},
            ],
            "consent": [
                {"party": "李四", "consented": True, "method": "phone", "recorded_at": now, "recorded_by": "王立案"},
                {
                    "party": "某某药业股份有限公司",
                    "consented": True,
                    "method": "written",
                    "recorded_at": now,
                    "recorded_by": "王立案",
                },
            ],
            "delegated_at": now,
            **overrides,
        }

    return make


@pytest.fixture
def receive(court_peer, post_message, make_envelope, delegate_payload, own_key):
    """Deliver a DELEGATE through the real, signed endpoint; return the stored delegation."""
    from sutiao.investor.models import Delegation

    def deliver(organisation, **overrides):
        payload = delegate_payload(organisation, **overrides)
        message = make_envelope(MessageType.DELEGATE, new_id(), 1, payload, "court-platform", "investor-platform")
        response = post_message(message, court_peer.key)
        assert response.status_code == 200, response.content
        return Delegation.objects.get(pk=payload["delegation_id"])

    return deliver
