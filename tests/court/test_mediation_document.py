"""Issue 11 §5–6 on the court platform: the 调解书 of an entrusted case (L15, L18) and electronic service (L16).
The agreement in force is fetched by its hash over a real signed read (the investor platform's side answered in
process by this platform's own docking endpoint), the 调解书 is a PDF sealed with the court's e-seal that
documents.signing.verify accepts, each party is served on the channels they consented to, and the case closes
only when both parties signed for receipt."""

import datetime as dt
from decimal import Decimal

import pytest
import requests
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.utils import timezone

from docking_documents_checks import InProcess
from documents_checks import sandbox  # noqa: F401 (a fixture)
from signing_checks import ca_files, platform_ca  # noqa: F401 (fixtures)
from sutiao.accounts import parties as party_accounts
from sutiao.accounts.models import AgentScope, Role, User
from sutiao.court.actions import cases
from sutiao.court.actions import delegation as delegation_actions
from sutiao.court.actions import mediation_document as document_actions
from sutiao.court.actions import service as service_actions
from sutiao.court.models import Case, MediationDocument
from sutiao.docking import client as docking_client
from sutiao.docking.documents import share
from sutiao.docking.models import PeerKey
from sutiao.docking.schemas import MessageType
from sutiao.docking.signing import own_public_pem
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.documents.pdf import Document, Para, render
from sutiao.documents.signing import verify
from sutiao.documents.storage import open_verified
from sutiao.kernel.confirmation import case_fee, half_fee
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtState, MediationDocumentState
from sutiao.notifications import serving
from sutiao.notifications.delivery import deliver_due
from sutiao.notifications.models import Channel, Notification, Service

INVESTOR_ID = "11010519491231002X"
FIRM_CODE = "91110000100000000A"


@pytest.fixture
def accounts(db):
    from sutiao.kernel.identifiers import uscc_check_character

    firm_code = FIRM_CODE[:17] + uscc_check_character(FIRM_CODE[:17])
    investor = party_accounts.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=INVESTOR_ID,
        mobile="13800138000",
        username="lisi",
        password="sutiao-demo-2026",
    )
    firm = party_accounts.register_party(
        "测试",
        kind=PartyKind.LEGAL_PERSON,
        name="某某药业股份有限公司",
        id_number=firm_code,
        mobile="13900139000",
        username="firm",
        password="sutiao-demo-2026",
    )
    return investor, firm, firm_code


@pytest.fixture
def in_process(investor, own_key, monkeypatch):
    """The investor platform's side of a document read, answered by this platform's own docking endpoint: the
    investor peer is reached in process and its answers are signed with our own key, registered as one of its."""
    peer = investor.peer
    peer.base_url = "http://loopback.invalid"
    peer.save()
    PeerKey.objects.create(peer=peer, key_id=django_settings.SUTIAO_KEY_ID, public_key_pem=own_public_pem())
    session = requests.Session()
    session.mount("http://loopback.invalid", InProcess())
    monkeypatch.setattr(docking_client, "_session", session)
    return peer


@pytest.fixture
def settled(staff, judge, organisation, accounts, answer, result, from_investor, in_process, sandbox, platform_ca):  # noqa: F811
    """An entrusted case (in litigation) whose mediation succeeded with an agreement in force, shared by the
    organisation's platform, and its judge named."""
    investor, firm, firm_code = accounts
    case = cases.register_case(
        staff,
        stage=CaseStage.IN_LITIGATION,
        dispute_type=DisputeType.MISREPRESENTATION,
        amount=Decimal("125000.00"),
        litigation_number="(2026)京0105民初100号",
        parties=[
            cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, "李四", INVESTOR_ID),
            cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, "某某药业股份有限公司", firm_code),
        ],
        claims=[cases.ClaimInput("赔偿投资差额损失", Decimal("125000.00"))],
    )
    cases.ask_consent(staff, case)
    for party in case.parties.all():
        cases.record_consent(
            staff,
            case,
            party,
            consented=True,
            method=ConsentMethod.PHONE,
            answered_at=timezone.now() - dt.timedelta(minutes=5),
        )
    cases.record_appointment_request(staff, case)
    delegation = delegation_actions.delegate_case(staff, Case.objects.get(pk=case.pk), organisation)
    answer(delegation)
    result(delegation, "succeeded", terms="被告赔偿原告80,000元")
    pdf = render(
        Document(
            "调解协议书", (Para("被告于十日内赔偿原告80,000元。"),), "调解协议", timezone.now(), f"agreement:{case.pk}"
        )
    )
    stored = accept_upload(ContentFile(pdf, name="调解协议.pdf"), uploaded_by=staff, kind=FileKind.DOCUMENT)
    share(in_process, stored)  # what the investor platform's _send_status does for the effective step
    terms = [
        {
            "position": 1,
            "obligor": "某某药业股份有限公司",
            "obligee": "李四",
            "kind": "payment",
            "description": "赔偿投资差额损失",
            "amount": "80000.00",
            "due": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
            "status": "pending",
        }
    ]
    from_investor(
        MessageType.AGREEMENT_STATUS,
        delegation,
        agreement_id=str(new_id()),
        version=2,
        sha256=stored.sha256,
        step="effective",
        terms=terms,
        at=timezone.now(),
    )
    case = Case.objects.get(pk=case.pk)
    document_actions.assign_judge(staff, case, judge)
    return Case.objects.get(pk=case.pk)


