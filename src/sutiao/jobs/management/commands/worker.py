"""The platform's background worker: the periodic jobs the apps registered (the docking relay first), and
a thread running the platform's background tasks."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from sutiao.jobs import schedule, tasks

log = logging.getLogger("sutiao.worker")


class Command(BaseCommand):
    help = "后台工作进程：定时任务（对接消息投递、期限检查等）与后台任务（如 Excel 导入）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="run one round of every job and the ready tasks, then exit"
        )

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        if once:
            schedule.run(stop, once=True)
            tasks.run_queued_tasks()
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        runner = tasks.TaskThread()
        runner.start()
        log.info("%s worker started", settings.PLATFORM)
        try:
            schedule.run(stop)
        finally:
            runner.stop()
        log.info("%s worker stopped", settings.PLATFORM)
