"""Signing the mediation agreement online (issue 11 §2, §7; LEGAL-RULES L10): the mediator signs the frozen
version's PDF first, then each party (its own account or an agent within the «sign» scope), each confirming with
the SMS code sent to their own mobile; the organisation's e-seal follows the last party's signature at once and
the agreement takes effect then. Each signature is an incremental PAdES signature on the previous signed bytes,
kept as its own file with a SignatureRecord. A change to the signed file after signing is shown on the agreement
page and found by pdfsig. An agreement signed on paper (or reached offline) is uploaded as a scan and confirmed
online by every party."""

import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents_checks import sandbox  # noqa: F401 (the fixture)
from signing_checks import agreement_pdf, ca_files, nss_trusting, pdfsig, platform_ca  # noqa: F401 (fixtures)
from sutiao.accounts import parties
from sutiao.accounts.models import ActOnBehalf, AgentScope, Role, SmsCode, User
from sutiao.accounts.pii import id_number_digest
from sutiao.audit.models import AuditRecord
from sutiao.docking.documents import shared_file
from sutiao.docking.models import OutboxMessage, Peer
from sutiao.docking.schemas import MessageType
from sutiao.documents.models import SigningIdentity
from sutiao.documents.signing import sign, verify
from sutiao.documents.storage import documents_storage, open_verified
from sutiao.investor.actions import agreements as actions
from sutiao.investor.actions import applications
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.agreements import selectors
from sutiao.investor.agreements.models import Agreement, SignatureKind, SigningMethod
from sutiao.investor.mediation.models import Mediation
from sutiao.kernel.direct import RespondentSector
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import AgreementState

APPLICANT_ID, FIRM_CODE = "110105198001010016", "91310000MA1FL0000N"
MOBILES = {"li_si": "13800000001", "firm": "13800000002", "a_mediator": "13900000009", "lawyer": "13700000007"}


@pytest.fixture
def sms_log(settings, tmp_path):
    settings.SUTIAO_SMS_LOG = tmp_path / "sms.log"
    settings.SUTIAO_SMS_BACKEND = "sutiao.notifications.sms.LogFileSmsBackend"
    return settings.SUTIAO_SMS_LOG


def _register(username, name, kind, number, verify_now=True):
    profile = parties.register_party(
        "测试", kind=kind, name=name, id_number=number, mobile=MOBILES[username], username=username, password="x" * 12
    )
    if verify_now:
        parties.verify_identity(profile.user, profile, None)
    return profile.user


