"""A party's sign-in with a code sent by SMS (the password sign-in is the shared /accounts/login/), and a
party's own page of what their agents or staff did for them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sutiao.forms_actions import show_refusal
from sutiao.kernel.errors import DomainError

from . import parties, sms_signin
from .forms import LoginForm, SmsLoginForm
from .models import Role


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.PARTY_HOME_URL


class LoginView(auth_views.LoginView):
    """The password sign-in; a party or agent lands on their own pages (the staff home is not theirs)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        if self.request.user.role in (Role.PARTY, Role.AGENT):
            return settings.PARTY_HOME_URL
        return super().get_default_redirect_url()


def sms_login(request):
    form = SmsLoginForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        if "send" in request.POST:
            try:
                sms_signin.request_code(mobile, request.META.get("REMOTE_ADDR"))
            except DomainError as e:
                show_refusal(form, e)
            else:
                sent = True
                messages.info(request, _("如该手机号已登记为当事人账户，验证码已发送，5分钟内有效。"))
        elif not form.cleaned_data["code"]:
            form.add_error("code", _("请填写短信验证码"))
        else:
            user = authenticate(request, username=mobile, sms_code=form.cleaned_data["code"])
            if user is not None:
                login(request, user, backend="sutiao.accounts.sms_signin.SmsCodeBackend")
                return redirect(_next(request))
            if getattr(request, "axes_locked_out", False):
                return render(request, "accounts/locked_out.html", status=429)
            form.add_error("code", _("验证码错误或已失效，请重新获取。连续失败 5 次将暂时锁定。"))
    return render(
        request,
        "accounts/sms_login.html",
        {"form": form, "sent": sent, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


@login_required
def acts_on_my_behalf(request):
    page = Paginator(parties.acts_for_party(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/acts.html", {"page": page, "acting": parties.represented(request.user)})
