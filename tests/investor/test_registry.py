"""The registry's services (notice §4(3)(4)): identifiers checked on the right field, duplicates refused,
every change versioned with its diff, who may do what, suspensions taking the organisation off every roster
with each court told, pushes and the courts' decisions, the periodic information update, and identity
numbers kept encrypted."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation
from registry_fixtures import *  # noqa: F403
from registry_fixtures import (
    decide,
    from_peer,
    make_id_number,
    make_uscc,
    mediator_data,
    new_user,
    org_data,
    stored_id_number,
    wrong_check,
)

from sutiao.accounts.models import Institution, InstitutionKind, Role
from sutiao.accounts.pii import id_number_digest
from sutiao.docking.models import OutboxMessage
from sutiao.docking.refusals import Rejected
from sutiao.docking.schemas import MessageType, RosterDecisionPayload
from sutiao.investor import inbound, selectors
from sutiao.investor.actions import registry, roster
from sutiao.investor.models import (
    CampaignConfirmation,
    MediationOrg,
    Mediator,
    RegistryChange,
    RegistryStatus,
    RosterProposal,
    SubjectKind,
)
from sutiao.kernel.calendar import china_today
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import resident_id_check_digit
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import INVESTOR_PROPOSAL_LIVE, InvestorProposalState


def _versions(subject):
    kind = SubjectKind.MEDIATOR if isinstance(subject, Mediator) else SubjectKind.ORGANISATION
    return list(RegistryChange.objects.filter(subject_kind=kind, subject_id=subject.pk).order_by("version"))


def _outbox(message_type):
    return list(OutboxMessage.objects.filter(type=message_type).order_by("occurred_at", "seq"))


# --- identifiers and input ---


def test_registering_an_organisation_records_version_one(reg_bureau, shanghai_office):
    code = make_uscc()
    org = registry.register_organisation(reg_bureau, org_data(shanghai_office, uscc=" " + code.lower() + " "))
    assert org.uscc == code  # normalised: spaces gone, upper case
    assert org.institution.kind == InstitutionKind.MEDIATION_ORG and org.institution.parent == shanghai_office
    (v1,) = _versions(org)
    assert v1.version == 1 and v1.summary == "登记" and "孙投保" in v1.actor
    assert v1.changes["uscc"] == [None, code] and v1.changes["supervisor"] == [None, "中国证监会上海监管局"]
    assert v1.changes["scope"] == [None, ["上海市", "江苏省"]]


@pytest.mark.parametrize(
    "uscc, words",
    [
        ("", "请填写统一社会信用代码"),
        ("91310000000000", "应为18位"),
        ("91310000O00000001X", "不是合法字符"),
        ("WRONG_CHECK", "校验位错误"),
    ],
)
def test_an_invalid_credit_code_is_refused_on_the_uscc_field(reg_bureau, shanghai_office, uscc, words):
    if uscc == "WRONG_CHECK":
        uscc = wrong_check(make_uscc())
    with pytest.raises(DomainError) as refused:
        registry.register_organisation(reg_bureau, org_data(shanghai_office, uscc=uscc))
    assert refused.value.field == "uscc" and words in refused.value.message
    assert not MediationOrg.objects.exists() and not Institution.objects.filter(kind="mediation_org").exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": "  "}, "name"),
        ({"kind": "bank"}, "kind"),
        ({"scope": []}, "scope"),
        ({"scope": ["火星"]}, "scope"),
        ({"dispute_types": []}, "dispute_types"),
        ({"dispute_types": ["lottery"]}, "dispute_types"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"supervisor_id": "not-an-id"}, "supervisor"),
    ],
)
def test_other_bad_input_is_refused_on_its_field(reg_bureau, shanghai_office, overrides, field):
    with pytest.raises(DomainError) as refused:
        registry.register_organisation(reg_bureau, org_data(shanghai_office, **overrides))
    assert refused.value.field == field


def test_only_a_regional_office_or_affiliated_unit_supervises(reg_bureau):
    court = Institution.objects.create(kind=InstitutionKind.BASIC_COURT, name="北京市朝阳区人民法院")
    with pytest.raises(DomainError) as refused:
        registry.register_organisation(reg_bureau, org_data(court))
    assert refused.value.field == "supervisor"


def test_scope_is_kept_in_one_spelling(reg_bureau, shanghai_office):
    org = registry.register_organisation(reg_bureau, org_data(shanghai_office, scope=["江苏省", "上海市", "江苏省"]))
    assert org.scope == ["上海市", "江苏省"]
    nationwide = registry.register_organisation(reg_bureau, org_data(shanghai_office, scope=["上海市", "全国"]))
    assert nationwide.scope == ["全国"]


def test_a_credit_code_is_registered_once(reg_bureau, reg_org, other_org, shanghai_office):
    with pytest.raises(DomainError) as refused:
        registry.register_organisation(reg_bureau, org_data(shanghai_office, uscc=reg_org.uscc, name="另一家"))
    assert refused.value.field == "uscc" and "已登记" in refused.value.message
    data = org_data(shanghai_office, uscc=other_org.uscc)
    with pytest.raises(DomainError) as refused:
        registry.update_organisation(reg_bureau, reg_org, data)
    assert refused.value.field == "uscc"


@pytest.mark.parametrize(
    "number, words",
    [
        ("", "请填写公民身份号码"),
        ("110105800101001", "请填写18位"),
        ("11010519800230001X", "不是有效日期"),
        ("WRONG_CHECK", "校验位错误"),
    ],
)
def test_an_invalid_identity_number_is_refused_on_its_field(reg_admin, reg_org, number, words):
    if number == "WRONG_CHECK":
        number = wrong_check(make_id_number())
    with pytest.raises(DomainError) as refused:
        registry.register_mediator(reg_admin, reg_org.institution, mediator_data(id_number=number))
    assert refused.value.field == "id_number" and words in refused.value.message
    assert not Mediator.objects.exists()


def test_an_identity_number_is_registered_once_across_organisations(reg_admin, reg_org, other_admin, other_org):
    number = make_id_number()
    registry.register_mediator(reg_admin, reg_org.institution, mediator_data(id_number=number, name="郑调解"))
    with pytest.raises(DomainError) as refused:
        registry.register_mediator(other_admin, other_org.institution, mediator_data(id_number=number.lower()))
    assert refused.value.field == "id_number"
    # neither where nor as whom: another organisation's mediators are not to be learnt this way (issue 14)
    assert refused.value.message == "该公民身份号码已登记，请联系投服中心核实"
    second = registry.register_mediator(other_admin, other_org.institution, mediator_data())
    with pytest.raises(DomainError) as refused:
        registry.update_mediator(other_admin, second, mediator_data(id_number=number))
    assert refused.value.field == "id_number"


def test_bad_training_hours_are_refused_on_their_field(reg_admin, reg_org):
    for hours in ("-1", "abc", "100000"):
        with pytest.raises(DomainError) as refused:
            registry.register_mediator(reg_admin, reg_org.institution, mediator_data(training_hours=hours))
        assert refused.value.field == "training_hours"


def test_a_login_account_must_be_a_mediator_of_the_organisation(reg_admin, reg_org, other_admin, reg_mediator_user):
    with pytest.raises(DomainError) as refused:
        registry.register_mediator(reg_admin, reg_org.institution, mediator_data(), user=other_admin)
    assert refused.value.field == "user"
    linked = registry.register_mediator(reg_admin, reg_org.institution, mediator_data(), user=reg_mediator_user)
    assert linked.user == reg_mediator_user
    with pytest.raises(DomainError):  # already linked
        registry.register_mediator(reg_admin, reg_org.institution, mediator_data(), user=reg_mediator_user)


# --- versions ---


def test_an_update_records_a_version_with_old_and_new_values(reg_admin, reg_org, shanghai_office):
    data = org_data(shanghai_office, uscc=reg_org.uscc, capacity=120, scope=["全国"], contact_phone="021-1")
    updated = registry.update_organisation(reg_admin, reg_org, data)
    assert updated.version == 2
    v2 = _versions(reg_org)[-1]
    assert v2.version == 2 and v2.summary == "更新信息" and "钱管理员" in v2.actor
    assert v2.changes == {
        "capacity": [80, 120],
        "scope": [["上海市", "江苏省"], ["全国"]],
        "contact_phone": ["021-50000000", "021-1"],
    }
    # Nothing changed: no new version.
    registry.update_organisation(reg_admin, updated, data)
    assert len(_versions(reg_org)) == 2


def test_history_reads_with_field_labels(reg_admin, reg_org, shanghai_office):
    registry.update_organisation(
        reg_admin, reg_org, org_data(shanghai_office, uscc=reg_org.uscc, kind="people", name="上海调解中心")
    )
    latest = selectors.history(SubjectKind.ORGANISATION, reg_org.pk)[0]
    assert latest.version == 2
    assert ("组织类型", "证券期货行业调解组织", "人民调解委员会") in latest.changes
    assert ("名称", "上海证券期货纠纷调解中心", "上海调解中心") in latest.changes


def test_only_the_bureau_changes_the_supervising_body(reg_bureau, reg_admin, reg_org, futures_association):
    moved = org_data(futures_association, uscc=reg_org.uscc)
    with pytest.raises(DomainError) as refused:
        registry.update_organisation(reg_admin, reg_org, moved)
    assert refused.value.field == "supervisor"
    registry.update_organisation(reg_bureau, reg_org, moved)
    reg_org.institution.refresh_from_db()
    assert reg_org.institution.parent == futures_association
    assert _versions(reg_org)[-1].changes["supervisor"] == ["中国证监会上海监管局", "中国期货业协会"]


def test_a_mediator_update_is_versioned_and_a_new_number_shows_masked(reg_admin, reg_mediator):
    number = make_id_number()
    registry.update_mediator(reg_admin, reg_mediator, mediator_data(id_number=number, phone="13900000000"))
    reg_mediator.refresh_from_db()
    assert reg_mediator.version == 2 and stored_id_number(reg_mediator) == number
    v2 = _versions(reg_mediator)[-1]
    assert v2.changes["phone"] == ["138****0000", "139****0000"]  # the history keeps phones masked
    assert v2.changes["id_number_masked"][1] == number[:3] + "*" * 11 + number[-4:]
    assert number not in str(v2.changes)


def test_a_corrected_number_with_the_same_mask_still_shows_in_the_history(reg_admin, reg_mediator):
    """Only the middle digits differ (a birth date mistyped): the mask is the same, the history says so."""
    old = stored_id_number(reg_mediator)
    corrected = next(
        number
        for day in range(1, 29)
        if (number := f"{old[:6]}198506{day:02d}{old[14:17]}")
        and (number := number + resident_id_check_digit(number)) != old
        and number[-4:] == old[-4:]
    )
    registry.update_mediator(reg_admin, reg_mediator, mediator_data(id_number=corrected))
    reg_mediator.refresh_from_db()
    assert stored_id_number(reg_mediator) == corrected and reg_mediator.version == 2
    v2 = _versions(reg_mediator)[-1]
    assert v2.summary == "更新信息（更正公民身份号码）"
    assert v2.changes == {"id_number_masked": [reg_mediator.id_number_masked] * 2}
    assert corrected not in str(v2.changes) and old not in str(v2.changes)


# --- who may do what ---


@pytest.fixture
def actors(request):
    """Named users, created on demand."""
    return lambda name: request.getfixturevalue(name)


@pytest.mark.parametrize(
    "actor, allowed",
    [
        ("reg_bureau", True),
        ("reg_supervisor", True),
        ("reg_admin", True),
        ("other_supervisor", False),
        ("other_admin", False),
        ("reg_mediator_user", False),
    ],
)
def test_who_may_update_an_organisation(actors, reg_org, shanghai_office, actor, allowed):
    data = org_data(shanghai_office, uscc=reg_org.uscc, capacity=99)
    if allowed:
        assert registry.update_organisation(actors(actor), reg_org, data).capacity == 99
    else:
        with pytest.raises(PermissionDenied):
            registry.update_organisation(actors(actor), reg_org, data)
        assert len(_versions(reg_org)) == 1


@pytest.mark.parametrize(
    "actor, allowed",
    [
        ("reg_bureau", True),
        ("reg_supervisor", True),
        ("reg_admin", False),
        ("other_supervisor", False),
        ("other_admin", False),
        ("reg_mediator_user", False),
    ],
)
def test_who_may_suspend_an_organisation(actors, reg_org, actor, allowed):
    if allowed:
        assert (
            registry.set_organisation_status(actors(actor), reg_org, RegistryStatus.SUSPENDED, "整改").status
            == RegistryStatus.SUSPENDED
        )
    else:
        with pytest.raises(PermissionDenied):
            registry.set_organisation_status(actors(actor), reg_org, RegistryStatus.SUSPENDED, "整改")


@pytest.mark.parametrize(
    "actor, allowed",
    [
        ("reg_bureau", True),
        ("reg_supervisor", True),
        ("reg_admin", True),
        ("other_supervisor", False),
        ("other_admin", False),
        ("reg_mediator_user", False),
    ],
)
def test_who_may_register_and_suspend_a_mediator(actors, reg_org, reg_mediator, actor, allowed):
    if allowed:
        registry.register_mediator(actors(actor), reg_org.institution, mediator_data())
        registry.set_mediator_status(actors(actor), reg_mediator, RegistryStatus.WITHDRAWN, "离任")
    else:
        with pytest.raises(PermissionDenied):
            registry.register_mediator(actors(actor), reg_org.institution, mediator_data())
        with pytest.raises(PermissionDenied):
            registry.set_mediator_status(actors(actor), reg_mediator, RegistryStatus.WITHDRAWN, "离任")


@pytest.mark.parametrize("actor", ["reg_supervisor", "reg_admin", "reg_mediator_user"])
def test_only_the_bureau_registers_organisations_pushes_them_and_starts_campaigns(
    actors, reg_org, shanghai_office, chaoyang, actor
):
    user = actors(actor)
    with pytest.raises(PermissionDenied):
        registry.register_organisation(user, org_data(shanghai_office))
    with pytest.raises(PermissionDenied):
        roster.propose_organisation(user, reg_org, chaoyang.pk)
    with pytest.raises(PermissionDenied):
        registry.start_campaign(user, "2026年度信息更新", china_today())


@pytest.mark.parametrize("actor", ["reg_bureau", "other_supervisor", "reg_admin", "reg_mediator_user"])
def test_only_the_supervising_body_pushes_a_mediator(actors, reg_org, reg_mediator, chaoyang, confirmed_on, actor):
    confirmed_on(reg_org, chaoyang)
    with pytest.raises(PermissionDenied):
        roster.propose_mediator(actors(actor), reg_mediator, chaoyang.pk)


@pytest.mark.parametrize("actor", ["reg_bureau", "reg_supervisor", "other_admin", "reg_mediator_user"])
def test_only_the_organisations_administrator_confirms_its_information(actors, reg_bureau, reg_org, actor):
    campaign = registry.start_campaign(reg_bureau, "2026年度信息更新", china_today())
    with pytest.raises(PermissionDenied):
        registry.confirm_information(actors(actor), reg_org, campaign)


def test_status_change_needs_a_reason_to_suspend_or_withdraw(reg_bureau, reg_org, reg_admin, reg_mediator):
    with pytest.raises(DomainError) as refused:
        registry.set_organisation_status(reg_bureau, reg_org, RegistryStatus.SUSPENDED, "  ")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        registry.set_mediator_status(reg_admin, reg_mediator, RegistryStatus.WITHDRAWN, "")
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        registry.set_organisation_status(reg_bureau, reg_org, RegistryStatus.ACTIVE, "")
    assert refused.value.field == "status"  # unchanged
    with pytest.raises(DomainError) as refused:
        registry.set_organisation_status(reg_bureau, reg_org, "closed", "x")
    assert refused.value.field == "status"


# --- pushes and the courts' decisions ---


def test_a_push_writes_roster_proposed_and_a_version(reg_bureau, reg_org, chaoyang, roster_peer):
    proposal = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk, "  符合特邀调解组织条件  ")
    assert proposal.state == InvestorProposalState.PENDING and proposal.court_name == "北京市朝阳区人民法院"
    assert proposal.note == "符合特邀调解组织条件" and proposal.peer == roster_peer
    (message,) = _outbox(MessageType.ROSTER_PROPOSED)
    assert message.peer == roster_peer and message.case == reg_org.pk
    payload = message.payload
    assert payload["proposal_id"] == str(proposal.pk) and payload["court_id"] == str(chaoyang.pk)
    assert payload["organisation"]["uscc"] == reg_org.uscc
    assert payload["organisation"]["kind"] == "证券期货行业调解组织"
    assert payload["organisation"]["supervisor"] == "中国证监会上海监管局"
    assert payload["organisation"]["version"] == 2 and payload["mediator"] is None
    assert "孙投保" in payload["proposed_by"]
    assert [v.summary for v in _versions(reg_org)] == ["登记", "推送至北京市朝阳区人民法院"]


def test_a_push_to_every_court_goes_to_the_jointly_recognised_list(reg_bureau, reg_org, roster_peer):
    proposal = roster.propose_organisation(reg_bureau, reg_org, None)
    assert proposal.court_id is None and proposal.court_name == roster.EVERY_COURT
    assert _outbox(MessageType.ROSTER_PROPOSED)[0].payload["court_id"] is None


def test_cards_stay_chinese_whatever_the_users_language(reg_bureau, reg_org, reg_mediator, reg_supervisor, chaoyang):
    with translation.override("en"):
        roster.propose_organisation(reg_bureau, reg_org, None)
        decide(RosterProposal.objects.get())
        roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)
        registry.set_mediator_status(reg_supervisor, reg_mediator, RegistryStatus.SUSPENDED, "培训未达标")
    proposed = _outbox(MessageType.ROSTER_PROPOSED)
    assert proposed[0].payload["organisation"]["kind"] == "证券期货行业调解组织"
    assert proposed[1].payload["mediator"]["qualifications"] == ["律师"]
    assert _versions(reg_mediator)[-1].summary == "状态变更为暂停"


def test_a_live_push_is_not_repeated_but_a_rejected_one_may_be(reg_bureau, reg_org, chaoyang, xicheng):
    first = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    with pytest.raises(DomainError):
        roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    roster.propose_organisation(reg_bureau, reg_org, xicheng.pk)  # another court is another push
    decide(first, confirmed=False, reason="调解员人数不足")
    again = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    assert again.pk != first.pk
    every = roster.propose_organisation(reg_bureau, reg_org, None)
    decide(every)
    with pytest.raises(DomainError):  # already on every court's roster
        roster.propose_organisation(reg_bureau, reg_org, xicheng.pk)


def test_a_confirmation_about_to_run_out_is_renewed_by_a_new_push(reg_bureau, reg_org, chaoyang):
    """Within RENEWAL_WINDOW (90 days) of its end, or after it, a confirmation no longer blocks a push; the
    court's confirmation of the renewal names the push it supersedes, which then ends."""
    first = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    decide(first, valid_until=china_today() + dt.timedelta(days=91))
    with pytest.raises(DomainError, match="90日内可再次推送续期"):
        roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    assert not RosterProposal.objects.get(pk=first.pk).renewable
    RosterProposal.objects.filter(pk=first.pk).update(valid_until=china_today() + dt.timedelta(days=90))
    assert RosterProposal.objects.get(pk=first.pk).renewable
    renewal = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    today = china_today()
    inbound.on_roster_decision(
        from_peer(
            renewal.peer,
            RosterDecisionPayload(
                proposal_id=renewal.pk,
                confirmed=True,
                valid_from=today,
                valid_until=default_validity(today),
                decided_by="北京市朝阳区人民法院 李法官",
                decided_at=timezone.now(),
                supersedes=first.pk,
            ),
        )
    )
    first.refresh_from_db()
    renewal.refresh_from_db()
    assert first.state == InvestorProposalState.ENDED and first.ended_reason == "续期：由新的确认替代"
    assert renewal.state == InvestorProposalState.CONFIRMED
    assert [p.pk for p in selectors.confirmed_courts(reg_org)] == [renewal.pk]


