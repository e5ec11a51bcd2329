"""Issue 14, "prove it": every URL and every REST operation of the court platform, requested by every actor of
the permission matrix (sutiao.court.access) on objects inside and outside its reach, answers as the matrix says
(tests/permission_walk.py says how). A page or operation the matrix does not declare fails here."""

import datetime as dt
from decimal import Decimal

import pytest
from court_roster_setup import put_on_roster_bypassing_actions
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from documents_checks import PDF_BYTES, sandbox  # noqa: F401 (a fixture)
from permission_walk import ActorClient, Variant, Walk, collect, peer_signer, private_notification, private_service
from signing_checks import ca_files, platform_ca  # noqa: F401 (fixtures)
from sutiao.accounts import parties
from sutiao.accounts.access import Actor
from sutiao.accounts.models import AgentScope, Institution, InstitutionKind, Role, User
from sutiao.court import access
from sutiao.court.actions import cases, confirmation
from sutiao.court.confirmation.models import CourtArea
from sutiao.court.models import Organisation, RosterProposal, SubjectKind
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.identifiers import uscc_check_character
from sutiao.kernel.ids import new_id
from sutiao.kernel.workflow import CourtProposalState
from token_setup import api_token

INVESTOR_ID = "11010519491231002X"


def _resident_id(first17: str) -> str:
    from sutiao.kernel.identifiers import resident_id_check_digit

    return first17 + resident_id_check_digit(first17)


OTHER_INVESTOR_ID = _resident_id("11010519800101001")


def _uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


FIRM_CODE, OTHER_FIRM_CODE = _uscc("91110000MA0000000"), _uscc("91110000MA0000001")


def _court(kind, name, code, parent=None):
    return Institution.objects.create(kind=kind, name=name, short_code=code, parent=parent)


def _user(username, role, institution=None, **extra):
    return User.objects.create_user(username, password="x-long-password", role=role, institution=institution, **extra)


def _organisation(peer, name, uscc):
    return Organisation.objects.create(
        id=new_id(),
        peer=peer,
        name=name,
        uscc=uscc,
        kind="证券期货行业调解组织",
        scope=["全国"],
        dispute_types=["misrepresentation"],
        capacity=100,
        registry_version=1,
    )


def _case(staff, applicant, respondent):
    case = cases.register_case(
        staff,
        stage="pre_filing",
        dispute_type=DisputeType.MISREPRESENTATION,
        amount=Decimal("50000"),
        parties=[
            cases.PartyInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, applicant[0], applicant[1], ""),
            cases.PartyInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, respondent[0], respondent[1], ""),
        ],
        claims=[cases.ClaimInput("赔偿损失", Decimal("50000"))],
    )
    cases.ask_consent(staff, case)
    for party in case.parties.all():
        cases.record_consent(
            staff,
            case,
            party,
            consented=True,
            method=ConsentMethod.PHONE,
            answered_at=timezone.now() - dt.timedelta(minutes=5),
        )
    case.refresh_from_db()
    return case


def _pending(court, organisation):
    return RosterProposal.objects.create(
        id=new_id(),
        court=court,
        subject_kind=SubjectKind.ORGANISATION,
        organisation=organisation,
        proposed_by="中国证监会投资者保护局",
        proposed_at=timezone.now(),
        state=CourtProposalState.PENDING,
    )


def _confirmation(staff, judge, court, organisation_name, applicant, respondent):
    """An application for judicial confirmation, accepted, with the judge's request for more material, and ruled
    on (its sealed ruling is a download)."""
    CourtArea.objects.create(court=court, prefix="110105")
    application = confirmation.receive_application(
        staff,
        agreement=SimpleUploadedFile("协议.pdf", PDF_BYTES, content_type="application/pdf"),
        agreement_effective_on=china_today(),
        dispute_type=DisputeType.BROKERAGE_CONTRACT,
        organisation_name=organisation_name,
        applicants=[
            confirmation.ApplicantInput(PartyRole.APPLICANT, PartyKind.NATURAL_PERSON, *applicant, "110105"),
            confirmation.ApplicantInput(PartyRole.RESPONDENT, PartyKind.LEGAL_PERSON, *respondent, "110105"),
        ],
    )
    application = confirmation.accept(staff, application, judge)
    request = confirmation.request_material(judge, application, "补充证明", china_today() + dt.timedelta(days=5))
    application = confirmation.rule(judge, application, "rejected", "内容不明确", "unclear")
    return application, request


