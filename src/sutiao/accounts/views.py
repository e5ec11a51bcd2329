"""Sign-in: the shared password page, a party's or agent's second step (the SMS code after the password, or
the password after a code on /accounts/sms-login/), the staff's second factor; a party's own page of what
their agents or staff did for them."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from sutiao.documents.downloads import download_response
from sutiao.forms_actions import show_refusal, submit
from sutiao.kernel.errors import DomainError
from sutiao.listing import next_url, page

from . import parties, passwords, sms_signin, tokens, two_factor
from .client_ip import client_ip
from .forms import ApiTokenForm, LoginForm, PowerForm, SecondFactorResetForm, SignUpForm, SmsLoginForm, StaffForm
from .models import PowerOfAttorney, Role, User


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.PARTY_HOME_URL


class LoginView(auth_views.LoginView):
    """The password sign-in; a party or agent lands on their own pages (the staff home is not theirs), after
    the SMS code sent here to their mobile (issue 14 §10)."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        if self.request.user.role in (Role.PARTY, Role.AGENT):
            return settings.PARTY_HOME_URL
        return super().get_default_redirect_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        request = self.request
        if request.user.role not in two_factor.PARTY_ROLES:
            return response
        two_factor.party_factor_proven(request, two_factor.PASSWORD)
        _send_party_code(request)
        return redirect(f"{reverse('party-verify')}?{urlencode({'next': self.get_success_url()})}")


def _send_party_code(request) -> None:
    try:
        masked = sms_signin.send_code_to(request.user, client_ip(request))
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.info(request, _("验证码已发送至 %(mobile)s，5分钟内有效。") % {"mobile": masked})


def party_verify(request):
    """The other factor of a party's or agent's sign-in: the SMS code to their own mobile after the password,
    or the password after a code (an account opened without one — self sign-up — sets it here, once)."""
    if not request.user.is_authenticated:
        return redirect("login")
    missing = two_factor.party_factors_missing(request)
    target = _next(request)
    if not missing:
        return redirect(target)
    user, error = request.user, None
    if two_factor.SMS in missing:
        masked = sms_signin.masked_mobile(user)
        if request.method == "POST" and "send" in request.POST:
            _send_party_code(request)
            return redirect(f"{reverse('party-verify')}?{urlencode({'next': target})}")
        if request.method == "POST":
            code = (request.POST.get("code") or "").strip()
            result = sms_signin.check_user_code(user, code) if code else None
            if result is sms_signin.Check.OK:
                two_factor.party_factor_proven(request, two_factor.SMS)
                return redirect(f"{reverse('party-verify')}?{urlencode({'next': target})}")
            error = _code_refusal(result, user)
        return render(
            request,
            "accounts/party_verify.html",
            {"step": "sms", "masked": masked, "error": error, "next": target},
        )
    # The password (the code came first).
    if not user.has_usable_password():
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            passwords.set_first_password(request, form)
            two_factor.party_factor_proven(request, two_factor.PASSWORD)
            return redirect(target)
        return render(request, "accounts/party_verify.html", {"step": "set-password", "form": form, "next": target})
    if request.method == "POST":
        checked = authenticate(request, username=user.get_username(), password=request.POST.get("password", ""))
        if checked is not None and checked.pk == user.pk:
            two_factor.party_factor_proven(request, two_factor.PASSWORD)
            return redirect(target)
        if getattr(request, "axes_locked_out", False):
            return render(request, "accounts/locked_out.html", status=429)
        error = _("密码不正确。连续失败 5 次将暂时锁定。")
    return render(request, "accounts/party_verify.html", {"step": "password", "error": error, "next": target})


def _code_refusal(result, user) -> str:
    if result is None:
        return _("请填写短信验证码")
    if result is sms_signin.Check.NONE:
        return _("尚未发送验证码，请点击“重新发送验证码”")
    if result is sms_signin.Check.EXPIRED:
        return _("验证码已过期、已使用或错误次数过多，请重新发送验证码")
    left = sms_signin.tries_left(sms_signin.mobile_digest(sms_signin.signed_in_mobile(user)))
    if not left:
        return _("验证码错误次数过多，已失效，请重新发送验证码")
    return _("验证码不正确，请核对短信后重新输入（还可尝试 %(left)d 次）") % {"left": left}


