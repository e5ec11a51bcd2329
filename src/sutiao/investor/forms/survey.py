"""The satisfaction survey's form (investor/actions/survey.py): for which party, three scores from 1 to 5 and an
optional comment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..mediation.models import SurveyScore

_SCORE = {"required": _("请选择 1 至 5 分"), "invalid_choice": _("请选择 1 至 5 分")}


def _score(label):
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        choices=[(s.value, f"{s.value} {s.label}") for s in SurveyScore],
        widget=forms.RadioSelect,
        error_messages=_SCORE,
    )


class SurveyForm(forms.Form):
    party = forms.TypedChoiceField(
        label=_("以哪一方当事人的名义评价"),
        coerce=int,
        error_messages={"invalid_choice": _("您不能以该当事人的名义评价")},
    )
    fairness = _score(_("调解过程是否公平公正"))
    conduct = _score(_("调解员的工作态度与专业水平"))
    convenience = _score(_("在线调解是否方便"))
    comment = forms.CharField(
        label=_("意见和建议（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.name) for p in parties]
        self.fields["party"].widget.attrs["class"] = "form-select"
        if len(parties) == 1:
            self.fields["party"].initial = parties[0].pk
