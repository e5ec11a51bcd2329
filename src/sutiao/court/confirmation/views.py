"""Judicial confirmation's pages: the court's list, registering an application brought to the court, and one
application with its periods, story and the acts the user's role and its state allow. Thin: reads through
selectors, changes through actions (court.actions.confirmation)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.confirm import confirmation, confirmed
from sutiao.documents.downloads import download_response
from sutiao.forms_actions import show_refusal
from sutiao.kernel.confirmation import NonAcceptanceGround, RejectionGround, RulingOutcome
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CONFIRMATION, ConfirmationEvent
from sutiao.listing import next_url, page
from sutiao.translation import refusal
from sutiao.workdays.selectors import calendar

from .. import permissions
from ..actions import confirmation as actions
from ..document_views import service_context
from . import selectors
from .forms import (
    AcceptForm,
    ApplicantFormSet,
    ExtensionForm,
    FilterForm,
    MaterialAnswerForm,
    MaterialForm,
    NotAcceptForm,
    ReceiveForm,
    RulingForm,
    WithdrawForm,
)


@login_required
def application_list(request):
    form = FilterForm(request.GET or None)
    result = None
    if not request.GET or form.is_valid():
        filters = form.cleaned_data if request.GET else {}
        try:
            result = selectors.application_list(
                request.user,
                q=filters.get("q", ""),
                state=filters.get("state", ""),
                mine=filters.get("mine", False),
                cursor=request.GET.get("cursor"),
            )
        except DomainError as e:
            show_refusal(form, e)
    else:
        selectors.applications_for(request.user)  # the permission check, before saying anything of the form
    return render(
        request,
        "court/confirmation/list.html",
        {
            "form": form,
            "page": result,
            "next_url": next_url(request, result),
            "may_receive": permissions.allows(permissions.ensure_may_receive_confirmation, request.user),
        },
    )


@login_required
def application_new(request):
    permissions.ensure_may_receive_confirmation(request.user)
    data = request.POST if request.method == "POST" else None
    form = ReceiveForm(data, request.FILES or None, court_id=request.user.institution_id)
    applicants = ApplicantFormSet(
        data, prefix="applicant", initial=None if data else [{"role": "applicant"}, {"role": "respondent"}]
    )
    if data is not None and all([form.is_valid(), applicants.is_valid()]):
        d = form.cleaned_data
        try:
            application = actions.receive_application(
                request.user,
                agreement=d["agreement"],
                agreement_effective_on=d["agreement_effective_on"],
                received_at=d["received_at"],
                dispute_type=d["dispute_type"],
                organisation_name=d["organisation_name"],
                case=d["case_number"],
                organisation_seat=d["organisation_seat"],
                subject_matter=d["subject_matter"],
                issuer_seat=d["issuer_seat"],
                amount=d["amount"],
                applicants=[actions.ApplicantInput(**a) for a in applicants.cleaned_data if a],
            )
        except DomainError as e:
            show_refusal(form, e, {"applicants": None, "venue": None})
        else:
            messages.success(request, _("已登记司法确认申请，请在三日内决定是否受理"))
            return redirect("confirmation-detail", application.pk)
    if data is not None:
        messages.error(request, _("请检查填写的内容"))
    return render(request, "court/confirmation/new.html", {"form": form, "applicants": applicants})


@login_required
def application_detail(request, application_id, **forms):
    application = selectors.application_for(request.user, application_id)
    user = request.user
    allowed = set(CONFIRMATION.allowed_events(application.state))
    may_receive = permissions.allows(permissions.ensure_may_receive_confirmation, user, application)
    may_review = permissions.allows(permissions.ensure_may_review_confirmation, user, application)
    may_withdraw = permissions.allows(permissions.ensure_may_withdraw_confirmation, user, application)
    under_review = ConfirmationEvent.CONFIRM in allowed
    cal = calendar()
    return render(
        request,
        "court/confirmation/detail.html",
        {
            "application": application,
            "parties": actions.show_applicants(user, application),
            "periods": selectors.periods(application, cal),
            "notes": selectors.ruling_notes(application),
            "ruling_check": selectors.ruling_verification(application),
            "can_accept": may_receive and ConfirmationEvent.ACCEPT in allowed,
            "can_review": may_review and under_review,
            "can_extend": may_review and under_review and not application.extended,
            "can_withdraw": may_withdraw and ConfirmationEvent.WITHDRAW in allowed,
            "accept_form": forms.get("accept_form") or AcceptForm(court_id=application.court_id),
            "not_accept_form": forms.get("not_accept_form") or NotAcceptForm(),
            "material_form": forms.get("material_form") or MaterialForm(),
            "answer_form": forms.get("answer_form") or MaterialAnswerForm(),
            "extension_form": forms.get("extension_form") or ExtensionForm(),
            "ruling_form": forms.get("ruling_form") or RulingForm(),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
            **service_context(user, application, list(application.parties.all())),
        },
    )


@login_required
def ruling(request, application_id):
    application = selectors.application_for(request.user, application_id)
    return _ruling_response(request, application)


def _ruling_response(request, application):
    if application.ruling_id is None:
        raise Http404(_("尚未作出裁定"))
    return download_response(
        request,
        application.ruling,
        permitted=lambda user, stored: stored.pk == application.ruling_id,
        case=application.case,
    )


@login_required
def agreement(request, application_id):
    application = selectors.application_for(request.user, application_id)
    return download_response(
        request,
        application.agreement,
        permitted=lambda user, stored: stored.pk == application.agreement_id,
        case=application.case,
    )


def _post(request, application_id, form, form_name: str, act, success: str, ask=None):
    """Run one action from a posted form; a form fault or a refusal shows the application again with the message
    and what was typed. `ask(application)`: (title, consequence, label) of a second look before an act that
    cannot be undone (sutiao.confirm)."""
    application = selectors.application_for(request.user, application_id)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容"))
        return application_detail(request, application_id, **{form_name: form})
    if ask is not None and not confirmed(request):
        title, consequence, label = ask(application)
        return confirmation(
            request,
            title=title,
            consequence=consequence,
            action_label=label,
            back_url=reverse("confirmation-detail", args=[application.pk]),
        )
    try:
        act(application, form.cleaned_data)
    except DomainError as e:
        show_refusal(form, e)
        messages.error(request, refusal(e))
        return application_detail(request, application_id, **{form_name: form})
    messages.success(request, success)
    return redirect("confirmation-detail", application.pk)


@login_required
@require_POST
def accept(request, application_id):
    application = selectors.application_for(request.user, application_id)
    form = AcceptForm(request.POST, court_id=application.court_id)
    return _post(
        request,
        application_id,
        form,
        "accept_form",
        lambda a, d: actions.accept(request.user, a, d["judge"]),
        _("已受理"),
    )


@login_required
@require_POST
def not_accept(request, application_id):
    def ask(a):
        ground = NonAcceptanceGround(request.POST.get("ground"))
        return (
            _("裁定不予受理 %(name)s") % {"name": a},
            _("以“%(ground)s”裁定不予受理后，本申请即告终结，不能撤销。") % {"ground": _(ground.label)},
            _("确认不予受理"),
        )

    return _post(
        request,
        application_id,
        NotAcceptForm(request.POST),
        "not_accept_form",
        lambda a, d: actions.not_accept(request.user, a, d["ground"], d["reasons"]),
        _("已裁定不予受理"),
        ask,
    )


@login_required
@require_POST
def request_material(request, application_id):
    return _post(
        request,
        application_id,
        MaterialForm(request.POST),
        "material_form",
        lambda a, d: actions.request_material(request.user, a, d["what"], d["due_on"]),
        _("已要求当事人补充"),
    )


@login_required
@require_POST
def material_answered(request, application_id, request_id):
    def act(a, d):
        material = a.material_requests.filter(pk=request_id).first()
        if material is None:
            raise DomainError(_("没有这项补充要求"))
        actions.record_material(request.user, material, d["answer"])

    return _post(request, application_id, MaterialAnswerForm(request.POST), "answer_form", act, _("已记录"))


@login_required
@require_POST
def extend(request, application_id):
    return _post(
        request,
        application_id,
        ExtensionForm(request.POST),
        "extension_form",
        lambda a, d: actions.approve_extension(request.user, a, d["approved_by"], d["approved_on"], d["reason"]),
        _("审查期限已延长十日"),
    )


@login_required
@require_POST
def rule(request, application_id):
    def ask(a):
        outcome = RulingOutcome(request.POST.get("outcome"))
        return (
            _("对 %(name)s 作出裁定") % {"name": a},
            _("裁定“%(outcome)s”作出后不能在本平台撤销；当事人、利害关系人只能依法提出异议。")
            % {"outcome": _(outcome.label)},
            _("确认作出裁定"),
        )

    return _post(
        request,
        application_id,
        RulingForm(request.POST),
        "ruling_form",
        lambda a, d: actions.rule(
            request.user,
            a,
            d["outcome"],
            d["reasons"],
            RejectionGround(d["rejection_ground"]) if d["rejection_ground"] else None,
        ),
        _("已作出裁定"),
        ask,
    )


@login_required
@require_POST
def withdraw(request, application_id):
    def ask(a):
        return (
            _("%(name)s 撤回申请") % {"name": a},
            _("撤回后本申请终结；当事人可以在法定期间内重新申请。"),
            _("确认撤回"),
        )

    return _post(
        request,
        application_id,
        WithdrawForm(request.POST),
        "withdraw_form",
        lambda a, d: actions.withdraw(request.user, a, d["reasons"], d["deemed"]),
        _("已记录撤回"),
        ask,
    )


# --- the applicants' own view (a party, a firm's staff, an agent within a power of attorney) ---


@login_required
def party_applications(request):
    applications = selectors.party_applications(request.user)
    try:
        result = page(applications, selectors.ORDER, request.GET.get("cursor"), 20)
    except DomainError as e:  # a cursor tampered with or from another list: the first page, and why
        messages.error(request, refusal(e))
        result = page(applications, selectors.ORDER, None, 20)
    return render(
        request, "court/confirmation/party_list.html", {"page": result, "next_url": next_url(request, result)}
    )


@login_required
def party_application(request, application_id):
    application = selectors.party_application(request.user, application_id)
    return render(
        request,
        "court/confirmation/party_detail.html",
        {
            "application": application,
            "periods": selectors.periods(application),
            "notes": selectors.ruling_notes(application),
            "ruling_check": selectors.ruling_verification(application),
        },
    )


@login_required
def party_ruling(request, application_id):
    return _ruling_response(request, selectors.party_application(request.user, application_id))
