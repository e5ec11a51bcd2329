"""The platform's background worker: relays the outbox and runs the platform's periodic jobs."""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from sutiao.docking import registry, relay
from sutiao.docking.feed import pull_all
from sutiao.docking.inbox import forget_old_nonces

log = logging.getLogger("sutiao.worker")


class Command(BaseCommand):
    help = "对接消息投递与定时任务（发件箱中继、答复期限检查）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run one round of every job, then exit")

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        if not once:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
        last_periodic = 0.0
        log.info("%s worker started", settings.PLATFORM)
        while not stop.is_set():
            close_old_connections()
            delivered = self._guarded("relay", relay.deliver_due)
            if once or time.monotonic() - last_periodic >= settings.SUTIAO_DEADLINE_SCAN_SECONDS:
                last_periodic = time.monotonic()
                jobs = [("pull_feeds", pull_all), *registry.periodic_jobs(), ("forget_old_nonces", forget_old_nonces)]
                for name, job in jobs:
                    self._guarded(name, job)
            if once:
                break
            if not delivered:
                stop.wait(settings.SUTIAO_WORKER_POLL_SECONDS)
        log.info("%s worker stopped", settings.PLATFORM)

    @staticmethod
    def _guarded(name, job):
        # One failing job must not stop the relay; it is logged and tried again next round.
        try:
            return job()
        except Exception:
            log.exception("job %s failed", name)
            return 0