@pytest.fixture
def world(db, make_peer, own_key, sandbox, platform_ca):  # noqa: F811
    """Two basic courts A and B (A under high court H), the Supreme People's Court, a consented case in A and in
    B, roster entries and pending pushes of each, and one user of every actor (A's side where they have one)."""
    peer = make_peer("investor-platform")
    spc = _court(InstitutionKind.SUPREME_COURT, "最高人民法院", "最高法")
    high = _court(InstitutionKind.HIGH_COURT, "北京市高级人民法院", "京", spc)
    court_a = _court(InstitutionKind.BASIC_COURT, "北京市朝阳区人民法院", "京0105", high)
    court_b = _court(InstitutionKind.BASIC_COURT, "上海市浦东新区人民法院", "沪0115")
    staff_a, staff_b = _user("filing_a", Role.FILING_STAFF, court_a), _user("filing_b", Role.FILING_STAFF, court_b)
    users = {
        Actor.FILING_STAFF: staff_a,
        Actor.JUDGE: _user("judge_a", Role.JUDGE, court_a),
        Actor.COURT_ADMIN: _user("admin_a", Role.COURT_ADMIN, court_a),
        Actor.SPC_ADMIN: _user("admin_spc", Role.COURT_ADMIN, spc),
        Actor.BUREAU: _user("bureau", Role.BUREAU_STAFF, _court(InstitutionKind.PROTECTION_BUREAU, "投资者保护局", "")),
        Actor.REGIONAL_OFFICE: _user(
            "office", Role.SUPERVISOR, _court(InstitutionKind.REGIONAL_OFFICE, "北京证监局", "")
        ),
        Actor.AFFILIATED_UNIT: _user(
            "unit", Role.SUPERVISOR, _court(InstitutionKind.AFFILIATED_UNIT, "中证中小投资者服务中心", "")
        ),
        Actor.ORG_ADMIN: _user("org_admin", Role.ORG_ADMIN, _court(InstitutionKind.MEDIATION_ORG, "甲调解中心", "")),
        Actor.MEDIATOR: _user("mediator", Role.MEDIATOR, _court(InstitutionKind.MEDIATION_ORG, "乙调解中心", "")),
        Actor.OPERATOR: _user("operator", Role.OPERATOR, is_staff=True, is_superuser=True),
    }
    investor = parties.register_party(
        "测试",
        kind=PartyKind.NATURAL_PERSON,
        name="李四",
        id_number=INVESTOR_ID,
        mobile="13800138000",
        username="investor",
        password="sutiao-demo-2026",
    )
    firm = parties.register_party(
        "测试",
        kind=PartyKind.LEGAL_PERSON,
        name="某某证券股份有限公司",
        id_number=FIRM_CODE,
        mobile="13900139000",
        username="firm",
        password="sutiao-demo-2026",
    )
    agent = _user("agent", Role.AGENT, full_name="赵律师")
    parties.grant_power(
        investor.user, agent=agent, scopes=list(AgentScope), valid_until=timezone.localdate() + dt.timedelta(days=30)
    )
    users |= {Actor.INVESTOR: investor.user, Actor.FIRM: firm.user, Actor.AGENT: agent}

    org_a = _organisation(peer.peer, "甲调解中心", _uscc("51100000MJ0000011"))
    org_b = _organisation(peer.peer, "乙调解中心", _uscc("51100000MJ0000012"))
    org_h = _organisation(peer.peer, "丙调解中心", _uscc("51100000MJ0000013"))
    entry_a = put_on_roster_bypassing_actions(court_a, org_a, users[Actor.COURT_ADMIN])
    entry_b = put_on_roster_bypassing_actions(court_b, org_b, staff_b)
    entry_h = put_on_roster_bypassing_actions(high, org_h, staff_b)
    case_a = _case(staff_a, ("李四", INVESTOR_ID), ("某某证券股份有限公司", FIRM_CODE))
    case_b = _case(staff_b, ("王五", OTHER_INVESTOR_ID), ("另一证券股份有限公司", OTHER_FIRM_CODE))
    applicant_a, respondent_a = (case_a.parties.get(role=r) for r in (PartyRole.APPLICANT, PartyRole.RESPONDENT))
    judge_b = _user("judge_b", Role.JUDGE, court_b)
    confirmation_a, material_a = _confirmation(
        staff_a, users[Actor.JUDGE], court_a, "甲方调解中心", ("李四", INVESTOR_ID), ("某某证券股份有限公司", FIRM_CODE)
    )
    confirmation_b, material_b = _confirmation(
        staff_b,
        judge_b,
        court_b,
        "乙方调解中心",
        ("王五", OTHER_INVESTOR_ID),
        ("另一证券股份有限公司", OTHER_FIRM_CODE),
    )
    a, b = frozenset({"court:A", "party:investor", "party:firm"}), frozenset({"court:B"})
    as_party = {"read_as_party": {"party:investor", "party:firm"}, "answer_as_party": {"party:investor", "party:firm"}}
    tokens = {
        Actor.FILING_STAFF: {"court:A"},
        Actor.JUDGE: {"court:A"},
        Actor.COURT_ADMIN: {"court:A"},
        Actor.SPC_ADMIN: {"court:SPC"},
        Actor.INVESTOR: {"party:investor", "user:investor"},
        Actor.AGENT: {"party:investor"},
        Actor.FIRM: {"party:firm"},
    }
    variants = {
        ("case_id",): [
            Variant({"case_id": case_a.pk}, a, by_action=as_party, label="case of A"),
            Variant({"case_id": case_b.pk}, b, label="case of B"),
        ],
        ("case_id", "party_id"): [
            Variant(
                {"case_id": case_a.pk, "party_id": applicant_a.pk}, {"court:A", "party:investor"}, label="A's applicant"
            ),
            Variant(
                {"case_id": case_a.pk, "party_id": respondent_a.pk}, {"court:A", "party:firm"}, label="A's respondent"
            ),
            Variant({"case_id": case_b.pk, "party_id": case_b.parties.first().pk}, b, label="B's party"),
        ],
        ("entry_id",): [
            Variant({"entry_id": entry_a.pk}, {"court:A"}, by_action={"adopt": set()}, label="A's entry"),
            Variant({"entry_id": entry_b.pk}, b, by_action={"adopt": set()}, label="B's entry"),
            # A higher court's entry is what A's admins may ask to take over (L23).
            Variant({"entry_id": entry_h.pk}, {"court:H"}, by_action={"adopt": {"court:A"}}, label="H's entry"),
        ],
        ("proposal_id",): [
            Variant({"proposal_id": _pending(court_a, org_h).pk}, {"court:A"}, label="push to A"),
            Variant({"proposal_id": _pending(court_b, org_h).pk}, b, label="push to B"),
            Variant({"proposal_id": _pending(None, org_h).pk}, {"court:SPC"}, label="jointly recognised push"),
        ],
        ("court_id",): [Variant({"court_id": court_a.pk}, label="court A")],
        ("application_id",): [
            Variant(
                {"application_id": confirmation_a.pk},
                {"court:A"},
                by_action={"read_as_party": {"party:investor", "party:firm"}},
                label="A's confirmation",
            ),
            Variant({"application_id": confirmation_b.pk}, b, label="B's confirmation"),
        ],
        ("application_id", "request_id"): [
            Variant(
                {"application_id": confirmation_a.pk, "request_id": material_a.pk}, {"court:A"}, label="A's request"
            ),
            Variant({"application_id": confirmation_b.pk, "request_id": material_b.pk}, b, label="B's request"),
        ],
    }
    markers = [
        (case_a.number, a),
        (case_b.number, b),
        ("王五", b),
        ("另一证券股份有限公司", b),
        ("乙方调解中心", b),
        (confirmation_b.number, b),
    ]
    notification_variants, notice = private_notification(investor.user, "user:investor")
    variants |= notification_variants
    markers.append(notice)
    service_variants, served = private_service(investor.user, "party:investor")
    variants |= service_variants
    markers.append(served)
    actors = []
    for actor in Actor:
        client = Client(raise_request_exception=False)
        user = users.get(actor)
        if user is not None:
            client.force_login(user)
        actors.append(
            ActorClient(
                actor,
                client,
                frozenset(tokens.get(actor, ())),
                api_token=api_token(user) if user is not None else None,
                sign=peer_signer(peer.key) if actor == Actor.PEER else None,
            )
        )
    forms = {
        "case-recall": {"reason": "权限矩阵测试"},
        "case-ask-consent": {},
        "case-appointment-request": {},
        "case-back-to-court": {},
        "case-delegate": {"organisation": str(org_a.pk)},
        "case-joint-choice": {"organisation": str(org_a.pk)},
        "party-choose": {"organisation": str(org_a.pk)},
        "party-consent": {"consented": "true"},
        # The roster's forms carry the push's or entry's id in their prefix.
        "roster-confirm": lambda v: {
            f"{v['proposal_id']}-valid_from": timezone.localdate().isoformat(),
            f"{v['proposal_id']}-valid_until": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        },
        "roster-reject": lambda v: {f"r{v['proposal_id']}-reason": "权限矩阵测试"},
        "roster-remove": lambda v: {f"x{v['entry_id']}-reason": "权限矩阵测试"},
        "roster-request-adoption": lambda v: {
            f"a{v['entry_id']}-valid_from": timezone.localdate().isoformat(),
            f"a{v['entry_id']}-valid_until": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
        },
        "case-consent": lambda v: {
            "party": str(case_a.parties.first().pk if v["case_id"] == case_a.pk else case_b.parties.first().pk),
            "consented": "True",
            "method": ConsentMethod.PHONE,
            "answered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    }
    return actors, variants, markers, forms


@pytest.mark.django_db
@pytest.mark.timeout(900)  # every endpoint × every actor × each object: minutes on a loaded machine
def test_every_url_and_operation_answers_as_the_matrix_says(world, client):
    actors, variants, markers, forms = world
    openapi = client.get("/api/v1/openapi.json").json()
    targets, undeclared = collect(access.ENDPOINTS, openapi)
    assert not undeclared, f"undeclared endpoint(s) — declare them in sutiao.court.access.ENDPOINTS: {undeclared}"
    walk = Walk(access.RULES, actors, variants, forms, markers, openapi, queries={"reports-cases": "metric=received"})
    walk.run(targets)
    print(f"court: {len(targets)} endpoints, {walk.pairs} (endpoint, actor) pairs, {walk.requests} requests")
    assert not walk.failures, f"{len(walk.failures)} of {walk.requests} requests:\n" + "\n".join(walk.failures)


def test_the_matrix_declares_only_what_exists(db, client):
    """No stale row: every declared endpoint is in the URL configuration or the OpenAPI document."""
    openapi = client.get("/api/v1/openapi.json").json()
    targets, _ = collect(access.ENDPOINTS, openapi)
    walked = {t.key for t in targets}
    assert set(access.ENDPOINTS) - walked == set()
    assert all(key in access.RULES for key in {(e.kind, e.action) for e in access.ENDPOINTS.values()})
    forgetful = {k: v for k, v in access.ENDPOINTS.items() if k not in ("case-recall", "GET /api/v1/roster")}
    assert collect(forgetful, openapi)[1] == ["GET /api/v1/roster", "/cases/<uuid:case_id>/recall/ (case-recall)"]
