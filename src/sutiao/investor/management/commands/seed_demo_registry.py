"""The investor side of the demo registry: the demo organisations' and mediators' records, the courts it
knows, and the demo organisations confirmed on those courts' invited rosters (the court side seeds the same
confirmations with the same ids)."""

import datetime as dt
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sutiao import demo
from sutiao.accounts.models import Institution, User
from sutiao.accounts.pii import encrypt, id_number_digest
from sutiao.docking.models import Peer
from sutiao.investor.models import CourtDirectory, MediationOrg, Mediator, RosterProposal, SubjectKind
from sutiao.investor.registry.history import registration_change
from sutiao.kernel.calendar import add_years, china_today
from sutiao.kernel.identifiers import mask_id_number
from sutiao.kernel.workflow import InvestorProposalState


class Command(BaseCommand):
    help = "载入演示调解组织与调解员登记信息及其特邀名册确认情况"

    @transaction.atomic
    def handle(self, *args, **options):
        demo.ensure_development()
        if MediationOrg.objects.exists():
            return
        peer = Peer.objects.get(name="court-platform")
        bureau = User.objects.get(username="bureau")
        today = china_today()
        for court_id, name in demo.ROSTER_COURTS:
            CourtDirectory.objects.get_or_create(pk=court_id, defaults={"peer": peer, "name": name})
        index = 0
        for org_id, name, code in demo.ORGANISATIONS:
            _, kind, scope, types, capacity = demo.ORGANISATION_REGISTRY[code]
            org = MediationOrg.objects.create(
                institution=Institution.objects.get(pk=org_id),
                uscc=demo.uscc(code),
                kind=kind,
                address="北京市西城区金融大街",
                scope=scope,
                dispute_types=types,
                capacity=capacity,
                contact_name=f"{name[:2]}联系人",
                contact_phone="010-66000000",
            )
            registration_change(org, "演示数据").save()
            for number in (1, 2):
                number_text = demo.mediator_id_number(index)
                index += 1
                user = User.objects.get(username=f"{code}_mediator{number}")
                mediator = Mediator.objects.create(
                    id=demo.mediator_id(code, number),
                    organisation_id=org_id,
                    user=user,
                    name=user.full_name,
                    id_number_encrypted=encrypt(number_text),
                    id_number_digest=id_number_digest(number_text),
                    id_number_masked=mask_id_number(number_text),
                    specialties=types[:3],
                    qualifications=["lawyer", "securities"] if number == 1 else ["retired_judge"],
                    training_hours=Decimal("40.0"),
                )
                registration_change(mediator, "演示数据").save()
            for court_id, court_name in demo.ROSTER_COURTS:
                RosterProposal.objects.create(
                    id=demo.roster_proposal_id(org_id, court_id),
                    peer=peer,
                    subject_kind=SubjectKind.ORGANISATION,
                    organisation_id=org_id,
                    court_id=court_id,
                    court_name=court_name,
                    proposed_by=bureau,
                    proposed_at=timezone.now() - dt.timedelta(days=30),
                    state=InvestorProposalState.CONFIRMED,
                    decided_at=timezone.now() - dt.timedelta(days=29),
                    decided_by=f"{court_name} 演示数据",
                    valid_from=today - dt.timedelta(days=29),
                    valid_until=add_years(today, demo.ROSTER_VALID_YEARS),
                )
        _seed_high_court_roster(peer, bureau, today)
        _seed_direct_application()
        self.stdout.write("investor: demo registry and roster confirmations ready")


def _seed_high_court_roster(peer, bureau, today) -> None:
    """The Beijing High Court's demo roster (demo.HIGH_COURT_ROSTER), the same ids as the court side seeds."""
    court_id, court_name, code, number = demo.HIGH_COURT_ROSTER
    org_id = next(org_id for org_id, _name, c in demo.ORGANISATIONS if c == code)
    mediator_id = demo.mediator_id(code, number)
    CourtDirectory.objects.get_or_create(pk=court_id, defaults={"peer": peer, "name": court_name})
    for subject_id, kind, mediator in (
        (org_id, SubjectKind.ORGANISATION, None),
        (mediator_id, SubjectKind.MEDIATOR, mediator_id),
    ):
        RosterProposal.objects.create(
            id=demo.roster_proposal_id(subject_id, court_id),
            peer=peer,
            subject_kind=kind,
            organisation_id=org_id,
            mediator_id=mediator,
            court_id=court_id,
            court_name=court_name,
            proposed_by=bureau,
            proposed_at=timezone.now() - dt.timedelta(days=30),
            state=InvestorProposalState.CONFIRMED,
            decided_at=timezone.now() - dt.timedelta(days=29),
            decided_by=f"{court_name} 演示数据",
            valid_from=today - dt.timedelta(days=29),
            valid_until=add_years(today, demo.ROSTER_VALID_YEARS),
        )


def _seed_direct_application() -> None:
    """The demo investor and securities firm with accounts on this platform too (their own, not the court's), and
    the investor's direct application to org1, taken on and awaiting the firm's answer (which L19 says cannot
    be a refusal), through the actions."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sutiao.accounts.parties import register_party, verify_identity
    from sutiao.investor.actions import applications
    from sutiao.kernel.direct import RespondentSector
    from sutiao.kernel.enums import PartyKind

    profiles = {}
    for (username, name, number, mobile), kind in (
        (demo.INVESTOR_PARTY, PartyKind.NATURAL_PERSON),
        (demo.FIRM_PARTY, PartyKind.LEGAL_PERSON),
    ):
        profiles[kind] = register_party(
            "演示数据",
            kind=kind,
            name=name,
            id_number=demo.party_id_number(number),
            mobile=mobile,
            username=username,
            password=demo.PASSWORD,
        )
    investor = profiles[PartyKind.NATURAL_PERSON].user
    verify_identity(investor, profiles[PartyKind.NATURAL_PERSON], None)
    demo.seed_lawyer()  # 陈二's lawyer, with her power of attorney (seed_demo_mediation: the case they work)
    org_id = next(org_id for org_id, _name, code in demo.ORGANISATIONS if code == "org1")
    evidence = SimpleUploadedFile(
        "交易流水.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )
    application = applications.submit(
        investor,
        Institution.objects.get(pk=org_id),
        dispute_type="brokerage_contract",
        facts="营业部员工未经本人授权，在本人账户内买卖股票，造成亏损。",
        claims="赔偿交易损失三万二千元",
        amount=Decimal("32000"),
        respondent_name=demo.FIRM_PARTY[1],
        respondent_code=demo.party_id_number(demo.FIRM_PARTY[2]),
        respondent_sector=RespondentSector.SECURITIES_FIRM,
        ordinary_investor=True,
        files=[evidence],
    )
    applications.accept(
        User.objects.get(username="org1_admin"), application, User.objects.get(username="org1_mediator1")
    )
