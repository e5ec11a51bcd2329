"""The court platform's pages for parties (issue 10): their own cases, and the online consent they give
themselves. Read through selectors, write through actions; a case or party outside the user's reach is 404."""

from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sutiao.forms_actions import submit
from sutiao.kernel.errors import DomainError
from sutiao.kernel.workflow import CourtState
from sutiao.translation import refusal

from . import document_views, selectors
from .actions import consent as consent_actions


class AnswerForm(forms.Form):
    consented = forms.TypedChoiceField(
        label=gettext_lazy("您的意见"),
        choices=[("yes", gettext_lazy("同意调解")), ("no", gettext_lazy("不同意调解"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择同意或不同意调解")},
    )
    read = forms.BooleanField(
        label=gettext_lazy("我已阅读并理解上述调解须知"),
        error_messages={"required": gettext_lazy("请先阅读调解须知并勾选确认")},
    )


def consent_link(request, token: str):
    """The link in the SMS: after sign-in, to the consent page of the case and party it names."""
    try:
        consent_request = consent_actions.request_for_token(token)
    except DomainError as e:
        return render(request, "court/party/link_error.html", {"message": refusal(e)}, status=410)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('sms-login')}?{urlencode({'next': request.get_full_path()})}")
    return redirect("party-consent", consent_request.case_id, consent_request.party_id)


@login_required
def party_cases(request):
    page = Paginator(selectors.party_cases(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "court/party/cases.html", {"page": page})


class ChoiceForm(forms.Form):
    organisation = forms.ChoiceField(
        label=gettext_lazy("选择调解组织"), error_messages={"required": gettext_lazy("请选择调解组织")}
    )

    def __init__(self, *args, court_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in selectors.roster_organisations(court_id)}
        self.fields["organisation"].choices = [("", "—")] + [(k, o.name) for k, o in self.organisations.items()]


@login_required
def party_case(request, case_id, choice_form=None):
    case = selectors.party_case(request.user, case_id)
    latest = selectors.latest_consents(case)
    own = dict((p.pk, a) for p, a in selectors.own_parties(request.user, case))
    choosing = case.state == CourtState.CONSENTED and not case.chosen_by
    choices = selectors.party_choices(case) if choosing else {}
    return render(
        request,
        "court/party/case.html",
        {
            "case": case,
            "rows": [
                (p, case.role_label(p.role), latest.get(p.pk), own.get(p.pk), choices.get(p.pk))
                for p in case.parties.all()
            ],
            "asking": case.state in consent_actions.CONSENT_STATES,
            "choosing": choosing and bool(own),
            "deadline": selectors.choice_deadlines(case).joint_choice if choosing else None,
            "choice_form": choice_form or ChoiceForm(court_id=case.court_id),
            **document_views.party_document_context(request.user, case, [p for p in case.parties.all() if p.pk in own]),
        },
    )


@login_required
@require_POST
def party_choose(request, case_id, party_id: int):
    case = selectors.party_case(request.user, case_id)
    party, _acting = selectors.party_of(request.user, case, party_id)
    form = ChoiceForm(request.POST, court_id=case.court_id)
    done = submit(
        request,
        form,
        lambda: consent_actions.choose_online(
            request.user, case, party, form.organisations[form.cleaned_data["organisation"]]
        ),
        _("已提交您选择的调解组织。各方当事人选择同一调解组织后，即为共同选择。"),
    )
    if done is not None:
        return redirect("party-case", case.pk)
    return party_case(request, case_id, choice_form=form)


@login_required
def party_consent(request, case_id, party_id: int):
    case = selectors.party_case(request.user, case_id)
    party, acting = selectors.party_of(request.user, case, party_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        try:
            done = submit(
                request,
                form,
                lambda: consent_actions.answer_online(
                    request.user, case, party, consented=form.cleaned_data["consented"]
                ),
                _("您的调解意见已提交，法院已收到。"),
            )
        except PermissionDenied as e:
            form.add_error(None, str(e))
            done = None
        if done is not None:
            return redirect("party-case", case.pk)
    return render(
        request,
        "court/party/consent.html",
        {
            "case": case,
            "party": party,
            "acting": acting,
            "form": form,
            "open_request": consent_actions.open_request(case, party),
            "organisations": selectors.organisations_for_consent(case),
            "party_role": case.role_label(party.role),
        },
    )
