from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.calendar import china_today
from sutiao.kernel.enums import CaseStage, ConsentMethod, DisputeType, PartyKind, PartyRole
from sutiao.kernel.errors import DomainError
from sutiao.kernel.rules import default_validity
from sutiao.kernel.workflow import CourtState
from sutiao.listing import normalise
from sutiao.translation import refusal, translated_choices

from .actions.cases import party_identifier, party_phone
from .selectors import roster_mediators, roster_organisations


class CaseForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("阶段"), choices=translated_choices(CaseStage.choices()), initial=CaseStage.PRE_FILING
    )
    litigation_number = forms.CharField(label=_("本案案号（诉中委托时填写）"), required=False, max_length=80)
    simple_procedure = forms.BooleanField(label=_("本案适用简易程序（诉中委托时；调解期限 7 日）"), required=False)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=translated_choices(DisputeType.choices()))
    amount = forms.DecimalField(label=_("标的额（元）"), min_value=0, max_digits=16, decimal_places=2)
    facts = forms.CharField(label=_("事实与理由"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class PartyChecks(forms.Form):
    """A party's `kind`, `id_number` and `phone`, checked as registration checks them (actions.cases.
    party_identifier, party_phone), so that every party's fault shows at once, on its own row."""

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("id_number"):
            try:
                data["id_number"] = party_identifier(PartyKind(data["kind"]), data["id_number"])
            except DomainError as e:
                self.add_error("id_number", refusal(e))
        if data.get("phone"):
            try:
                data["phone"] = party_phone(data["phone"])
            except DomainError as e:
                self.add_error("phone", refusal(e))
        return data


class PartyForm(PartyChecks):
    role = forms.ChoiceField(label=_("诉讼地位"), choices=translated_choices(PartyRole.choices()))
    kind = forms.ChoiceField(label=_("类型"), choices=translated_choices(PartyKind.choices()))
    name = forms.CharField(label=_("姓名/名称"), max_length=200)
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    address = forms.CharField(label=_("地址"), max_length=300, required=False)


class ClaimForm(forms.Form):
    text = forms.CharField(label=_("请求事项"), widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("金额（元）"), required=False, min_value=0, max_digits=16, decimal_places=2)


class PartyFormSetBase(BaseFormSet):
    # Plain Chinese instead of Django's "Please submit at least 2 forms."
    default_error_messages = {
        "too_few_forms": _("请至少填写一名申请人和一名被申请人"),
        "too_many_forms": _("当事人最多填写 50 名"),
    }


class ClaimFormSetBase(BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("请至少填写一项请求事项"),
        "too_many_forms": _("请求事项最多填写 50 项"),
    }


PartyFormSet = formset_factory(
    PartyForm, formset=PartyFormSetBase, extra=0, min_num=2, validate_min=True, max_num=50, validate_max=True
)
ClaimFormSet = formset_factory(
    ClaimForm, formset=ClaimFormSetBase, extra=0, min_num=1, validate_min=True, max_num=50, validate_max=True
)


class CorrectionForm(forms.Form):
    """What a correction changes of the case itself, and why (actions.cases.correct_case); the parties and
    claims come in the registration's formsets."""

    dispute_type = CaseForm.base_fields["dispute_type"]
    amount = CaseForm.base_fields["amount"]
    facts = CaseForm.base_fields["facts"]
    reason = forms.CharField(
        label=_("更正理由"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("必填，记入更正记录"),
    )


class PartyEditForm(PartyForm):
    # The registered party a row corrects; empty for a party added (only before the parties were asked).
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)


PartyEditFormSet = formset_factory(
    PartyEditForm,
    formset=PartyFormSetBase,
    extra=0,
    min_num=2,
    validate_min=True,
    max_num=50,
    validate_max=True,
    can_delete=True,
)


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

    def __init__(self, *args, court_id, ranking=(), declined=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = roster_organisations(court_id)
        if ranking or declined:
            field.choices = ranked_choices(field, ranking, declined)


def ranked_choices(field, ranking, declined) -> list:
    """The roster in the ranking's order (issue 15 §5), numbered; organisations that declined this case last
    and marked. The queryset still decides what is valid: the order is only how it is offered."""
    position = {r.org_id: r.rank for r in ranking}
    declined = {str(pk) for pk in declined}
    organisations = sorted(
        field.queryset, key=lambda o: (str(o.pk) in declined, position.get(str(o.pk), len(position) + 1), o.name)
    )
    choices = [("", field.empty_label)]
    for o in organisations:
        key = str(o.pk)
        if key in declined:
            label = gettext("%(name)s（已对本案不予接受）") % {"name": o.name}
        elif key in position:
            label = gettext("%(rank)s. %(name)s") % {"rank": position[key], "name": o.name}
        else:
            label = o.name
        choices.append((o.pk, label))
    return choices


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


class CaseFilterForm(forms.Form):
    """What a case list is searched and narrowed by (selectors.filter_cases); every field optional."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        help_text=_("案号（全部或部分）、当事人姓名或名称、统一社会信用代码、身份证号码（完整）、调解组织、调解员"),
    )
    queue = forms.ChoiceField(
        label=_("待办"),
        required=False,
        choices=[
            ("", _("全部")),
            ("staff", _("待本院处理")),
            ("answer", _("待调解组织答复")),
            ("mediating", _("调解中")),
        ],
    )
    state = forms.ChoiceField(label=_("状态"), required=False)
    stage = forms.ChoiceField(label=_("阶段"), required=False)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), required=False)
    organisation = forms.ChoiceField(label=_("调解组织"), required=False)
    registered_from = forms.DateField(
        label=_("登记日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    registered_to = forms.DateField(
        label=_("登记日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_within = forms.IntegerField(label=_("答复期限在几日内"), required=False, min_value=0, max_value=366)
    overdue = forms.BooleanField(label=_("已超答复期限"), required=False)

    def __init__(self, *args, court_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            checkbox = isinstance(field.widget, forms.CheckboxInput)
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-check-input" if checkbox else "form-select" if select else "form-control"
            )
        everything = [("", gettext("全部"))]
        self.fields["state"].choices = everything + translated_choices(CourtState.choices())
        self.fields["stage"].choices = everything + translated_choices(CaseStage.choices())
        self.fields["dispute_type"].choices = everything + translated_choices(DisputeType.choices())
        self.fields["organisation"].choices = everything + [(str(o.pk), o.name) for o in roster_organisations(court_id)]

    def clean_q(self):
        words = self.cleaned_data["q"].split()
        if any(len(normalise(w)) == 1 for w in words):
            raise forms.ValidationError(gettext("请至少输入两个字或两位数字"))
        return " ".join(words)

    def clean(self):
        data = super().clean()
        start, end = data.get("registered_from"), data.get("registered_to")
        if start and end and start > end:
            self.add_error("registered_to", gettext("结束日期不能早于开始日期"))
        return data

    def filters(self) -> dict:
        """The valid filters, as selectors.filter_cases takes them."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}
        return data
