"""Sending a text message, behind an interface: settings.SUTIAO_SMS_BACKEND names a class with
`send(mobile, text)` that raises on failure (a deployment plugs in its SMS gateway's client there). The development
backend writes each message to a log file in var/ (settings.SUTIAO_SMS_LOG) and to the console logger, which is
where a developer reads sign-in codes and consent links (README «短信验证码在哪里看»)."""

import logging
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("sutiao.sms")


class SmsBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class LogFileSmsBackend(SmsBackend):
    """Development only: nothing leaves the machine. One line per message: time, number, text."""

    def send(self, mobile: str, text: str) -> None:
        path = settings.SUTIAO_SMS_LOG
        path.parent.mkdir(parents=True, exist_ok=True)
        line = f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {mobile} {text}"
        with open(path, "a", encoding="utf-8") as f:
            f.write(line.replace("\n", " ") + "\n")
        log.info("SMS (development) to %s: %s", mobile, text)


class UnconfiguredSmsBackend(SmsBackend):
    """Outside development with no gateway configured: every send fails (and notifications are tried again),
    rather than messages silently going nowhere."""

    def send(self, mobile: str, text: str) -> None:
        raise RuntimeError("SUTIAO_SMS_BACKEND is not configured")


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    return import_string(path)


def send_sms(mobile: str, text: str) -> None:
    _backend_class(settings.SUTIAO_SMS_BACKEND)().send(mobile, text)
