"""Cyclic garbage collection paused while the server checks files.

A check builds an AST of the whole file and frees it when done; the tree holds no cycles
that reference counting cannot free. Meanwhile Python's cyclic collector, triggered by
those allocations, walks every object the server keeps (the workspace index, the open
documents) again and again, for nothing: a third of a workspace sweep on the standard
library, as in the CLI, which turns the collector off for its whole run.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_active = 0
_lock = threading.Lock()  # background jobs check files on worker threads too


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Collector off inside the block; back on when the last of the nested or interleaved
    blocks ends, on whichever thread (the event loop's or a background worker's)."""
    global _active
    with _lock:
        _active += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.enable()
