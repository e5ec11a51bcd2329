"""User-started long work on django-tasks with its database backend (DESIGN.md §6): a task is a row in
this platform's database, enqueued in the transaction of the action that starts it, and run by whichever
worker claims it first — the thread the platform's worker process runs, or any `db_worker` started beside
it (`sutiao investor db_worker`): more workers need no code change."""

import logging
import os
import threading

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

log = logging.getLogger("sutiao.worker")


def _worker(batch: bool) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=settings.SUTIAO_TASK_POLL_SECONDS,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"{settings.PLATFORM}-{os.getpid()}-{threading.get_ident()}"[:64],
        excluded_queue_names=[],
    )


def run_queued_tasks() -> int:
    """Run every task ready now, one after the other in this thread, claimed as db_worker claims them; return
    how many ran (the worker's `--once`, and tests). Unlike `Worker.run` it leaves the caller's database
    connection alone."""
    worker, ran = _worker(batch=True), 0
    while True:
        with exclusive_transaction():
            claimed = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if claimed is None:
                return ran
            claimed.claim(worker.worker_id)
        worker.run_task(claimed)
        ran += 1


class TaskThread(threading.Thread):
    """The platform worker's own task runner, beside its scheduler: it claims and runs tasks until stopped,
    finishing the task it is running first."""

    def __init__(self):
        super().__init__(name="tasks", daemon=True)
        self.worker = _worker(batch=False)

    def run(self) -> None:
        try:
            self.worker.run()
        except Exception:
            log.exception("the task worker stopped")
        finally:
            connections.close_all()

    def stop(self, timeout: float | None = None) -> None:
        self.worker.running = False
        self.join(timeout)
