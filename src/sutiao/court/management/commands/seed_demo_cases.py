"""The court side of the demo: the organisations it knows and a few cases in different states."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sutiao import demo
from sutiao.accounts.models import User
from sutiao.accounts.parties import register_party
from sutiao.court.actions import confirmation
from sutiao.court.actions.cases import (
    ClaimInput,
    PartyInput,
    ask_consent,
    record_appointment_request,
    record_consent,
    register_case,
)
from sutiao.court.actions.delegation import delegate_case
from sutiao.court.confirmation.models import CourtArea
from sutiao.court.models import Case, Mediator, Organisation, RosterEntry, RosterProposal, SubjectKind
from sutiao.docking.models import Peer
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.identifiers import mask_id_number
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import CourtProposalState


def _parties(investor: str, firm: str):
    # The demo party accounts' numbers, so 陈二 and 某某证券 find their case (accounts.parties.digests_for).
    investor_id, phone, firm_code = "", "13800000000", ""
    if investor == demo.INVESTOR_PARTY[1]:
        investor_id, phone = demo.party_id_number(demo.INVESTOR_PARTY[2]), demo.INVESTOR_PARTY[3]
    if firm == demo.FIRM_PARTY[1]:
        firm_code = demo.party_id_number(demo.FIRM_PARTY[2])
    return [
        PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, investor, investor_id, phone),
        PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, firm, firm_code),
    ]


def _seed_party_accounts() -> None:
    """An investor and a securities firm with accounts, through the action that opens party accounts."""
    for (username, name, number, mobile), kind in (
        (demo.INVESTOR_PARTY, PartyKind.NATURAL_PERSON),
        (demo.FIRM_PARTY, PartyKind.LEGAL_PERSON),
    ):
        if not User.objects.filter(username=username).exists():
            register_party(
                "演示数据",
                kind=kind,
                name=name,
                id_number=demo.party_id_number(number),
                mobile=mobile,
                username=username,
                password=demo.PASSWORD,
            )


# Which places each demo court serves for judicial confirmation (L11; configuration an operator keeps in the
# admin): the two district courts their districts, the intermediate court the designated one for securities
# misrepresentation in Beijing (in reality 北京金融法院, which the demo does not have).
COURT_AREAS = [
    (demo.CHAOYANG, "110105", [], "北京市朝阳区"),
    (demo.XICHENG, "110102", [], "北京市西城区"),
    (demo.BEIJING_4TH_INTERMEDIATE, "11", [DisputeType.MISREPRESENTATION.value], "演示：北京市证券虚假陈述纠纷"),
]
# A minimal PDF standing for an agreement signed on paper and brought to the court.
DEMO_AGREEMENT = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _seed_court_areas() -> None:
    for court_id, prefix, types, note in COURT_AREAS:
        CourtArea.objects.get_or_create(
            court_id=court_id, prefix=prefix, defaults={"dispute_types": types, "note": note}
        )


def _seed_confirmation(staff) -> None:
    """An application for judicial confirmation brought to 朝阳 by two parties who live there, awaiting the court's
    decision to accept it (issue 11 §4)."""
    confirmation.receive_application(
        staff,
        agreement=ContentFile(DEMO_AGREEMENT, name="调解协议（纸质签署扫描件）.pdf"),
        agreement_effective_on=china_today() - dt.timedelta(days=3),
        dispute_type=DisputeType.BROKERAGE_CONTRACT,
        organisation_name="北京证券期货纠纷调解中心",
        organisation_seat="110102",
        amount=Decimal("8000.00"),
        applicants=[
            confirmation.ApplicantInput(
                PartyRole.APPLICANT,
                PartyKind.NATURAL_PERSON,
                "周五",
                demo.party_id_number("11010519900101001"),
                "110105",
            ),
            confirmation.ApplicantInput(
                PartyRole.RESPONDENT,
                PartyKind.LEGAL_PERSON,
                "某某证券股份有限公司",
                demo.party_id_number(demo.FIRM_PARTY[2]),
                "110105",
            ),
        ],
    )


def _seed_roster_bypassing_actions(peer) -> None:
    """The demo organisations as the registry describes them, confirmed on both demo courts' rosters (the
    investor side seeds the same confirmations with the same ids). Written straight into the tables: the
    pushes they confirm were never sent, so there is nothing to confirm through the actions."""
    today = china_today()
    deciders = {demo.CHAOYANG: "court_admin", demo.XICHENG: "xicheng_admin"}
    for org_id, name, code in demo.ORGANISATIONS:
        _, kind, scope, types, capacity = demo.ORGANISATION_REGISTRY[code]
        organisation, _ = Organisation.objects.update_or_create(
            pk=org_id,
            defaults={
                "name": name,
                "peer": peer,
                "uscc": demo.uscc(code),
                "kind": OrgKindLabels[kind],
                "supervisor": "中国证监会北京监管局",
                "scope": scope,
                "dispute_types": types,
                "capacity": capacity,
                "registry_version": 1,
                "updated_at": timezone.now(),
            },
        )
        for court_id, _court_name in demo.ROSTER_COURTS:
            decider = User.objects.get(username=deciders[court_id])
            decided_at = timezone.now() - dt.timedelta(days=29)
            proposal = RosterProposal.objects.create(
                id=demo.roster_proposal_id(org_id, court_id),
                court_id=court_id,
                subject_kind=SubjectKind.ORGANISATION,
                organisation=organisation,
                proposed_by="中国证监会投资者保护局 孙投保",
                proposed_at=timezone.now() - dt.timedelta(days=30),
                state=CourtProposalState.CONFIRMED,
                decided_by=decider,
                decided_at=decided_at,
            )
            RosterEntry.objects.create(
                court_id=court_id,
                subject_kind=SubjectKind.ORGANISATION,
                organisation=organisation,
                proposal=proposal,
                valid_from=today - dt.timedelta(days=29),
                valid_until=default_validity(today),
                confirmed_by=decider,
                confirmed_at=decided_at,
            )


def _seed_high_court_roster_bypassing_actions() -> None:
    """The Beijing High Court's demo roster (demo.HIGH_COURT_ROSTER): an organisation and one of its mediators,
    so the Chaoyang court's admin can ask to take the mediator over and the mediator consents in person (L23).
    Written straight into the tables, as the basic courts' demo rosters are."""
    court_id, _court_name, code, number = demo.HIGH_COURT_ROSTER
    org_id = next(org_id for org_id, _name, c in demo.ORGANISATIONS if c == code)
    organisation = Organisation.objects.get(pk=org_id)
    index = [c for _id, _name, c in demo.ORGANISATIONS].index(code) * 2 + number - 1
    mediator, _ = Mediator.objects.update_or_create(
        pk=demo.mediator_id(code, number),
        defaults={
            "organisation": organisation,
            "name": next(name for username, name, *_ in demo.INVESTOR_USERS if username == f"{code}_mediator{number}"),
            "id_number_masked": mask_id_number(demo.mediator_id_number(index)),
            "specialties": demo.ORGANISATION_REGISTRY[code][3][:3],
            "registry_version": 1,
            "updated_at": timezone.now(),
        },
    )
    decider = User.objects.get(username="beijing_high_admin")
    decided_at, today = timezone.now() - dt.timedelta(days=29), china_today()
    for subject_id, kind, subject_mediator in (
        (org_id, SubjectKind.ORGANISATION, None),
        (mediator.pk, SubjectKind.MEDIATOR, mediator),
    ):
        proposal = RosterProposal.objects.create(
            id=demo.roster_proposal_id(subject_id, court_id),
            court_id=court_id,
            subject_kind=kind,
            organisation=organisation,
            mediator=subject_mediator,
            proposed_by="中国证监会投资者保护局 孙投保",
            proposed_at=timezone.now() - dt.timedelta(days=30),
            state=CourtProposalState.CONFIRMED,
            decided_by=decider,
            decided_at=decided_at,
        )
        RosterEntry.objects.create(
            court_id=court_id,
            subject_kind=kind,
            organisation=organisation,
            mediator=subject_mediator,
            proposal=proposal,
            valid_from=today - dt.timedelta(days=29),
            valid_until=default_validity(today),
            confirmed_by=decider,
            confirmed_at=decided_at,
        )


