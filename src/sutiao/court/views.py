"""Thin views: read through selectors, change through actions, say what went wrong in the user's language
(Chinese first, English second). Buttons appear only where the user's role and the case's state allow."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts.models import Role
from sutiao.audit.selectors import trail_for_case, trail_page
from sutiao.confirm import confirmation, confirmed
from sutiao.forms_actions import show_refusal, submit
from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import CaseStage, DelegationKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import (
    COURT,
    COURT_CORRECTABLE,
    COURT_CORRECTION_SENT,
    COURT_PROPOSAL,
    CourtEvent,
    CourtProposalEvent,
    CourtState,
    back_to_court_event,
)
from sutiao.listing import next_url
from sutiao.translation import refusal
from sutiao.workdays.selectors import calendar

from . import document_views, permissions, selectors
from .actions import cases as case_actions
from .actions import delegation as delegation_actions
from .actions import personal_data
from .actions import roster as roster_actions
from .forms import (
    CaseFilterForm,
    CaseForm,
    ClaimFormSet,
    ConfirmProposalForm,
    ConsentForm,
    CorrectionForm,
    DelegateForm,
    JointChoiceForm,
    PartyEditFormSet,
    PartyFormSet,
    ReasonForm,
)


def _staff(request):
    permissions.ensure_may_read(request.user)


@login_required
def home(request):
    if request.user.role in (Role.PARTY, Role.AGENT):
        return redirect("party-cases")
    _staff(request)
    # Each section pages on by its own cursor (?staff=…, ?answer=…, ?mediating=…), the others stay put.
    queue = selectors.work_queue(request.user, {k: request.GET.get(k) for k in ("staff", "answer", "mediating")})
    cal = calendar()  # one for every row's deadline, not a query per row
    return render(
        request,
        "court/home.html",
        {
            # Cases waiting for an organisation to be chosen show their L3 deadline (《人民法院在线调解规则》Art. 10).
            "waiting_staff": [
                (
                    c,
                    selectors.choice_deadlines(c, cal=cal) if c.state == CourtState.CONSENTED else None,
                    c.state == CourtState.RETURNED,
                )
                for c in queue["staff"].items
            ],
            "queue": queue,
            "counts": selectors.queue_counts(request.user),
            "search_form": CaseFilterForm(court_id=request.user.institution_id),
            "pending_proposals": selectors.pending_proposals(request.user).count(),
            "may_register": permissions.allows(permissions.ensure_may_register, request.user),
        },
    )


@login_required
def case_list(request):
    """Every case of the court, found by search and filters, a page at a time (issue 15)."""
    _staff(request)
    form = CaseFilterForm(request.GET or None, court_id=request.user.institution_id)
    result = None
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else {}
        try:
            result = selectors.case_list(request.user, filters, request.GET.get("cursor"))
        except DomainError as e:
            show_refusal(form, e)
    return render(
        request,
        "court/case_list.html",
        {"form": form, "page": result, "next_url": next_url(request, result)},
    )


@login_required
def case_new(request):
    permissions.ensure_may_register(request.user)
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data)
    parties = PartyFormSet(
        data, prefix="party", initial=None if data else [{"role": PartyRole.APPLICANT}, {"role": PartyRole.RESPONDENT}]
    )
    claims = ClaimFormSet(data, prefix="claim")
    # Every form checked, not the first only: all of a registration's faults show in one pass (issue 15 §3).
    if data is not None and all([form.is_valid(), parties.is_valid(), claims.is_valid()]):
        try:
            case = case_actions.register_case(
                request.user,
                stage=CaseStage(form.cleaned_data["stage"]),
                dispute_type=form.cleaned_data["dispute_type"],
                amount=form.cleaned_data["amount"],
                facts=form.cleaned_data["facts"],
                litigation_number=form.cleaned_data["litigation_number"],
                simple_procedure=form.cleaned_data["simple_procedure"],
                parties=[case_actions.PartyInput(**p) for p in parties.cleaned_data if p],
                claims=[case_actions.ClaimInput(**c) for c in claims.cleaned_data if c],
            )
        except DomainError as e:
            show_refusal(form, e)
        else:
            messages.success(request, _("已登记 %(number)s") % {"number": case.number})
            return redirect("case-detail", case.pk)
    return render(request, "court/case_new.html", {"form": form, "parties": parties, "claims": claims})


@login_required
def case_detail(request, case_id, consent_form=None, delegate_form=None, reason_form=None, choice_form=None):
    case = selectors.case_for(request.user, case_id)
    permissions.ensure_may_read(request.user, case)
    user = request.user
    # What the machine allows in this state, then what the user's role allows (DESIGN.md §9).
    allowed = set(COURT.allowed_events(case.state))
    back = back_to_court_event(CaseStage(case.stage))
    may_ask = permissions.allows(permissions.ensure_may_ask_consent, user, case)
    may_delegate = permissions.allows(permissions.ensure_may_delegate, user, case)
    may_correct = permissions.allows(permissions.ensure_may_correct, user, case)
    latest = selectors.latest_consents(case)
    # L3: before the parties' joint-choice period ends the court appoints only if every party asked it to.
    deadlines = selectors.choice_deadlines(case)
    joint_choice_running = selectors.joint_choice_running(case, deadlines=deadlines)
    can_delegate = may_delegate and CourtEvent.DELEGATE in allowed and not joint_choice_running
    declined = selectors.declined_organisations(case)
    recommendations = selectors.recommendations(case, declined) if can_delegate else []
    choosing = case.state in case_actions.CHOOSING_STATES
    can = {
        "can_ask_consent": may_ask and CourtEvent.ASK_CONSENT in allowed,
        "can_record_consent": may_ask and case.state in case_actions.CONSENT_STATES,
        "can_choose": may_ask and choosing,
        "can_delegate": can_delegate,
        "can_recall": may_delegate and CourtEvent.RECALL in allowed,
        "can_send_back": may_delegate and back in allowed,
        "can_correct": may_correct and case.state in COURT_CORRECTABLE,
        "can_void": may_correct and CourtEvent.VOID in allowed,
    }
    delegation = case.current_delegation
    return render(
        request,
        "court/case_detail.html",
        {
            "case": case,
            "delegation": delegation,
            "party_rows": [
                (s, case.role_label(s.party.role), latest.get(s.party.pk))
                for s in personal_data.show_parties(user, case)
            ],
            "missing_consent": selectors.missing_consent(case),
            **can,
            "back_label": _("转立案") if back == CourtEvent.FILE_CASE else _("恢复审理"),
            "consent_form": consent_form
            or ConsentForm(case=case, initial={"answered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
            "delegate_form": delegate_form
            or DelegateForm(
                court_id=case.court_id,
                ranking=recommendations,
                declined=declined,
                initial=_suggested(case, recommendations, declined),
            ),
            "joint_choice_running": joint_choice_running,
            "declined": {str(pk) for pk in declined},
            "reason_form": reason_form or ReasonForm(),
            "can_request_appointment": may_ask and choosing and not case.court_appoints,
            "show_choice": bool(case.consented_at) or choosing,
            "choice_form": choice_form or JointChoiceForm(court_id=case.court_id),
            "deadlines": deadlines,
            "recommendations": recommendations,
            "waiting_for": _waiting_for(case),
            **document_views.document_context(user, case),
            "badge": _badge(case),
            "recall_label": _("撤回委派") if case.delegation_kind == DelegationKind.DELEGATION else _("撤回委托"),
            "sent_label": _("委派时间") if case.delegation_kind == DelegationKind.DELEGATION else _("委托时间"),
            "parties_chose_mediator": bool(
                delegation and case.chosen_mediator_id and case.chosen_organisation_id == delegation.organisation_id
            ),
            "trail": trail_for_case(case.pk, trail_page(request)),
            "revisions": personal_data.show_revisions(user, case),
            "has_actions": any(can.values()),
        },
    )


def _waiting_for(case) -> str:
    """What the court waits for when it has nothing to do."""
    if case.state == CourtState.DELEGATED:
        return _("当前无需本院操作，等待调解组织答复")
    if case.state == CourtState.MEDIATING:
        return _("当前无需本院操作，调解进行中")
    return _("当前无需本院操作")


def _badge(case) -> str:
    if case.state == CourtState.SUCCEEDED:
        return "success"
    if case.state in (CourtState.RETURNED, CourtState.FAILED):
        return "danger"
    return "secondary"


def _suggested(case, recommendations, declined) -> dict:
    """The parties' joint choice if they made one (LEGAL-RULES L3), else the ranking's first that has not
    declined this case: preselected, staff may pick any other (issue 15 §5)."""
    if case.chosen_organisation_id:
        return {"organisation": case.chosen_organisation_id}
    declined = {str(pk) for pk in declined}
    first = next((r for r in recommendations if r.org_id not in declined), None)
    return {"organisation": first.org_id} if first else {}


def _act(request, case_id, action, success: str, form_name=None, form=None):
    """Run one action on a case; on a refusal show the case again with the message and what was typed."""
    case = selectors.case_for(request.user, case_id)
    try:
        action(case)
    except DomainError as e:
        if form is not None:
            show_refusal(form, e)
        messages.error(request, refusal(e))
        return case_detail(request, case_id, **({form_name: form} if form_name else {}))
    messages.success(request, success)
    return redirect("case-detail", case.pk)


@login_required
@require_POST
def ask_consent(request, case_id):
    return _act(request, case_id, lambda case: case_actions.ask_consent(request.user, case), _("已开始征求调解意见"))


@login_required
@require_POST
def record_consent(request, case_id):
    case = selectors.case_for(request.user, case_id)
    form = ConsentForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("请检查调解意见的填写"))
        return case_detail(request, case_id, consent_form=form)
    data = form.cleaned_data
    party = case.parties.get(pk=data["party"])
    return _act(
        request,
        case_id,
        lambda c: case_actions.record_consent(
            request.user,
            c,
            party,
            consented=data["consented"],
            method=data["method"],
            answered_at=data["answered_at"],
            note=data["note"],
        ),
        _("已记录调解意见"),
        "consent_form",
        form,
    )


@login_required
@require_POST
def joint_choice(request, case_id):
    case = selectors.case_for(request.user, case_id)
    form = JointChoiceForm(request.POST, court_id=case.court_id)
    if not form.is_valid():
        messages.error(request, _("请选择当事人共同选定的调解组织"))
        return case_detail(request, case_id, choice_form=form)
    data = form.cleaned_data
    return _act(
        request,
        case_id,
        lambda c: case_actions.record_joint_choice(request.user, c, data["organisation"], data["mediator"]),
        _("已记录当事人的共同选择"),
        "choice_form",
        form,
    )


@login_required
@require_POST
def appointment_request(request, case_id):
    return _act(
        request,
        case_id,
        lambda c: case_actions.record_appointment_request(request.user, c),
        _("已记录：当事人同意由人民法院指定"),
    )


@login_required
@require_POST
def delegate(request, case_id):
    case = selectors.case_for(request.user, case_id)
    form = DelegateForm(request.POST, court_id=case.court_id)
    if not form.is_valid():
        messages.error(request, _("请选择调解组织"))
        return case_detail(request, case_id, delegate_form=form)
    organisation = form.cleaned_data["organisation"]
    return _act(
        request,
        case_id,
        lambda c: delegation_actions.delegate_case(request.user, c, organisation),
        (
            _("已委派至%(organisation)s，待其答复")
            if case.delegation_kind == DelegationKind.DELEGATION
            else _("已委托至%(organisation)s，待其答复")
        )
        % {"organisation": organisation.name},
        "delegate_form",
        form,
    )


@login_required
@require_POST
def recall(request, case_id):
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤回理由"))
        return case_detail(request, case_id, reason_form=form)
    if not confirmed(request):
        case = selectors.case_for(request.user, case_id)
        permissions.ensure_may_delegate(request.user, case)
        delegation = case.current_delegation
        return confirmation(
            request,
            title=_("撤回 %(number)s 的委派/委托") % {"number": case.number},
            consequence=_(
                "撤回后，%(organisation)s不再办理本案，调解平台将收到撤回通知；撤回不能取消，如需调解须重新委派/委托。"
            )
            % {"organisation": delegation.organisation.name if delegation else ""},
            action_label=_("确认撤回"),
            back_url=reverse("case-detail", args=[case.pk]),
        )
    return _act(
        request,
        case_id,
        lambda c: delegation_actions.recall_delegation(request.user, c, form.cleaned_data["reason"]),
        _("已撤回"),
        "reason_form",
        form,
    )


@login_required
@require_POST
def send_back(request, case_id):
    if not confirmed(request):
        case = selectors.case_for(request.user, case_id)
        permissions.ensure_may_delegate(request.user, case)
        filing = back_to_court_event(CaseStage(case.stage)) == CourtEvent.FILE_CASE
        return confirmation(
            request,
            title=(_("转立案：%(number)s") if filing else _("恢复审理：%(number)s")) % {"number": case.number},
            consequence=_(
                "案件将连同登记的当事人、请求事项和调解记录转入本院立案程序，由立案庭登记立案；调解程序结束，"
                "不能再委派，也不能撤销。"
            )
            if filing
            else _("案件将恢复审理；委托调解程序结束，不能再委托，也不能撤销。"),
            action_label=_("确认转立案") if filing else _("确认恢复审理"),
            back_url=reverse("case-detail", args=[case.pk]),
        )
    return _act(request, case_id, lambda c: case_actions.send_back_to_court(request.user, c), _("案件已转回法院程序"))


@login_required
def case_correct(request, case_id):
    """Correct a case's registration data (issue 15): the registration's forms filled with what is registered,
    every error shown in one pass, a reason required; the case page then shows the revision."""
    case = selectors.case_for(request.user, case_id)
    permissions.ensure_may_correct(request.user, case)
    if case.state not in COURT_CORRECTABLE:
        messages.error(request, _("案件当前状态不能更正登记信息"))
        return redirect("case-detail", case.pk)
    data = request.POST if request.method == "POST" else None
    parties_fixed = case.state != CourtState.APPLIED
    form = CorrectionForm(data, initial={"dispute_type": case.dispute_type, "amount": case.amount, "facts": case.facts})
    parties = PartyEditFormSet(
        data,
        prefix="party",
        initial=None
        if data
        else [
            {f: getattr(p, f) for f in ("id", "role", "kind", "name", "id_number", "phone", "address")}
            for p in case.parties.all()
        ],
    )
    claims = ClaimFormSet(
        data,
        prefix="claim",
        initial=None if data else [{"text": c.text, "amount": c.amount} for c in case.claims.all()],
    )
    if data is not None:
        # Every form checked, so that all their errors show at once.
        valid = [form.is_valid(), parties.is_valid(), claims.is_valid()]
        if all(valid):
            try:
                case_actions.correct_case(
                    request.user,
                    case,
                    reason=form.cleaned_data["reason"],
                    dispute_type=form.cleaned_data["dispute_type"],
                    amount=form.cleaned_data["amount"],
                    facts=form.cleaned_data["facts"],
                    parties=[
                        case_actions.PartyEdit(**{k: v for k, v in p.items() if k != "DELETE"})
                        for p in parties.cleaned_data
                        if p and not p.get("DELETE")
                    ],
                    claims=[case_actions.ClaimInput(**c) for c in claims.cleaned_data if c],
                )
            except DomainError as e:
                show_refusal(form, e)
            else:
                sent = case.state in COURT_CORRECTION_SENT
                messages.success(request, _("已更正登记信息，并已通知调解组织") if sent else _("已更正登记信息"))
                return redirect("case-detail", case.pk)
    return render(
        request,
        "court/case_correct.html",
        {
            "case": case,
            "form": form,
            "parties": parties,
            "claims": claims,
            "parties_fixed": parties_fixed,
            "will_send": case.state in COURT_CORRECTION_SENT,
        },
    )


@login_required
def case_void(request, case_id):
    """Void a case registered by mistake (issue 15): irreversible, so this page names the consequence and asks
    for the reason before anything happens."""
    case = selectors.case_for(request.user, case_id)
    permissions.ensure_may_correct(request.user, case)
    if CourtEvent.VOID not in COURT.allowed_events(case.state):
        messages.error(request, _("已委派/委托或已结案的案件不能作废"))
        return redirect("case-detail", case.pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    form.fields["reason"].label = _("作废理由")
    if request.method == "POST" and submit(
        request, form, lambda: case_actions.void_case(request.user, case, form.cleaned_data["reason"]), _("案件已作废")
    ):
        return redirect("case-detail", case.pk)
    return render(
        request,
        "confirm.html",
        {
            "title": _("作废案件 %(number)s") % {"number": case.number},
            "consequence": _(
                "作废后案件不再办理，不能恢复，也不能再征求意见、委派或委托；案件与作废理由仍保留在记录中。"
                "如需重新办理，须重新登记。"
            ),
            "form": form,
            "action_label": _("确认作废"),
            "back_url": reverse("case-detail", args=[case.pk]),
        },
    )


# --- the invited roster (特邀调解名册) ---


@login_required
def roster(request, confirm_forms=None, reason_forms=None, adopt_forms=None):
    _staff(request)
    user = request.user
    court_id = user.institution_id
    pending = selectors.pending_proposals(user).order_by("proposed_at")
    confirm_forms, reason_forms, adopt_forms = confirm_forms or {}, reason_forms or {}, adopt_forms or {}
    may_adopt = permissions.allows(permissions.ensure_may_adopt, user)
    return render(
        request,
        "court/roster.html",
        {
            "entries": [
                (e, permissions.allows(permissions.ensure_may_decide_roster, user, e.court_id))
                for e in selectors.roster_entries(court_id)
            ],
            "pending": [
                (
                    p,
                    confirm_forms.get(p.pk) or ConfirmProposalForm(prefix=str(p.pk)),
                    reason_forms.get(p.pk) or ReasonForm(prefix=f"r{p.pk}"),
                    # The machine's answer for this push, then the user's right to decide it.
                    permissions.allows(permissions.ensure_may_decide_roster, user, p.court_id)
                    and CourtProposalEvent.CONFIRM in COURT_PROPOSAL.allowed_events(p.state),
                )
                for p in pending
            ],
            "adoptable": [
                (e, adopt_forms.get(e.pk) or ConfirmProposalForm(prefix=f"a{e.pk}"))
                for e in (selectors.adoptable_entries(user.institution) if may_adopt else [])
            ],
            "may_adopt": may_adopt,
            # Each list pages on by its own cursor, the others stay put.
            **selectors.roster_lists(user, {k: request.GET.get(k) for k in ("awaiting", "decided", "events")}),
        },
    )


def _decide(request, proposal_id, action, success, form, form_kind):
    proposal = selectors.proposal_for(request.user, proposal_id)
    if submit(request, form, lambda: action(proposal, form.cleaned_data) or True, success):
        return redirect("roster")
    return roster(request, **{form_kind: {proposal.pk: form}})


@login_required
@require_POST
def confirm_proposal(request, proposal_id):
    return _decide(
        request,
        proposal_id,
        lambda p, data: roster_actions.confirm_proposal(request.user, p, data["valid_from"], data["valid_until"]),
        _("已纳入本院特邀调解名册"),
        ConfirmProposalForm(request.POST, prefix=str(proposal_id)),
        "confirm_forms",
    )


@login_required
@require_POST
def reject_proposal(request, proposal_id):
    return _decide(
        request,
        proposal_id,
        lambda p, data: roster_actions.reject_proposal(request.user, p, data["reason"]),
        _("已不予确认，理由将告知推送单位"),
        ReasonForm(request.POST, prefix=f"r{proposal_id}"),
        "reason_forms",
    )


@login_required
@require_POST
def request_adoption(request, entry_id):
    permissions.ensure_may_adopt(request.user)
    source = selectors.adoptable_entries(request.user.institution).filter(pk=entry_id).first()
    if source is None:
        raise Http404("上级法院名册中没有这个条目")
    form = ConfirmProposalForm(request.POST, prefix=f"a{entry_id}")

    def ask():
        data = form.cleaned_data
        return roster_actions.request_adoption(request.user, source, data["valid_from"], data["valid_until"])

    if submit(request, form, ask, _("已请求沿用，待调解组织或调解员本人在调解平台同意")):
        return redirect("roster")
    return roster(request, adopt_forms={source.pk: form})


@login_required
@require_POST
def remove_entry(request, entry_id):
    _staff(request)
    entry = selectors.roster_entry_for(request.user, entry_id)
    form = ReasonForm(request.POST, prefix=f"x{entry.pk}")
    if form.is_valid() and not confirmed(request):
        permissions.ensure_may_decide_roster(request.user, entry.court_id)  # no second look for who may not act
        return confirmation(
            request,
            title=_("移出名册：%(subject)s") % {"subject": entry},
            consequence=_(
                "移出后，%(subject)s不在本院特邀调解名册中，本院不能再向其委派/委托案件，调解平台将收到通知；"
                "移出不能撤销，须重新推送并经确认才能再次纳入。"
            )
            % {"subject": entry},
            action_label=_("确认移出"),
            back_url=reverse("roster"),
        )
    if form.is_valid():
        try:
            roster_actions.remove_entry(request.user, entry, form.cleaned_data["reason"])
        except DomainError as e:
            messages.error(request, refusal(e))
        else:
            messages.success(request, _("已移出本院特邀调解名册，调解平台将收到通知"))
    else:
        messages.error(request, _("移出名册须写明理由"))
    return redirect("roster")


def public_roster(request, court_id=None):
    """The invited rosters as courts publish them, for parties to look up and choose from without signing in
    (特邀调解规定 Art. 8). Identity numbers are not shown at all here, not even masked."""
    court = selectors.court_by_id(court_id) if court_id else None
    entries = list(selectors.published_roster(court.pk)) if court else []
    return render(
        request,
        "court/public_roster.html",
        {
            "court": court,
            "courts": selectors.courts_publishing(),
            "organisations": [e for e in entries if e.mediator_id is None],
            "mediators": [e for e in entries if e.mediator_id is not None],
            "today": china_today(),
        },
    )


@login_required
def roster_certificate(request, entry_id):
    """The printable certificate of a roster entry (特邀调解规定 Art. 5), with the code and address anyone
    can check it at."""
    _staff(request)
    entry = selectors.roster_entry_for(request.user, entry_id)
    code = selectors.certificate_code(entry)
    verify_url = request.build_absolute_uri(reverse("public-certificate", args=[code]))
    return render(
        request, "court/roster_certificate.html", {**_certificate(entry), "code": code, "verify_url": verify_url}
    )


def public_certificate(request, code):
    """Anyone holding a certificate checks it here: who, which court, and whether it holds today."""
    entry = selectors.entry_for_certificate_code(code)
    context = {**_certificate(entry), "status": selectors.certificate_status(entry)}
    return render(request, "court/public_certificate.html", context)


def _certificate(entry) -> dict:
    # The jointly recognised list is the Supreme People's Court's to certify.
    return {
        "entry": entry,
        "issuer": entry.court or _("最高人民法院"),
        "number": selectors.certificate_number(entry),
    }


@login_required
def roster_export(request):
    court = request.user.institution
    content = roster_actions.export_roster(request.user)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = quote(f"{court.name}特邀调解名册.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
