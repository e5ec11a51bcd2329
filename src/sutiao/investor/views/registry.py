"""Pages of the registry (notice §4(3)(4)): organisations and mediators with their versions, the Bureau's and
the supervising bodies' overviews, the periodic information update, and pushes to courts' invited rosters.
Thin: reads come from selectors, every change from an action; a refusal is shown on the
field it names and the form keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.accounts.models import Role
from sutiao.forms_actions import submit
from sutiao.kernel.enums import AdoptionConsentBy
from sutiao.kernel.errors import DomainError
from sutiao.kernel.identifiers import mask
from sutiao.kernel.workflow import InvestorProposalState
from sutiao.listing import next_url, page
from sutiao.translation import refusal

from .. import permissions, selectors
from ..actions import registry, roster
from ..forms.registry import (
    AdoptionAnswerForm,
    CampaignForm,
    MediatorForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProposalFilterForm,
    PushForm,
    StatusForm,
)
from ..models import Qualification, SubjectKind
from ..training import selectors as training_selectors
from . import delegations as workbench


def _qualification_labels(mediators):
    labels = dict(Qualification.choices)
    for m in mediators:
        m.qualification_labels = "、".join(str(labels.get(q, q)) for q in m.qualifications)
    return mediators


@login_required
def index(request):
    """The registry's entry: each role to its own page."""
    role = request.user.role
    if role == Role.BUREAU_STAFF:
        return redirect("registry-overview")
    if role == Role.SUPERVISOR:
        return redirect("registry-supervision")
    return redirect("registry-organisations")


def _page(request, qs, keys):
    """A page of a registry list; a forged or stale cursor says so and shows the first page."""
    try:
        return page(qs, keys, request.GET.get("cursor"))
    except DomainError as e:
        messages.error(request, refusal(e))
        return page(qs, keys)


def _page_with(request, read, subject, param: str):
    """A page read by `read(subject, cursor)`; a forged or stale cursor says so and shows the first page."""
    try:
        return read(subject, request.GET.get(param))
    except DomainError as e:
        messages.error(request, refusal(e))
        return read(subject, None)


# --- organisations ---


@login_required
def organisation_list(request):
    user = request.user
    filters = OrganisationFilterForm(request.GET or None)
    orgs = selectors.organisations_for(user)
    if filters.is_bound and filters.is_valid():
        supervisor = filters.cleaned_data["supervisor"]
        orgs = selectors.filter_organisations(
            orgs, filters.cleaned_data["status"], supervisor.pk if supervisor else None, filters.cleaned_data["q"]
        )
    campaign = selectors.current_campaign()
    overdue = selectors.overdue_ids(campaign)
    result = _page(request, orgs, selectors.ORGANISATION_ORDER)
    for org in result.items:
        org.overdue = org.pk in overdue
    return render(
        request,
        "investor/registry/organisation_list.html",
        {
            "organisations": result.items,
            "next_url": next_url(request, result),
            "filters": filters,
            "campaign": campaign,
            "can_filter": user.role in (Role.BUREAU_STAFF, Role.SUPERVISOR),
            "can_create": permissions.is_bureau(user),
        },
    )


@login_required
def organisation_create(request):
    if not permissions.is_bureau(request.user):
        raise PermissionDenied(_("仅投资者保护局可登记新的调解组织"))
    form = OrganisationForm(request.POST or None)
    if request.method == "POST":
        org = submit(
            request,
            form,
            lambda: registry.register_organisation(request.user, form.data_for_service()),
            _("已登记调解组织"),
        )
        if org is not None:
            return redirect("registry-organisation", org.pk)
    return render(request, "investor/registry/organisation_form.html", {"form": form, "org": None})