def test_an_unknown_court_or_an_inactive_organisation_is_not_pushed(reg_bureau, reg_org, chaoyang):
    from sutiao.kernel.ids import new_id

    with pytest.raises(DomainError) as refused:
        roster.propose_organisation(reg_bureau, reg_org, new_id())
    assert refused.value.field == "court"
    registry.set_organisation_status(reg_bureau, reg_org, RegistryStatus.SUSPENDED, "整改")
    with pytest.raises(DomainError):
        roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)


def test_a_mediator_is_pushed_only_where_the_organisation_is_confirmed(
    reg_bureau, reg_supervisor, reg_org, reg_mediator, chaoyang, xicheng, confirmed_on
):
    pending = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    with pytest.raises(DomainError) as refused:  # pushed, not yet confirmed
        roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)
    assert "尚未纳入该法院特邀调解名册" in refused.value.message
    decide(pending)
    proposal = roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk, "执业二十年")
    assert proposal.subject_kind == SubjectKind.MEDIATOR and proposal.mediator == reg_mediator
    message = _outbox(MessageType.ROSTER_PROPOSED)[-1]
    assert message.case == reg_mediator.pk
    assert message.payload["mediator"]["id_number_masked"] == reg_mediator.id_number_masked
    assert stored_id_number(reg_mediator) not in str(message.payload)
    with pytest.raises(DomainError):  # not on Xicheng's roster
        roster.propose_mediator(reg_supervisor, reg_mediator, xicheng.pk)
    with pytest.raises(DomainError):  # already pushed
        roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)
    confirmed_on(reg_org, None)  # on the jointly recognised list: any court
    assert roster.propose_mediator(reg_supervisor, reg_mediator, xicheng.pk).court_id == xicheng.pk


