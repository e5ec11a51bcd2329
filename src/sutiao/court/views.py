"""Thin views: read through selectors, change through services, say what went wrong in the user's language
(Chinese first, English second)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.kernel.enums import CaseStage
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import COURT, CourtEvent, back_to_court_event
from sutiao.translation import refusal

from . import selectors, services
from .forms import CaseForm, ClaimFormSet, ConsentForm, DelegateForm, PartyFormSet, ReasonForm


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
            "waiting_staff": waiting_staff,
            "waiting_answer": waiting_answer,
            "mediating": mediating,
            "recent": selectors.cases_for(request.user)[:50],
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
def case_detail(request, case_id, consent_form=None, delegate_form=None, reason_form=None):
    case = selectors.case_for(request.user, case_id)
    services.ensure_court_staff(request.user, case)
    allowed = set(COURT.allowed_events(case.state))
    back = back_to_court_event(CaseStage(case.stage))
    latest = services.latest_consents(case)
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
            "delegate_form": delegate_form or DelegateForm(),
            "reason_form": reason_form or ReasonForm(),
        },
    )


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
def delegate(request, case_id):
    form = DelegateForm(request.POST)
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
