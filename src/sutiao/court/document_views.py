"""The court's pages for the 调解书 (issue 11 §5; L15, L18) and electronic service (§6; L16): the parts of the case
page and the application page that show them, and the forms that act on them. Read through selectors, write
through actions; a refusal is shown on the page it came from."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sutiao.documents.downloads import download_response
from sutiao.kernel.confirmation import FEE_CITATION, HALF_FEE_CITATION
from sutiao.kernel.enums import CaseStage
from sutiao.kernel.errors import DomainError
from sutiao.kernel.mediation_document import EFFECT_CLAUSE, MEDIATION_DOCUMENT_CITATION
from sutiao.kernel.service import SERVICE_CITATION, OtherMeans, ServiceChannel
from sutiao.kernel.workflow import CourtState, MediationDocumentState
from sutiao.notifications import serving
from sutiao.translation import refused

from . import permissions, selectors
from .actions import mediation_document as document_actions
from .actions import service as service_actions
from .confirmation import selectors as confirmation_selectors


class JudgeForm(forms.Form):
    judge = forms.ModelChoiceField(label=gettext_lazy("承办法官"), queryset=None, empty_label=None)

    def __init__(self, *args, court_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = selectors.judges_of(court_id)


class StaffConsentForm(forms.Form):
    party = forms.ChoiceField(label=gettext_lazy("当事人"))
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("确认书载明的接收方式"),
        choices=[(c.value, c.label) for c in ServiceChannel],
        widget=forms.CheckboxSelectMultiple,
    )
    mobile = forms.CharField(label=gettext_lazy("手机号（短信）"), max_length=20, required=False)
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), required=False)
    note = forms.CharField(label=gettext_lazy("确认书编号/备注"), max_length=500, required=False)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(str(p.pk), p.name) for p in parties]


class OtherMeansForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("送达记录"))
    means = forms.ChoiceField(label=gettext_lazy("送达方式"), choices=OtherMeans.choices())
    served_on = forms.DateField(label=gettext_lazy("送达日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("送达情况（如邮件号码）"), max_length=500, required=False)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(str(s.pk), f"{s.title} · {s.party_name}") for s in services]


class RefusalForm(forms.Form):
    party = forms.ChoiceField(label=gettext_lazy("拒绝签收的当事人"))
    reason = forms.CharField(label=gettext_lazy("拒绝签收的理由"), max_length=1000)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(str(p.pk), p.name) for p in parties]


def service_context(user, subject, parties) -> dict:
    """What the case or application page shows of service (L16): each record with its proof, each party's
    consent, and the forms of staff who may record consent and other means."""
    services = list(serving.services_of(subject))
    consents = serving.consents_for(p.id_digest for p in parties)
    may_record = permissions.allows(permissions.ensure_may_record_service, user, subject.court_id)
    pending = [s for s in services if s.needs_other_means]
    return {
        "services": services,
        "service_consents": [(p, consents.get(p.id_digest)) for p in parties],
        "service_citation": SERVICE_CITATION,
        "can_record_service": may_record,
        "service_consent_form": StaffConsentForm(parties=parties) if may_record else None,
        "other_means_form": OtherMeansForm(services=pending) if may_record and pending else None,
    }


def document_context(user, case) -> dict:
    """What the case page shows of the 调解书 (L15, L18) and who may act on it."""
    document = selectors.mediation_document_of(case)
    parties = list(case.parties.all())
    may_issue = permissions.allows(permissions.ensure_may_issue_document, user, case)
    delegation = case.current_delegation
    receipts = {r.party_id: r for r in document.receipts.all()} if document else {}
    return {
        "mediation_document": document,
        "document_receipts": [(p, receipts.get(p.pk)) for p in parties] if document else [],
        "document_citation": MEDIATION_DOCUMENT_CITATION,
        "effect_clause": EFFECT_CLAUSE,
        "fee_citation": f"{FEE_CITATION}；{HALF_FEE_CITATION}",
        "can_assign_judge": case.stage == CaseStage.IN_LITIGATION
        and not case.closed
        and permissions.allows(permissions.ensure_may_assign_judge, user, case),
        "judge_form": JudgeForm(court_id=case.court_id, initial={"judge": case.judge_id}),
        "can_issue_document": may_issue
        and case.state == CourtState.SUCCEEDED
        and case.stage == CaseStage.IN_LITIGATION
        and bool(delegation and delegation.agreement_sha256),
        "can_record_refusal": may_issue and document is not None and document.state == MediationDocumentState.ISSUED,
        "refusal_form": RefusalForm(parties=parties),
        **service_context(user, case, parties),
    }


def _done(request, action, success: str, to: str, pk) -> object:
    try:
        action()
    except (DomainError, PermissionDenied) as e:
        messages.error(request, refused(e))
    else:
        messages.success(request, success)
    return redirect(to, pk)


@login_required
@require_POST
def assign_judge(request, case_id):
    case = selectors.case_for(request.user, case_id)
    form = JudgeForm(request.POST, court_id=case.court_id)
    if not form.is_valid():
        messages.error(request, _("请选择承办法官"))
        return redirect("case-detail", case.pk)
    judge = form.cleaned_data["judge"]
    return _done(
        request,
        lambda: document_actions.assign_judge(request.user, case, judge),
        _("已指定承办法官"),
        "case-detail",
        case.pk,
    )


@login_required
@require_POST
def issue_document(request, case_id):
    case = selectors.case_for(request.user, case_id)
    return _done(
        request,
        lambda: document_actions.issue(request.user, case),
        _("已制作民事调解书并送达当事人"),
        "case-detail",
        case.pk,
    )


@login_required
@require_POST
def document_refusal(request, case_id):
    case = selectors.case_for(request.user, case_id)
    form = RefusalForm(request.POST, parties=case.parties.all())
    if not form.is_valid():
        messages.error(request, _("请选择当事人并写明拒绝签收的理由"))
        return redirect("case-detail", case.pk)
    party = case.parties.get(pk=form.cleaned_data["party"])
    return _done(
        request,
        lambda: document_actions.refuse_receipt(request.user, case, party, form.cleaned_data["reason"]),
        _("已记录当事人拒绝签收，本案恢复审理"),
        "case-detail",
        case.pk,
    )


@login_required
def document_file(request, case_id):
    case = selectors.case_for(request.user, case_id)
    document = selectors.mediation_document_of(case)
    if document is None:  # the case exists and is the user's to read: say so on its page
        messages.error(request, _("本案没有调解书"))
        return redirect("case-detail", case.pk)
    return download_response(
        request, document.document, permitted=lambda user, stored: stored.pk == document.document_id, case=case
    )


def _record_consent(request, subject, parties, to):
    form = StaffConsentForm(request.POST, parties=parties)
    if not form.is_valid():
        messages.error(request, _("请检查电子送达确认的填写"))
        return redirect(to, subject.pk)
    party = next(p for p in parties if str(p.pk) == form.cleaned_data["party"])
    data = form.cleaned_data
    return _done(
        request,
        lambda: service_actions.record_consent(
            request.user,
            subject,
            party,
            channels=data["channels"],
            mobile=data["mobile"],
            email=data["email"],
            note=data["note"],
        ),
        _("已登记电子送达确认"),
        to,
        subject.pk,
    )


def _record_other_means(request, subject, to):
    services = [s for s in serving.services_of(subject) if s.needs_other_means]
    form = OtherMeansForm(request.POST, services=services)
    if not form.is_valid():
        messages.error(request, _("请检查送达情况的填写"))
        return redirect(to, subject.pk)
    service = next(s for s in services if str(s.pk) == form.cleaned_data["service"])
    data = form.cleaned_data
    return _done(
        request,
        lambda: service_actions.record_other_means(
            request.user, subject, service, means=data["means"], served_on=data["served_on"], note=data["note"]
        ),
        _("已记录送达情况"),
        to,
        subject.pk,
    )


@login_required
@require_POST
def case_service_consent(request, case_id):
    case = selectors.case_for(request.user, case_id)
    return _record_consent(request, case, list(case.parties.all()), "case-detail")


@login_required
@require_POST
def case_service_other_means(request, case_id):
    return _record_other_means(request, selectors.case_for(request.user, case_id), "case-detail")


@login_required
@require_POST
def confirmation_service_consent(request, application_id):
    application = confirmation_selectors.application_for(request.user, application_id)
    return _record_consent(request, application, list(application.parties.all()), "confirmation-detail")


@login_required
@require_POST
def confirmation_service_other_means(request, application_id):
    application = confirmation_selectors.application_for(request.user, application_id)
    return _record_other_means(request, application, "confirmation-detail")


# --- the party's side: signing for receipt (签收) ---


class ReceiptForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("您的表示"),
        choices=[("sign", gettext_lazy("签收调解书")), ("refuse", gettext_lazy("拒绝签收"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("拒绝签收的理由"), max_length=1000, required=False)


def party_document_context(user, case, own_parties) -> dict:
    document = selectors.mediation_document_of(case)
    if document is None:
        return {}
    answered = {r.party_id: r for r in document.receipts.all()}
    return {
        "mediation_document": document,
        "effect_clause": EFFECT_CLAUSE,
        "document_rows": [(p, answered.get(p.pk)) for p in case.parties.all()],
        "receipt_parties": [p for p in own_parties if p.pk not in answered]
        if document.state == MediationDocumentState.ISSUED
        else [],
        "receipt_form": ReceiptForm(),
        "own_services": [s for s in serving.served_to(user) if s.subject_id == str(case.pk)],
    }


@login_required
@require_POST
def party_document_receipt(request, case_id, party_id: int):
    case = selectors.party_case(request.user, case_id)
    party, _acting = selectors.party_of(request.user, case, party_id)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择签收或拒绝签收"))
        return redirect("party-case", case.pk)
    if form.cleaned_data["answer"] == "sign":
        return _done(
            request,
            lambda: document_actions.sign_receipt(request.user, case, party),
            _("您已签收民事调解书"),
            "party-case",
            case.pk,
        )
    return _done(
        request,
        lambda: document_actions.refuse_receipt(request.user, case, party, form.cleaned_data["reason"]),
        _("已记录您拒绝签收，调解书不发生法律效力"),
        "party-case",
        case.pk,
    )