def test_a_lapsed_confirmation_is_no_roster_for_a_mediator(
    reg_supervisor, reg_org, reg_mediator, chaoyang, confirmed_on
):
    confirmation = confirmed_on(reg_org, chaoyang)
    RosterProposal.objects.filter(pk=confirmation.pk).update(
        valid_from=china_today() - dt.timedelta(days=1000), valid_until=china_today() - dt.timedelta(1)
    )
    with pytest.raises(DomainError):
        roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)


def test_a_suspended_mediator_is_not_pushed(reg_supervisor, reg_org, reg_mediator, chaoyang, confirmed_on):
    confirmed_on(reg_org, chaoyang)
    registry.set_mediator_status(reg_supervisor, reg_mediator, RegistryStatus.SUSPENDED, "培训未达标")
    with pytest.raises(DomainError):
        roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)


def test_the_courts_decision_is_recorded(reg_bureau, reg_org, chaoyang, xicheng):
    confirmed = decide(roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk))
    assert confirmed.state == InvestorProposalState.CONFIRMED and confirmed.decided_by == "北京市朝阳区人民法院 李法官"
    assert confirmed.valid_from == china_today() and confirmed.valid_until.year == china_today().year + 3
    rejected = decide(
        roster.propose_organisation(reg_bureau, reg_org, xicheng.pk), confirmed=False, reason="不符合条件"
    )
    assert rejected.state == InvestorProposalState.REJECTED and rejected.reason == "不符合条件"
    assert rejected.valid_from is None
    # A second answer to the same push changes nothing.
    assert decide(rejected).state == InvestorProposalState.REJECTED
    assert inbound.roster_refusal(reg_org.pk, chaoyang.pk) is None
    assert inbound.roster_refusal(reg_org.pk, xicheng.pk).code == "not_on_roster"


