"""Pages of mediators' training (issue 13 §6): an organisation's mediators with their hours within the last twelve
months against the requirement, adding, correcting and removing a record, a certificate's download, and the
Bureau's requirement. The mediator's own record page (views/registry.mediator_detail) shows their standing and
records. Thin: reads from training.selectors, changes through actions/training."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts.models import Role
from sutiao.documents.downloads import download_response
from sutiao.forms_actions import submit
from sutiao.kernel.errors import DomainError
from sutiao.listing import next_url
from sutiao.translation import refusal

from .. import permissions, selectors
from ..actions import training
from ..forms.training import RemoveForm, RequirementForm, TrainingFilterForm, TrainingForm
from ..training import selectors as training_selectors
from .registry import _page


@login_required
def organisation_training(request, organisation_id):
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    filters = TrainingFilterForm(request.GET or None)
    q, short = "", False
    if filters.is_bound and filters.is_valid():
        q, short = filters.cleaned_data["q"], filters.cleaned_data["short"]
    try:
        result = training_selectors.organisation_training(org, q=q, short_only=short, cursor=request.GET.get("cursor"))
    except DomainError as e:  # a forged or stale cursor: the first page, saying so
        filters.add_error(None, refusal(e))
        result = training_selectors.organisation_training(org, q=q, short_only=short)
    start, end = training_selectors.window()
    return render(
        request,
        "investor/training/organisation.html",
        {
            "org": org,
            "mediators": result.items,
            "required": result.extra["required"],
            "next_url": next_url(request, result),
            "filters": filters,
            "start": start,
            "end": end,
            "can_keep": permissions.may_edit(user, org.institution),
        },
    )


@login_required
def record_new(request, mediator_id):
    user = request.user
    mediator = selectors.mediator_for(user, mediator_id)
    permissions.ensure_keeps_training(user, mediator.organisation)
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        saved = submit(
            request,
            form,
            lambda: training.record_training(
                user, mediator, form.data_for_service(), certificate=form.cleaned_data.get("certificate")
            ),
            _("已记录培训"),
            aliases={"file": "certificate"},
        )
        if saved is not None:
            return redirect("registry-mediator", mediator.pk)
    return render(request, "investor/training/record_form.html", {"form": form, "mediator": mediator, "entry": None})


@login_required
def record_edit(request, record_id):
    user = request.user
    entry = training_selectors.record_for(user, record_id)
    permissions.ensure_keeps_training(user, entry.mediator.organisation)
    form = TrainingForm(
        request.POST or None, request.FILES or None, initial=TrainingForm.initial_for(entry), correcting=True
    )
    if request.method == "POST":
        saved = submit(
            request,
            form,
            lambda: training.correct_training(
                user,
                entry,
                form.data_for_service(),
                form.cleaned_data["reason"],
                certificate=form.cleaned_data.get("certificate"),
            ),
            _("已更正培训记录"),
            aliases={"file": "certificate"},
        )
        if saved is not None:
            return redirect("registry-mediator", entry.mediator_id)
    return render(
        request, "investor/training/record_form.html", {"form": form, "mediator": entry.mediator, "entry": entry}
    )


@login_required
def record_remove(request, record_id):
    user = request.user
    entry = training_selectors.record_for(user, record_id)
    permissions.ensure_keeps_training(user, entry.mediator.organisation)
    form = RemoveForm(request.POST or None)
    if request.method == "POST":
        removed = submit(
            request,
            form,
            lambda: training.remove_training(user, entry, form.cleaned_data["reason"]),
            _("已删除培训记录"),
        )
        if removed is not None:
            return redirect("registry-mediator", entry.mediator_id)
    return render(request, "investor/training/remove_form.html", {"form": form, "entry": entry})


@login_required
def certificate(request, record_id):
    """A record's certificate file, for whoever may see the mediator (the check is repeated by the download)."""
    entry = training_selectors.record_for(request.user, record_id)
    if entry.certificate is None:
        raise Http404(_("该培训记录没有证书文件"))
    return download_response(
        request,
        entry.certificate,
        permitted=lambda user, _f: selectors.mediators_for(user).filter(pk=entry.mediator_id).exists(),
    )


def _requirement_page(request, form=None):
    user = request.user
    result = _page(request, permissions.organisations_in_scope(user), selectors.ORGANISATION_ORDER)
    return render(
        request,
        "investor/training/requirement.html",
        {
            "requirement": training_selectors.current_requirement(),
            "history": training_selectors.requirement_history()[:50],
            "default_hours": training_selectors.DEFAULT_REQUIRED_HOURS,
            "form": (form or RequirementForm()) if permissions.is_bureau(user) else None,
            "organisations": result.items,
            "next_url": next_url(request, result),
        },
    )


@login_required
def requirement(request):
    """The requirement in force and its history, and the organisations whose training the viewer keeps; the
    Bureau changes the requirement here."""
    permissions.ensure_keeps_some_training(request.user)
    if request.user.role == Role.ORG_ADMIN and request.user.institution_id:
        # An organisation's administrator keeps one organisation's training: its list says everything.
        return redirect("training-organisation", request.user.institution_id)
    return _requirement_page(request)


@login_required
@require_POST
def requirement_set(request):
    permissions.ensure_bureau(request.user, _("仅投资者保护局可设置培训学时要求"))
    form = RequirementForm(request.POST)
    saved = submit(
        request,
        form,
        lambda: training.set_requirement(request.user, form.cleaned_data["hours"], form.cleaned_data["reason"]),
        _("已调整培训学时要求"),
    )
    if saved is not None:
        return redirect("training-requirement")
    return _requirement_page(request, form)
