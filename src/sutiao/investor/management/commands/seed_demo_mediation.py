"""`make up`'s demo mediation (issue 10 §7): once the court's demo case 陈二 v. 某某证券
(demo.DELEGATED_IN_MEDIATION) has arrived through the docking, org1 accepts it and assigns its first mediator,
the parties join it, a session is scheduled, the mediator, the investor's lawyer (acting for her within the
power of attorney) and the firm exchange messages, and evidence is uploaded — all through the actions, in one
transaction, so the court hears of each step through the docking as it would in real use."""

import datetime as dt
import time
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sutiao import demo
from sutiao.accounts.models import User
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as actions
from sutiao.investor.mediation.models import EvidenceAudience, Mediation, NotifyChannel, SessionMode
from sutiao.investor.models import Delegation
from sutiao.kernel.enums import PartyRole
from sutiao.kernel.workflow import InvestorState

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
READY = "investor: demo mediation ready"


def demo_delegation() -> Delegation | None:
    org_id = demo.ORGANISATIONS[0][0]
    amount = Decimal(demo.DELEGATED_IN_MEDIATION[2])
    return Delegation.objects.filter(organisation_id=org_id, amount=amount).order_by("received_at").first()


class Command(BaseCommand):
    help = "演示：调解组织接受委派的演示案件（陈二诉某某证券），调解中已有调解安排、消息和证据"

    def add_arguments(self, parser):
        parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the delegation to arrive")

    def handle(self, *args, wait=0, **options):
        demo.ensure_development()
        deadline = time.monotonic() + wait
        delegation = demo_delegation()
        while delegation is None and time.monotonic() < deadline:
            time.sleep(0.5)
            delegation = demo_delegation()
        if delegation is None:
            self.stdout.write("investor: the demo delegation has not arrived; run seed_demo_mediation again later")
            return
        if delegation.state == InvestorState.RECEIVED:
            seed(delegation)
        self.stdout.write(f"{READY}: /delegations/{delegation.pk}/mediation/")


@transaction.atomic
def seed(delegation: Delegation) -> Mediation:
    admin = User.objects.get(username="org1_admin")
    mediator = User.objects.get(username="org1_mediator1")
    investor = User.objects.get(username=demo.INVESTOR_PARTY[0])
    firm = User.objects.get(username=demo.FIRM_PARTY[0])
    lawyer = demo.seed_lawyer()
    delegation_actions.accept_delegation(admin, delegation)
    delegation_actions.assign_mediator(admin, delegation, mediator)
    for party in (investor, firm):
        actions.join_mediations(party)
    mediation = Mediation.objects.get(pk=delegation.pk)
    applicant = mediation.parties.get(role=PartyRole.APPLICANT)
    respondent = mediation.parties.get(role=PartyRole.RESPONDENT)
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    actions.schedule_session(
        mediator,
        mediation,
        tomorrow.replace(hour=10, minute=0, second=0, microsecond=0),
        SessionMode.ONLINE,
        "",
        [applicant, respondent],
        NotifyChannel.SMS,
    )
    # An online session whose room is open now (issue 12), identities checked: the demo's mediator, 陈二 (or her
    # lawyer) and the firm can meet in it at once.
    now_session = actions.schedule_session(
        mediator,
        mediation,
        timezone.now() + dt.timedelta(minutes=15),
        SessionMode.ONLINE,
        "",
        [applicant, respondent],
        NotifyChannel.SMS,
    )
    for participant in now_session.participants.all():
        actions.check_identity(mediator, participant, "证件照在线比对（演示）", True, True)
    actions.post_message(mediator, mediation, "各方好：本案已受理，定于明日上午十时在线调解，请提前准备证据材料。")
    actions.post_message(lawyer, mediation, "代理意见：申请人请求赔偿交易损失四万八千元，交易流水已上传。")
    actions.post_message(firm, mediation, "被申请人已收到材料，将在调解中说明营业部员工的操作情况。")
    actions.post_message(mediator, mediation, "背对背：请说明申请人可接受的最低赔偿金额。", caucus_with=applicant)
    actions.upload_evidence(
        lawyer,
        mediation,
        SimpleUploadedFile("交易流水.pdf", PDF, content_type="application/pdf"),
        "申请人交易流水",
        EvidenceAudience.ALL,
        on_behalf_of=applicant,
    )
    actions.upload_evidence(
        mediator,
        mediation,
        SimpleUploadedFile("调解须知.pdf", PDF, content_type="application/pdf"),
        "调解须知",
        EvidenceAudience.ALL,
    )
    return mediation