@pytest.fixture
def case(sandbox, platform_ca, sms_log, receive, org_a, admin_a, mediator_a):  # noqa: F811
    """A delegation accepted, the mediator (with a mobile) assigned, both parties' accounts linked, and an
    agreement frozen for signing."""
    delegation = receive(
        org_a,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": FIRM_CODE},
        ],
    )
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    mediator_a.phone = MOBILES["a_mediator"]
    mediator_a.save(update_fields=["phone"])
    party_a = _register("li_si", "李四", PartyKind.NATURAL_PERSON, APPLICANT_ID, verify_now=False)
    party_b = _register("firm", "某某药业股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, verify_now=False)
    assert mediation_actions.link_party_account(party_a, id_number_digest(APPLICANT_ID)) == 1
    assert mediation_actions.link_party_account(party_b, id_number_digest(FIRM_CODE)) == 1
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    agreement = actions.draft_agreement(mediator_a, mediation)
    return mediation, agreement, party_a, party_b, row_a, row_b


def _code(sms_log, user) -> str:
    """The latest code the platform sent to the user's mobile (the development SMS log)."""
    text = sms_log.read_text(encoding="utf-8") if sms_log.exists() else ""
    found = re.findall(rf"{MOBILES[user.username]} .*?验证码为 (\d{{6}})", text)
    assert found, text
    return found[-1]


def _sign(sms_log, user, agreement, party=None):
    actions.send_signing_code(user, agreement, party, "127.0.0.1")
    return actions.sign_agreement(user, agreement, party, _code(sms_log, user))


def _bytes(stored) -> bytes:
    with open_verified(stored) as f:
        return f.read()


def _sent(message_type):
    return [m.payload for m in OutboxMessage.objects.filter(type=message_type).order_by("seq")]


def _submitted(case, mediator):
    mediation, agreement, *_ = case
    actions.submit_for_signing(mediator, agreement)
    agreement.refresh_from_db()
    return agreement


def test_l10_mediator_first_parties_next_seal_last_in_force_at_the_last_partys_signature(
    case,
    mediator_a,
    sms_log,
    platform_ca,  # noqa: F811
    tmp_path,
    nss_trusting,  # noqa: F811
):
    mediation, _, party_a, party_b, row_a, row_b = case
    agreement = _submitted(case, mediator_a)
    with pytest.raises(DomainError, match="调解员尚未签署"):
        actions.send_signing_code(party_a, agreement, row_a, None)

    mediator_sig = _sign(sms_log, mediator_a, agreement)
    assert mediator_sig.kind == SignatureKind.MEDIATOR and mediator_sig.sha256_before == agreement.current.sha256
    with pytest.raises(DomainError, match="调解员已签署"):
        actions.send_signing_code(mediator_a, agreement, None, None)
    _sign(sms_log, party_a, agreement, row_a)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNING and agreement.signed_party_ids == [row_a.pk]
    assert not _sent(MessageType.AGREEMENT_STATUS)
    with pytest.raises(DomainError, match="已签署"):
        actions.send_signing_code(party_a, agreement, row_a, None)

    last = _sign(sms_log, party_b, agreement, row_b)
    agreement.refresh_from_db()
    # In force at the last party's signature (its timestamp), not at the seal (Art. 19 ¶2).
    assert agreement.state == AgreementState.EFFECTIVE and agreement.effective_at == last.at
    records = list(agreement.signatures.order_by("at", "id"))
    assert [r.kind for r in records] == ["mediator", "party", "party", "seal"]
    assert [r.party_id for r in records] == [None, row_a.pk, row_b.pk, None]
    # Each signature appended to the previous signed bytes, each revision kept with its hash.
    for earlier, later in zip(records, records[1:], strict=False):
        assert later.sha256_before == earlier.sha256_after == earlier.file.sha256
    assert records[0].certificate_serial != records[1].certificate_serial
    final = _bytes(records[-1].file)
    assert final.startswith(_bytes(records[-2].file))
    report = verify(final)
    assert (
        report.valid
        and report.sealed
        and [s.field for s in report.signatures]
        == [
            "mediator",
            f"party-{row_a.pk}",
            f"party-{row_b.pk}",
            "seal",
        ]
    )
    assert report.signatures[2].signer_name == "某某药业股份有限公司" and report.signatures[-1].seal
    assert report.signatures[-1].signer_name == "中证资本市场法律服务中心电子印章"
    # The seal locks the document: nothing signs after it.
    identity = SigningIdentity.objects.get(user=party_a)
    with pytest.raises(DomainError, match="已加盖电子印章"):
        sign(final, identity, field="later", reason="再签", location="北京")
    # poppler's pdfsig, with our root trusted, agrees.
    poppler = pdfsig(final, tmp_path, nss_trusting)
    assert len(poppler) == 4 and all(p["validation"] == "Signature is Valid." for p in poppler), poppler
    # The court of the delegated case hears once: in force.
    (sent,) = _sent(MessageType.AGREEMENT_STATUS)
    assert sent["step"] == "effective"
    # ... of the sealed document, shared for it to fetch by that hash (the unsigned version binds nobody).
    sealed = selectors.signed_document(agreement)
    assert sent["sha256"] == sealed.sha256 == hashlib.sha256(final).hexdigest() != agreement.current.sha256
    assert shared_file(Peer.objects.get(), sealed.sha256) == sealed
    assert AuditRecord.objects.filter(action="agreement.sign").count() == 3
    assert AuditRecord.objects.filter(action="agreement.seal").count() == 1
    with pytest.raises(DomainError, match="不在待签署状态"):
        actions.send_signing_code(party_a, agreement, row_a, None)


def test_nobody_signs_for_another(case, mediator_a, mediator_a2, admin_a, sms_log):
    mediation, _, party_a, party_b, row_a, row_b = case
    agreement = _submitted(case, mediator_a)
    for other in (mediator_a2, admin_a, party_a):  # only the case's mediator signs as the mediator
        with pytest.raises(PermissionDenied):
            actions.send_signing_code(other, agreement, None, None)
    _sign(sms_log, mediator_a, agreement)
    actions.send_signing_code(party_a, agreement, row_a, None)
    with pytest.raises(PermissionDenied, match="任何人不能代他人签署"):
        actions.sign_agreement(party_a, agreement, row_b, _code(sms_log, party_a))
    with pytest.raises(PermissionDenied):
        actions.send_signing_code(mediator_a, agreement, row_b, None)
    assert not agreement.signatures.filter(kind=SignatureKind.PARTY).exists()


def test_an_agent_signs_only_within_the_sign_scope_and_the_signature_says_so(case, mediator_a, sms_log):
    mediation, _, party_a, party_b, row_a, row_b = case
    agreement = _submitted(case, mediator_a)
    _sign(sms_log, mediator_a, agreement)
    agent = User.objects.create_user(
        "lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师", phone=MOBILES["lawyer"]
    )
    until = timezone.localdate() + dt.timedelta(days=30)
    power = parties.grant_power(party_a, agent=agent, scopes=[AgentScope.DOCUMENTS], valid_until=until)
    with pytest.raises(PermissionDenied):  # documents only: no signing
        actions.send_signing_code(agent, agreement, row_a, None)
    parties.revoke_power(party_a, power)
    parties.grant_power(party_a, agent=agent, scopes=[AgentScope.SIGN], valid_until=until)
    with pytest.raises(PermissionDenied):  # the applicant's power, not the respondent's
        actions.send_signing_code(agent, agreement, row_b, None)
    signed = _sign(sms_log, agent, agreement, row_a)
    assert signed.as_agent and signed.signer == agent and signed.party == row_a
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(_bytes(signed.file)), strict=False)
    reasons = [str(s.sig_object.get("/Reason")) for s in reader.embedded_signatures]
    assert reasons[-1] == "代理人赵律师代李四签署调解协议"
    assert verify(_bytes(signed.file)).signatures[-1].signer_name == "赵律师"
    act = ActOnBehalf.objects.get(party__user=party_a)
    assert act.actor == agent and act.action == "agreement.sign"