def _party(case, role):
    return case.parties.get(role=role)


def _consent_all(staff, case, accounts):
    investor, firm, _ = accounts
    with_inbox = ["in_app", "sms"]
    service_actions.record_consent(
        staff,
        case,
        _party(case, PartyRole.APPLICANT),
        channels=with_inbox,
        mobile="13800138000",
        note="电子送达确认书 1",
    )
    # The firm consents online itself (在线诉讼规则 Art. 30).
    serving.consent_online(firm.user, firm, ["in_app"])


def test_l15_issued_sealed_served_and_effective_when_both_signed_for_receipt(settled, staff, judge, accounts):
    investor, firm, _ = accounts
    _consent_all(staff, settled, accounts)
    document = document_actions.issue(judge, settled)
    case = Case.objects.get(pk=settled.pk)
    assert case.state == CourtState.DOCUMENT_ISSUED and case.closed_at is None
    # A real court-sealed PDF, with the agreed terms and half of the Art. 13 fee (2,800 → 1,400).
    pdf = open_verified(document.document).read()
    report = verify(pdf)
    assert report.valid and report.sealed and report.signatures[-1].signer_name == case.court.name
    assert document.case_fee == case_fee(Decimal("125000.00")) == Decimal("2800.00")
    assert document.fee_due == half_fee(document.case_fee) == Decimal("1400.00")
    assert "某某药业股份有限公司于" in document.terms and "80,000.00元" in document.terms
    assert document.agreement.sha256 == case.current_delegation.agreement_sha256
    # L16: both served electronically; reached at once through the inbox; the proof keeps the hash.
    services = {s.party_name: s for s in serving.services_of(case)}
    assert set(services) == {"李四", "某某药业股份有限公司"}
    assert all(s.electronic and s.reached_at and s.sha256 == document.document.sha256 for s in services.values())
    assert services["李四"].channels == ["in_app", "sms"]
    # One party signed: not yet in force (L15).
    document_actions.sign_receipt(investor.user, case, _party(case, PartyRole.APPLICANT))
    assert MediationDocument.objects.get(pk=document.pk).state == MediationDocumentState.ISSUED
    assert Case.objects.get(pk=case.pk).state == CourtState.DOCUMENT_ISSUED
    with pytest.raises(DomainError):  # once only
        document_actions.sign_receipt(investor.user, case, _party(case, PartyRole.APPLICANT))
    document_actions.sign_receipt(firm.user, case, _party(case, PartyRole.RESPONDENT))
    document = MediationDocument.objects.get(pk=document.pk)
    case = Case.objects.get(pk=case.pk)
    assert document.state == MediationDocumentState.EFFECTIVE and document.effective_at
    assert case.state == CourtState.DOCUMENT_EFFECTIVE and case.closed_at is not None


def test_l15_a_party_refusing_to_sign_leaves_it_without_effect_and_trial_resumes(settled, staff, judge, accounts):
    investor, firm, _ = accounts
    document_actions.issue(judge, settled)
    document_actions.sign_receipt(investor.user, settled, _party(settled, PartyRole.APPLICANT))
    with pytest.raises(DomainError):
        document_actions.refuse_receipt(firm.user, settled, _party(settled, PartyRole.RESPONDENT), " ")
    document_actions.refuse_receipt(firm.user, settled, _party(settled, PartyRole.RESPONDENT), "赔偿数额有异议")
    case = Case.objects.get(pk=settled.pk)
    assert case.mediation_document.state == MediationDocumentState.REFUSED
    assert case.state == CourtState.TRIAL_RESUMED
    assert "恢复审理" in "".join(case.events.values_list("text", flat=True))
    with pytest.raises(DomainError):  # nothing more to sign
        document_actions.sign_receipt(firm.user, case, _party(case, PartyRole.RESPONDENT))


