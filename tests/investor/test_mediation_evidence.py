"""Evidence in the mediation (issue 10 item 4): uploaded by the mediator or for a party (by the party or their
agent), stored through sutiao.documents, addressed to every party, to the mediator only, or to one party, each
download permission-checked and audited; every refusal in Chinese and leaving nothing behind (no row, no
bytes); the court never receives any of it."""

import datetime as dt
import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents_checks import ELF_BYTES, PDF_BYTES, png_bytes, sandbox, state  # noqa: F401 (the fixture)
from sutiao.accounts import parties
from sutiao.accounts.models import ActOnBehalf, AgentScope, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.docking.models import OutboxMessage
from sutiao.documents.models import DocumentAudit, StoredFile
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as actions
from sutiao.investor.mediation.models import Evidence, EvidenceAudience, Mediation
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError

APPLICANT_ID, RESPONDENT_ID = "110105198001010016", "91110000100000000R"


@pytest.fixture
def case(receive, org_a, admin_a, mediator_a):
    """An accepted delegation with its mediator; the applicant's verified account and the respondent firm's
    linked to their party rows."""
    delegation = receive(
        org_a,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
        ],
    )
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    profile = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=APPLICANT_ID,
        mobile="13800000001",
        username="li_si",
        password="x-long-password",
    )
    party_b = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    assert actions.link_party_account(profile.user, profile.id_number_digest) == 1
    assert actions.link_party_account(party_b, parties.pii.id_number_digest(RESPONDENT_ID)) == 1
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    return mediation, profile.user, party_b, row_a, row_b


def pdf(name="交易流水.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def url(mediation, tail=""):
    return f"/delegations/{mediation.pk}/mediation/{tail}"


def test_each_party_sees_and_downloads_only_what_is_addressed_to_them(
    sandbox,  # noqa: F811
    case,
    mediator_a,
    admin_a,
    mediator_b,
    client,
):
    mediation, party_a, party_b, row_a, row_b = case
    to_all = actions.upload_evidence(mediator_a, mediation, pdf("调解须知.pdf"), "调解须知", EvidenceAudience.ALL)
    a_private = actions.upload_evidence(
        party_a, mediation, pdf(), "申请人交易流水", EvidenceAudience.MEDIATOR, on_behalf_of=row_a
    )
    b_caucus = actions.upload_evidence(
        mediator_a,
        mediation,
        SimpleUploadedFile("截图.png", png_bytes()),
        "和解方案草稿",
        EvidenceAudience.PARTY,
        addressed_to=row_b,
    )
    assert a_private.file.uploaded_by == party_a and a_private.file.content_type == "application/pdf"
    assert AuditRecord.objects.filter(action="mediation.upload_evidence").count() == 3

    def titles(user):
        client.force_login(user)
        page = client.get(url(mediation)).content.decode()
        return {t for t in ("调解须知", "申请人交易流水", "和解方案草稿") if t in page}

    assert titles(mediator_a) == {"调解须知", "申请人交易流水", "和解方案草稿"}
    assert titles(party_a) == {"调解须知", "申请人交易流水"}
    assert titles(party_b) == {"调解须知", "和解方案草稿"}
    assert titles(admin_a) == {"调解须知"}

    # Party B cannot download party A's mediator-only evidence: refused in Chinese, nothing recorded.
    client.force_login(party_b)
    refused = client.get(url(mediation, f"evidence/{a_private.pk}/"))
    assert refused.status_code == 404
    assert not AuditRecord.objects.filter(action=DocumentAudit.DOWNLOAD).exists()
    # Another organisation's mediator does not even see the case.
    client.force_login(mediator_b)
    assert client.get(url(mediation, f"evidence/{to_all.pk}/")).status_code == 404
    # Those it is addressed to download it, each download audited in the case's trail.
    for user, evidence in ((party_b, b_caucus), (party_a, a_private), (mediator_a, a_private)):
        client.force_login(user)
        response = client.get(url(mediation, f"evidence/{evidence.pk}/"))
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content)[:4] in (b"%PDF", b"\x89PNG")
    downloads = AuditRecord.objects.filter(action=DocumentAudit.DOWNLOAD)
    assert downloads.count() == 3 and {r.case for r in downloads} == {str(mediation.delegation.case)}

    # The court hears nothing of any of it.
    sent = json.dumps([m.payload for m in OutboxMessage.objects.all()], ensure_ascii=False)
    for title in ("调解须知", "申请人交易流水", "和解方案草稿", "交易流水.pdf"):
        assert title not in sent


def test_the_refusal_is_translated_when_a_download_is_not_permitted(sandbox, case, mediator_a):  # noqa: F811
    from django.http import Http404
    from django.test import RequestFactory

    from sutiao.investor.views.mediation import evidence_download

    mediation, party_a, party_b, row_a, _ = case
    private = actions.upload_evidence(party_a, mediation, pdf(), "申请人交易流水", "mediator", on_behalf_of=row_a)
    request = RequestFactory().get("/")
    request.user = party_b
    with pytest.raises(Http404) as refusal:
        evidence_download(request, mediation.pk, private.pk)
    assert "文件不存在，或您无权下载此文件" in str(refusal.value)


