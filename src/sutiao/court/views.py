"""Thin views: read through selectors, change through services, say what went wrong in the user's language
(Chinese first, English second)."""

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.audit.selectors import trail_for_case, trail_page
from sutiao.kernel.enums import CaseStage
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import COURT, CourtEvent, CourtState, back_to_court_event
from sutiao.translation import refusal

from . import roster as roster_services
from . import selectors, services
from .forms import (
    AdoptEntryForm,
    CaseForm,
    ClaimFormSet,
    ConfirmProposalForm,
    ConsentForm,
    DelegateForm,
    JointChoiceForm,
    PartyFormSet,
    ReasonForm,
)
from .roster_export import roster_workbook


def _staff(request):
    services.ensure_court_staff(request.user)


@login_required
def home(request):
    _staff(request)
    waiting_staff, waiting_answer, mediating = selectors.work_queue(request.user)
    return render(
        request,
        "court/home.html",
        {
            # Cases waiting for an organisation to be chosen show their L3 deadline (《人民法院在线调解规则》Art. 10).
            "waiting_staff": [
                (c, services.choice_deadlines(c) if c.state == CourtState.CONSENTED else None) for c in waiting_staff
            ],
            "waiting_answer": waiting_answer,
            "mediating": mediating,
            "recent": selectors.cases_for(request.user)[:50],
            "pending_proposals": selectors.proposals_for(request.user).filter(state="pending").count(),
        },
    )


@login_required
def case_new(request):
    _staff(request)
    data = request.POST if request.method == "POST" else None
    form = CaseForm(data)
    parties = PartyFormSet(
        data, prefix="party", initial=None if data else [{"role": "applicant"}, {"role": "respondent"}]
    )
    claims = ClaimFormSet(data, prefix="claim")
    if data is not None and form.is_valid() and parties.is_valid() and claims.is_valid():
        try:
            case = services.register_case(
                request.user,
                stage=CaseStage(form.cleaned_data["stage"]),
                dispute_type=form.cleaned_data["dispute_type"],
                amount=form.cleaned_data["amount"],
                facts=form.cleaned_data["facts"],
                litigation_number=form.cleaned_data["litigation_number"],
                parties=[services.PartyInput(**p) for p in parties.cleaned_data if p],
                claims=[services.ClaimInput(**c) for c in claims.cleaned_data if c],
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, _("已登记 %(number)s") % {"number": case.number})
            return redirect("case-detail", case.pk)
    return render(request, "court/case_new.html", {"form": form, "parties": parties, "claims": claims})


