"""Identifier helpers."""

from __future__ import annotations

import itertools
import time

_counter = itertools.count(1)


def new_run_id() -> str:
    """A sortable, unique run id: milliseconds since the epoch plus a process counter."""
    return f"run_{int(time.time() * 1000)}_{next(_counter)}"


def new_thread_id() -> str:
    return f"thread_{int(time.time() * 1000)}_{next(_counter)}"