def sms_login(request):
    form = SmsLoginForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        mobile = form.cleaned_data["mobile"]
        if "send" in request.POST:
            try:
                sms_signin.request_code(mobile, client_ip(request))
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
                two_factor.party_factor_proven(request, two_factor.SMS)
                # The password is still to come (issue 14 §10): the middleware would ask for it anyway.
                return redirect(f"{reverse('party-verify')}?{urlencode({'next': _next(request)})}")
            if getattr(request, "axes_locked_out", False):
                return render(request, "accounts/locked_out.html", status=429)
            form.add_error("code", _("验证码错误或已失效，请重新获取。连续失败 5 次将暂时锁定。"))
    return render(
        request,
        "accounts/sms_login.html",
        {"form": form, "sent": sent, "next": request.POST.get("next") or request.GET.get("next", "")},
    )


def sign_up(request):
    """A party opens their own account (a platform that offers it routes here), then signs in by SMS code."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: parties.sign_up(**form.cleaned_data),
            _("账户已开设。请用短信验证码登录并设置登录密码，登录后核验身份即可查看您的案件。"),
        )
        if done is not None:
            return redirect("sms-login")
    return render(request, "accounts/sign_up.html", {"form": form})


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
    form = PowerForm(request.POST or None, request.FILES or None)
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
                document_file=data["document_file"],
            )

        if submit(request, form, grant, _("已登记授权委托")) is not None:
            return redirect("powers")
    return render(request, "accounts/powers.html", {"form": form, "powers": parties.powers_of(request.user)})


@login_required
def api_tokens(request):
    """REST API tokens: one's own, or an institution administrator's view of all its users' tokens; issue one
    (shown once, on this answer only), rotate, revoke."""
    actor = request.user
    if actor.institution_id is None:
        raise Http404
    users = (
        User.objects.filter(institution_id=actor.institution_id, is_active=True).order_by("username")
        if actor.role in tokens.ADMINS
        else None
    )
    form = ApiTokenForm(request.POST or None, scopes=tokens.scope_choices(), users=users)
    issued = None
    if request.method == "POST" and ("rotate" in request.POST or "revoke" in request.POST):
        chosen = request.POST.get("rotate") or request.POST.get("revoke") or ""
        if not chosen.isdigit():
            raise Http404
        token = get_object_or_404(tokens.manageable(actor), pk=chosen)
        if "revoke" in request.POST:
            tokens.revoke_token(actor, token)
            messages.success(request, _("令牌已吊销，立即失效"))
            return redirect("api-tokens")
        try:
            issued = tokens.rotate_token(actor, token)
        except DomainError as e:
            messages.error(request, str(e))
            return redirect("api-tokens")
        form = ApiTokenForm(scopes=tokens.scope_choices(), users=users)
    elif request.method == "POST":

        def issue():
            data = form.cleaned_data
            return tokens.issue_token(actor, data.get("user") or actor, data["name"], data["scopes"], data["days"])

        issued = submit(request, form, issue, _("令牌已签发"))
        if issued is not None:
            form = ApiTokenForm(scopes=tokens.scope_choices(), users=users)
    page = Paginator(tokens.manageable(actor), 25).get_page(request.GET.get("page"))
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "page": page, "issued": issued, "now": timezone.now(), "labels": dict(tokens.scope_choices())},
    )
    response["Cache-Control"] = "no-store"  # the page may carry a token shown once
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Forgot password: a link to the account's email (the same answer whether or not the address is known)."""

    template_name = "accounts/password/reset_form.html"
    email_template_name = "accounts/password/reset_email.txt"
    subject_template_name = "accounts/password/reset_subject.txt"
    success_url = "/accounts/password-reset/sent/"

    def form_valid(self, form):
        self.extra_email_context = {"site_name": _(settings.PLATFORM_NAME)}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password/reset_confirm.html"
    success_url = "/accounts/password-reset/complete/"
    post_reset_login = False

    def form_valid(self, form):
        passwords.complete_reset(self.user, form)
        return redirect(self.success_url)


