from django import forms
from django.utils.translation import gettext_lazy as _

from sutiao.accounts.models import Institution, InstitutionKind
from sutiao.kernel.direct import OFFLINE_ANSWER_METHODS, RespondentSector
from sutiao.kernel.enums import ConsentMethod, DisputeType
from sutiao.translation import translated_choices

from ..models import RegistryStatus
from ..selectors import assignable_mediators


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the action that stores it (sutiao.documents)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class _Styled(forms.Form):
    """Bootstrap's classes on every widget, so the fields fit a phone's width."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif not isinstance(widget, forms.RadioSelect):  # radios keep the browser's own, beside their labels
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"


class ApplicationForm(_Styled):
    organisation = forms.ModelChoiceField(label=_("调解组织"), queryset=None, empty_label=_("请选择调解组织"))
    dispute_type = forms.ChoiceField(label=_("纠纷类型"))
    respondent_name = forms.CharField(label=_("被申请人名称"), max_length=200)
    respondent_code = forms.CharField(label=_("被申请人统一社会信用代码"), max_length=30)
    respondent_sector = forms.ChoiceField(label=_("被申请人类型"))
    claims = forms.CharField(label=_("请求事项"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    amount = forms.DecimalField(label=_("标的额（元）"), max_digits=16, decimal_places=2)
    facts = forms.CharField(label=_("事实与理由"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    ordinary_investor = forms.BooleanField(
        label=_("本人为普通投资者（非专业投资者，《证券法》第八十九条）"), required=False, initial=True
    )
    files = MultipleFileField(label=_("证据文件（PDF、图片或Office文件，可多选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Institution.objects.filter(
            kind=InstitutionKind.MEDIATION_ORG, active=True, registry__status=RegistryStatus.ACTIVE
        ).order_by("name")
        self.fields["dispute_type"].choices = translated_choices(DisputeType.choices())
        self.fields["respondent_sector"].choices = translated_choices(RespondentSector.choices())


class AcceptForm(_Styled):
    mediator = forms.ModelChoiceField(label=_("调解员"), queryset=None, empty_label=_("请选择调解员"))

    def __init__(self, *args, organisation_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = assignable_mediators(organisation_id)
        self.fields["mediator"].label_from_instance = lambda u: u.display_name


class DeclineForm(_Styled):
    reason = forms.CharField(label=_("不予受理的理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class WithdrawForm(_Styled):
    reason = forms.CharField(
        label=_("撤回理由（可不填）"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class RespondForm(_Styled):
    agreed = forms.TypedChoiceField(
        label=_("是否同意调解"),
        coerce=lambda v: v == "1",
        choices=[("1", _("同意调解")), ("0", _("拒绝调解"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("拒绝的理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OfflineAnswerForm(_Styled):
    """The respondent's answer given to the organisation off the platform (no account here)."""

    agreed = forms.TypedChoiceField(
        label=_("被申请人的答复"),
        coerce=lambda v: v == "1",
        choices=[("1", _("同意调解")), ("0", _("拒绝调解"))],
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label=_("答复方式"),
        choices=[c for c in translated_choices(ConsentMethod.choices()) if c[0] in OFFLINE_ANSWER_METHODS],
    )
    note = forms.CharField(label=_("凭据（录音编号、书面回复文号或笔录）"), max_length=200)
    reason = forms.CharField(
        label=_("拒绝的理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnreachedForm(_Styled):
    reason = forms.CharField(
        label=_("联系被申请人的经过和无法联系的原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
