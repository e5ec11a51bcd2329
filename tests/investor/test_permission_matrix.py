"""Issue 14, "prove it": every URL and every REST operation of the investor platform, requested by every actor of
the permission matrix (sutiao.investor.access) on objects inside and outside its reach, answers as the matrix
says (tests/permission_walk.py says how). A page or operation the matrix does not declare fails here."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from investor_registry_setup import id_number_for, registered_org, uscc_for

from documents_checks import sandbox  # noqa: F401 (the fixture)
from permission_walk import ActorClient, Variant, Walk, collect, peer_signer, private_notification, private_service
from sutiao.accounts import parties
from sutiao.accounts.access import Actor
from sutiao.accounts.models import AgentScope, Institution, InstitutionKind, Role, User
from sutiao.accounts.pii import encrypt, id_number_digest
from sutiao.investor import access
from sutiao.investor.actions import agreements as agreement_actions
from sutiao.investor.actions import applications as application_actions
from sutiao.investor.actions import delegations as delegation_actions
from sutiao.investor.actions import mediation as mediation_actions
from sutiao.investor.actions import training as training_actions
from sutiao.investor.models import Mediator
from sutiao.investor.typical.models import TypicalCase
from sutiao.kernel.direct import RespondentSector
from sutiao.kernel.enums import PartyKind
from sutiao.kernel.identifiers import mask_id_number
from sutiao.kernel.workflow import TypicalCaseState
from token_setup import api_token

FIRM_CODE, OTHER_FIRM_CODE = "91310000MA1FL0000N", "91440300MA5F00001A"
INVESTOR_ID, OTHER_INVESTOR_ID = id_number_for(601), id_number_for(602)
CASE_B = "(2026)沪0115民诉前调77777号"


def _institution(kind, name, parent=None):
    return Institution.objects.create(kind=kind, name=name, parent=parent)


def _user(username, role, institution=None, **extra):
    return User.objects.create_user(username, password="x-long-password", role=role, institution=institution, **extra)


def _mediator(username, organisation, name, n):
    user = _user(username, Role.MEDIATOR, organisation, full_name=name)
    number = id_number_for(n)
    record = Mediator.objects.create(
        organisation=organisation,
        user=user,
        name=name,
        id_number_encrypted=encrypt(number),
        id_number_digest=id_number_digest(number),
        id_number_masked=mask_id_number(number),
    )
    return user, record


def _party(username, name, kind, number, mobile):
    profile = parties.register_party(
        "测试", kind=kind, name=name, id_number=number, mobile=mobile, username=username, password="x-long-password"
    )
    parties.verify_identity(profile.user, profile, None)
    return profile.user


def _apply(user, organisation, respondent, code):
    return application_actions.submit(
        user,
        organisation,
        dispute_type="brokerage_contract",
        facts="营业部员工未经授权代为交易，造成损失。",
        claims="赔偿损失八万元",
        amount="80000",
        respondent_name=respondent,
        respondent_code=code,
        respondent_sector=RespondentSector.SECURITIES_FIRM,
        ordinary_investor=True,
        files=(),
    )


@pytest.fixture
def world(db, make_peer, own_key, receive, sandbox):  # noqa: F811
    """The Bureau; organisation A under a regional office and B under an affiliated unit; a delegation to each
    (A's accepted, its mediator assigned, both parties' accounts linked); a direct application to each; one user
    of every actor (A's side where they have one)."""
    court = make_peer("court-platform")
    bureau = _user("bureau", Role.BUREAU_STAFF, _institution(InstitutionKind.PROTECTION_BUREAU, "投资者保护局"))
    office = _institution(InstitutionKind.REGIONAL_OFFICE, "中国证监会北京监管局")
    unit = _institution(InstitutionKind.AFFILIATED_UNIT, "中国证券业协会")
    org_a = registered_org("甲调解中心", 1, office, court, bureau)
    org_b = registered_org("乙调解中心", 2, unit, court, bureau)
    admin_a = _user("admin_a", Role.ORG_ADMIN, org_a, full_name="甲管理员")
    mediator_a, record_a = _mediator("mediator_a", org_a, "张调解", 701)
    _mediator_b, record_b = _mediator("mediator_b", org_b, "乙某调解员", 702)
    investor = _party("investor", "李四", PartyKind.NATURAL_PERSON, INVESTOR_ID, "13800000001")
    firm = _party("firm", "某某证券股份有限公司", PartyKind.LEGAL_PERSON, FIRM_CODE, "13800000003")
    other = _party("other_investor", "王五某", PartyKind.NATURAL_PERSON, OTHER_INVESTOR_ID, "13800000002")
    agent = _user("agent", Role.AGENT, full_name="赵律师")
    from django.utils import timezone

    parties.grant_power(
        investor, agent=agent, scopes=list(AgentScope), valid_until=timezone.localdate() + timezone.timedelta(days=30)
    )
    people = [
        {"role": "applicant", "kind": "natural_person", "name": "李四", "id_number": INVESTOR_ID},
        {"role": "respondent", "kind": "legal_person", "name": "某某药业股份有限公司", "id_number": FIRM_CODE},
    ]
    delegation_a = receive(org_a, parties=people)
    delegation_actions.accept_delegation(admin_a, delegation_a)
    delegation_actions.assign_mediator(admin_a, delegation_a, mediator_a)
    for user, number in ((investor, INVESTOR_ID), (firm, FIRM_CODE)):
        mediation_actions.link_party_account(user, id_number_digest(number))
    delegation_b = receive(org_b, court_case_number=CASE_B)
    agreement_a = agreement_actions.draft_agreement(mediator_a, delegation_a.mediation)
    application_a = _apply(investor, org_a, "某某证券股份有限公司", FIRM_CODE)
    application_b = _apply(other, org_b, "另一证券股份有限公司", OTHER_FIRM_CODE)

    # A published typical case of A (issue 13 §7): its administrator, A's supervisor and the Bureau read and act
    # on it; the public page shows it to everyone.
    typical_a = TypicalCase.objects.create(
        mediation=delegation_a.mediation,
        organisation=org_a,
        dispute_type="brokerage_contract",
        state=TypicalCaseState.PUBLISHED,
        title="权限矩阵测试典型案例",
        original="原文",
        original_significance="意义",
        text="去标识化的案例",
        significance="意义",
        proposed_by=admin_a,
        proposed_at=timezone.now(),
        published_at=timezone.now(),
    )

    # A training record of each organisation's mediator (issue 13 §6), each with a certificate to download.
    def certificate():
        return SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")

    course = training_actions.TrainingData("权限矩阵测试课程", "中国证券业协会", "4", timezone.localdate())
    training_a = training_actions.record_training(admin_a, record_a, course, certificate=certificate())
    training_b = training_actions.record_training(bureau, record_b, course, certificate=certificate())
    users = {
        Actor.FILING_STAFF: _user("filing", Role.FILING_STAFF, _institution(InstitutionKind.BASIC_COURT, "某法院")),
        Actor.JUDGE: _user("judge", Role.JUDGE, _institution(InstitutionKind.BASIC_COURT, "某法院二")),
        Actor.COURT_ADMIN: _user(
            "court_admin", Role.COURT_ADMIN, _institution(InstitutionKind.BASIC_COURT, "某法院三")
        ),
        Actor.SPC_ADMIN: _user("spc_admin", Role.COURT_ADMIN, _institution(InstitutionKind.SUPREME_COURT, "最高法")),
        Actor.BUREAU: bureau,
        Actor.REGIONAL_OFFICE: _user("office", Role.SUPERVISOR, office),
        Actor.AFFILIATED_UNIT: _user("unit", Role.SUPERVISOR, unit),
        Actor.ORG_ADMIN: admin_a,
        Actor.MEDIATOR: mediator_a,
        Actor.INVESTOR: investor,
        Actor.FIRM: firm,
        Actor.AGENT: agent,
        Actor.OPERATOR: _user("operator", Role.OPERATOR, is_staff=True, is_superuser=True),
    }
    tokens = {
        Actor.REGIONAL_OFFICE: {"sup:R"},
        Actor.AFFILIATED_UNIT: {"sup:U"},
        Actor.ORG_ADMIN: {"org:A"},
        Actor.MEDIATOR: {"mediator:A"},
        Actor.INVESTOR: {"party:investor", "user:investor"},
        Actor.AGENT: {"party:investor"},
        Actor.FIRM: {"party:firm"},
    }
    case_a = {"org:A", "mediator:A", "party:investor", "party:firm"}
    variants = {
        ("delegation_id",): [
            Variant({"delegation_id": delegation_a.pk}, case_a, label="A's delegation"),
            Variant({"delegation_id": delegation_b.pk}, {"org:B"}, label="B's delegation"),
        ],
        ("delegation_id", "op"): [
            # A message in the workspace: the mediator and the parties write; the administrator reads.
            Variant(
                {"delegation_id": delegation_a.pk, "op": "message"},
                case_a,
                by_action={"act": {"mediator:A", "party:investor", "party:firm"}},
                label="message in A's mediation",
            ),
            Variant({"delegation_id": delegation_b.pk, "op": "message"}, {"org:B"}, label="message in B's"),
        ],
        # The agreement of A's mediation (issue 11): the mediator drafts; the parties and the agent (all scopes) read;
        # B's delegation has no mediation, so nothing to find there.
        ("mediation_id",): [
            Variant({"mediation_id": delegation_a.pk}, case_a, label="A's agreement"),
            Variant({"mediation_id": delegation_b.pk}, {"org:B"}, label="B's (no mediation)"),
        ],
        ("mediation_id", "op"): [
            Variant(
                {"mediation_id": delegation_a.pk, "op": "draft"},
                case_a,
                by_action={"act": {"mediator:A"}},
                label="drafting A's agreement",
            ),
            Variant({"mediation_id": delegation_b.pk, "op": "draft"}, {"org:B"}, label="drafting in B's"),
        ],
        ("mediation_id", "version_id"): [
            Variant(
                {"mediation_id": delegation_a.pk, "version_id": agreement_a.current_id},
                case_a,
                label="the PDF of A's agreement",
            ),
            Variant(
                {"mediation_id": delegation_b.pk, "version_id": agreement_a.current_id},
                {"org:B"},
                label="A's PDF asked through B's case",
            ),
        ],
        ("application_id",): [
            Variant(
                {"application_id": application_a.pk},
                {"org:A", "party:investor"},
                # The respondent firm sees and answers the application once the organisation has accepted it.
                by_action={"decide": {"org:A"}, "respond": set()},
                label="application to A",
            ),
            Variant({"application_id": application_b.pk}, {"org:B", "sup:U"}, label="application to B"),
        ],
        ("organisation_id",): [
            Variant({"organisation_id": org_a.pk}, {"org:A", "sup:R"}, label="organisation A"),
            Variant({"organisation_id": org_b.pk}, {"org:B", "sup:U"}, label="organisation B"),
        ],
        ("typical_case_id",): [
            Variant({"typical_case_id": typical_a.pk}, {"org:A", "sup:R"}, label="A's typical case")
        ],
        ("op", "typical_case_id"): [
            Variant({"typical_case_id": typical_a.pk, "op": "withdraw"}, {"org:A", "sup:R"}, label="withdrawing it")
        ],
        ("record_id",): [
            Variant({"record_id": training_a.pk}, {"org:A", "sup:R"}, label="A's mediator's training record"),
            Variant({"record_id": training_b.pk}, {"org:B", "sup:U"}, label="B's mediator's training record"),
        ],
        ("mediator_id",): [
            Variant({"mediator_id": record_a.pk}, {"org:A", "sup:R"}, label="A's mediator"),
            Variant({"mediator_id": record_b.pk}, {"org:B", "sup:U"}, label="B's mediator"),
        ],
    }
    markers = [
        (CASE_B, {"org:B", "sup:U"}),
        (uscc_for(2), {"org:B", "sup:U"}),
        ("乙某调解员", {"org:B", "sup:U"}),
        ("王五某", {"org:B", "sup:U"}),
    ]
    notification_variants, notice = private_notification(investor, "user:investor")
    variants |= notification_variants
    markers.append(notice)
    service_variants, served = private_service(investor, "party:investor")
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
                sign=peer_signer(court.key) if actor == Actor.PEER else None,
            )
        )
    forms = {
        "mediation-act": {"message-text": "权限矩阵测试", "message-caucus_with": ""},
        "application-mediation-act": {"message-text": "权限矩阵测试", "message-caucus_with": ""},
        "delegation-accept": {},
        "delegation-decline": {"reason": "权限矩阵测试"},
        "delegation-assign": {"mediator": str(mediator_a.pk)},
        "application-accept": {},
        "application-decline": {"reason": "权限矩阵测试"},
        "registry-organisation-confirm": {},
        "registry-campaign-start": {},
        "typical-case-act": {"note": "权限矩阵测试"},
    }
    return actors, variants, markers, forms


