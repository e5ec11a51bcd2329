"""A second look before an irreversible action (issue 15 §4), for every HTML view of both platforms: the view
checks what was typed first, then — unless the request says `confirmed=1` — shows a page rendered by the server
(no script) that names the consequence and posts the same fields back with `confirmed=1`. The API does not
ask: a system calling it has decided."""

from django.http import HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def confirmed(request) -> bool:
    return request.POST.get(CONFIRMED) == "1"


def confirmation(request, *, title: str, consequence: str, action_label: str, back_url: str) -> HttpResponse:
    """The page that asks: what was posted is carried over (hidden) to the same address."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", CONFIRMED)
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "action_label": action_label,
            "back_url": back_url,
            "carried": carried,
        },
    )
