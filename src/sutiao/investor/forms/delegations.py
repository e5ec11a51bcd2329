from django import forms
from django.utils.translation import gettext_lazy as _

from ..selectors import assignable_mediators


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予接受的理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class AssignForm(forms.Form):
    mediator = forms.ModelChoiceField(label=_("调解员"), queryset=None, empty_label=_("请选择调解员"))
    choice_declined_reason = forms.CharField(
        label=_("不予指派当事人选定调解员的理由（指派其他调解员时必填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation_id, chosen=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = assignable_mediators(organisation_id)
        self.fields["mediator"].label_from_instance = lambda u: u.display_name
        if chosen is None:
            del self.fields["choice_declined_reason"]  # no choice of the parties to decline
