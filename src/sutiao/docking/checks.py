"""The start-up check (`check`, runserver, serve, every management command, and the tests): this platform
handles exactly the message types it receives — a type without a handler would be refused at the first
message, a handler for a type it never receives is a typo or a leftover."""

from django.conf import settings
from django.core.checks import Error, register

from . import hooks
from .schemas import received_by, sent_by


@register("docking")
def handlers_match_received_types(app_configs=None, **kwargs) -> list[Error]:
    side = settings.PLATFORM
    receives, sends = received_by(side), sent_by(side)
    handled = hooks.handled_types()
    errors = [
        Error(f"the {side} platform receives {t} messages but registers no handler for them", id="docking.E001")
        for t in sorted(receives - handled)
    ]
    errors += [
        Error(f"the {side} platform registers a handler for {t}, a type it does not receive", id="docking.E002")
        for t in sorted(handled - receives)
    ]
    errors += [
        Error(
            f"the {side} platform registers a delivery or parked hook for {t}, a type it does not send",
            id="docking.E003",
        )
        for t in sorted(hooks.hooked_sent_types() - sends)
    ]
    return errors
