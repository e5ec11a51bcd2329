"""A forgotten password, reset by a link sent to the user's email (Django's signed, single-use reset token)."""

from axes.utils import reset as reset_lockouts
from django.contrib.auth import update_session_auth_hash
from django.db import transaction

from sutiao.audit.log import record

from .models import User


@transaction.atomic
def complete_reset(user: User, set_password_form) -> User:
    """The new password from the reset link's form; the account's sign-in failures are cleared, so a lock-out
    never outlasts the owner's reset (issue 14 §11)."""
    set_password_form.save()
    reset_lockouts(username=user.username)
    record(user, "account.password_reset", user)
    return user


@transaction.atomic
def set_first_password(request, set_password_form) -> User:
    """A party who opened their account without a password (self sign-up) sets it once, in the session their
    SMS code signed in: from then on every sign-in asks for both (issue 14 §10). The session stays signed in."""
    user = set_password_form.save()
    update_session_auth_hash(request, user)
    record(user, "account.password_set", user)
    return user
