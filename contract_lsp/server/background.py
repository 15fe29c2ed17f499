"""Background work (SPEC §5): long requests run on worker threads, off the event loop,
so that hover, completion, code actions and the diagnostics of the document being typed
in are answered meanwhile.

A job receives a :class:`CancelToken` and calls :meth:`CancelToken.check` between units
of work (files, contracts). When the request is cancelled (``$/cancelRequest``: pygls
cancels the handler's task) the token is set and the job stops at its next check; pygls
answers the request with ``RequestCancelled``.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

T = TypeVar("T")


class Cancelled(Exception):
    """Raised inside a job by :meth:`CancelToken.check` once its request was cancelled."""


class CancelToken:
    """Set from the event loop, read from the worker thread."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` when the request was cancelled."""
        if self._event.is_set():
            raise Cancelled


class Background:
    """Two worker threads: a code lens need not wait behind a workspace pull."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="contract-lsp-background")

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """Run ``job(token, *args)`` on a worker and return its result. Cancelling the
        awaiting task cancels the job (raises ``asyncio.CancelledError`` here)."""
        token = CancelToken()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, functools.partial(job, token, *args))
        try:
            return await future
        except asyncio.CancelledError:
            token.cancel()
            raise
        except Cancelled:
            raise asyncio.CancelledError from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
