"""A party's sign-in with a code sent by SMS (the password sign-in is the shared /accounts/login/), and a
party's own page of what their agents or staff did for them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sutiao.forms_actions import show_refusal, submit
from sutiao.kernel.errors import DomainError

from . import parties, sms_signin
from .forms import LoginForm, PowerForm, SmsLoginForm, StaffForm
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
    return render(
        request,
        "accounts/acts.html",
        {"page": page, "acting": parties.represented(request.user), "firm_admin": parties.is_firm_admin(request.user)},
    )


@login_required
def firm_staff(request):
    """A firm account's holder authorises and revokes the staff who act for the firm."""
    if not parties.is_firm_admin(request.user):
        raise Http404
    form = StaffForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            member = get_object_or_404(parties.staff_of(request.user), pk=request.POST.get("revoke"))
            parties.revoke_staff(request.user, member)
            messages.success(request, _("已撤销授权"))
            return redirect("firm-staff")
        added = submit(
            request,
            form,
            lambda: parties.authorise_staff(request.user, **form.cleaned_data),
            _("已授权该工作人员代表本单位办理"),
        )
        if added is not None:
            return redirect("firm-staff")
    return render(request, "accounts/firm_staff.html", {"form": form, "staff": parties.staff_of(request.user)})


@login_required
def powers(request):
    """A party's powers of attorney: grant one to an agent within scopes, revoke one."""
    if not parties.is_party_holder(request.user):
        raise Http404
    form = PowerForm(request.POST or None)
    if request.method == "POST":
        if "revoke" in request.POST:
            power = get_object_or_404(parties.powers_of(request.user), pk=request.POST.get("revoke"))
            parties.revoke_power(request.user, power)
            messages.success(request, _("已撤销授权委托"))
            return redirect("powers")

        def grant():
            data = form.cleaned_data
            return parties.grant_power(
                request.user,
                agent=parties.agent_by_username(data["agent"]),
                scopes=data["scopes"],
                valid_until=data["valid_until"],
                document_ref=data["document_ref"],
            )

        if submit(request, form, grant, _("已登记授权委托")) is not None:
            return redirect("powers")
    return render(request, "accounts/powers.html", {"form": form, "powers": parties.powers_of(request.user)})


@login_required
def my_data(request):
    """A party downloads a copy of their personal data on this platform (个人信息保护法 Art. 45), as JSON."""
    copy = parties.data_copy(request.user)
    response = JsonResponse(copy, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="my-data-{settings.PLATFORM}.json"'
    return response
