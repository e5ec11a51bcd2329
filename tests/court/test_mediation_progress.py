"""Issue 10 item 6 on the court platform: the mediation's progress arrives through the docking and shows on
the case's story — period started, stopped and extended (L6), sessions scheduled and held, recusal and the
change of mediator (L9), the ground it ended on (L7) and the failure record (L17) — and a message cannot carry
anything else (a caucus message has no field to travel in)."""

import datetime as dt

from django.utils import timezone

from sutiao.court.models import Case
from sutiao.docking.schemas import MessageType
from sutiao.kernel.enums import MediationOutcome
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtState

FAILURE = {
    "undisputed_facts": "申请人于2024年3月买入涉案股票。",
    "disputed_points": "损失数额",
    "positions": {"李四": "要求赔偿", "某某药业股份有限公司": "不同意赔偿"},
    "cost_raising_conduct": "被申请人两次缺席",
}


def _story(case_id) -> str:
    return "\n".join(Case.objects.get(pk=case_id).events.values_list("text", flat=True))


def test_L6_L9_L7_L17_the_court_follows_each_step(delegated, answer, from_investor, staff, client):
    answer(delegated)
    today = timezone.localdate()
    period = {"accepted_on": today, "period_days": 30, "at": timezone.now()}
    due = today + dt.timedelta(days=30)
    from_investor(MessageType.MEDIATION_PERIOD, delegated, step="started", due=due, **period)
    from_investor(MessageType.MEDIATION_PERIOD, delegated, step="paused", reason="鉴定", **period)
    session = str(new_id())
    starts = timezone.now() + dt.timedelta(days=1)
    from_investor(
        MessageType.MEDIATION_SESSION,
        delegated,
        session_id=session,
        step="scheduled",
        starts_at=starts,
        mode="phone",
        invited=["李四", "某某药业股份有限公司"],
        at=timezone.now(),
    )
    from_investor(
        MessageType.MEDIATION_SESSION,
        delegated,
        session_id=session,
        step="held",
        starts_at=starts,
        mode="phone",
        invited=["李四", "某某药业股份有限公司"],
        attended=["李四"],
        at=timezone.now(),
    )
    request = str(new_id())
    recusal = {
        "request_id": request,
        "kind": "recusal",
        "party": "李四",
        "mediator_name": "张调解",
        "reason": "利害关系",
    }
    from_investor(MessageType.MEDIATOR_RECUSAL, delegated, step="requested", at=timezone.now(), **recusal)
    from_investor(
        MessageType.MEDIATOR_RECUSAL,
        delegated,
        step="decided",
        decision="replaced",
        decision_reason="存在利害关系",
        at=timezone.now(),
        **recusal,
    )
    from_investor(
        MessageType.MEDIATOR_ASSIGNED,
        delegated,
        mediator_id="m2",
        mediator_name="赵调解",
        assigned_at=timezone.now(),
        change_reason="申请回避：存在利害关系",
    )
    story = _story(delegated.case_id)
    assert "调解期限起算" in story and "鉴定评估开始，调解期限暂停计算" in story
    assert "安排电话调解" in story and "电话调解已举行" in story and "出席：李四" in story
    assert "李四申请调解员回避" in story and "更换调解员" in story and "更换调解员为赵调解" in story
    delegated.refresh_from_db()
    assert delegated.mediation_due is None  # stopped for the appraisal

    from_investor(
        MessageType.MEDIATION_RESULT,
        delegated,
        outcome=MediationOutcome.FAILED,
        reason="分歧较大",
        concluded_at=timezone.now(),
        ground="irreconcilable",
        failure_record=FAILURE,
    )
    case = Case.objects.get(pk=delegated.case_id)
    assert case.state == CourtState.FAILED
    delegated.refresh_from_db()
    assert delegated.failure_record["positions"] == FAILURE["positions"]
    assert "当事人分歧较大且难以达成调解协议" in _story(delegated.case_id)
    client.force_login(staff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="failure-record"' in page and "被申请人两次缺席" in page


def test_a_progress_message_has_no_room_for_a_caucus(delegated, answer, investor, post_message, make_envelope):
    answer(delegated)
    body = {
        "delegation_id": str(delegated.id),
        "session_id": str(new_id()),
        "step": "held",
        "starts_at": timezone.now().isoformat(),
        "mode": "online",
        "at": timezone.now().isoformat(),
        "caucus": "背对背内容",
    }
    message = make_envelope(
        MessageType.MEDIATION_SESSION, delegated.case_id, 2, body, "investor-platform", "court-platform"
    )
    response = post_message(message, investor.key)
    assert response.status_code != 200 or response.json()["status"] != "applied"
    assert "背对背内容" not in _story(delegated.case_id)