@pytest.mark.django_db
@pytest.mark.timeout(900)  # every endpoint × every actor × each object: minutes on a loaded machine
def test_every_url_and_operation_answers_as_the_matrix_says(world, client):
    actors, variants, markers, forms = world
    openapi = client.get("/api/v1/openapi.json").json()
    targets, undeclared = collect(access.ENDPOINTS, openapi)
    assert not undeclared, f"undeclared endpoint(s) — declare them in sutiao.investor.access.ENDPOINTS: {undeclared}"
    walk = Walk(access.RULES, actors, variants, forms, markers, openapi, queries={"reports-cases": "metric=received"})
    walk.run(targets)
    print(f"investor: {len(targets)} endpoints, {walk.pairs} (endpoint, actor) pairs, {walk.requests} requests")
    assert not walk.failures, f"{len(walk.failures)} of {walk.requests} requests:\n" + "\n".join(walk.failures)


def test_the_matrix_declares_only_what_exists(db, client):
    """No stale row: every declared endpoint is in the URL configuration or the OpenAPI document; and one the
    matrix forgets is reported as undeclared."""
    openapi = client.get("/api/v1/openapi.json").json()
    targets, _ = collect(access.ENDPOINTS, openapi)
    assert set(access.ENDPOINTS) - {t.key for t in targets} == set()
    assert all(key in access.RULES for key in {(e.kind, e.action) for e in access.ENDPOINTS.values()})
    forgetful = {k: v for k, v in access.ENDPOINTS.items() if k not in ("mediation-act", "GET /api/v1/mediators")}
    assert collect(forgetful, openapi)[1] == [
        "GET /api/v1/mediators",
        "/delegations/<uuid:delegation_id>/mediation/<slug:op>/ (mediation-act)",
    ]