def _seed_delegated_for_mediation(staff, register, now) -> None:
    """陈二 v. 某某证券 (demo.DELEGATED_IN_MEDIATION), consented by phone and delegated to org1: `make up` has
    the investor platform work its mediation (seed_demo_mediation). No mobile on the case: the SMS log keeps
    only the consent link of the case awaiting 陈二's answer."""
    investor, firm, amount, claim = demo.DELEGATED_IN_MEDIATION
    investor_id, firm_code = demo.party_id_number(demo.INVESTOR_PARTY[2]), demo.party_id_number(demo.FIRM_PARTY[2])
    parties = [
        PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, investor, investor_id),
        PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, firm, firm_code),
    ]
    case = register(investor, firm, DisputeType.BROKERAGE_CONTRACT, amount, claim, parties)
    ask_consent(staff, case)
    for party in case.parties.all():
        record_consent(
            staff,
            case,
            party,
            consented=True,
            method=ConsentMethod.PHONE,
            answered_at=now - dt.timedelta(hours=3),
            note="电话录音 0002",
        )
    record_appointment_request(staff, case, now - dt.timedelta(hours=2))
    delegate_case(staff, case, Organisation.objects.get(pk=demo.ORGANISATIONS[0][0]))


# The registry's kinds as its cards name them (investor.models.OrgKind).
OrgKindLabels = {"industry": "证券期货行业调解组织", "people": "人民调解委员会", "commercial": "商事调解组织"}


