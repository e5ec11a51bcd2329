"""The mediator's workspace (issue 10 item 4) and what the court receives of it (item 6): each action, each
permission — party A never reads party B's caucus, another organisation's mediator sees nothing (404), the
court never receives a caucus message."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sutiao.accounts.models import Role, User
from sutiao.accounts.pii import id_number_digest
from sutiao.docking.models import OutboxMessage
from sutiao.docking.schemas import MessageType
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as actions
from sutiao.investor.mediation import selectors
from sutiao.investor.mediation.models import Mediation, NotifyChannel, NotifyResult, SessionMode
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation import RecusalDecision, TerminationGround
from sutiao.kernel.workflow import InvestorState, MediationState

APPLICANT_ID, RESPONDENT_ID = "110105198001010011", "110105198202020022"
CAUCUS_SECRET = "背对背：我方最低可接受五万元"
FAILURE = {
    "undisputed_facts": "申请人于2024年3月买入涉案股票。",
    "disputed_points": "损失数额与因果关系",
    "positions": {"李四": "要求赔偿十二万五千元", "某某药业股份有限公司": "认为损失系市场风险所致"},
    "cost_raising_conduct": "被申请人两次无故缺席调解",
}


def _parties():
    return [
        {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": APPLICANT_ID},
        {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": RESPONDENT_ID},
    ]


@pytest.fixture
def case(receive, org_a, admin_a, mediator_a):
    """A delegation accepted (the period starts) with the mediator assigned and both parties' accounts linked."""
    delegation = receive(org_a, parties=_parties())
    delegation_actions.accept_delegation(admin_a, delegation)
    delegation_actions.assign_mediator(admin_a, delegation, mediator_a)
    party_a = User.objects.create_user("li_si", password="x-long-password", role=Role.PARTY, full_name="李四")
    party_b = User.objects.create_user("drug_co", password="x-long-password", role=Role.PARTY, full_name="某某药业")
    assert actions.link_party_account(party_a, id_number_digest(APPLICANT_ID)) == 1
    assert actions.link_party_account(party_b, id_number_digest(RESPONDENT_ID)) == 1
    mediation = Mediation.objects.get(pk=delegation.pk)
    row_a, row_b = mediation.parties.order_by("id")
    return mediation, party_a, party_b, row_a, row_b


def _sent(message_type):
    return [m.payload for m in OutboxMessage.objects.filter(type=message_type).order_by("seq")]


def test_L6_the_period_starts_on_acceptance_and_the_court_is_told(case):
    mediation = case[0]
    assert mediation.accepted_on == china_today() and mediation.period_days == 30
    assert mediation.due >= mediation.accepted_on + dt.timedelta(days=30)
    started = _sent(MessageType.MEDIATION_PERIOD)[0]
    assert started["step"] == "started" and started["due"] == mediation.due.isoformat()


def test_L5_each_attempt_to_reach_the_other_party_is_recorded(case, mediator_a, mediator_b):
    mediation, *_, row_b = case
    assert mediation.notify_due > mediation.accepted_on
    at = timezone.now() - dt.timedelta(minutes=5)
    with pytest.raises(PermissionDenied):
        actions.record_notification(mediator_b, mediation, row_b, NotifyChannel.PHONE, at, NotifyResult.UNREACHABLE)
    actions.record_notification(mediator_a, mediation, row_b, NotifyChannel.PHONE, at, NotifyResult.UNREACHABLE)
    actions.record_notification(
        mediator_a, mediation, row_b, NotifyChannel.SMS, at, NotifyResult.AGREED, "短信回复同意"
    )
    assert list(mediation.notifications.values_list("channel", "result")) == [
        ("phone", "unreachable"),
        ("sms", "agreed"),
    ]
    with pytest.raises(DomainError, match="通知时间不能晚于现在"):
        actions.record_notification(
            mediator_a,
            mediation,
            row_b,
            NotifyChannel.SMS,
            timezone.now() + dt.timedelta(hours=1),
            NotifyResult.REACHED,
        )


def test_L6_extension_needs_every_partys_own_consent(case, mediator_a):
    mediation, party_a, party_b, row_a, row_b = case
    before = mediation.due
    extension = actions.propose_extension(mediator_a, mediation, 10, "双方正在核对交易记录")
    with pytest.raises(PermissionDenied):
        actions.answer_extension(party_a, extension, row_b, True)  # nobody consents for another party
    actions.answer_extension(party_a, extension, row_a, True)
    mediation.refresh_from_db()
    assert mediation.due == before and mediation.extension_days == 0  # one party is not every party
    actions.answer_extension(party_b, extension, row_b, True)
    mediation.refresh_from_db()
    # The period is 30 + 10 days from acceptance, its last day moved past rest days: not the old (perhaps already
    # moved) last day plus 10.
    assert mediation.extension_days == 10 and mediation.due > before
    assert mediation.due >= mediation.accepted_on + dt.timedelta(days=40)
    assert _sent(MessageType.MEDIATION_PERIOD)[-1]["step"] == "extended"
    with pytest.raises(DomainError):
        actions.answer_extension(party_b, extension, row_b, True)


