from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import actions, selectors

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