def test_a_decision_on_an_unknown_push_is_refused(db):
    from sutiao.kernel.ids import new_id

    with pytest.raises(Rejected) as refused:
        decide(RosterProposal(pk=new_id()))
    assert refused.value.code == "unknown_proposal"


def test_a_decision_arriving_after_the_push_ended_leaves_it_ended(reg_bureau, reg_org, chaoyang):
    proposal = roster.propose_organisation(reg_bureau, reg_org, chaoyang.pk)
    registry.set_organisation_status(reg_bureau, reg_org, RegistryStatus.WITHDRAWN, "自行解散")
    assert decide(proposal).state == InvestorProposalState.ENDED


def test_suspension_ends_every_live_push_and_tells_each_court_platform(
    reg_bureau, reg_supervisor, reg_org, reg_mediator, chaoyang, xicheng, make_peer, confirmed_on
):
    from sutiao.investor.models import CourtDirectory
    from sutiao.kernel.ids import new_id

    other_peer = make_peer("maritime-court-platform").peer
    shanghai_maritime = CourtDirectory.objects.create(id=new_id(), peer=other_peer, name="上海海事法院")
    on_roster = confirmed_on(reg_org, chaoyang)
    pending = roster.propose_organisation(reg_bureau, reg_org, shanghai_maritime.pk)
    rejected = decide(roster.propose_organisation(reg_bureau, reg_org, xicheng.pk), confirmed=False, reason="否")
    mediator_push = roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)

    registry.set_organisation_status(reg_supervisor, reg_org, RegistryStatus.SUSPENDED, "涉嫌违规，暂停调解业务")

    for proposal in (on_roster, pending, mediator_push):
        proposal.refresh_from_db()
        assert proposal.state == InvestorProposalState.ENDED and proposal.ended_at is not None
        assert proposal.ended_reason == "调解组织暂停：涉嫌违规，暂停调解业务"
    rejected.refresh_from_db()
    assert rejected.state == InvestorProposalState.REJECTED
    changed = _outbox(MessageType.ROSTER_CHANGED)
    assert sorted(m.peer.name for m in changed) == ["court-platform", "maritime-court-platform"]
    for message in changed:
        assert message.case == reg_org.pk
        assert message.payload["organisation"]["active"] is False
        assert message.payload["reason"] == "涉嫌违规，暂停调解业务"
    assert inbound.roster_refusal(reg_org.pk, chaoyang.pk).code == "organisation_unavailable"
    v = _versions(reg_org)[-1]
    assert v.summary == "状态变更为暂停" and v.changes["status"] == ["active", "suspended"]
    # Reinstated, it must be pushed again: nothing comes back by itself.
    registry.set_organisation_status(reg_bureau, reg_org, RegistryStatus.ACTIVE, "")
    assert not RosterProposal.objects.filter(state__in=INVESTOR_PROPOSAL_LIVE).exists()