def _after_sign_in(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _no_store(response):
    response["Cache-Control"] = "no-store"  # keys and recovery codes are shown once
    return response


@login_required
def second_factor(request):
    """After the password: the code from the authenticator (or a recovery code); at the first sign-in, the
    authenticator is enrolled here."""
    user = request.user
    if user.role not in two_factor.STAFF_ROLES or user.is_verified():
        return redirect(_after_sign_in(request))
    if not two_factor.has_authenticator(user):
        device = two_factor.pending_authenticator(user)
        error = None
        if request.method == "POST":
            try:
                codes = two_factor.confirm_authenticator(request, device, request.POST.get("token", ""))
            except DomainError as e:
                error = str(e)
            else:
                return _no_store(
                    render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _after_sign_in(request)})
                )
        qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("用验证器扫描"))
        return _no_store(
            render(
                request,
                "accounts/two_factor_setup.html",
                {
                    "qr": qr,
                    "secret": b32encode(device.bin_key).decode(),
                    "error": error,
                    "next": request.GET.get("next", ""),
                },
            )
        )
    error = None
    if request.method == "POST":
        try:
            two_factor.verify(request, request.POST.get("token", ""))
        except DomainError as e:
            error = str(e)
        else:
            return redirect(_after_sign_in(request))
    return render(
        request,
        "accounts/two_factor.html",
        {"error": error, "next": request.GET.get("next", ""), "passkey": two_factor.has_passkey(user)},
    )


@login_required
def passkey_list(request):
    """A staff member's passkeys (second factor beside the authenticator): add one where the browser can, remove
    one. Needs a session signed in with two factors."""
    user = request.user
    if user.role not in two_factor.STAFF_ROLES:
        raise Http404
    if not user.is_verified():  # this page is under /accounts/two-factor/, which the middleware lets through
        return redirect(reverse("two-factor") + "?next=" + request.path)
    if request.method == "POST":
        try:
            two_factor.remove_passkey(user, _int(request.POST.get("remove")))
        except DomainError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("已删除该通行密钥"))
        return redirect("passkeys")
    return render(request, "accounts/passkeys.html", {"passkeys": two_factor.passkeys(user)})


@login_required
def second_factor_resets(request):
    """The staff accounts whose second factor this administrator may reset (their institution's; the Bureau and
    the operator: the platform's), searchable by user name or name, paged."""
    actor = request.user
    if actor.role not in two_factor.INSTITUTION_ADMINS | two_factor.PLATFORM_WIDE:
        raise Http404
    users = two_factor.resettable(actor)
    query = (request.GET.get("q") or "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    try:
        result = page(users, ("username", "id"), request.GET.get("cursor"))
    except DomainError as e:
        messages.error(request, str(e))
        result = page(users, ("username", "id"))
    return render(
        request,
        "accounts/second_factor_resets.html",
        {"users": result.items, "q": query, "next_url": next_url(request, result)},
    )


@login_required
def second_factor_reset(request, user_id):
    """Confirm, with a reason, that a staff member's authenticators, passkeys and recovery codes are removed."""
    actor = request.user
    if actor.role not in two_factor.INSTITUTION_ADMINS | two_factor.PLATFORM_WIDE:
        raise Http404
    user = get_object_or_404(two_factor.resettable(actor), pk=user_id)
    form = SecondFactorResetForm(request.POST or None)
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: two_factor.reset_second_factor(actor, user, form.cleaned_data["reason"]),
            _("已重置 %(name)s 的第二重验证：其下次登录时须重新设置验证器") % {"name": user.display_name},
        )
        if done is not None:
            return redirect("second-factor-resets")
    return render(
        request,
        "accounts/second_factor_reset.html",
        {"target": user, "devices": two_factor.devices_of(user), "form": form},
    )


def csrf_failure(request, reason=""):
    """A form refused for its anti-forgery token, in the platform's layout and language (settings
    CSRF_FAILURE_VIEW); Django's own page is English and bare. The reason stays in the server's log."""
    return render(request, "403_csrf.html", status=403)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def recovery_codes(request):
    """New recovery codes (the old ones stop working), for a staff member signed in with two factors."""
    if request.user.role not in two_factor.STAFF_ROLES or not request.user.is_verified():
        raise Http404
    if request.method != "POST":
        return render(request, "accounts/recovery_codes_renew.html")
    codes = two_factor.renew_recovery_codes(request.user)
    return _no_store(render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"}))


@login_required
def power_document(request, power_id):
    """The signed power of attorney, to the party who granted it and the agent it names; audited."""
    power = PowerOfAttorney.objects.select_related("party", "document").filter(pk=power_id).first()
    if power is None or power.document is None:
        raise Http404(_("文件不存在，或您无权下载此文件"))
    return download_response(
        request, power.document, permitted=lambda user, _f: parties.power_document_readable(user, power)
    )


@login_required
def my_data(request):
    """A party downloads a copy of their personal data on this platform (个人信息保护法 Art. 45), as JSON."""
    copy = parties.data_copy(request.user)
    response = JsonResponse(copy, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="my-data-{settings.PLATFORM}.json"'
    return response
