"""Forms of the training pages. They collect what was typed; the actions (actions/training.py) check it — the
same rules as for an Excel row — and a refusal is shown on the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..actions.training import TrainingData
from .registry import BootstrapForm


class TrainingForm(BootstrapForm):
    course = forms.CharField(label=_("课程名称"), max_length=200)
    provider = forms.CharField(label=_("培训举办单位"), max_length=200)
    # Text: the action says in Chinese what is wrong with 0, 250 or "abc" (as it does for an Excel row).
    hours = forms.CharField(label=_("学时"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    completed_on = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    certificate_number = forms.CharField(label=_("证书编号"), max_length=100, required=False)
    certificate = forms.FileField(
        label=_("证书文件"), required=False, help_text=_("可选；PDF 或图片"), widget=forms.ClearableFileInput
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["certificate"].help_text = _("可选；上传新文件将替换原证书文件")
            self.fields["reason"] = forms.CharField(label=_("更正理由"), max_length=500)
            self.fields["reason"].widget.attrs["class"] = "form-control"

    @staticmethod
    def initial_for(entry) -> dict:
        return {
            "course": entry.course,
            "provider": entry.provider,
            "hours": entry.hours,
            "completed_on": entry.completed_on,
            "certificate_number": entry.certificate_number,
        }

    def data_for_service(self) -> TrainingData:
        d = self.cleaned_data
        return TrainingData(d["course"], d["provider"], d["hours"], d["completed_on"], d["certificate_number"])


class RemoveForm(BootstrapForm):
    reason = forms.CharField(label=_("删除理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class RequirementForm(BootstrapForm):
    hours = forms.CharField(label=_("近12个月应完成的学时"), max_length=10)
    reason = forms.CharField(label=_("调整说明"), max_length=500)


class TrainingFilterForm(forms.Form):
    q = forms.CharField(label=_("姓名或课程"), required=False, max_length=100)
    short = forms.BooleanField(label=_("仅看未达标"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"class": "form-control form-control-sm", "type": "search"})
        self.fields["short"].widget.attrs["class"] = "form-check-input"
