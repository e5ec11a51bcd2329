"""The parties' satisfaction survey of an ended mediation (issue 13 §1): the page shows, for each party the
viewer is or acts for, its answer or the form; the form posts to `answer`, which runs
investor/actions/survey.answer_survey."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sutiao.kernel.errors import DomainError
from sutiao.translation import refusal

from ..actions import survey as actions
from ..forms.survey import SurveyForm
from ..mediation import selectors


def _render(request, mediation, rows, form=None):
    answerable = [r.party for r in rows if r.may_answer]
    if form is None and answerable:
        form = SurveyForm(parties=answerable)
    return render(
        request,
        "investor/survey.html",
        {
            "m": mediation,
            "rows": rows,
            "form": form if answerable else None,
            "ended": not mediation.is_open and mediation.ended_at is not None,
        },
    )


@login_required
def survey_page(request, mediation_id):
    mediation, rows = selectors.survey_for(request.user, mediation_id)
    return _render(request, mediation, rows)


@login_required
@require_POST
def answer(request, mediation_id):
    mediation, rows = selectors.survey_for(request.user, mediation_id)
    answerable = [r.party for r in rows if r.may_answer]
    form = SurveyForm(request.POST, parties=answerable)
    if form.is_valid():
        data = form.cleaned_data
        party = next(p for p in answerable if p.pk == data["party"])
        try:
            actions.answer_survey(
                request.user,
                mediation,
                party,
                fairness=data["fairness"],
                conduct=data["conduct"],
                convenience=data["convenience"],
                comment=data["comment"],
            )
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, refusal(e))
        else:
            messages.success(request, _("感谢您的评价"))
            return redirect("survey", mediation.pk)
    return _render(request, mediation, rows, form=form)
