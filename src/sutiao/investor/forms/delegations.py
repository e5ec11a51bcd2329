from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.enums import DisputeType
from sutiao.kernel.workflow import InvestorState
from sutiao.listing import normalise
from sutiao.translation import translated_choices

from ..selectors import assignable_mediators, courts


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


class DelegationFilterForm(forms.Form):
    """What the delegation list is searched and narrowed by (selectors.filter_delegations); all optional."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        help_text=_("法院案号（全部或部分）、委派法院、当事人姓名或名称、统一社会信用代码、身份证号码（完整）、调解员"),
    )
    state = forms.ChoiceField(label=_("状态"), required=False)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), required=False)
    court = forms.ChoiceField(label=_("委派法院"), required=False)
    received_from = forms.DateField(
        label=_("收到日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(label=_("收到日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_within = forms.IntegerField(label=_("答复期限在几日内"), required=False, min_value=0, max_value=366)
    overdue = forms.BooleanField(label=_("已超答复期限"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            checkbox = isinstance(field.widget, forms.CheckboxInput)
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-check-input" if checkbox else "form-select" if select else "form-control"
            )
        everything = [("", gettext("全部"))]
        self.fields["state"].choices = everything + translated_choices(InvestorState.choices())
        self.fields["dispute_type"].choices = everything + translated_choices(DisputeType.choices())
        self.fields["court"].choices = everything + [(str(c.pk), c.name) for c in courts()]

    def clean_q(self):
        words = self.cleaned_data["q"].split()
        if any(len(normalise(w)) == 1 for w in words):
            raise forms.ValidationError(gettext("请至少输入两个字或两位数字"))
        return " ".join(words)

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", gettext("结束日期不能早于开始日期"))
        return data

    def filters(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}