def test_a_wrong_sms_code_is_refused_and_the_try_counts(case, mediator_a, sms_log):
    mediation, *_ = case
    agreement = _submitted(case, mediator_a)
    actions.send_signing_code(mediator_a, agreement, None, None)
    right = _code(sms_log, mediator_a)
    assert "签署调解协议" in sms_log.read_text(encoding="utf-8")
    with pytest.raises(DomainError, match="验证码不正确"):
        actions.sign_agreement(mediator_a, agreement, None, "000000" if right != "000000" else "111111")
    assert SmsCode.objects.get().attempts == 1  # not rolled back with the refusal
    assert not agreement.signatures.exists()
    actions.sign_agreement(mediator_a, agreement, None, right)
    with pytest.raises(DomainError):  # spent
        actions.sign_agreement(mediator_a, agreement, None, right)


def test_a_pdf_changed_after_signing_shows_a_red_warning_and_fails_pdfsig(
    case,
    mediator_a,
    sms_log,
    client,
    tmp_path,
    nss_trusting,  # noqa: F811
):
    mediation, _, party_a, party_b, row_a, row_b = case
    agreement = _submitted(case, mediator_a)
    _sign(sms_log, mediator_a, agreement)
    # The party signs through the page: the code, then the signature.
    client.force_login(party_a)
    session = client.session
    session["sutiao_party_factors"] = {"user": party_a.pk, "factors": ["password", "sms"]}
    session.save()
    url = f"/mediations/{mediation.pk}/agreement/"
    page = client.get(url).content.decode()
    assert 'data-testid="sign-box"' in page and "签署：李四" in page
    client.post(url + "code/", {"party": row_a.pk})
    response = client.post(url + "sign/", {"party": row_a.pk, "code": _code(sms_log, party_a)}, follow=True)
    assert response.status_code == 200 and "已签署" in response.content.decode()
    _sign(sms_log, party_b, agreement, row_b)
    page = client.get(url).content.decode()
    assert 'data-testid="signature-valid"' in page and 'data-testid="signature-warning"' not in page
    assert page.count('data-ok="yes"') == 4 and "可信时间戳" in page

    # Someone rewrites the stored signed file (one byte inside what every signature covers).
    latest = agreement.signatures.order_by("-at", "-id").first().file
    data = _bytes(latest)
    at = data.index(b"(D:") + 3
    changed = data[:at] + (b"1" if data[at : at + 1] != b"1" else b"2") + data[at + 1 :]
    storage = documents_storage()
    storage.delete(latest.storage_name)
    storage.save(latest.storage_name, io.BytesIO(changed))
    page = client.get(url).content.decode()
    assert 'data-testid="signature-warning"' in page and "SHA-256 校验值不符" in page
    assert 'data-ok="no"' in page and "签名后文件内容被改动" in page
    poppler = pdfsig(changed, tmp_path, nss_trusting)
    assert poppler and all(p["validation"] == "Digest Mismatch." for p in poppler), poppler


def _scan(kind="pdf"):
    if kind == "pdf":
        return SimpleUploadedFile("纸质调解协议.pdf", agreement_pdf("调解协议书（纸质签署）"), "application/pdf")
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, "PNG")
    return SimpleUploadedFile("扫描件.png", buffer.getvalue(), "image/png")