def test_L6_a_refused_extension_changes_nothing(case, mediator_a):
    mediation, party_a, _, row_a, _ = case
    extension = actions.propose_extension(mediator_a, mediation, 5, "等待对账")
    actions.answer_extension(party_a, extension, row_a, False)
    mediation.refresh_from_db()
    extension.refresh_from_db()
    assert extension.refused_at and mediation.extension_days == 0
    assert [p["step"] for p in _sent(MessageType.MEDIATION_PERIOD)] == ["started"]


def test_L6_appraisal_stops_the_clock_and_the_court_hears_it(case, mediator_a):
    mediation = case[0]
    today = china_today()
    actions.start_appraisal(mediator_a, mediation, today, "委托会计师事务所核算损失")
    mediation.refresh_from_db()
    assert mediation.state == MediationState.APPRAISAL and mediation.due is None
    actions.end_appraisal(mediator_a, mediation, today)
    mediation.refresh_from_db()
    assert mediation.state == MediationState.ACTIVE and mediation.due is not None
    assert [p["step"] for p in _sent(MessageType.MEDIATION_PERIOD)] == ["started", "paused", "resumed"]


def test_L6_reminders_at_five_and_one_days_once_each(case):
    mediation = case[0]
    Mediation.objects.filter(pk=mediation.pk).update(due=china_today() + dt.timedelta(days=5))
    assert actions.remind_deadlines() == 1
    assert actions.remind_deadlines() == 0
    Mediation.objects.filter(pk=mediation.pk).update(due=china_today() + dt.timedelta(days=1))
    assert actions.remind_deadlines() == 1
    mediation.refresh_from_db()
    assert mediation.reminded == [5, 1]
    assert mediation.delegation.events.filter(text__contains="调解期限还剩1日").exists()


def test_L8_a_session_is_held_only_with_checked_identities_and_the_warning(case, mediator_a):
    mediation, _, _, row_a, row_b = case
    starts = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(DomainError, match="现场调解须填写地点"):
        actions.schedule_session(mediator_a, mediation, starts, SessionMode.ON_SITE, "", [row_a, row_b], "sms")
    session = actions.schedule_session(
        mediator_a, mediation, starts, SessionMode.ONLINE, "https://meet.example/1", [row_a, row_b], "sms"
    )
    scheduled = _sent(MessageType.MEDIATION_SESSION)[0]
    assert scheduled["step"] == "scheduled" and scheduled["invited"] == ["李四", "某某药业股份有限公司"]
    assert "meet.example" not in json.dumps(scheduled)  # the link is for the participants only
    p_a, p_b = session.participants.order_by("party_id")
    with pytest.raises(DomainError, match="出席人员须先核实身份"):
        actions.record_session_held(mediator_a, session, [p_a.pk, p_b.pk])
    actions.check_identity(mediator_a, p_a, "身份证件在线比对", True, True)
    actions.check_identity(mediator_a, p_b, "营业执照及授权委托书比对", True, False)
    with pytest.raises(DomainError, match="出席人员须先核实身份"):
        actions.record_session_held(mediator_a, session, [p_a.pk, p_b.pk])  # B was not warned
    actions.record_session_held(mediator_a, session, [p_a.pk], "被申请人未到")
    held = _sent(MessageType.MEDIATION_SESSION)[-1]
    assert held["step"] == "held" and held["attended"] == ["李四"]
    p_a.refresh_from_db()
    assert p_a.id_checked_by == mediator_a and p_a.attended