def test_a_mediator_leaving_ends_their_pushes_and_tells_the_court(
    reg_supervisor, reg_admin, reg_org, reg_mediator, chaoyang, confirmed_on
):
    confirmed_on(reg_org, chaoyang)
    push = roster.propose_mediator(reg_supervisor, reg_mediator, chaoyang.pk)
    registry.set_mediator_status(reg_admin, reg_mediator, RegistryStatus.WITHDRAWN, "已离任")
    push.refresh_from_db()
    assert push.state == InvestorProposalState.ENDED
    (message,) = _outbox(MessageType.ROSTER_CHANGED)
    assert message.case == reg_mediator.pk and message.payload["mediator"]["active"] is False
    # The organisation's own membership stays.
    assert inbound.roster_refusal(reg_org.pk, chaoyang.pk) is None


def test_an_update_sends_the_new_card_only_where_the_organisation_is_pushed(
    reg_admin, reg_org, shanghai_office, chaoyang, confirmed_on
):
    registry.update_organisation(reg_admin, reg_org, org_data(shanghai_office, uscc=reg_org.uscc, capacity=81))
    assert not _outbox(MessageType.ROSTER_CHANGED)
    confirmed_on(reg_org, chaoyang)
    registry.update_organisation(reg_admin, reg_org, org_data(shanghai_office, uscc=reg_org.uscc, capacity=82))
    (message,) = _outbox(MessageType.ROSTER_CHANGED)
    assert message.payload["organisation"]["capacity"] == 82 and message.payload["organisation"]["active"] is True


