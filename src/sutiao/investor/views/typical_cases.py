"""Typical cases (issue 13 §7): the organisation proposes a closed case, the reviewer compares the original and
the de-identified text side by side and publishes or returns it; the public reads the published ones, searched
by dispute type and words, without signing in. Every form posts to `act`, which runs one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import TYPICAL_CASE, TypicalCaseEvent, TypicalCaseState
from sutiao.listing import next_url, page
from sutiao.translation import refusal

from .. import permissions
from ..actions import typical_cases as actions
from ..forms import typical_cases as f
from ..mediation.models import Mediation
from ..typical import selectors

_KEYS_PROPOSED = ("-proposed_at", "-id")
_KEYS_PUBLISHED = ("-published_at", "-id")


def _paged(request, qs, keys):
    try:
        return page(qs, keys, request.GET.get("cursor"))
    except DomainError as e:
        messages.error(request, refusal(e))
        return page(qs.none(), keys)


@login_required
def typical_case_list(request):
    filters = f.ListFilter(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    try:
        qs = selectors.typical_cases_for(request.user, data.get("state", ""), data.get("q", ""))
    except DomainError as e:
        filters.add_error("q", refusal(e))
        qs = selectors.typical_cases_for(request.user)
    result = _paged(request, qs, _KEYS_PROPOSED)
    return render(
        request,
        "investor/typical/list.html",
        {"filters": filters, "rows": result.items, "next_url": next_url(request, result)},
    )


@login_required
def propose(request, mediation_id):
    mediation = Mediation.objects.select_related("delegation", "application").filter(pk=mediation_id).first()
    if mediation is None or not permissions.administers(request.user, mediation.source.organisation_id):
        raise PermissionDenied(_("仅该案调解组织的管理员可推荐典型案例"))
    form = f.DraftForm(request.POST or None, initial=selectors.draft_from_case(mediation))
    if request.method == "POST" and form.is_valid():
        try:
            case = actions.propose_typical_case(request.user, mediation, form.draft())
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, _("已推荐，待审核人核对去标识化内容后发布"))
            return redirect("typical-case", case.pk)
    return render(request, "investor/typical/propose.html", {"form": form, "m": mediation})


def _forms(case, viewer, failed=None):
    """The forms the viewer may use on the case in its state (the machine says which events are open); a form
    that failed comes back as it was posted, with its errors."""
    events = TYPICAL_CASE.allowed_events(case.state)
    out = {}
    if viewer.reviewer and TypicalCaseEvent.APPROVE in events:
        out["approve"] = f.ReviewForm(
            initial={"title": case.title, "text": case.text, "significance": case.significance}
        )
        out["return"] = f.NoteForm()
    if viewer.proposer and TypicalCaseEvent.RESUBMIT in events:
        title, _sep, text = case.original.partition("\n\n")
        out["revise"] = f.DraftForm(initial={"title": title, "text": text, "significance": case.original_significance})
    if TypicalCaseEvent.WITHDRAW in events and (
        viewer.proposer or (viewer.reviewer and case.state == TypicalCaseState.PUBLISHED)
    ):
        out["withdraw"] = f.NoteForm()
    if failed and failed[0] in out:
        out[failed[0]] = failed[1]
    return out


@login_required
def typical_case(request, typical_case_id, failed=None):
    case, viewer = selectors.typical_case_for(request.user, typical_case_id)
    title, _sep, original_text = case.original.partition("\n\n")
    return render(
        request,
        "investor/typical/detail.html",
        {
            "case": case,
            "viewer": viewer,
            "original_title": title,
            "original_text": original_text,
            "forms": _forms(case, viewer, failed),
        },
    )


_FORMS = {"approve": f.ReviewForm, "return": f.NoteForm, "revise": f.DraftForm, "withdraw": f.NoteForm}


@login_required
@require_POST
def act(request, typical_case_id, op):
    case, _viewer = selectors.typical_case_for(request.user, typical_case_id)
    if op not in _FORMS:
        raise PermissionDenied(_("不支持的操作"))
    user, form = request.user, _FORMS[op](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if op == "approve":
                actions.approve_typical_case(user, case, data["title"], data["text"], data["significance"])
                done = _("已发布")
            elif op == "return":
                actions.return_typical_case(user, case, data["note"])
                done = _("已退回修改")
            elif op == "revise":
                actions.revise_typical_case(user, case, form.draft())
                done = _("已修改并重新提交审核")
            else:
                actions.withdraw_typical_case(user, case, data["note"])
                done = _("已撤回")
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, done)
            return redirect("typical-case", case.pk)
    messages.error(request, _("请检查填写的内容"))
    return typical_case(request, typical_case_id, failed=(op, form))


def public_list(request):
    filters = f.PublicFilter(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    try:
        qs = selectors.published(data.get("dispute_type", ""), data.get("q", ""))
    except DomainError as e:
        filters.add_error("q", refusal(e))
        qs = selectors.published()
    result = _paged(request, qs, _KEYS_PUBLISHED)
    return render(
        request,
        "investor/typical/public_list.html",
        {"filters": filters, "rows": result.items, "next_url": next_url(request, result)},
    )


def public_case(request, typical_case_id):
    case = selectors.published_case(typical_case_id)
    return render(request, "investor/typical/public_detail.html", {"case": case})