@login_required
def organisation_detail(request, organisation_id):
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    campaign = selectors.current_campaign()
    confirmed = selectors.has_confirmed(org, campaign)
    own_admin = permissions.administers(user, org.pk)
    return render(
        request,
        "investor/registry/organisation_detail.html",
        {
            "org": org,
            "mediators": _qualification_labels(list(selectors.mediators_of(org))),
            "proposals": selectors.proposals_of(org),
            "versions": selectors.history(SubjectKind.ORGANISATION, org.pk),
            "campaign": campaign,
            "campaign_confirmed": confirmed,
            "overdue": org.pk in selectors.overdue_ids(campaign),
            "can_confirm": own_admin and campaign is not None and not confirmed,
            "can_edit": permissions.may_edit(user, org.institution),
            "can_set_status": permissions.may_oversee(user, org.institution),
            "can_push": permissions.is_bureau(user),
            "can_push_mediators": permissions.supervises(user, org.institution),
        },
    )


@login_required
def organisation_edit(request, organisation_id):
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    permissions.ensure_can_edit(user, org.institution)
    form = OrganisationForm(
        request.POST or None,
        initial=OrganisationForm.initial_for(org),
        can_change_supervisor=permissions.is_bureau(user),
    )
    if request.method == "POST":
        saved = submit(
            request,
            form,
            lambda: registry.update_organisation(user, org, form.data_for_service()),
            _("已保存；如该组织已推送或已纳入名册，相关法院将收到更新后的信息"),
        )
        if saved is not None:
            return redirect("registry-organisation", org.pk)
    return render(request, "investor/registry/organisation_form.html", {"form": form, "org": org})


@login_required
def organisation_status(request, organisation_id):
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    permissions.ensure_oversees(user, org.institution)
    form = StatusForm(request.POST or None, initial={"status": org.status})
    if request.method == "POST":
        saved = submit(
            request,
            form,
            lambda: registry.set_organisation_status(
                user, org, form.cleaned_data["status"], form.cleaned_data["reason"]
            ),
            _("已变更状态；不在正常状态的组织及其调解员已移出各法院名册，相关法院已获通知"),
        )
        if saved is not None:
            return redirect("registry-organisation", org.pk)
    return render(request, "investor/registry/status_form.html", {"form": form, "org": org, "mediator": None})


@login_required
@require_POST
def organisation_confirm(request, organisation_id):
    """The organisation's administrator confirms its data are current for the information update."""
    org = selectors.organisation_for(request.user, organisation_id)
    campaign = selectors.current_campaign()
    if campaign is None:
        messages.error(request, _("目前没有进行中的信息更新"))
        return redirect("registry-organisation", org.pk)
    try:
        registry.confirm_information(request.user, org, campaign)
    except DomainError as e:
        messages.error(request, refusal(e))
    else:
        messages.success(request, _("已确认本组织信息为最新"))
    return redirect("registry-organisation", org.pk)


@login_required
def organisation_push(request, organisation_id):
    """The Bureau pushes a qualifying organisation to a court, or to every court (notice §4(4))."""
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    if not permissions.is_bureau(user):
        raise PermissionDenied(_("仅投资者保护局可推送调解组织"))
    form = PushForm(request.POST or None)
    if request.method == "POST":
        proposal = submit(
            request,
            form,
            lambda: roster.propose_organisation(user, org, form.court_id(), form.cleaned_data["note"]),
            _("已推送，待法院确认"),
        )
        if proposal is not None:
            return redirect("registry-organisation", org.pk)
    return render(
        request,
        "investor/registry/push_form.html",
        {"form": form, "org": org, "mediator": None, "on_roster": selectors.confirmed_courts(org)},
    )


# --- mediators ---


@login_required
def mediator_list(request, organisation_id):
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    return render(
        request,
        "investor/registry/mediator_list.html",
        {
            "org": org,
            "mediators": _qualification_labels(list(selectors.mediators_of(org))),
            "can_edit": permissions.may_edit(user, org.institution),
            "can_push": permissions.supervises(user, org.institution),
        },
    )


