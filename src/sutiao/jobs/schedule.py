"""Periodic work: each app registers its jobs; the platform's worker runs them on this scheduler."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger("sutiao.worker")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # The setting that holds the interval in seconds; None: every round of the scheduler (every
    # SUTIAO_WORKER_POLL_SECONDS, and again at once while the job reports work done).
    every: str | None
    run: Callable[[], object]
    # Whether the job runs once at start-up; reconciliation waits an interval, for the peer to be up and settled.
    at_start: bool = True


_jobs: list[PeriodicJob] = []


def periodic(name: str, every: str | None = "SUTIAO_DEADLINE_SCAN_SECONDS", at_start: bool = True):
    """Register fn() as a periodic job named `name`, run every `settings.<every>` seconds."""

    def register(fn):
        if any(job.name == name for job in _jobs):
            raise ValueError(f"a periodic job named {name} is already registered")
        _jobs.append(PeriodicJob(name, every, fn, at_start))
        return fn

    return register


def periodic_jobs() -> list[PeriodicJob]:
    return list(_jobs)


def run(stop: threading.Event, once: bool = False) -> None:
    """Run the registered jobs until `stop` is set; with `once`, every job one time, then return."""
    jobs = periodic_jobs()
    started = time.monotonic()
    last_run = {job.name: -float("inf") if job.at_start else started for job in jobs}
    while not stop.is_set():
        close_old_connections()
        busy = False
        for job in jobs:
            if job.every is None or once or time.monotonic() - last_run[job.name] >= getattr(settings, job.every):
                last_run[job.name] = time.monotonic()
                done = _guarded(job)
                busy |= job.every is None and bool(done)
        if once:
            return
        if not busy:
            stop.wait(settings.SUTIAO_WORKER_POLL_SECONDS)


def _guarded(job: PeriodicJob):
    # One failing job must not stop the others; it is logged and tried again next time.
    try:
        return job.run()
    except Exception:
        log.exception("job %s failed", job.name)
        return 0
