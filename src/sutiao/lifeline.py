"""A server started by `sutiao up` or the test harness dies with the process that started it, however that
process ends (SIGKILL included), so no server outlives it and keeps its port.

The parent holds the write end of a pipe for as long as it lives and hands the read end to each child; the
kernel closes the write end when the parent dies, the child reads end-of-file and stops its own process group
(itself and anything it started). This does what Linux's PR_SET_PDEATHSIG does, but PR_SET_PDEATHSIG fires
when the *thread* that started the child ends, and the chaos test restarts servers from a short-lived thread;
the pipe belongs to the process. It also works beyond Linux."""

import os
import signal
import threading
import time

ENV = "SUTIAO_LIFELINE_FD"
GRACE_SECONDS = 10  # a worker finishes its current job on SIGTERM; after this it is SIGKILLed

_lock = threading.Lock()
_pipe: tuple[int, int] | None = None  # (read end, write end); the write end is never written nor closed


def for_child() -> int:
    """The descriptor to pass to a child (Popen pass_fds, its number in ENV). The write end stays here,
    non-inheritable, so only this process's death closes it."""
    global _pipe
    with _lock:
        if _pipe is None:
            _pipe = os.pipe()
        return _pipe[0]


def follow() -> None:
    """In a child: stop when the parent that set ENV dies. Called first thing by the `sutiao` command."""
    fd = os.environ.pop(ENV, None)  # not for our own children: the descriptor is ours alone
    if fd is None:
        return
    threading.Thread(target=_watch, args=(int(fd),), daemon=True, name="lifeline").start()


def _watch(fd: int) -> None:
    try:
        while os.read(fd, 1):  # nobody writes: this returns b"" (end of file) when the parent is gone
            pass
    except OSError:
        return  # not a descriptor from a parent (ENV set by hand): nothing to follow
    # Started in its own session (devserver.Platform.start), this process leads its group: stop the whole
    # group, grandchildren included. Anything else stops only itself, never a group it merely belongs to.
    own_group = os.getpgrp() == os.getpid()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if own_group:
            os.killpg(os.getpgrp(), sig)
        else:
            os.kill(os.getpid(), sig)
        time.sleep(GRACE_SECONDS)