@login_required
def case_detail(request, case_id, consent_form=None, delegate_form=None, reason_form=None, choice_form=None):
    case = selectors.case_for(request.user, case_id)
    services.ensure_court_staff(request.user, case)
    allowed = set(COURT.allowed_events(case.state))
    back = back_to_court_event(CaseStage(case.stage))
    latest = services.latest_consents(case)
    recommendations = selectors.recommendations(case) if CourtEvent.DELEGATE in allowed else []
    return render(
        request,
        "court/case_detail.html",
        {
            "case": case,
            "delegation": case.current_delegation,
            "party_rows": [(p, latest.get(p.pk)) for p in case.parties.all()],
            "missing_consent": services.missing_consent(case),
            "can_ask_consent": CourtEvent.ASK_CONSENT in allowed,
            "can_record_consent": case.state in ("awaiting_consent", "consented", "returned"),
            "can_delegate": CourtEvent.DELEGATE in allowed,
            "can_recall": CourtEvent.RECALL in allowed,
            "can_send_back": back in allowed,
            "back_label": _("转立案") if back == CourtEvent.FILE_CASE else _("恢复审理"),
            "consent_form": consent_form
            or ConsentForm(case=case, initial={"answered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
            "delegate_form": delegate_form
            or DelegateForm(court_id=case.court_id, initial=_suggested(case, recommendations)),
            "reason_form": reason_form or ReasonForm(),
            "can_choose": case.state in services.CHOOSING_STATES,
            "choice_form": choice_form or JointChoiceForm(court_id=case.court_id),
            "deadlines": services.choice_deadlines(case),
            "recommendations": recommendations,
            "trail": trail_for_case(case.pk, trail_page(request)),
        },
    )


def _suggested(case, recommendations) -> dict:
    """The parties' joint choice if they made one (LEGAL-RULES L3), else nothing: staff choose, advised."""
    if case.chosen_organisation_id:
        return {"organisation": case.chosen_organisation_id}
    return {}


def _act(request, case_id, action, success: str, form_name=None, form=None):
    """Run one service on a case; on a refusal show the case again with the message and what was typed."""
    case = selectors.case_for(request.user, case_id)
    try:
        action(case)
    except DomainError as e:
        if form is not None:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        messages.error(request, refusal(e))
        return case_detail(request, case_id, **({form_name: form} if form_name else {}))
    except PermissionDenied:
        raise
    messages.success(request, success)
    return redirect("case-detail", case.pk)


@login_required
@require_POST
def ask_consent(request, case_id):
    return _act(request, case_id, lambda case: services.ask_consent(request.user, case), _("已开始征求调解意见"))


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
        lambda c: services.record_consent(
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
        lambda c: services.record_joint_choice(request.user, c, data["organisation"], data["mediator"]),
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
        lambda c: services.record_appointment_request(request.user, c),
        _("已记录：由本院指定调解组织"),
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
        lambda c: services.delegate_case(request.user, c, organisation),
        _("已委派/委托至%(organisation)s，待其答复") % {"organisation": organisation.name},
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
    return _act(
        request,
        case_id,
        lambda c: services.recall_delegation(request.user, c, form.cleaned_data["reason"]),
        _("已撤回委派"),
        "reason_form",
        form,
    )


@login_required
@require_POST
def send_back(request, case_id):
    return _act(request, case_id, lambda c: services.send_back_to_court(request.user, c), _("案件已转回法院程序"))


# --- the invited roster (特邀调解名册) ---


@login_required
def roster(request, confirm_forms=None, reason_forms=None, adopt_forms=None):
    _staff(request)
    court_id = request.user.institution_id
    pending = selectors.proposals_for(request.user).filter(state="pending").order_by("proposed_at")
    confirm_forms, reason_forms, adopt_forms = confirm_forms or {}, reason_forms or {}, adopt_forms or {}
    return render(
        request,
        "court/roster.html",
        {
            "entries": selectors.roster_entries(court_id),
            "pending": [
                (
                    p,
                    confirm_forms.get(p.pk) or ConfirmProposalForm(prefix=str(p.pk)),
                    reason_forms.get(p.pk) or ReasonForm(prefix=f"r{p.pk}"),
                )
                for p in pending
            ],
            "adoptable": [
                (e, adopt_forms.get(e.pk) or AdoptEntryForm(prefix=f"a{e.pk}"))
                for e in selectors.adoptable_entries(request.user.institution)
            ],
            "decided": selectors.proposals_for(request.user).exclude(state="pending").order_by("-decided_at")[:50],
            "events": selectors.roster_events(court_id)[:50],
            # Entries whose validity ends within 30 days stand out, so the court can ask for a new push in time.
            "expiring_by": selectors.today() + dt.timedelta(days=30),
            "today": selectors.today(),
        },
    )


def _decide(request, proposal_id, action, success, form, form_kind):
    proposal = selectors.proposal_for(request.user, proposal_id)
    if form.is_valid():
        try:
            action(proposal, form.cleaned_data)
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, success)
            return redirect("roster")
    messages.error(request, _("请检查填写的内容"))
    return roster(request, **{form_kind: {proposal.pk: form}})


@login_required
@require_POST
def confirm_proposal(request, proposal_id):
    return _decide(
        request,
        proposal_id,
        lambda p, data: roster_services.confirm_proposal(request.user, p, data["valid_from"], data["valid_until"]),
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
        lambda p, data: roster_services.reject_proposal(request.user, p, data["reason"]),
        _("已不予确认，理由将告知推送单位"),
        ReasonForm(request.POST, prefix=f"r{proposal_id}"),
        "reason_forms",
    )


@login_required
@require_POST
def adopt_entry(request, entry_id):
    _staff(request)
    source = selectors.adoptable_entries(request.user.institution).filter(pk=entry_id).first()
    if source is None:
        raise Http404("上级法院名册中没有这个条目")
    form = AdoptEntryForm(request.POST, prefix=f"a{entry_id}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            roster_services.adopt_entry(request.user, source, data["consent"], data["valid_from"], data["valid_until"])
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, _("已确认为本院特邀，调解平台将收到通知"))
            return redirect("roster")
    messages.error(request, _("请检查填写的内容"))
    return roster(request, adopt_forms={source.pk: form})


@login_required
@require_POST
def remove_entry(request, entry_id):
    _staff(request)
    entry = selectors.roster_entry_for(request.user, entry_id)
    form = ReasonForm(request.POST, prefix=f"x{entry.pk}")
    if form.is_valid():
        try:
            roster_services.remove_entry(request.user, entry, form.cleaned_data["reason"])
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
            "today": selectors.today(),
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
    _staff(request)
    court = request.user.institution
    content = roster_workbook(selectors.roster_entries(court.pk), court=court)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = quote(f"{court.name}特邀调解名册.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
