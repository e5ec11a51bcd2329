"""A party's own account on the investor platform, linked to their mediations (issue 10 items 1 and 4): the
party signs up, signs in with an SMS code and sets the password every later sign-in asks for beside the code
(issue 14 §10), passes real-name verification against
the mediation's registration and is linked to every mediation party with their identity number — in one
transaction, audited; then sees only their own cases and only what is addressed to them."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents_checks import PDF_BYTES, sandbox  # noqa: F401 (the fixture)
from sutiao.accounts import parties
from sutiao.accounts.models import PartyProfile, Role, User
from sutiao.audit.models import AuditRecord
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as actions
from sutiao.investor.mediation.models import Mediation, MediationParty
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.errors import DomainError

APPLICANT_ID, RESPONDENT_ID, OTHER_ID = "110105198001010016", "91110000100000000R", "110105198303030039"
MOBILE = "13800000001"


@pytest.fixture
def sms_log(settings, tmp_path):
    settings.SUTIAO_SMS_LOG = tmp_path / "sms.log"
    settings.SUTIAO_SMS_BACKEND = "sutiao.notifications.sms.LogFileSmsBackend"
    return settings.SUTIAO_SMS_LOG


def _mediation(receive, org, admin, mediator, applicant="李四", applicant_id=APPLICANT_ID, number=None):
    extra = {"court_case_number": number} if number else {}
    consent = {
        "consented": True,
        "method": "online",
        "recorded_at": timezone.now().isoformat(),
        "recorded_by": "王立案",
    }
    delegation = receive(
        org,
        parties=[
            {"role": "applicant", "kind": "natural_person", "name": applicant, "id_number": applicant_id},
            {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
        ],
        consent=[{"party": applicant, **consent}, {"party": "某某药业股份有限公司", **consent}],
        **extra,
    )
    delegation_actions.accept_delegation(admin, delegation)
    delegation_actions.assign_mediator(admin, delegation, mediator)
    return Mediation.objects.get(pk=delegation.pk)


@pytest.fixture
def mediation(receive, org_a, admin_a, mediator_a):
    return _mediation(receive, org_a, admin_a, mediator_a)


def test_sign_up_then_sms_sign_in_then_join_the_case(client, mediation, sms_log):
    page = client.get("/accounts/sign-up/")
    assert page.status_code == 200 and "当事人注册" in page.content.decode()
    bad = client.post(
        "/accounts/sign-up/",
        {"kind": "natural_person", "name": "李四", "id_number": "110105198001010011", "mobile": MOBILE},
    )
    assert "校验位错误" in bad.content.decode() and not PartyProfile.objects.exists()
    done = client.post(
        "/accounts/sign-up/", {"kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID, "mobile": MOBILE}
    )
    assert done.status_code == 302 and done.url == "/accounts/sms-login/"
    profile = PartyProfile.objects.get()
    assert not profile.user.has_usable_password() and profile.verified_at is None
    again = client.post(
        "/accounts/sign-up/",
        {"kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID, "mobile": "13900000002"},
    )
    assert "已开设账户" in again.content.decode() and PartyProfile.objects.count() == 1

    client.post("/accounts/sms-login/", {"mobile": MOBILE, "send": "1"})
    code = re.findall(r"验证码为 (\d{6})", sms_log.read_text(encoding="utf-8"))[-1]
    signed_in = client.post("/accounts/sms-login/", {"mobile": MOBILE, "code": code})
    # the account has no password yet: the code's session sets it (then every sign-in asks for both)
    assert signed_in.url == "/accounts/sign-in/verify/?next=%2Fmediations%2F"
    assert client.get("/mediations/").url.startswith("/accounts/sign-in/verify/")
    new = "li-si-own-password-2026"
    done = client.post(signed_in.url, {"new_password1": new, "new_password2": new, "next": "/mediations/"})
    assert done.url == "/mediations/"
    mine = client.get("/mediations/").content.decode()
    assert "暂无案件" in mine and "尚未实名核验" in mine
    assert client.get(f"/delegations/{mediation.pk}/mediation/").status_code == 404  # not linked yet

    joined = client.post("/mediations/join/", follow=True).content.decode()
    assert "已关联1个调解案件" in joined and mediation.delegation.court_case_number in joined
    row = mediation.parties.get(role="applicant")
    assert row.user == profile.user and row.linked_at is not None
    profile.refresh_from_db()
    assert profile.verified_at is not None and profile.verifier
    assert client.get(f"/delegations/{mediation.pk}/mediation/").status_code == 200
    actions_recorded = list(AuditRecord.objects.order_by("seq").values_list("action", flat=True))
    assert actions_recorded[-2:] == ["party.verify_identity", "mediation.link_party"]
    # Nothing left to join: said so, nothing changes.
    assert "没有待关联的调解案件" in client.post("/mediations/join/", follow=True).content.decode()


def test_joining_links_every_mediation_with_the_number_in_one_go(
    receive, org_a, org_b, admin_a, admin_b, mediator_a, mediator_b
):
    first = _mediation(receive, org_a, admin_a, mediator_a)
    second = _mediation(receive, org_b, admin_b, mediator_b, number="(2026)京0105民诉前调99999号")
    profile = parties.sign_up(
        kind=PartyKind.LEGAL_PERSON, name="某某药业股份有限公司", id_number=RESPONDENT_ID, mobile=MOBILE
    )
    assert actions.join_mediations(profile.user) == 2
    assert {m.pk for m in Mediation.objects.filter(parties__user=profile.user)} == {first.pk, second.pk}


def test_a_failed_verification_links_nothing(receive, org_a, admin_a, mediator_a):
    mediation = _mediation(receive, org_a, admin_a, mediator_a, applicant="李四")
    # Right number, another name: the development verifier compares both with the registration.
    profile = parties.sign_up(kind=PartyKind.NATURAL_PERSON, name="李肆", id_number=APPLICANT_ID, mobile=MOBILE)
    with pytest.raises(DomainError, match="未通过实名核验"):
        actions.join_mediations(profile.user)
    profile.refresh_from_db()
    assert profile.verified_at is None
    assert not mediation.parties.filter(user__isnull=False).exists()
    assert not AuditRecord.objects.filter(action__in=["party.verify_identity", "mediation.link_party"]).exists()


def test_nobody_else_joins(mediation, mediator_a):
    stranger = parties.sign_up(kind=PartyKind.NATURAL_PERSON, name="王五", id_number=OTHER_ID, mobile=MOBILE)
    with pytest.raises(DomainError, match="没有待关联的调解案件"):
        actions.join_mediations(stranger.user)
    agent = User.objects.create_user("lawyer", password="x" * 12, role=Role.AGENT, full_name="赵律师")
    for user in (agent, mediator_a):
        with pytest.raises(PermissionDenied):
            actions.join_mediations(user)
    assert not MediationParty.objects.filter(user__isnull=False).exists()


def test_a_joined_party_sees_only_their_own_cases_and_what_is_addressed_to_them(
    sandbox,  # noqa: F811
    receive,
    org_a,
    admin_a,
    mediator_a,
    client,
):
    mine = _mediation(receive, org_a, admin_a, mediator_a)
    other = _mediation(
        receive,
        org_a,
        admin_a,
        mediator_a,
        applicant="王五",
        applicant_id=OTHER_ID,
        number="(2026)京0105民诉前调88888号",
    )
    applicant = parties.sign_up(kind=PartyKind.NATURAL_PERSON, name="李四", id_number=APPLICANT_ID, mobile=MOBILE)
    firm = parties.sign_up(
        kind=PartyKind.LEGAL_PERSON, name="某某药业股份有限公司", id_number=RESPONDENT_ID, mobile="13900000002"
    )
    assert actions.join_mediations(applicant.user) == 1
    assert actions.join_mediations(firm.user) == 2
    row_a, row_b = mine.parties.order_by("id")
    actions.post_message(mediator_a, mine, "请双方提交交易流水")
    actions.post_message(mediator_a, mine, "背对背：被申请人的底线", caucus_with=row_b)
    actions.upload_evidence(
        mediator_a, mine, SimpleUploadedFile("方案.pdf", PDF_BYTES), "和解方案草稿", "party", addressed_to=row_b
    )
    actions.write_record(mediator_a, mine, "双方确认：申请人于2024年3月买入涉案股票。")

    client.force_login(applicant.user)
    cases = client.get("/mediations/").content.decode()
    assert mine.delegation.court_case_number in cases and "88888" not in cases
    assert client.get(f"/delegations/{other.pk}/mediation/").status_code == 404
    page = client.get(f"/delegations/{mine.pk}/mediation/").content.decode()
    assert "请双方提交交易流水" in page and "双方确认" in page
    assert "被申请人的底线" not in page and "和解方案草稿" not in page
    client.force_login(firm.user)
    page = client.get(f"/delegations/{mine.pk}/mediation/").content.decode()
    assert "被申请人的底线" in page and "和解方案草稿" in page
    assert "88888" in client.get("/mediations/").content.decode()


def test_on_the_investor_platform_the_password_is_followed_by_the_sms_code(client, db, sms_log):
    """Issue 14 §10 on this platform too (the flow itself: tests/court/test_party_sign_in.py)."""
    parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=APPLICANT_ID,
        mobile=MOBILE,
        username="lisi",
        password="li-si-own-password-2026",
    )
    answer = client.post("/accounts/login/", {"username": "lisi", "password": "li-si-own-password-2026"})
    assert answer.url == "/accounts/sign-in/verify/?next=%2Fmediations%2F"
    assert client.get("/mediations/").url.startswith("/accounts/sign-in/verify/")
    assert "验证码已发送至 138****0001" in client.get(answer.url).content.decode()
    code = re.findall(r"验证码为 (\d{6})", sms_log.read_text(encoding="utf-8"))[-1]
    client.post(answer.url, {"code": code})
    assert client.get("/mediations/").status_code == 200
