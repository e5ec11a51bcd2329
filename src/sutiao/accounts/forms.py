from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sutiao.kernel.enums import PartyKind
from sutiao.translation import translated_choices


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)
    error_messages = {
        "invalid_login": _("用户名或密码错误。连续失败 5 次将暂时锁定。"),
        "inactive": _("该账号已停用。"),
    }


class SmsLoginForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class StaffForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=100)
    mobile = forms.CharField(label=_("手机号（登录时接收短信验证码）"), max_length=20)
    password = forms.CharField(label=_("初始密码"), min_length=10, widget=forms.PasswordInput)


class PowerForm(forms.Form):
    agent = forms.CharField(label=_("代理人用户名"), max_length=150)
    scopes = forms.MultipleChoiceField(
        label=_("代理权限"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择代理权限")},
    )
    valid_until = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))
    document_ref = forms.CharField(label=_("授权委托书编号"), max_length=200, required=False)
    # Checked by the action (sutiao.documents), which says in its own words what is wrong with a file.
    document_file = forms.FileField(label=_("授权委托书文件（PDF 或图片）"), required=False, allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        from .models import AgentScope

        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = AgentScope.choices


class ApiTokenForm(forms.Form):
    """Issue a REST API token; an institution's administrator may issue one for any of its users."""

    name = forms.CharField(label=_("用途"), max_length=100, initial=_("办案系统对接"))
    scopes = forms.MultipleChoiceField(label=_("权限范围"), widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(label=_("有效期（天）"), min_value=1, max_value=365, initial=90)
    user = forms.ModelChoiceField(label=_("使用人"), queryset=None, required=False)

    def __init__(self, *args, scopes, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scopes
        self.fields["scopes"].error_messages["required"] = _("请至少选择一项权限")
        if users is None:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users
            self.fields["user"].empty_label = _("本人")


class SignUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("当事人类型"))
    name = forms.CharField(label=_("姓名/名称（与证件一致）"), max_length=200)
    id_number = forms.CharField(label=_("公民身份号码/统一社会信用代码"), max_length=30)
    mobile = forms.CharField(
        label=_("手机号（用于接收登录验证码）"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = translated_choices(PartyKind.choices())
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


class SecondFactorResetForm(forms.Form):
    reason = forms.CharField(
        label=_("重置原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如“手机遗失，已电话核实本人”；记入审计日志"),
    )