def test_caucus_party_a_cannot_read_party_bs_and_the_court_never_receives_it(case, mediator_a, admin_a, client):
    mediation, party_a, party_b, row_a, row_b = case
    actions.post_message(mediator_a, mediation, "请双方于周五前提交交易流水。")
    actions.post_message(party_b, mediation, CAUCUS_SECRET, caucus_with=row_b)
    actions.post_message(mediator_a, mediation, "收到，我会与申请人沟通。", caucus_with=row_b)
    with pytest.raises(PermissionDenied):
        actions.post_message(party_a, mediation, "我想看对方的背对背", caucus_with=row_b)
    _, _, viewer_a = selectors.workspace_for(party_a, mediation.pk)
    _, _, viewer_b = selectors.workspace_for(party_b, mediation.pk)
    _, _, viewer_admin = selectors.workspace_for(admin_a, mediation.pk)
    _, _, viewer_mediator = selectors.workspace_for(mediator_a, mediation.pk)
    texts = lambda v: [m.text for m in selectors.messages_for(v, mediation)]  # noqa: E731
    assert CAUCUS_SECRET not in texts(viewer_a) and len(texts(viewer_a)) == 1
    assert CAUCUS_SECRET in texts(viewer_b) and len(texts(viewer_b)) == 3
    assert CAUCUS_SECRET not in texts(viewer_admin)
    assert CAUCUS_SECRET in texts(viewer_mediator)
    client.force_login(party_a)
    page = client.get(f"/delegations/{mediation.pk}/mediation/").content.decode()
    assert "请双方于周五前提交交易流水" in page and CAUCUS_SECRET not in page and "收到，我会与申请人沟通" not in page
    client.force_login(party_b)
    assert CAUCUS_SECRET in client.get(f"/delegations/{mediation.pk}/mediation/").content.decode()
    # Nothing the court receives carries a message, let alone a caucus.
    for message in OutboxMessage.objects.all():
        assert CAUCUS_SECRET not in json.dumps(message.payload, ensure_ascii=False)
        assert "请双方于周五前提交交易流水" not in json.dumps(message.payload, ensure_ascii=False)
    # Nor does the audit trail keep the words.
    from sutiao.audit.models import AuditRecord

    assert not [r for r in AuditRecord.objects.all() if CAUCUS_SECRET in json.dumps(r.after, ensure_ascii=False)]


def test_another_organisations_mediator_and_strangers_see_nothing(case, mediator_b, admin_b, client):
    mediation = case[0]
    stranger = User.objects.create_user("stranger", password="x-long-password", role=Role.PARTY)
    for user in (mediator_b, admin_b, stranger):
        client.force_login(user)
        assert client.get(f"/delegations/{mediation.pk}/mediation/").status_code == 404
        response = client.post(f"/delegations/{mediation.pk}/mediation/message/", {"message-text": "你好"})
        assert response.status_code == 404
    assert not mediation.messages.exists()


def test_the_record_is_confirmed_by_each_party_itself(case, mediator_a, client):
    mediation, party_a, party_b, row_a, row_b = case
    record = actions.write_record(mediator_a, mediation, "双方确认：申请人买入股票5000股。")
    with pytest.raises(PermissionDenied):
        actions.confirm_record(party_a, record, row_b)
    with pytest.raises(PermissionDenied):
        actions.confirm_record(mediator_a, record, row_a)
    actions.confirm_record(party_a, record, row_a)
    with pytest.raises(DomainError, match="您已确认过该笔录"):
        actions.confirm_record(party_a, record, row_a)
    newer = actions.write_record(mediator_a, mediation, "双方确认：申请人买入股票5000股，均价12元。")
    with pytest.raises(DomainError, match="笔录已有新版本"):
        actions.confirm_record(party_b, record, row_b)
    client.force_login(party_b)
    client.post(f"/delegations/{mediation.pk}/mediation/confirm/", {"record": newer.pk, "party": row_b.pk})
    assert newer.confirmations.get().party == row_b
    assert not _sent(MessageType.MEDIATION_SESSION)  # the record does not travel


def test_L9_disclosure_recusal_and_reassignment(case, mediator_a, mediator_a2, admin_a, client):
    mediation, party_a, _, row_a, _ = case
    actions.disclose(mediator_a, mediation, "本人曾在被申请人的承销商任职")
    request = actions.request_recusal(party_a, mediation, row_a, "recusal", "调解员与被申请人有业务往来")
    with pytest.raises(PermissionDenied):
        actions.decide_recusal(mediator_a, request, RecusalDecision.REPLACED, "理由", mediator_a2)
    with pytest.raises(DomainError, match="请选择另一名调解员"):
        actions.decide_recusal(admin_a, request, RecusalDecision.REPLACED, "存在利害关系")
    actions.decide_recusal(admin_a, request, RecusalDecision.REPLACED, "存在利害关系", mediator_a2)
    mediation.delegation.refresh_from_db()
    assert mediation.delegation.mediator == mediator_a2
    assert _sent(MessageType.MEDIATOR_ASSIGNED)[-1]["change_reason"].startswith("申请回避")
    assert [p["step"] for p in _sent(MessageType.MEDIATOR_RECUSAL)] == ["requested", "decided"]
    client.force_login(mediator_a)
    assert client.get(f"/delegations/{mediation.pk}/mediation/").status_code == 404
    client.force_login(mediator_a2)
    assert client.get(f"/delegations/{mediation.pk}/mediation/").status_code == 200
    # Still refusing after the replacement counts as refusing mediation (Art. 14).
    actions.request_recusal(party_a, mediation, row_a, "change", "仍不同意")
    assert mediation.delegation.events.filter(text__contains="视为拒绝调解").exists()


