"""The judicial confirmation page of a mediation's agreement in force (issue 11 §4): the 30-day window (L11), the
parties joining the joint application (the first choosing a competent court for a mediation the organisation
ran on its own), what the court decided, the sealed ruling with its check and the objection window (L14), and
after a rejection the three ways on (L13). The form posts to `act`, which runs investor/actions/confirmation.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.documents.downloads import download_response
from sutiao.kernel.calendar import china_today
from sutiao.kernel.confirmation import (
    CONFIRMATION_FEE_CITATION,
    OUTSIDER_OBJECTION_CITATION,
    RulingOutcome,
    application_deadline,
    what_follows,
)
from sutiao.kernel.errors import DomainError
from sutiao.kernel.service import SERVICE_CITATION
from sutiao.kernel.workflow import AgreementState, RequestState
from sutiao.notifications import serving
from sutiao.translation import refusal
from sutiao.workdays.selectors import calendar

from ..actions import confirmation as actions
from ..agreements import selectors as agreement_selectors
from ..confirmation import selectors
from ..forms.confirmation import JoinForm


def _context(request, mediation, viewer, form=None):
    agreement = agreement_selectors.current_agreement(mediation)
    in_force = agreement is not None and agreement.state == AgreementState.EFFECTIVE
    requests = selectors.requests_of(agreement) if agreement else []
    live = next((r for r in requests if r.state == RequestState.JOINING), None)
    joined = {j.party_id for j in live.joins.all()} if live else set()
    may_join = [p for p in viewer.parties if p.pk not in joined]
    deadline = application_deadline(calendar(), china_today(agreement.effective_at)) if in_force else None
    open_request = any(r.state not in (RequestState.REFUSED, RequestState.NOT_ACCEPTED) for r in requests)
    choices, facts = [], {}
    if in_force and may_join and live is None and mediation.direct:
        facts = {k: request.GET.get(k, "").strip() for k in JoinForm.FACTS}
        if facts["domicile"]:
            try:
                choices = selectors.competent_courts(
                    mediation,
                    domiciles=(facts["domicile"],),
                    organisation_seat=facts["organisation_seat"],
                    subject_matter=facts["subject_matter"],
                    issuer_seat=facts["issuer_seat"],
                )
            except DomainError as e:
                messages.error(request, refusal(e))
    if form is None and may_join and (live is not None or not open_request):
        form = JoinForm(parties=may_join, courts=choices, initial=facts, first=live is None, direct=mediation.direct)
    shown = [
        {
            "r": r,
            "objection": selectors.objection_window(r),
            "follows": what_follows(RulingOutcome(r.outcome)) if r.outcome else (),
        }
        for r in requests
    ]
    service = selectors.ruling_service(request.user, mediation, requests)
    for item in shown:
        item["services"] = service.by_request.get(item["r"].pk, [])
    return {
        "m": mediation,
        "d": mediation.source,
        "viewer": viewer,
        "agreement": agreement,
        "in_force": in_force,
        "deadline": deadline,
        "requests": shown,
        "live": live,
        "form": form if in_force else None,
        "searched": bool(facts.get("domicile")),
        "fee_citation": CONFIRMATION_FEE_CITATION,
        "outsider_citation": OUTSIDER_OBJECTION_CITATION,
        "own_services": service.own,
        "without_consent": service.without_consent,
        "service_citation": SERVICE_CITATION,
        "workspace_url": "application-mediation" if mediation.direct else "mediation-workspace",
    }


@login_required
def confirmation_page(request, mediation_id):
    mediation, viewer = agreement_selectors.viewer_for(request.user, mediation_id)
    return render(request, "investor/confirmation.html", _context(request, mediation, viewer))


@login_required
@require_POST
def act(request, mediation_id, op):
    mediation, viewer = agreement_selectors.viewer_for(request.user, mediation_id)
    if op != "join":
        raise Http404(_("不支持的操作"))
    agreement = agreement_selectors.current_agreement(mediation)
    if agreement is None:
        raise Http404(_("尚未制作调解协议"))
    live = next((r for r in selectors.requests_of(agreement) if r.state == RequestState.JOINING), None)
    courts = []
    if live is None and mediation.direct:
        try:
            courts = selectors.competent_courts(
                mediation,
                domiciles=(request.POST.get("domicile", "").strip(),),
                organisation_seat=request.POST.get("organisation_seat", "").strip(),
                subject_matter=request.POST.get("subject_matter", "").strip(),
                issuer_seat=request.POST.get("issuer_seat", "").strip(),
            )
        except DomainError:
            courts = []
    form = JoinForm(
        request.POST, parties=list(viewer.parties), courts=courts, first=live is None, direct=mediation.direct
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.join_confirmation(
                request.user,
                agreement,
                data["party"],
                data["domicile"],
                court_id=data.get("court") or "",
                organisation_seat=data.get("organisation_seat", ""),
                subject_matter=data.get("subject_matter", ""),
                issuer_seat=data.get("issuer_seat", ""),
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, _("已加入司法确认申请"))
            return redirect("confirmation", mediation.pk)
    messages.error(request, _("请检查填写的内容"))
    return render(request, "investor/confirmation.html", _context(request, mediation, viewer, form=form))


@login_required
def ruling_pdf(request, mediation_id, request_id):
    """The court's sealed ruling, to whoever reads the agreement (agreement_selectors.viewer_for); checked against
    its hash, audited and streamed by sutiao.documents; opened by a party it was served on, the read receipt."""
    mediation, _viewer = agreement_selectors.viewer_for(request.user, mediation_id)
    found = selectors.ruling_of(mediation, request_id)
    if found is None:
        raise Http404(_("文件不存在，或您无权下载此文件"))
    # A party (or whoever acts for them) opening the ruling here has read what was served on them: the read
    # receipt is recorded as if they opened it from the service notice (L16's proof).
    for service in selectors.own_ruling_services(request.user, found):
        serving.open_served(request.user, service.pk)
    return download_response(
        request, found.ruling, permitted=lambda user, stored: stored.pk == found.ruling_id, case=mediation.case_ref
    )
