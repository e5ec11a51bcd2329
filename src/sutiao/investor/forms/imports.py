from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sutiao.accounts.models import Institution

from .. import permissions
from ..models import ImportKind


def _kinds_for(user) -> list[tuple[str, str]]:
    kinds = [(ImportKind.MEDIATOR.value, gettext_lazy("调解员")), (ImportKind.TRAINING.value, gettext_lazy("培训记录"))]
    if permissions.is_bureau(user):
        kinds.insert(0, (ImportKind.ORGANISATION.value, gettext_lazy("调解组织")))
    return kinds


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入内容"))
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("所属调解组织（导入调解员或培训记录时）"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=gettext_lazy("请选择调解组织"),
    )
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx，不超过 10 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _kinds_for(user)
        self.fields["organisation"].queryset = permissions.editable_organisations(user)
        if permissions.administers(user, user.institution_id):
            self.fields["organisation"].initial = user.institution_id
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", "form-select" if name != "file" else "form-control")

    def clean(self):
        data = super().clean()
        if data.get("kind") in (ImportKind.MEDIATOR, ImportKind.TRAINING) and not data.get("organisation"):
            self.add_error("organisation", _("请选择调解员所属的调解组织"))
        return data
