"""A party's direct application (issue 10 item 3): the applicant applies and follows it, the organisation reviews
it, the respondent answers the invitation; once the mediation starts, its workspace is the delegated case's
(views.mediation). Every page reads through `direct.selectors`; every form runs one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts import parties
from sutiao.accounts.models import PartyProfile
from sutiao.documents.downloads import download_response
from sutiao.forms_actions import submit
from sutiao.kernel.direct import L19_CITATION, UNREACHED_CITATION, respondent_may_refuse
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import ApplicationState
from sutiao.listing import next_url
from sutiao.translation import refusal

from .. import permissions
from ..actions import applications as actions
from ..direct import selectors
from ..direct.models import ApplicationEvidence
from ..direct.rules import review_rule
from ..forms.applications import (
    AcceptForm,
    ApplicationForm,
    DeclineForm,
    OfflineAnswerForm,
    RespondForm,
    UnreachedForm,
    WithdrawForm,
)


@login_required
def application_list(request):
    try:
        result = selectors.applications_page(request.user, request.GET.get("cursor"))
    except DomainError as e:
        messages.error(request, refusal(e))
        result = selectors.applications_page(request.user)
    profile = PartyProfile.objects.filter(user=request.user).first()
    return render(
        request,
        "investor/application_list.html",
        {"rows": result.items, "next_url": next_url(request, result), "may_apply": profile is not None},
    )


@login_required
def apply(request):
    # The form is the applicant's only: anyone else is refused before it is shown, as the action would refuse.
    permissions.ensure_may_apply(request.user)
    profile = PartyProfile.objects.filter(user=request.user).first()
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("verify"):
        try:
            parties.verify_identity(request.user, profile, None) if profile else None
        except DomainError as e:
            messages.error(request, refusal(e))
        else:
            messages.success(request, _("实名核验已通过"))
        return redirect("application-new")
    if request.method == "POST":
        created = submit(
            request,
            form,
            lambda: actions.submit(
                request.user,
                form.cleaned_data["organisation"],
                dispute_type=form.cleaned_data["dispute_type"],
                facts=form.cleaned_data["facts"],
                claims=form.cleaned_data["claims"],
                amount=form.cleaned_data["amount"],
                respondent_name=form.cleaned_data["respondent_name"],
                respondent_code=form.cleaned_data["respondent_code"],
                respondent_sector=form.cleaned_data["respondent_sector"],
                ordinary_investor=form.cleaned_data["ordinary_investor"],
                files=form.cleaned_data["files"],
            ),
            _("调解申请已提交"),
            aliases={"files": "files", "file": "files"},
        )
        if created is not None:
            return redirect("application-detail", created.pk)
    return render(
        request,
        "investor/application_form.html",
        {"form": form, "profile": profile, "review_rule": review_rule()},
    )


@login_required
def application_detail(request, application_id, **bound):
    application, viewer = selectors.application_for(request.user, application_id)
    forms = {}
    if viewer.admin and application.state == ApplicationState.SUBMITTED:
        forms["accept"] = bound.get("accept") or AcceptForm(organisation_id=application.organisation_id)
        forms["decline"] = bound.get("decline") or DeclineForm()
    if viewer.respondent and application.state == ApplicationState.AWAITING_RESPONDENT:
        forms["respond"] = bound.get("respond") or RespondForm()
    if viewer.admin and application.state == ApplicationState.AWAITING_RESPONDENT:
        # A respondent with no account here: its answer given off the platform, or the end if it cannot be
        # reached (kernel.direct: UNREACHED_CITATION).
        forms["offline_answer"] = bound.get("offline_answer") or OfflineAnswerForm()
        forms["unreached"] = bound.get("unreached") or UnreachedForm()
    if viewer.applicant and application.state in (ApplicationState.SUBMITTED, ApplicationState.AWAITING_RESPONDENT):
        forms["withdraw"] = bound.get("withdraw") or WithdrawForm()
    return render(
        request,
        "investor/application_detail.html",
        {
            "a": application,
            "viewer": viewer,
            "forms": forms,
            "evidence": list(application.evidence.select_related("file")),
            "events": list(application.events.all()),
            "review_rule": review_rule(),
            "may_refuse": respondent_may_refuse(application.applicant_ordinary, application.respondent_sector),
            "l19_citation": L19_CITATION,
            "mediation": getattr(application, "mediation", None),
            "unreached_citation": UNREACHED_CITATION,
        },
    )


def _on_form(request, application, name, form, action, success):
    if submit(request, form, action, success) is None:
        return application_detail(request, application.pk, **{name: form})
    return redirect("application-detail", application.pk)


@login_required
@require_POST
def accept(request, application_id):
    application, _viewer = selectors.application_for(request.user, application_id)
    form = AcceptForm(request.POST, organisation_id=application.organisation_id)
    return _on_form(
        request,
        application,
        "accept",
        form,
        lambda: actions.accept(request.user, application, form.cleaned_data["mediator"]),
        _("已受理，已邀请被申请人"),
    )


@login_required
@require_POST
def decline(request, application_id):
    application, _viewer = selectors.application_for(request.user, application_id)
    form = DeclineForm(request.POST)
    return _on_form(
        request,
        application,
        "decline",
        form,
        lambda: actions.decline(request.user, application, form.cleaned_data["reason"]),
        _("已不予受理，申请人将收到理由"),
    )


@login_required
@require_POST
def withdraw(request, application_id):
    application, _viewer = selectors.application_for(request.user, application_id)
    form = WithdrawForm(request.POST)
    return _on_form(
        request,
        application,
        "withdraw",
        form,
        lambda: actions.withdraw(request.user, application, form.cleaned_data["reason"]),
        _("已撤回调解申请"),
    )


@login_required
@require_POST
def respond(request, application_id):
    application, _viewer = selectors.application_for(request.user, application_id)
    form = RespondForm(request.POST)
    return _on_form(
        request,
        application,
        "respond",
        form,
        lambda: actions.respond(request.user, application, form.cleaned_data["agreed"], form.cleaned_data["reason"]),
        _("已答复"),
    )


@login_required
@require_POST
def record_respondent_answer(request, application_id):
    application, _viewer = selectors.application_for(request.user, application_id)
    form = OfflineAnswerForm(request.POST)

    def action():
        d = form.cleaned_data
        return actions.record_respondent_answer(
            request.user, application, d["agreed"], d["method"], d["reason"], d["note"]
        )

    return _on_form(request, application, "offline_answer", form, action, _("已记录被申请人的答复"))


@login_required
@require_POST
def end_unreached(request, application_id):
    application, _viewer = selectors.application_for(request.user, application_id)
    form = UnreachedForm(request.POST)
    return _on_form(
        request,
        application,
        "unreached",
        form,
        lambda: actions.end_unreached(request.user, application, form.cleaned_data["reason"]),
        _("已终结调解程序，申请人将收到通知"),
    )


@login_required
def evidence_file(request, application_id, evidence_id):
    """An attachment, for whoever may see the application (the check is repeated by the download itself)."""
    application, _viewer = selectors.application_for(request.user, application_id)
    item = ApplicationEvidence.objects.select_related("file").filter(application=application, pk=evidence_id).first()
    if item is None:
        raise Http404(_("文件不存在，或您无权下载此文件"))
    return download_response(
        request, item.file, permitted=lambda user, _f: selectors.may_see(user, application), case=application.pk
    )
