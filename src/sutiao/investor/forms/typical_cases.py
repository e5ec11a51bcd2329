"""The typical-case forms (investor/actions/typical_cases.py): the organisation's draft, the reviewer's corrected
text, a note or reason, and the public page's filter."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.enums import DisputeType
from sutiao.kernel.workflow import TypicalCaseState
from sutiao.translation import translated_choices

from ..actions.typical_cases import Draft
from .applications import _Styled


class DraftForm(_Styled):
    title = forms.CharField(label=_("标题"), max_length=100)
    text = forms.CharField(
        label=_("案例"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "写明基本案情、调解过程和调解结果。当事人姓名、证件号码、电话、住址、账号将由系统替换，审核人核对后发布。"
        ),
    )
    significance = forms.CharField(label=_("典型意义"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))

    def draft(self) -> Draft:
        data = self.cleaned_data
        return Draft(data["title"], data["text"], data["significance"])


class ReviewForm(DraftForm):
    """The reviewer publishes the de-identified text as corrected here."""

    text = forms.CharField(label=_("案例（去标识化）"), max_length=20000, widget=forms.Textarea(attrs={"rows": 14}))
    significance = forms.CharField(
        label=_("典型意义（去标识化）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class NoteForm(_Styled):
    note = forms.CharField(label=_("意见或理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ListFilter(_Styled):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", gettext("全部"))] + translated_choices(TypicalCaseState.choices())


class PublicFilter(_Styled):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispute_type"].choices = [("", gettext("全部"))] + translated_choices(DisputeType.choices())
