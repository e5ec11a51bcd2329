"""Running an action from a form, for every HTML view of both platforms: a refusal is shown on the field it
names (or on the form as a whole), with what was typed kept; success says so once."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from sutiao.kernel.errors import DomainError
from sutiao.translation import refusal


def show_refusal(form: forms.Form, error: DomainError, aliases: dict | None = None) -> None:
    """Put an action's refusal on the field it names (`aliases` maps an action's field name to the form's)."""
    name = (aliases or {}).get(error.field, error.field)
    form.add_error(name if name in form.fields else None, refusal(error))


def submit(request, form: forms.Form, action, success: str, aliases: dict | None = None):
    """Run `action()` when the form is valid. Returns what it returned, or None when the form (now carrying
    the refusal) must be shown again."""
    if form.is_valid():
        try:
            result = action()
        except DomainError as e:
            show_refusal(form, e, aliases)
        else:
            messages.success(request, success)
            return result
    messages.error(request, _("请检查填写的内容"))
    return None
