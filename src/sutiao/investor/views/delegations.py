"""The organisation's workbench and a delegation's page: the actions offered are those the state machine and
the user's role allow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts.models import Role
from sutiao.audit.selectors import trail_for_case, trail_page
from sutiao.confirm import confirmation, confirmed
from sutiao.forms_actions import show_refusal, submit
from sutiao.kernel.enums import AdoptionConsentBy
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import INVESTOR, InvestorEvent
from sutiao.listing import next_url
from sutiao.translation import refusal

from .. import permissions, selectors
from ..actions import delegations as actions
from ..actions import personal_data
from ..forms.delegations import AssignForm, DeclineForm, DelegationFilterForm
from ..forms.mediation import ResultCorrectionForm
from ..forms.registry import AdoptionAnswerForm


def _adoption_requests(user, forms: dict):
    """Lower courts' requests to take the organisation or mediator over (L23): each with whether this user
    answers it and the form (the administrator records an account-less mediator's answer and how it was had)."""
    rows = []
    for p in selectors.adoption_requests_for(user)[: selectors.ADOPTION_REQUESTS_SHOWN]:
        recorded = permissions.adoption_answered_by(p) == AdoptionConsentBy.RECORDED_FOR_MEDIATOR
        form = forms.get(p.pk) or AdoptionAnswerForm(prefix=f"a{p.pk}", recorded_for_mediator=recorded)
        rows.append((p, permissions.may_answer_adoption(user, p), form))
    return rows


@login_required
def home(request, adoption_forms=None):
    # The Bureau and the supervising bodies work in the registry: each lands on its overview.
    if request.user.role == Role.BUREAU_STAFF:
        return redirect("registry-overview")
    if request.user.role == Role.SUPERVISOR:
        return redirect("registry-supervision")
    # A party (or their agent) follows their own cases in mediation.
    if request.user.role in (Role.PARTY, Role.AGENT):
        return redirect("mediation-mine")
    if request.user.role not in (Role.ORG_ADMIN, Role.MEDIATOR):
        raise PermissionDenied(_("仅调解组织工作人员与调解员可使用工作台"))
    return render(
        request,
        "investor/home.html",
        {
            # Each list pages on by its own cursor (?queue=…, ?finished=…), the other stays put.
            "queue": selectors.work_queue(request.user, request.GET.get("queue")),
            "finished": selectors.finished(request.user, request.GET.get("finished")),
            "adoption_requests": _adoption_requests(request.user, adoption_forms or {}),
        },
    )


@login_required
def delegation_list(request):
    """Every delegation of the organisation (or the mediator), found by search and filters (issue 15)."""
    if request.user.role not in (Role.ORG_ADMIN, Role.MEDIATOR):
        raise PermissionDenied(_("仅调解组织工作人员与调解员可查看委派案件"))
    form = DelegationFilterForm(request.GET or None)
    result = None
    if not request.GET or form.is_valid():
        try:
            result = selectors.delegation_list(
                request.user, form.filters() if request.GET else {}, request.GET.get("cursor")
            )
        except DomainError as e:
            show_refusal(form, e)
    return render(
        request,
        "investor/delegation_list.html",
        {"form": form, "page": result, "next_url": next_url(request, result)},
    )


def _assign_form(delegation, data=None):
    chosen = delegation.chosen_mediator
    return AssignForm(
        data,
        organisation_id=delegation.organisation_id,
        chosen=chosen,
        # The parties' joint choice (《人民法院在线调解规则》Art. 10) comes pre-selected.
        initial={"mediator": chosen.user_id if chosen else None},
    )


def _result_form(delegation, data=None):
    return ResultCorrectionForm(data, mediation=delegation.mediation, delegation=delegation, prefix="fix")


@login_required
def delegation_detail(request, delegation_id, decline_form=None, assign_form=None, result_form=None):
    delegation = selectors.delegation_for(request.user, delegation_id)
    may_correct = hasattr(delegation, "mediation") and actions.may_correct_result(request.user, delegation)
    allowed = set(INVESTOR.allowed_events(delegation.state))
    is_admin = permissions.administers(request.user, delegation.organisation_id)
    is_mediator = delegation.mediator_id == request.user.pk
    can = {
        "can_answer": is_admin and InvestorEvent.ACCEPT in allowed,
        "can_assign": is_admin and InvestorEvent.ASSIGN_MEDIATOR in allowed,
        "has_workspace": hasattr(delegation, "mediation") and (is_admin or is_mediator),
    }
    return render(
        request,
        "investor/delegation_detail.html",
        {
            "d": delegation,
            "parties": personal_data.show_parties(request.user, delegation),
            **can,
            "has_actions": any(can.values()) or may_correct,
            "corrections": personal_data.show_corrections(request.user, delegation),
            "result_corrections": delegation.result_corrections.select_related("actor"),
            "result_form": (result_form or _result_form(delegation)) if may_correct else None,
            "correction_ends": actions.correction_window_ends(delegation),
            "decline_form": decline_form or DeclineForm(),
            "assign_form": assign_form or _assign_form(delegation),
            "trail": trail_for_case(delegation.case, trail_page(request), object_ids=[delegation.pk]),
        },
    )


def _on_form(request, delegation, form_name, form, action, success):
    if submit(request, form, action, success) is None:
        return delegation_detail(request, delegation.pk, **{form_name: form})
    return redirect("delegation-detail", delegation.pk)


@login_required
@require_POST
def accept(request, delegation_id):
    delegation = selectors.delegation_for(request.user, delegation_id)
    try:
        actions.accept_delegation(request.user, delegation)
    except DomainError as e:
        messages.error(request, refusal(e))
        return delegation_detail(request, delegation_id)
    messages.success(request, _("已接受，请指派调解员"))
    return redirect("delegation-detail", delegation.pk)


@login_required
@require_POST
def decline(request, delegation_id):
    delegation = selectors.delegation_for(request.user, delegation_id)
    form = DeclineForm(request.POST)
    if form.is_valid() and not confirmed(request):
        permissions.ensure_org_admin(request.user, delegation)  # no second look for who may not act
        return confirmation(
            request,
            title=_("不予接受：%(number)s") % {"number": delegation.court_case_number},
            consequence=_(
                "不予接受后，本案退回%(court)s，由法院另行委派/委托或转立案；法院将收到您写明的理由。"
                "此决定不能撤销，本组织不能再接受这次委派/委托。"
            )
            % {"court": delegation.court_name},
            action_label=_("确认不予接受"),
            back_url=reverse("delegation-detail", args=[delegation.pk]),
        )
    return _on_form(
        request,
        delegation,
        "decline_form",
        form,
        lambda: actions.decline_delegation(request.user, delegation, form.cleaned_data["reason"]),
        _("已不予接受，法院将收到理由"),
    )


@login_required
@require_POST
def assign(request, delegation_id):
    delegation = selectors.delegation_for(request.user, delegation_id)
    form = _assign_form(delegation, request.POST)
    return _on_form(
        request,
        delegation,
        "assign_form",
        form,
        lambda: actions.assign_mediator(
            request.user,
            delegation,
            form.cleaned_data["mediator"],
            choice_declined_reason=form.cleaned_data.get("choice_declined_reason", ""),
        ),
        _("已指派调解员"),
    )


@login_required
@require_POST
def correct_result(request, delegation_id):
    """A result recorded by mistake, corrected by its mediator within the window (issue 15 §4)."""
    delegation = selectors.delegation_for(request.user, delegation_id)
    permissions.ensure_assigned_mediator(request.user, delegation)
    if not hasattr(delegation, "mediation"):
        raise PermissionDenied(_("本案没有调解记录"))
    form = _result_form(delegation, request.POST)
    return _on_form(
        request,
        delegation,
        "result_form",
        form,
        lambda: actions.correct_result(
            request.user, delegation, correction_reason=form.cleaned_data["correction_reason"], **form.result()
        ),
        _("已更正调解结果，法院将收到更正"),
    )
