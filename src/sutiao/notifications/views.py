from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sutiao.documents.downloads import download_response
from sutiao.forms_actions import submit
from sutiao.kernel.service import SERVICE_CITATION, ServiceChannel

from . import actions, selectors, serving

PAGE_SIZE = 20


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request, notification_id: int):
    """Marks it read and goes where it points (a link on this platform only)."""
    notification = actions.mark_read(request.user, notification_id)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts=set()):
        return redirect(link)
    return redirect("notifications")


@login_required
@require_POST
def read_all(request):
    actions.mark_all_read(request.user)
    return redirect("notifications")


# --- electronic service (L16): what a party sees and does ---


@login_required
def served_document(request, service_id):
    """A document served on a party the user acts for: opening it is the read receipt (L16's proof)."""
    service = serving.open_served(request.user, service_id)
    return render(request, "notifications/served.html", {"service": service})


@login_required
def served_document_file(request, service_id):
    service = serving.open_served(request.user, service_id)
    return download_response(
        request,
        service.document,
        permitted=lambda user, stored: stored.pk == service.document_id,
    )


class ServiceConsentForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("同意以下列方式接收电子送达"),
        choices=[(c.value, c.label) for c in ServiceChannel],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请至少选择一种接收方式")},
    )
    email = forms.EmailField(label=gettext_lazy("电子邮箱（选择电子邮箱时填写）"), required=False)
    read = forms.BooleanField(
        label=gettext_lazy("我已知悉电子送达的适用范围、效力和送达地址变更方式"),
        error_messages={"required": gettext_lazy("请先阅读并勾选确认")},
    )


@login_required
def service_consent(request):
    """A party (or an agent within the «documents» scope) consents online to electronic service (在线诉讼规则
    Art. 30), for each party they act for."""
    parties = serving.consent_parties(request.user)
    forms_by_party = {p.pk: ServiceConsentForm(prefix=f"p{p.pk}") for p, _c in parties}
    if request.method == "POST":
        profile = next((p for p, _c in parties if str(p.pk) == request.POST.get("party")), None)
        if profile is None:
            raise Http404
        form = forms_by_party[profile.pk] = ServiceConsentForm(request.POST, prefix=f"p{profile.pk}")
        done = submit(
            request,
            form,
            lambda: serving.consent_online(
                request.user, profile, form.cleaned_data["channels"], form.cleaned_data["email"]
            ),
            _("已记录您同意电子送达及接收方式。"),
        )
        if done is not None:
            return redirect("service-consent")
    return render(
        request,
        "notifications/service_consent.html",
        {
            "rows": [(p, c, forms_by_party[p.pk]) for p, c in parties],
            "citation": SERVICE_CITATION,
            "served": serving.served_to(request.user)[:50],
        },
    )