def test_an_agreement_signed_on_paper_is_uploaded_and_takes_effect_when_every_party_confirmed(
    case, mediator_a, sms_log, client
):
    mediation, agreement, party_a, party_b, row_a, row_b = case
    with pytest.raises(DomainError, match="PDF、JPG 或 PNG"):
        actions.upload_paper_agreement(
            mediator_a,
            agreement,
            SimpleUploadedFile(
                "协议.docx",
                _docx(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        )
    actions.upload_paper_agreement(mediator_a, agreement, _scan())
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNING and agreement.method == SigningMethod.PAPER
    assert agreement.current.frozen_at is not None
    with pytest.raises(DomainError, match="已在纸上签署"):
        actions.send_signing_code(mediator_a, agreement, None, None)
    with pytest.raises(PermissionDenied):
        actions.send_signing_code(party_a, agreement, row_b, None)
    actions.send_signing_code(party_a, agreement, row_a, None)
    assert "确认纸质调解协议" in sms_log.read_text(encoding="utf-8")
    with pytest.raises(DomainError, match="验证码不正确"):
        actions.confirm_paper_agreement(
            party_a, agreement, row_a, "999999" if _code(sms_log, party_a) != "999999" else "0"
        )
    confirmed = actions.confirm_paper_agreement(party_a, agreement, row_a, _code(sms_log, party_a))
    assert confirmed.kind == SignatureKind.PAPER and confirmed.file == agreement.paper_scan
    with pytest.raises(DomainError, match="已有人签署或确认"):
        actions.upload_paper_agreement(mediator_a, agreement, _scan())
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNING
    actions.send_signing_code(party_b, agreement, row_b, None)
    actions.confirm_paper_agreement(party_b, agreement, row_b, _code(sms_log, party_b))
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.EFFECTIVE
    assert _sent(MessageType.AGREEMENT_STATUS)[-1]["step"] == "effective"
    assert _sent(MessageType.AGREEMENT_STATUS)[-1]["sha256"] == agreement.paper_scan.sha256  # the scan binds them
    client.force_login(mediator_a)
    page = client.get(f"/mediations/{mediation.pk}/agreement/").content.decode()
    assert "纸质签署（扫描件）" in page and "在线确认（短信验证）" in page
    assert 'data-testid="signature-warning"' not in page
    download = client.get(f"/mediations/{mediation.pk}/agreement/signed/{agreement.paper_scan_id}/")
    assert download.status_code == 200


def _docx() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def test_an_agreement_reached_offline_is_uploaded_by_the_organisation_and_confirmed_online(
    sandbox,  # noqa: F811
    platform_ca,  # noqa: F811
    sms_log,
    org_a,
    admin_a,
    mediator_a,
):
    """Issue 11 §7 (法办〔2021〕313号 四（五）): a direct application mediated offline; the organisation's
    administrator uploads the scan of the agreement signed there; both parties confirm online; it is in force
    like any other (and no court is told: none delegated it)."""
    investor = _register("li_si", "李四", PartyKind.NATURAL_PERSON, APPLICANT_ID)
    firm = _register("firm", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE)
    application = applications.submit(
        investor,
        org_a,
        dispute_type="brokerage_contract",
        facts="营业部员工未经授权代为交易，造成损失。",
        claims="赔偿损失八万元",
        amount="80000",
        respondent_name="某某证券股份有限公司",
        respondent_code=FIRM_CODE,
        respondent_sector=RespondentSector.SECURITIES_FIRM,
        ordinary_investor=True,
        files=(),
    )
    applications.accept(admin_a, application, mediator_a)
    applications.respond(firm, application, True)
    mediation = Mediation.objects.get(application=application)
    row_a, row_b = mediation.parties.order_by("id")
    agreement = actions.draft_agreement(mediator_a, mediation)
    with pytest.raises(PermissionDenied):  # a party uploads nothing here
        actions.upload_paper_agreement(investor, agreement, _scan("png"), offline=True)
    actions.upload_paper_agreement(admin_a, agreement, _scan("png"), offline=True)
    agreement.refresh_from_db()
    assert agreement.method == SigningMethod.OFFLINE and agreement.paper_scan.content_type == "image/png"
    for user, row in ((investor, row_a), (firm, row_b)):
        actions.send_signing_code(user, agreement, row, None)
        actions.confirm_paper_agreement(user, agreement, row, _code(sms_log, user))
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.state == AgreementState.EFFECTIVE and OutboxMessage.objects.count() == 0
    assert AuditRecord.objects.filter(action="agreement.paper_confirm").count() == 2


def test_taken_back_unchanged_the_frozen_version_goes_to_paper_and_the_scan_goes_with_a_withdrawal(case, mediator_a):
    mediation, agreement, *_ = case
    agreement = _submitted(case, mediator_a)
    actions.withdraw_from_signing(mediator_a, agreement, "改为纸质签署")
    actions.upload_paper_agreement(mediator_a, agreement, _scan())  # the same, still frozen, version
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNING and agreement.method == SigningMethod.PAPER
    actions.withdraw_from_signing(mediator_a, agreement, "扫描件有误")
    agreement.refresh_from_db()
    assert agreement.paper_scan is None and agreement.method == SigningMethod.ONLINE
    actions.submit_for_signing(mediator_a, agreement)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNING
