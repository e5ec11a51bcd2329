"""The court side of the demo: the organisations it knows and a few cases in different states."""

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sutiao import demo
from sutiao.accounts.models import User
from sutiao.court import services
from sutiao.court.models import Case, Organisation
from sutiao.docking.models import Peer
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole


def _parties(investor: str, firm: str):
    return [
        services.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, investor, phone="13800000000"),
        services.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, firm),
    ]


class Command(BaseCommand):
    help = "载入演示调解组织与不同状态的演示案件"

    def add_arguments(self, parser):
        parser.add_argument("--organisations-only", action="store_true", help="only the organisations, no cases")

    @transaction.atomic
    def handle(self, *args, organisations_only=False, **options):
        peer = Peer.objects.get(name="investor-platform")
        for org_id, name, _ in demo.ORGANISATIONS:
            Organisation.objects.update_or_create(pk=org_id, defaults={"name": name, "peer": peer})
        if organisations_only or Case.objects.exists():
            return
        staff = User.objects.get(username="court_filing")
        now = timezone.now()

        def register(investor, firm, dispute, amount, claim):
            return services.register_case(
                staff,
                stage=CaseStage.PRE_FILING,
                dispute_type=dispute,
                amount=Decimal(amount),
                parties=_parties(investor, firm),
                claims=[services.ClaimInput(claim, Decimal(amount))],
                facts="申请人因被申请人信息披露违法违规遭受投资损失，申请诉前调解。",
            )

        register("刘一", "某某科技股份有限公司", DisputeType.MISREPRESENTATION, "86000.00", "赔偿投资差额损失")
        awaiting = register("陈二", "某某证券股份有限公司", DisputeType.BROKERAGE_CONTRACT, "12500.50", "赔偿交易损失")
        services.ask_consent(staff, awaiting)
        ready = register("张三", "某某期货有限公司", DisputeType.FUTURES_BROKERAGE, "230000.00", "返还保证金并赔偿损失")
        services.ask_consent(staff, ready)
        for party in ready.parties.all():
            services.record_consent(
                staff,
                ready,
                party,
                consented=True,
                method=ConsentMethod.PHONE,
                answered_at=now - dt.timedelta(hours=2),
                note="电话录音 0001",
            )
        delegated = register(
            "李四", "某某药业股份有限公司", DisputeType.MISREPRESENTATION, "125000.00", "赔偿投资差额损失"
        )
        services.ask_consent(staff, delegated)
        for party in delegated.parties.all():
            services.record_consent(
                staff,
                delegated,
                party,
                consented=True,
                method=ConsentMethod.ONLINE,
                answered_at=now - dt.timedelta(hours=1),
            )
        services.delegate_case(staff, delegated, Organisation.objects.get(pk=demo.ORGANISATIONS[0][0]))
        self.stdout.write("court: demo organisations and cases ready")