# --- the periodic information update ---


def test_campaign_overdue_flag(reg_bureau, reg_org, other_org, reg_admin, shanghai_office):
    dormant = registry.register_organisation(reg_bureau, org_data(shanghai_office, name="已暂停的中心"))
    registry.set_organisation_status(reg_bureau, dormant, RegistryStatus.SUSPENDED, "整改")
    with pytest.raises(DomainError) as refused:
        registry.start_campaign(reg_bureau, "2026年度信息更新", china_today() - dt.timedelta(days=1))
    assert refused.value.field == "due"
    campaign = registry.start_campaign(reg_bureau, " 2026年度信息更新 ", china_today())
    assert campaign.title == "2026年度信息更新"

    registry.confirm_information(reg_admin, reg_org, campaign)
    with pytest.raises(DomainError):
        registry.confirm_information(reg_admin, reg_org, campaign)
    assert CampaignConfirmation.objects.get().organisation == reg_org.institution
    assert _versions(reg_org)[-1].summary == "确认信息（2026年度信息更新）"

    # Due today: nobody is overdue yet.
    assert selectors.overdue_ids(campaign) == set()
    progress = selectors.campaign_progress(campaign)
    assert progress.confirmed == [reg_org] and progress.pending == [other_org] and progress.overdue == []

    type(campaign).objects.filter(pk=campaign.pk).update(due=china_today() - dt.timedelta(days=1))
    campaign.refresh_from_db()
    assert selectors.overdue_ids(campaign) == {other_org.pk}  # the suspended one is not asked
    progress = selectors.campaign_progress(campaign)
    assert progress.overdue == [other_org] and progress.pending == [] and progress.is_past_due
    assert selectors.overview().campaign.overdue == [other_org]


