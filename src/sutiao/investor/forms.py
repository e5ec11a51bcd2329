from django import forms
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.enums import MediationOutcome
from sutiao.translation import translated_choices

from .selectors import mediators_of


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("拒绝理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AssignForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("调解员"), queryset=None, empty_label=_("请选择调解员"))

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = mediators_of(organisation_id)
        self.fields["mediator"].label_from_instance = lambda u: u.display_name


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=translated_choices(MediationOutcome.choices()))
    terms = forms.CharField(
        label=_("调解协议内容（调解成功时填写）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(label=_("调解不成或撤回的原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
