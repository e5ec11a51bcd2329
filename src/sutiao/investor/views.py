from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts.models import Role
from sutiao.audit.selectors import trail_for_case, trail_page
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import INVESTOR, InvestorEvent
from sutiao.translation import refusal

from . import selectors, services
from .forms import AssignForm, DeclineForm, ResultForm


@login_required
def home(request):
    # The Bureau and the supervising bodies work in the registry: each lands on its overview.
    if request.user.role == Role.BUREAU_STAFF:
        return redirect("registry-overview")
    if request.user.role == Role.SUPERVISOR:
        return redirect("registry-supervision")
    if request.user.role not in (Role.ORG_ADMIN, Role.MEDIATOR):
        raise PermissionDenied(_("仅调解组织工作人员与调解员可使用工作台"))
    return render(
        request,
        "investor/home.html",
        {
            "queue": selectors.work_queue(request.user),
            "finished": selectors.finished(request.user),
        },
    )


@login_required
def delegation_detail(request, delegation_id, decline_form=None, assign_form=None, result_form=None):
    delegation = selectors.delegation_for(request.user, delegation_id)
    allowed = set(INVESTOR.allowed_events(delegation.state))
    is_admin = request.user.role == Role.ORG_ADMIN
    is_mediator = delegation.mediator_id == request.user.pk
    return render(
        request,
        "investor/delegation_detail.html",
        {
            "d": delegation,
            "can_answer": is_admin and InvestorEvent.ACCEPT in allowed,
            "can_assign": is_admin and InvestorEvent.ASSIGN_MEDIATOR in allowed,
            "can_record_result": is_mediator and InvestorEvent.SUCCEED in allowed,
            "decline_form": decline_form or DeclineForm(),
            "assign_form": assign_form
            or AssignForm(
                organisation_id=delegation.organisation_id,
                # The parties' joint choice (《人民法院在线调解规则》Art. 10) comes pre-selected.
                initial={"mediator": delegation.requested_mediator.user_id if delegation.requested_mediator else None},
            ),
            "result_form": result_form or ResultForm(),
            "trail": trail_for_case(delegation.case, trail_page(request), object_ids=[delegation.pk]),
        },
    )


def _act(request, delegation_id, action, success, form_name=None, form=None):
    delegation = selectors.delegation_for(request.user, delegation_id)
    if form is not None and not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return delegation_detail(request, delegation_id, **{form_name: form})
    try:
        action(delegation, form.cleaned_data if form is not None else None)
    except DomainError as e:
        if form is not None:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        messages.error(request, refusal(e))
        return delegation_detail(request, delegation_id, **({form_name: form} if form_name else {}))
    messages.success(request, success)
    return redirect("delegation-detail", delegation.pk)


@login_required
@require_POST
def accept(request, delegation_id):
    return _act(
        request, delegation_id, lambda d, _data: services.accept_delegation(request.user, d), _("已接受，请指派调解员")
    )


@login_required
@require_POST
def decline(request, delegation_id):
    return _act(
        request,
        delegation_id,
        lambda d, data: services.decline_delegation(request.user, d, data["reason"]),
        _("已拒绝，法院将收到拒绝理由"),
        "decline_form",
        DeclineForm(request.POST),
    )


@login_required
@require_POST
def assign(request, delegation_id):
    delegation = selectors.delegation_for(request.user, delegation_id)
    form = AssignForm(request.POST, organisation_id=delegation.organisation_id)
    return _act(
        request,
        delegation_id,
        lambda d, data: services.assign_mediator(request.user, d, data["mediator"]),
        _("已指派调解员"),
        "assign_form",
        form,
    )


@login_required
@require_POST
def record_result(request, delegation_id):
    return _act(
        request,
        delegation_id,
        lambda d, data: services.record_result(
            request.user, d, data["outcome"], terms=data["terms"], reason=data["reason"]
        ),
        _("已记录调解结果，将回传法院"),
        "result_form",
        ResultForm(request.POST),
    )