# --- identity numbers at rest ---


def test_the_identity_number_is_stored_encrypted(reg_admin, reg_org):
    number = make_id_number()
    mediator = registry.register_mediator(reg_admin, reg_org.institution, mediator_data(id_number=number))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Mediator._meta.db_table} WHERE id = %s", [mediator.pk.hex])  # noqa: S608
        row = cursor.fetchone()
        if row is None:  # UUIDs stored as text
            cursor.execute(f"SELECT * FROM {Mediator._meta.db_table} WHERE id = %s", [str(mediator.pk)])  # noqa: S608
            row = cursor.fetchone()
    assert row is not None
    stored = " ".join(str(value) for value in row)
    assert number not in stored and number[6:14] not in stored  # not even the birth date
    mediator.refresh_from_db()
    assert mediator.id_number_masked == number[:3] + "***********" + number[-4:]
    assert stored_id_number(mediator) == number
    assert mediator.id_number_digest == id_number_digest(number)
    assert number not in str(RegistryChange.objects.filter(subject_id=mediator.pk).values_list("changes"))


# --- reads scoped by role ---


def test_reads_are_scoped_by_role(reg_bureau, reg_supervisor, reg_admin, reg_mediator_user, reg_org, other_org):
    assert set(selectors.organisations_for(reg_bureau)) == {reg_org, other_org}
    assert list(selectors.organisations_for(reg_supervisor)) == [reg_org]
    assert list(selectors.organisations_for(reg_admin)) == [reg_org]
    assert not selectors.organisations_for(reg_mediator_user).exists()
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.organisation_for(reg_supervisor, other_org.pk)
    assert not selectors.organisations_for(new_user("operator", Role.OPERATOR, None)).exists()
    assert set(selectors.mediators_for(reg_supervisor)) == set(Mediator.objects.filter(organisation=reg_org.pk))


def test_overview_counts(reg_bureau, reg_org, other_org, reg_admin, reg_mediator, other_admin):
    registry.register_mediator(
        other_admin, other_org.institution, mediator_data(qualifications=["lawyer", "retired_judge"])
    )
    registry.set_organisation_status(reg_bureau, other_org, RegistryStatus.SUSPENDED, "整改")
    o = selectors.overview()
    assert o.organisations_total == 2 and o.mediators_total == 2
    assert ("active", "正常", 1) in o.organisations_by_status and ("suspended", "暂停", 1) in o.organisations_by_status
    assert ("lawyer", "律师", 2) in o.mediators_by_qualification
    assert ("retired_judge", "退休法官", 1) in o.mediators_by_qualification
    assert sorted(o.organisations_by_supervisor) == [("中国期货业协会", 1), ("中国证监会上海监管局", 1)]
    assert ("industry", "证券期货行业调解组织", 1) in o.organisations_by_kind
    assert ("commercial", "商事调解组织", 1) in o.mediators_by_kind
    assert o.capacity_active == 80 and o.capacity_total == 160
    assert o.campaign is None
