"""The forms of judicial confirmation's pages. What the law decides (periods, competence, who may act) is the
actions' to refuse; these check what was typed, every fault shown at once."""

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Role, User
from sutiao.kernel.confirmation import NonAcceptanceGround, RejectionGround, RulingOutcome
from sutiao.kernel.enums import DisputeType, PartyKind, PartyRole
from sutiao.kernel.workflow import ConfirmationState
from sutiao.translation import translated_choices

from ..forms import PartyChecks
from ..models import Case

DATE = forms.DateInput(attrs={"type": "date"})
DIVISION_HELP = _("GB/T 2260 行政区划代码，2、4 或 6 位，如 110105（北京市朝阳区）")


def _division(value: str) -> str:
    value = (value or "").strip()
    if value and not (value.isdigit() and len(value) in (2, 4, 6)):
        raise forms.ValidationError(gettext("行政区划代码须为 2、4 或 6 位数字"))
    return value


class ReceiveForm(forms.Form):
    agreement = forms.FileField(label=_("调解协议（PDF 或图片）"))
    agreement_effective_on = forms.DateField(label=_("调解协议生效日期"), widget=DATE)
    received_at = forms.DateTimeField(
        label=_("收到申请时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=translated_choices(DisputeType.choices()))
    organisation_name = forms.CharField(label=_("主持调解的调解组织"), max_length=200)
    case_number = forms.CharField(label=_("本院委派调解的案号（本院委派的，填写）"), max_length=80, required=False)
    organisation_seat = forms.CharField(
        label=_("调解组织所在地"), max_length=12, required=False, help_text=DIVISION_HELP
    )
    subject_matter = forms.CharField(label=_("标的物所在地"), max_length=12, required=False, help_text=DIVISION_HELP)
    issuer_seat = forms.CharField(
        label=_("发行人住所地（证券虚假陈述纠纷必填）"), max_length=12, required=False, help_text=DIVISION_HELP
    )
    amount = forms.DecimalField(label=_("协议金额（元）"), required=False, min_value=0, max_digits=16, decimal_places=2)

    def __init__(self, *args, court_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.court_id = court_id
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_organisation_seat(self):
        return _division(self.cleaned_data["organisation_seat"])

    def clean_subject_matter(self):
        return _division(self.cleaned_data["subject_matter"])

    def clean_issuer_seat(self):
        return _division(self.cleaned_data["issuer_seat"])

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].strip()
        if not number:
            return None
        case = Case.objects.filter(court_id=self.court_id, number=number).first()
        if case is None:
            raise forms.ValidationError(gettext("本院没有案号为 %(number)s 的案件") % {"number": number})
        return case


class ApplicantForm(PartyChecks):
    role = forms.ChoiceField(label=_("地位"), choices=translated_choices(PartyRole.choices()))
    kind = forms.ChoiceField(label=_("类型"), choices=translated_choices(PartyKind.choices()))
    name = forms.CharField(label=_("姓名/名称"), max_length=200)
    id_number = forms.CharField(label=_("证件号码/统一社会信用代码"), max_length=40)
    domicile = forms.CharField(label=_("住所地（行政区划代码）"), max_length=12)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)

    def clean_domicile(self):
        value = _division(self.cleaned_data["domicile"])
        if not value:
            raise forms.ValidationError(gettext("请填写住所地"))
        return value


class ApplicantFormSetBase(BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("司法确认须由双方当事人共同申请：请至少填写两名申请人"),
        "too_many_forms": _("申请人最多填写 20 名"),
    }


ApplicantFormSet = formset_factory(
    ApplicantForm, formset=ApplicantFormSetBase, extra=0, min_num=2, validate_min=True, max_num=20, validate_max=True
)


class AcceptForm(forms.Form):
    judge = forms.ModelChoiceField(label=_("指定审查法官"), queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args, court_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = User.objects.filter(
            institution_id=court_id, role=Role.JUDGE, is_active=True
        ).order_by("username")


class NotAcceptForm(forms.Form):
    ground = forms.ChoiceField(label=_("不予受理情形"), choices=translated_choices(NonAcceptanceGround.choices()))
    reasons = forms.CharField(label=_("理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class MaterialForm(forms.Form):
    what = forms.CharField(label=_("需补充的陈述或材料"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label=_("补充期限"), widget=DATE)


class MaterialAnswerForm(forms.Form):
    answer = forms.CharField(label=_("当事人补充的情况"), max_length=1000)


class ExtensionForm(forms.Form):
    approved_by = forms.CharField(label=_("批准延长的院长"), max_length=100)
    approved_on = forms.DateField(label=_("批准日期"), widget=DATE)
    reason = forms.CharField(label=_("延长理由"), max_length=1000)


class RulingForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("裁定"), choices=translated_choices(RulingOutcome.choices()), widget=forms.RadioSelect
    )
    rejection_ground = forms.ChoiceField(
        label=_("驳回情形（驳回申请时）"),
        required=False,
        choices=[("", "—")] + translated_choices(RejectionGround.choices()),
    )
    reasons = forms.CharField(label=_("裁定理由"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("outcome") == RulingOutcome.REJECTED and not data.get("rejection_ground"):
            self.add_error("rejection_ground", gettext("驳回申请须写明驳回情形"))
        return data


class WithdrawForm(forms.Form):
    reasons = forms.CharField(label=_("撤回的情况"), max_length=1000)
    deemed = forms.BooleanField(
        label=_("当事人无正当理由逾期未补充，按撤回申请处理（解释第三百五十七条第二款）"), required=False
    )


class FilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"), required=False, max_length=100, help_text=_("案号、申请人姓名或名称、调解组织")
    )
    state = forms.ChoiceField(label=_("状态"), required=False)
    mine = forms.BooleanField(label=_("由我审查"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext("全部"))] + translated_choices(ConfirmationState.choices())
