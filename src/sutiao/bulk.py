"""Bulk work of the platforms' own code: a representative action's thousands of cases delegated at once, and the
docking's batches that carry them (bench/docking.py measures both; bench/bulk.py only writes bench data).

`collector_paused`: the cyclic garbage collector waits while a bulk step runs. Such a step keeps hundreds of
thousands of objects alive until it returns (model instances, their prefetched relations, payloads), and the
collector, triggered by allocations, walks all of them again and again, besides every object the process loaded
at start (about 170,000): five full collections for a delegation of 3,000 cases, 35-40 % of its time, and
nothing to free, as everything is still in use. Reference counting frees as before; cycles wait for the next
collection after the step."""

import contextlib
import gc
import threading

_lock = threading.Lock()
_paused = 0  # bulk steps running now (threads of one web process may overlap)
_was_enabled = False


@contextlib.contextmanager
def collector_paused():
    """Usable as a decorator. Nested or overlapping steps keep the collector paused until the last one ends; it
    is enabled again only if it was enabled when the first began."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
