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
from sutiao.docking.reconcile import reconcile_all

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
        jobs = [
            ("pull_feeds", "SUTIAO_FEED_PULL_SECONDS", pull_all),
            ("forget_old_nonces", "SUTIAO_DEADLINE_SCAN_SECONDS", forget_old_nonces),
            ("reconcile", "SUTIAO_RECONCILE_SECONDS", reconcile_all),
            *registry.periodic_jobs(),
        ]
        last_run = {name: -float("inf") for name, _, _ in jobs}  # every job runs once at start-up …
        last_run["reconcile"] = time.monotonic()  # … but reconciliation, which wants the peer settled and up
        log.info("%s worker started", settings.PLATFORM)
        while not stop.is_set():
            close_old_connections()
            delivered = self._guarded("relay", relay.deliver_due)
            for name, every, job in jobs:
                if once or time.monotonic() - last_run[name] >= getattr(settings, every):
                    last_run[name] = time.monotonic()
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