class Command(BaseCommand):
    help = "载入演示调解组织与不同状态的演示案件"

    def add_arguments(self, parser):
        parser.add_argument("--organisations-only", action="store_true", help="only the organisations, no cases")

    @transaction.atomic
    def handle(self, *args, organisations_only=False, **options):
        demo.ensure_development()
        _seed_court_areas()
        peer = Peer.objects.get(name="investor-platform")
        if not RosterEntry.objects.exists():
            _seed_roster_bypassing_actions(peer)
            _seed_high_court_roster_bypassing_actions()
        if organisations_only or Case.objects.exists():
            return
        _seed_party_accounts()
        demo.seed_lawyer()
        staff = User.objects.get(username="court_filing")
        now = timezone.now()

        def register(investor, firm, dispute, amount, claim, parties=None):
            return register_case(
                staff,
                stage=CaseStage.PRE_FILING,
                dispute_type=dispute,
                amount=Decimal(amount),
                parties=parties or _parties(investor, firm),
                claims=[ClaimInput(claim, Decimal(amount))],
                facts="申请人因被申请人信息披露违法违规遭受投资损失，申请诉前调解。",
            )

        register("刘一", "某某科技股份有限公司", DisputeType.MISREPRESENTATION, "86000.00", "赔偿投资差额损失")
        awaiting = register("陈二", "某某证券股份有限公司", DisputeType.BROKERAGE_CONTRACT, "12500.50", "赔偿交易损失")
        ask_consent(staff, awaiting)
        ready = register("张三", "某某期货有限公司", DisputeType.FUTURES_BROKERAGE, "230000.00", "返还保证金并赔偿损失")
        ask_consent(staff, ready)
        for party in ready.parties.all():
            record_consent(
                staff,
                ready,
                party,
                consented=True,
                method=ConsentMethod.PHONE,
                answered_at=now - dt.timedelta(hours=2),
                note="电话录音 0001",
            )
        # The parties asked the court to appoint (Art. 10 ¶2), so staff may delegate at once (L3).
        record_appointment_request(staff, ready, now - dt.timedelta(hours=1))
        delegated = register(
            "李四", "某某药业股份有限公司", DisputeType.MISREPRESENTATION, "125000.00", "赔偿投资差额损失"
        )
        ask_consent(staff, delegated)
        for party in delegated.parties.all():
            record_consent(
                staff,
                delegated,
                party,
                consented=True,
                method=ConsentMethod.ONLINE,
                answered_at=now - dt.timedelta(hours=1),
            )
        record_appointment_request(staff, delegated)
        delegate_case(staff, delegated, Organisation.objects.get(pk=demo.ORGANISATIONS[0][0]))
        _seed_confirmation(staff)
        _seed_delegated_for_mediation(staff, register, now)
        self.stdout.write("court: demo organisations and cases ready")