@login_required
def mediator_create(request, organisation_id):
    user = request.user
    org = selectors.organisation_for(user, organisation_id)
    permissions.ensure_can_edit(user, org.institution)
    form = MediatorForm(request.POST or None, organisation_id=org.pk)
    if request.method == "POST":
        mediator = submit(
            request,
            form,
            lambda: registry.register_mediator(
                user,
                org.institution,
                form.data_for_service(form.cleaned_data["id_number"]),
                user=form.cleaned_data.get("user"),
            ),
            _("已登记调解员"),
        )
        if mediator is not None:
            return redirect("registry-mediator", mediator.pk)
    return render(request, "investor/registry/mediator_form.html", {"form": form, "org": org, "mediator": None})


@login_required
def mediator_detail(request, mediator_id):
    user = request.user
    mediator = selectors.mediator_for(user, mediator_id)
    org = mediator.organisation.registry
    records = _page_with(request, training_selectors.records_of, mediator, "training_cursor")
    return render(
        request,
        "investor/registry/mediator_detail.html",
        {
            "standing": training_selectors.standing(mediator),
            "training_records": records.items,
            "training_next_url": next_url(request, records, "training_cursor"),
            "m": _qualification_labels([mediator])[0],
            "org": org,
            "proposals": mediator.proposals.all(),
            "versions": selectors.history(SubjectKind.MEDIATOR, mediator.pk),
            "can_edit": permissions.may_edit(user, mediator.organisation),
            "can_push": permissions.supervises(user, mediator.organisation),
            "phone": mediator.phone
            if permissions.sees_mediator_phones(user, mediator.organisation)
            else mask("phone", mediator.phone),
        },
    )


@login_required
def mediator_edit(request, mediator_id):
    user = request.user
    mediator = selectors.mediator_for(user, mediator_id)
    permissions.ensure_can_edit(user, mediator.organisation)
    form = MediatorForm(
        request.POST or None,
        initial=MediatorForm.initial_for(mediator),
        editing=mediator,
        phone_shown=permissions.sees_mediator_phones(user, mediator.organisation),
    )
    if request.method == "POST":
        # Left blank, the number stays as registered (the action keeps it; it is never shown).
        saved = submit(
            request,
            form,
            lambda: registry.update_mediator(user, mediator, form.data_for_service(form.cleaned_data["id_number"])),
            _("已保存调解员信息"),
        )
        if saved is not None:
            return redirect("registry-mediator", mediator.pk)
    return render(
        request,
        "investor/registry/mediator_form.html",
        {"form": form, "org": mediator.organisation.registry, "mediator": mediator},
    )


@login_required
def mediator_status(request, mediator_id):
    user = request.user
    mediator = selectors.mediator_for(user, mediator_id)
    permissions.ensure_can_edit(user, mediator.organisation)
    form = StatusForm(request.POST or None, initial={"status": mediator.status})
    if request.method == "POST":
        saved = submit(
            request,
            form,
            lambda: registry.set_mediator_status(
                user, mediator, form.cleaned_data["status"], form.cleaned_data["reason"]
            ),
            _("已变更状态；不在正常状态的调解员已移出各法院名册，相关法院已获通知"),
        )
        if saved is not None:
            return redirect("registry-mediator", mediator.pk)
    return render(
        request,
        "investor/registry/status_form.html",
        {"form": form, "mediator": mediator, "org": mediator.organisation.registry},
    )


@login_required
def mediator_push(request, mediator_id):
    """A regional office or affiliated unit pushes a mediator of an organisation it supervises (§4(4))."""
    user = request.user
    mediator = selectors.mediator_for(user, mediator_id)
    if not permissions.supervises(user, mediator.organisation):
        raise PermissionDenied(_("仅该调解组织的指导单位（派出机构或会管单位）可推送其调解员"))
    org = mediator.organisation.registry
    form = PushForm(request.POST or None)
    if request.method == "POST":
        proposal = submit(
            request,
            form,
            lambda: roster.propose_mediator(user, mediator, form.court_id(), form.cleaned_data["note"]),
            _("已推送，待法院确认"),
        )
        if proposal is not None:
            return redirect("registry-mediator", mediator.pk)
    return render(
        request,
        "investor/registry/push_form.html",
        {"form": form, "org": org, "mediator": mediator, "on_roster": selectors.confirmed_courts(org)},
    )


