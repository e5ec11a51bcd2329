from django import forms
from django.forms import formset_factory

from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole

from .selectors import organisations


class CaseForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", choices=CaseStage.choices(), initial=CaseStage.PRE_FILING)
    litigation_number = forms.CharField(label="本案案号（诉中委托时填写）", required=False, max_length=80)
    dispute_type = forms.ChoiceField(label="纠纷类型", choices=DisputeType.choices())
    amount = forms.DecimalField(label="标的额（元）", min_value=0, max_digits=16, decimal_places=2)
    facts = forms.CharField(label="事实与理由", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PartyForm(forms.Form):
    role = forms.ChoiceField(label="诉讼地位", choices=PartyRole.choices())
    kind = forms.ChoiceField(label="类型", choices=PartyKind.choices())
    name = forms.CharField(label="姓名/名称", max_length=200)
    id_number = forms.CharField(label="证件号码", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    address = forms.CharField(label="地址", max_length=300, required=False)


class ClaimForm(forms.Form):
    text = forms.CharField(label="请求事项", widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label="金额（元）", required=False, min_value=0, max_digits=16, decimal_places=2)


PartyFormSet = formset_factory(PartyForm, extra=0, min_num=2, validate_min=True, max_num=50)
ClaimFormSet = formset_factory(ClaimForm, extra=0, min_num=1, validate_min=True, max_num=50)


class ConsentForm(forms.Form):
    party = forms.TypedChoiceField(label="当事人", coerce=int)
    consented = forms.TypedChoiceField(
        label="意见", choices=[("1", "同意调解"), ("0", "不同意调解")], coerce=lambda v: v == "1"
    )
    method = forms.ChoiceField(label="确认方式", choices=ConsentMethod.choices())
    answered_at = forms.DateTimeField(
        label="表示意见时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    note = forms.CharField(label="备注（录音编号、笔录页码等）", required=False, max_length=500)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, f"{p.name}（{p.get_role_display()}）") for p in case.parties.all()]


class DelegateForm(forms.Form):
    organisation = forms.ModelChoiceField(label="调解组织", queryset=organisations(), empty_label="请选择调解组织")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
