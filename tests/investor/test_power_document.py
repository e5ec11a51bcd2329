"""A party's power of attorney carries the signed instrument as an uploaded file (sutiao.documents): stored only
when every other check passed, refused in Chinese leaving nothing, downloaded only by the party and the agent,
each download audited."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents_checks import ELF_BYTES, PDF_BYTES, sandbox, state  # noqa: F401 (the fixture)
from sutiao.accounts import parties
from sutiao.accounts.models import AgentScope, PowerOfAttorney, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.documents.models import DocumentAudit, FileKind
from sutiao.kernel.enums import PartyKind


@pytest.fixture
def party(db):
    return parties.sign_up(
        kind=PartyKind.NATURAL_PERSON, name="李四", id_number="110105198001010016", mobile="13800000001"
    )


@pytest.fixture
def agent(db):
    return User.objects.create_user("lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师")


def _grant(client, extra):
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    return client.post("/accounts/powers/", {"agent": "lawyer", "scopes": ["documents"], "valid_until": until, **extra})


def test_the_signed_power_is_uploaded_and_read_only_by_the_party_and_the_agent(
    sandbox,  # noqa: F811
    client,
    party,
    agent,
):
    client.force_login(party.user)
    assert _grant(client, {"document_file": SimpleUploadedFile("授权委托书.pdf", PDF_BYTES)}).status_code == 302
    power = PowerOfAttorney.objects.get()
    assert power.document.kind == FileKind.POWER_OF_ATTORNEY and power.document.uploaded_by == party.user
    page = client.get("/accounts/powers/").content.decode()
    assert "授权委托书.pdf" in page
    url = f"/accounts/powers/{power.pk}/document/"
    for user in (party.user, agent):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    other = User.objects.create_user("lawyer2", password="x" * 12, role=Role.AGENT, full_name="钱律师")
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert AuditRecord.objects.filter(action=DocumentAudit.DOWNLOAD).count() == 2


def test_a_bad_file_is_refused_in_chinese_and_no_power_is_recorded(sandbox, client, party, agent):  # noqa: F811
    client.force_login(party.user)
    before = state(sandbox)
    refused = _grant(client, {"document_file": SimpleUploadedFile("授权委托书.pdf", ELF_BYTES)})
    assert refused.status_code == 200 and "可执行程序" in refused.content.decode()
    # A refusal of the power itself stores no file either.
    no_scope = client.post(
        "/accounts/powers/",
        {"agent": "lawyer", "valid_until": "2099-01-01", "document_file": SimpleUploadedFile("a.pdf", PDF_BYTES)},
    )
    assert no_scope.status_code == 200 and "请选择代理权限" in no_scope.content.decode()
    assert state(sandbox) == before and not PowerOfAttorney.objects.exists()


def test_a_power_without_a_file_still_names_the_instrument(party, agent):
    until = timezone.localdate() + dt.timedelta(days=30)
    power = parties.grant_power(
        party.user, agent=agent, scopes=[AgentScope.CONSENT], valid_until=until, document_ref="纸质委托书-001"
    )
    assert power.document is None and power.document_ref == "纸质委托书-001"