def _refused_on_the_page(client, mediation, upload, expected: str, root) -> None:
    before = state(root)
    response = client.post(
        url(mediation, "evidence/"),
        {"evidence-title": "交易流水", "evidence-audience": "all", "evidence-file": upload},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert state(root) == before, "a refused upload left something behind"
    assert not Evidence.objects.exists() and not StoredFile.objects.exists()


def test_uploads_on_the_page_oversized_and_executables_are_refused_in_chinese_leaving_nothing(
    sandbox,  # noqa: F811
    case,
    client,
    settings,
):
    mediation, party_a, *_ = case
    client.force_login(party_a)
    settings.SUTIAO_UPLOAD_MAX_BYTES = 1024
    _refused_on_the_page(client, mediation, pdf(content=PDF_BYTES + b"%" * 2048), "文件超过", sandbox)
    settings.SUTIAO_UPLOAD_MAX_BYTES = 20 * 2**20
    _refused_on_the_page(client, mediation, pdf("合同.pdf", ELF_BYTES), "可执行程序", sandbox)
    _refused_on_the_page(client, mediation, pdf("交易流水.exe", PDF_BYTES), "只能上传", sandbox)
    # And a good one through the same form.
    response = client.post(
        url(mediation, "evidence/"),
        {"evidence-title": "交易流水", "evidence-audience": "all", "evidence-file": pdf()},
    )
    assert response.status_code == 302
    assert "交易流水" in client.get(url(mediation)).content.decode()


def test_a_path_traversal_name_is_refused_and_nothing_stored(sandbox, case):  # noqa: F811
    mediation, party_a, _, row_a, _ = case
    for name in ("../../../etc/cron.d/evil.pdf", "..\\..\\evil.pdf", "/tmp/evil.pdf"):
        before = state(sandbox)
        # django.core.files.File keeps the name as given (an UploadedFile would cut it to its last part, as
        # Django's parser does for a real request).
        crafted = File(io.BytesIO(PDF_BYTES), name=name)
        with pytest.raises(DomainError) as refusal:
            actions.upload_evidence(party_a, mediation, crafted, "证据", "all", on_behalf_of=row_a)
        assert refusal.value.field == "file" and "路径" in refusal.value.message
        assert state(sandbox) == before
    assert not Evidence.objects.exists()


def test_who_may_upload_for_whom(sandbox, case, mediator_b, admin_a, mediator_a):  # noqa: F811
    mediation, party_a, party_b, row_a, row_b = case
    before = state(sandbox)
    for user, row in ((party_b, row_a), (mediator_b, None), (admin_a, None), (party_a, None)):
        with pytest.raises(PermissionDenied):
            actions.upload_evidence(user, mediation, pdf(), "证据", "all", on_behalf_of=row)
    with pytest.raises(DomainError, match="送达各方当事人或仅送达调解员"):
        actions.upload_evidence(party_a, mediation, pdf(), "证据", "party", on_behalf_of=row_a, addressed_to=row_b)
    with pytest.raises(DomainError, match="不代表任何一方"):
        actions.upload_evidence(mediator_a, mediation, pdf(), "证据", "all", on_behalf_of=row_a)
    with pytest.raises(DomainError, match="请选择送达的本案当事人"):
        actions.upload_evidence(mediator_a, mediation, pdf(), "证据", "party")
    with pytest.raises(DomainError, match="证据名称"):
        actions.upload_evidence(party_a, mediation, pdf(), "  ", "all", on_behalf_of=row_a)
    assert state(sandbox) == before


def test_an_agent_uploads_within_the_documents_scope_and_the_party_sees_it(sandbox, case):  # noqa: F811
    mediation, party_a, _, row_a, _ = case
    agent = User.objects.create_user("lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师")
    until = timezone.localdate() + dt.timedelta(days=30)
    power = parties.grant_power(party_a, agent=agent, scopes=[AgentScope.MESSAGES], valid_until=until)
    with pytest.raises(PermissionDenied):  # no «documents» scope
        actions.upload_evidence(agent, mediation, pdf(), "代理意见", "all", on_behalf_of=row_a)
    parties.revoke_power(party_a, power)
    parties.grant_power(party_a, agent=agent, scopes=[AgentScope.DOCUMENTS], valid_until=until)
    evidence = actions.upload_evidence(agent, mediation, pdf(), "代理意见", "all", on_behalf_of=row_a)
    assert evidence.on_behalf_of == row_a and evidence.uploaded_by == agent
    act = ActOnBehalf.objects.get(party__user=party_a)
    assert act.actor == agent and "代理意见" in act.summary and act.audit_seq is not None


def test_a_long_list_is_paged(sandbox, case, mediator_a, client):  # noqa: F811
    mediation = case[0]
    for i in range(23):
        actions.upload_evidence(mediator_a, mediation, pdf(f"证据{i}.pdf"), f"证据第{i:02d}号", "all")
    client.force_login(mediator_a)

    def listed(response):
        return re.findall(r'data-testid="evidence-item">\s*<a [^>]+>(证据第\d\d号)<', response.content.decode())

    first = client.get(url(mediation))
    assert listed(first) == [f"证据第{i:02d}号" for i in range(22, 2, -1)]  # newest first, 20 to a page
    second = client.get(first.context["evidence_next"])
    assert listed(second) == ["证据第02号", "证据第01号", "证据第00号"]
    assert second.context["evidence_next"] is None
    forged = client.get(url(mediation) + "?evidence=forged")
    assert forged.status_code == 200 and "翻页标记无效" in forged.content.decode()
    assert listed(forged)[0] == "证据第22号"


def test_nothing_is_uploaded_once_the_mediation_ended(sandbox, case, mediator_a):  # noqa: F811
    mediation, party_a, _, row_a, _ = case
    delegation_actions.record_result(mediator_a, mediation.delegation, "succeeded", terms="赔偿五万元")
    before = state(sandbox)
    with pytest.raises(DomainError, match="调解已结束"):
        actions.upload_evidence(party_a, mediation, pdf(), "证据", "all", on_behalf_of=row_a)
    assert state(sandbox) == before