def test_L7_L17_failure_needs_a_ground_of_art_25_and_the_structured_record(case, mediator_a, party_view_client):
    mediation = case[0]
    d = mediation.delegation
    with pytest.raises(DomainError, match="第二十五条"):
        delegation_actions.record_result(
            mediator_a, d, MediationOutcome.FAILED, ground=TerminationGround.PERIOD_EXPIRED, failure_record=FAILURE
        )
    with pytest.raises(DomainError, match="无争议事实"):
        delegation_actions.record_result(
            mediator_a,
            d,
            MediationOutcome.FAILED,
            ground=TerminationGround.IRRECONCILABLE,
            failure_record={**FAILURE, "positions": {"李四": "要求赔偿", "某某药业股份有限公司": ""}},
        )
    delegation_actions.record_result(
        mediator_a, d, MediationOutcome.FAILED, ground=TerminationGround.IRRECONCILABLE, failure_record=FAILURE
    )
    mediation.refresh_from_db()
    assert mediation.state == MediationState.TERMINATED and mediation.ground == TerminationGround.IRRECONCILABLE
    result = _sent(MessageType.MEDIATION_RESULT)[0]
    assert result["ground"] == "irreconcilable" and result["failure_record"]["positions"] == FAILURE["positions"]
    # The parties see the failure record.
    page = party_view_client(case[1]).get(f"/delegations/{mediation.pk}/mediation/").content.decode()
    assert "损失数额与因果关系" in page and "被申请人两次无故缺席调解" in page
    with pytest.raises(DomainError, match="调解已结束"):
        actions.post_message(mediator_a, mediation, "还有一事")


def test_success_ends_the_mediation_and_the_court_gets_the_terms(case, mediator_a):
    mediation = case[0]
    delegation_actions.record_result(
        mediator_a, mediation.delegation, MediationOutcome.SUCCEEDED, terms="被申请人赔偿申请人六万元。"
    )
    mediation.refresh_from_db()
    assert mediation.state == MediationState.SUCCEEDED and mediation.delegation.state == InvestorState.SUCCEEDED
    assert _sent(MessageType.MEDIATION_RESULT)[0]["ground"] == "agreement"


def test_the_workspace_pages_work_for_the_mediator(case, mediator_a, admin_a, client):
    mediation, *_ = case
    url = f"/delegations/{mediation.pk}/mediation/"
    client.force_login(mediator_a)
    page = client.get(url).content.decode()
    assert "剩余" in page and "虚假调解警示" in page and "安排调解" in page
    refused = client.post(url + "session/", {"session-starts_at": "", "session-mode": "online"})
    assert "请检查填写的内容" in refused.content.decode() or refused.status_code == 200
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    row_ids = [str(p.pk) for p in mediation.parties.all()]
    client.post(
        url + "session/",
        {"session-starts_at": when, "session-mode": "phone", "session-parties": row_ids, "session-channel": "sms"},
    )
    assert mediation.sessions.count() == 1
    client.post(url + "message/", {"message-text": "各方好", "message-caucus_with": ""})
    assert mediation.messages.get().text == "各方好"
    client.force_login(admin_a)
    assert "各方好" in client.get(url).content.decode()
    assert client.post(url + "record/", {"record-text": "笔录"}).status_code == 403
    assert not mediation.records.exists()  # the administrator reads; only the mediator writes


@pytest.fixture
def party_view_client(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_a_party_lands_on_their_own_cases_only(case, receive, org_a, client):
    mediation, party_a, *_ = case
    receive(org_a, court_case_number="(2026)京0105民诉前调99999号")  # someone else's case
    client.force_login(party_a)
    assert client.get("/").url == "/mediations/"
    page = client.get("/mediations/").content.decode()
    assert mediation.delegation.court_case_number in page and "99999" not in page


def test_notices_reach_each_party_in_the_same_transaction_inbox_or_sms(case, mediator_a):
    """Written with the act (nothing told is lost, nothing rolled back is told): a linked party in the inbox, a
    party without an account by SMS to the phone the court registered."""
    from sutiao.accounts.pii import decrypt
    from sutiao.investor.mediation.models import MediationParty
    from sutiao.notifications.models import Channel, Notification, State

    mediation, party_a, _party_b, _row_a, row_b = case
    MediationParty.objects.filter(pk=row_b.pk).update(user=None, phone="13800000009")
    Notification.objects.all().delete()
    actions.propose_extension(mediator_a, mediation, 10, "双方正在核对交易记录")
    inbox = Notification.objects.get(recipient=party_a, channel=Channel.IN_APP)
    assert inbox.subject == "延长调解期限征求意见" and mediation.delegation.court_case_number in inbox.body
    assert inbox.state == State.DELIVERED
    sms = Notification.objects.get(recipient=None, channel=Channel.SMS)
    assert decrypt(sms.address_encrypted) == "13800000009" and sms.state == State.PENDING
    assert "双方正在核对交易记录" in sms.body
