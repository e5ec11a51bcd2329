from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def operator_required(view):
    """Platform operators only, and only after their second factor (a TOTP code at the admin sign-in)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff and user.is_verified()):
            return redirect(f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return guarded
