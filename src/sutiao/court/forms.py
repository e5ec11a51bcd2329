from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.rules import default_validity
from sutiao.translation import translated_choices

from .selectors import roster_mediators, roster_organisations


class CaseForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("阶段"), choices=translated_choices(CaseStage.choices()), initial=CaseStage.PRE_FILING
    )
    litigation_number = forms.CharField(label=_("本案案号（诉中委托时填写）"), required=False, max_length=80)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=translated_choices(DisputeType.choices()))
    amount = forms.DecimalField(label=_("标的额（元）"), min_value=0, max_digits=16, decimal_places=2)
    facts = forms.CharField(label=_("事实与理由"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("诉讼地位"), choices=translated_choices(PartyRole.choices()))
    kind = forms.ChoiceField(label=_("类型"), choices=translated_choices(PartyKind.choices()))
    name = forms.CharField(label=_("姓名/名称"), max_length=200)
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)


class ClaimForm(forms.Form):
    text = forms.CharField(label=_("请求事项"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0, max_digits=16, decimal_places=2)


PartyFormSet = formset_factory(PartyForm, extra=0, min_num=2, validate_min=True, max_num=50)
ClaimFormSet = formset_factory(ClaimForm, extra=0, min_num=1, validate_min=True, max_num=50)


class ConsentForm(forms.Form):
    party = forms.TypedChoiceField(label=_("当事人"), coerce=int)
    consented = forms.TypedChoiceField(
        label=_("意见"), choices=[("1", _("同意调解")), ("0", _("不同意调解"))], coerce=lambda v: v == "1"
    )
    # Staff record what a party said to them; only the party records their own online answer (issue 10).
    method = forms.ChoiceField(
        label=_("确认方式"),
        choices=translated_choices([c for c in ConsentMethod.choices() if c[0] != ConsentMethod.PARTY_ONLINE]),
    )
    answered_at = forms.DateTimeField(
        label=_("表示意见时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    note = forms.CharField(label=_("备注（录音编号、笔录页码等）"), required=False, max_length=500)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [
            (p.pk, gettext("%(name)s（%(role)s）") % {"name": p.name, "role": gettext(case.role_label(p.role))})
            for p in case.parties.all()
        ]


class DelegateForm(forms.Form):
    """Only organisations on the court's invited roster are offered (LEGAL-RULES L2)."""

    organisation = forms.ModelChoiceField(label=_("调解组织"), queryset=None, empty_label=_("请选择调解组织"))

    def __init__(self, *args, court_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = roster_organisations(court_id)


class JointChoiceForm(DelegateForm):
    mediator = forms.ModelChoiceField(
        label=_("调解员（可不选）"), queryset=None, required=False, empty_label=_("由调解组织指派")
    )

    def __init__(self, *args, court_id, **kwargs):
        super().__init__(*args, court_id=court_id, **kwargs)
        self.fields["mediator"].queryset = roster_mediators(court_id)
        self.fields["mediator"].label_from_instance = lambda m: f"{m.name}（{m.organisation.name}）"


class ConfirmProposalForm(forms.Form):
    valid_from = forms.DateField(label=_("有效期自"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    valid_until = forms.DateField(
        label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        start = china_today()
        kwargs.setdefault("initial", {"valid_from": start, "valid_until": default_validity(start)})
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