def test_l15_only_the_case_judge_issues_and_a_party_signs_only_for_themself(settled, staff, judge, court, accounts):
    investor, firm, _ = accounts
    other_judge = User.objects.create_user("judge2", password="x-long-password", role=Role.JUDGE, institution=court)
    for actor in (staff, other_judge, investor.user):
        with pytest.raises(PermissionDenied):
            document_actions.issue(actor, settled)
    document_actions.issue(judge, settled)
    with pytest.raises(PermissionDenied):  # the investor is not the firm
        document_actions.sign_receipt(investor.user, settled, _party(settled, PartyRole.RESPONDENT))
    with pytest.raises(PermissionDenied):
        document_actions.refuse_receipt(other_judge, settled, _party(settled, PartyRole.RESPONDENT), "电话表示拒收")


def test_l16_service_without_consent_is_marked_and_recorded_by_other_means(settled, staff, judge, accounts):
    investor, _firm, _ = accounts
    document_actions.issue(judge, settled)
    services = list(serving.services_of(settled))
    assert services and all(s.needs_other_means and not s.notices.exists() for s in services)
    assert not Notification.objects.filter(kind="served_document").exists()
    assert list(serving.served_to(investor.user)) == []  # nothing served electronically to read
    service = services[0]
    with pytest.raises(DomainError):
        service_actions.record_other_means(
            staff, settled, service, means="post", served_on=timezone.localdate() + dt.timedelta(days=1)
        )
    service_actions.record_other_means(
        staff, settled, service, means="post", served_on=timezone.localdate(), note="EMS 1234"
    )
    service.refresh_from_db()
    assert service.other_means == "post" and not service.needs_other_means


def test_l16_arrival_read_receipt_and_nobody_else_reads_it(settled, staff, judge, accounts, client):
    investor, firm, _ = accounts
    service_actions.record_consent(
        staff, settled, _party(settled, PartyRole.APPLICANT), channels=["sms"], mobile="13800138000"
    )
    document_actions.issue(judge, settled)
    service = Service.objects.get(party_name="李四")
    # SMS only: served when the gateway takes the notice, not before (L16: arrival at the party's system).
    assert service.channels == ["sms"] and service.reached_at is None
    deliver_due()
    service.refresh_from_db()
    sms = service.notices.get(channel=Channel.SMS)
    assert service.reached_at == sms.delivered_at is not None
    # The investor opens it on the court platform: the read receipt, with the hash shown.
    client.force_login(investor.user)
    page = client.get(f"/notifications/served/{service.pk}/")
    assert page.status_code == 200 and service.sha256 in page.content.decode()
    service.refresh_from_db()
    assert service.read_at is not None and service.read_by == investor.user
    assert client.get(f"/notifications/served/{service.pk}/file/").status_code == 200
    # Another party cannot read it, nor can court staff through the party's page.
    for other in (firm.user, staff):
        client.force_login(other)
        assert client.get(f"/notifications/served/{service.pk}/").status_code == 404
        assert client.get(f"/notifications/served/{service.pk}/file/").status_code == 404
    # Staff see the proof on the case page.
    client.force_login(staff)
    page = client.get(f"/cases/{settled.pk}/").content.decode()
    assert service.sha256 in page and "需以其他方式送达" in page  # the firm did not consent


def test_an_agent_within_the_documents_scope_receives_and_opens_it(settled, staff, judge, accounts, client):
    investor, _firm, _ = accounts
    agent = User.objects.create_user("agent", password="x-long-password", role=Role.AGENT, full_name="赵律师")
    party_accounts.grant_power(
        investor.user,
        agent=agent,
        scopes=[AgentScope.DOCUMENTS],
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    serving.consent_online(agent, investor, ["in_app"])
    document_actions.issue(judge, settled)
    assert Notification.objects.filter(recipient=agent, kind="served_document").exists()
    service = Service.objects.get(party_name="李四")
    client.force_login(agent)
    assert client.get(f"/notifications/served/{service.pk}/").status_code == 200
    # Signing for receipt needs the «sign» scope, which this agent lacks.
    with pytest.raises(PermissionDenied):
        document_actions.sign_receipt(agent, settled, _party(settled, PartyRole.APPLICANT))


def test_issuing_needs_an_entrusted_case_with_an_agreement_in_force(staff, judge, new_case):
    case = new_case(stage=CaseStage.PRE_FILING)
    with pytest.raises(DomainError):
        document_actions.assign_judge(staff, case, judge)


def test_the_judge_issues_through_the_case_page(settled, judge, client):
    client.force_login(judge)
    page = client.get(f"/cases/{settled.pk}/").content.decode()
    assert 'data-testid="issue-document"' in page
    response = client.post(f"/cases/{settled.pk}/mediation-document/issue/")
    assert response.status_code == 302
    page = client.get(f"/cases/{settled.pk}/").content.decode()
    assert "1400.00" in page and "本调解书经双方当事人签收后，即具有法律效力。" in page
    assert client.get(f"/cases/{settled.pk}/mediation-document/").status_code == 200