# --- oversight ---


def _overview_page(request, campaign_form=None):
    return render(
        request,
        "investor/registry/overview.html",
        {"o": selectors.overview(), "campaign_form": campaign_form or CampaignForm()},
    )


@login_required
def overview(request):
    """The Bureau's overview (定期汇总, notice §4(3))."""
    if not permissions.is_bureau(request.user):
        raise PermissionDenied(_("仅投资者保护局可查看汇总情况"))
    return _overview_page(request)


@login_required
@require_POST
def campaign_start(request):
    if not permissions.is_bureau(request.user):
        raise PermissionDenied(_("仅投资者保护局可发起信息更新"))
    form = CampaignForm(request.POST)
    started = submit(
        request,
        form,
        lambda: registry.start_campaign(request.user, form.cleaned_data["title"], form.cleaned_data["due"]),
        _("已发起信息更新，各调解组织须在截止日期前确认或更新本组织信息"),
    )
    if started is not None:
        return redirect("registry-overview")
    return _overview_page(request, form)


@login_required
def supervision(request):
    """A regional office's or affiliated unit's overview of the organisations it supervises (§4(3))."""
    user = request.user
    if user.role != Role.SUPERVISOR:
        raise PermissionDenied(_("仅派出机构或会管单位工作人员可查看"))
    orgs = selectors.organisations_for(user)
    campaign = selectors.current_campaign()
    overdue = selectors.overdue_ids(campaign)
    organisations = list(orgs)
    for org in organisations:
        org.overdue = org.pk in overdue
    return render(
        request,
        "investor/registry/supervision.html",
        {
            "o": selectors.overview(orgs),
            "organisations": organisations,
            "flagged": [org for org in organisations if org.overdue],
            "pending": selectors.proposals_for(user).filter(state=InvestorProposalState.PENDING),
        },
    )


@login_required
def proposals(request):
    """Pushes to courts' rosters and their fate, as far as the user may see."""
    filters = ProposalFilterForm(request.GET or None)
    qs = selectors.proposals_for(request.user)
    if filters.is_bound and filters.is_valid() and filters.cleaned_data["state"]:
        qs = qs.filter(state=filters.cleaned_data["state"])
    result = _page(request, qs, selectors.PROPOSAL_ORDER)
    return render(
        request,
        "investor/registry/proposals.html",
        {"proposals": result.items, "filters": filters, "next_url": next_url(request, result)},
    )


@login_required
@require_POST
def answer_adoption(request, proposal_id):
    """The organisation's administrator, or the mediator in person, answers a lower court's request to take
    the organisation or mediator over from a higher court's roster (《人民法院在线调解规则》Art. 27 ¶2; L23)."""
    user = request.user
    proposal = selectors.adoption_request_for(user, proposal_id)
    recorded = permissions.adoption_answered_by(proposal) == AdoptionConsentBy.RECORDED_FOR_MEDIATOR
    form = AdoptionAnswerForm(request.POST, prefix=f"a{proposal.pk}", recorded_for_mediator=recorded)
    consented = request.POST.get("answer") == "consent"

    def answer():
        how = form.cleaned_data.get("how_obtained", "")
        if consented:
            return roster.consent_to_adoption(user, proposal, how)
        return roster.refuse_adoption(user, proposal, form.cleaned_data["reason"], how)

    done = _("已同意，法院将其纳入名册") if consented else _("已答复不同意，理由将告知法院")
    if submit(request, form, answer, done):
        return redirect("home")
    return workbench.home(request, adoption_forms={proposal.pk: form})
