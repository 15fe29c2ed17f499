"""One decorator for every request handler (SPEC §5 "a handler never raises"): wait until
the workspaces are loaded, run, and on an unexpected error log it with
``window/logMessage`` and answer the method's default instead."""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from pygls.exceptions import JsonRpcException

if TYPE_CHECKING:
    from .app import ContractServer


def request(server: "ContractServer", method: str, options: Any = None, *, default: Any = None):
    """Register ``handler(params)`` (sync or async) for ``method``. The handler runs once
    ``server.ready`` is set; an exception is logged and ``default`` answered; cancellation
    (``$/cancelRequest``) propagates, so pygls answers ``RequestCancelled``."""

    def decorate(handler: Callable[[Any], Any]) -> Callable[[Any], Awaitable[Any]]:
        @functools.wraps(handler)
        async def run(params: Any) -> Any:
            await server.ready.wait()
            try:
                result = handler(params)
                if asyncio.iscoroutine(result):
                    result = await result
                return result
            except (asyncio.CancelledError, JsonRpcException):
                raise  # answered as such: RequestCancelled, ContentModified
            except Exception as exc:
                server.log_error(f"{method} failed", exc)
                return default() if callable(default) else default

        if options is None:
            server.feature(method)(run)
        else:
            server.feature(method, options)(run)
        return run

    return decorate


def notification(server: "ContractServer", method: str, options: Any = None):
    """Register a notification handler that logs instead of raising."""

    def decorate(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
        if asyncio.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(params: Any) -> None:
                try:
                    await handler(params)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    server.log_error(method, exc)

            wrapped: Callable[[Any], Any] = run_async
        else:

            @functools.wraps(handler)
            def run(params: Any) -> None:
                try:
                    handler(params)
                except Exception as exc:
                    server.log_error(method, exc)

            wrapped = run
        if options is None:
            server.feature(method)(wrapped)
        else:
            server.feature(method, options)(wrapped)
        return wrapped

    return decorate
