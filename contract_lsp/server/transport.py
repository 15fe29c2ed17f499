"""The LSP base protocol on a byte stream (SPEC §5 "a handler never raises": no input,
however broken, silences the server), in place of pygls's reader loop.

pygls's loop dies on a ``Content-Length`` too large to read (an OverflowError out of
``read``) and goes deaf on one it cannot parse (the body is then read as headers, and so
is every message after it). Here the stream is split by :class:`Framer`, which reports a
bad header instead, skips the body that followed it (a JSON value, or the bytes up to the
next ``Content-Length:``) and goes on with the next message. A message that cannot be
turned into a request (wrong parameter types, positions outside LSP's ``uinteger``) is
answered with an error rather than dropped, and after ``shutdown`` every request but
``exit`` gets ``InvalidRequest`` (LSP 3.17 § shutdown).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

if TYPE_CHECKING:
    from .app import ContractServer

#: The largest message body accepted (a 256 MB document is no editor's); larger ones are
#: framing errors, skipped.
MAX_CONTENT_LENGTH = 256 * 1024 * 1024
#: Header bytes without the blank line that ends them before the stream counts as garbage.
MAX_HEADER_BYTES = 64 * 1024
#: Bytes read from the stream at a time.
CHUNK = 64 * 1024

_HEADER_END = b"\r\n\r\n"
_LENGTH = re.compile(rb"content-length[ \t]*:[ \t]*([^\r\n]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Body:
    """A message body, as framed by a valid ``Content-Length``."""

    data: bytes


@dataclass(frozen=True)
class Orphan:
    """A JSON value that followed a bad header (its length unknown, found by parsing)."""

    value: Any


@dataclass(frozen=True)
class FramingError:
    """What was wrong with the stream; the framer has resynchronised past it."""

    message: str


class Framer:
    """Splits a byte stream into LSP messages: feed it bytes, take events.

    States: reading headers; reading a body of known length; skipping after a bad header
    (until a JSON value parses, or up to the next ``Content-Length:``)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._length: int | None = None  # reading a body of this many bytes
        self._skipping = False

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def events(self) -> list[Body | Orphan | FramingError]:
        """Every complete event the bytes fed so far hold, in order."""
        out: list[Body | Orphan | FramingError] = []
        while True:
            event = self._next()
            if event is None:
                return out
            out.append(event)

    def _next(self) -> Body | Orphan | FramingError | None:
        buffer = self._buffer
        if self._length is not None:
            if len(buffer) < self._length:
                return None
            body = bytes(buffer[: self._length])
            del buffer[: self._length]
            self._length = None
            return Body(body)
        if self._skipping:
            return self._skip()
        end = buffer.find(_HEADER_END)
        if end < 0:
            if len(buffer) > MAX_HEADER_BYTES:
                dropped = len(buffer)
                # keep a tail that may be the start of the next header
                del buffer[: dropped - 64]
                return FramingError(f"{dropped - 64} bytes without a message header skipped")
            return None
        block = bytes(buffer[:end])
        del buffer[: end + len(_HEADER_END)]
        matches = list(_LENGTH.finditer(block))
        if not matches:
            self._skipping = True
            return FramingError(f"a message header without Content-Length: {_show(block)}")
        match = matches[-1]  # junk before the header (a body shorter than announced) is skipped
        value = match.group(1).strip()
        if not value.isdigit() or int(value) > MAX_CONTENT_LENGTH:
            self._skipping = True
            return FramingError(f"invalid Content-Length {_show(value)} (0 to {MAX_CONTENT_LENGTH} bytes)")
        self._length = int(value)
        if match.start() > 0 and block[: match.start()].strip():
            return FramingError(f"{match.start()} bytes before a message header skipped: {_show(block[: match.start()])}")
        return self._next()

    def _skip(self) -> Orphan | FramingError | None:
        """After a bad header: the JSON value that follows, else up to the next header."""
        buffer = self._buffer
        following = _LENGTH.search(buffer)
        candidate = bytes(buffer if following is None else buffer[: following.start()])
        if not candidate.strip():
            if following is None:
                buffer.clear()
                return None
            del buffer[: following.start()]
            self._skipping = False
            return self._next()
        try:
            value = json.loads(candidate)
        except (ValueError, RecursionError):
            if following is None and len(buffer) <= MAX_CONTENT_LENGTH:
                return None  # (perhaps) not all of it yet
            skipped = len(buffer) if following is None else following.start()
            del buffer[:skipped]
            self._skipping = following is None
            return FramingError(f"{skipped} bytes after an invalid header skipped")
        del buffer[: len(candidate)]
        self._skipping = False
        return Orphan(value)


def _show(data: bytes) -> str:
    text = data[:80].decode("utf-8", errors="replace")
    return repr(text + ("…" if len(data) > 80 else ""))


class ContractProtocol(LanguageServerProtocol):
    """pygls's protocol, answering requests it would drop (after ``shutdown``), and
    forgetting the handlers it has run.

    pygls keeps every handler's future in ``_request_futures`` under the request's id, or
    under a fresh uuid for a notification and for each step of its built-in generator
    handlers (``didChange`` runs ours as such a step); only a request's own entry is
    removed when it is answered. Each notification thus left two futures and two uuids
    behind, about 2 KB an edit for as long as the server ran (the issue's leak)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: (id, future) of handlers that finished, to forget at the next message (not at
        #: once: ``shutdown`` cancels futures while iterating over them)
        self._finished: list[tuple[Any, Any]] = []

    def _forget_finished(self) -> None:
        finished, self._finished = self._finished, []
        for msg_id, future in finished:
            if self._request_futures.get(msg_id) is future:
                del self._request_futures[msg_id]

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):  # type: ignore[override]
        def done(future, callback=callback) -> None:
            try:
                callback(future)
            finally:
                self._finished.append((msg_id, future))

        self._forget_finished()
        super()._execute_handler(msg_id, handler, done, args, kwargs)

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        if self._shutdown and method not in (None, types.EXIT) and hasattr(message, "id"):
            self._send_response(
                message.id,
                error=types.ResponseError(
                    code=types.ErrorCodes.InvalidRequest,
                    message=f"the server is shut down: {method} is refused, only 'exit' is accepted",
                ),
            )
            return
        super().handle_message(message)


class MessageLoop:
    """Reads the stream, frames it (:class:`Framer`) and hands each message to pygls."""

    def __init__(self, server: "ContractServer", read: Callable[[], Awaitable[bytes]], stop: threading.Event) -> None:
        self.server = server
        self.protocol: ContractProtocol = server.protocol  # type: ignore[assignment]
        self.read = read
        self.stop = stop

    async def run(self) -> None:
        framer = Framer()
        while not self.stop.is_set():
            data = await self.read()
            if not data:
                return
            framer.feed(data)
            for event in framer.events():
                if isinstance(event, Body):
                    self._body(event.data)
                elif isinstance(event, Orphan):
                    self._orphan(event.value)
                else:
                    self.report(f"framing error: {event.message}; reading on from the next message")

    def report(self, message: str) -> None:
        """To stderr, and to the client's log where it still listens."""
        text = f"contract-lsp: {message}"
        print(text, file=sys.stderr, flush=True)
        self.server.log(text, types.MessageType.Error)

    def _error(self, data: Any, code: int, message: str) -> None:
        """Answer ``data`` with an error if it is a request with a usable id."""
        if isinstance(data, dict) and "method" in data and isinstance(data.get("id"), (int, str)) and not isinstance(data.get("id"), bool):
            self.protocol._send_response(data["id"], error=types.ResponseError(code=code, message=message))

    def _orphan(self, value: Any) -> None:
        method = value.get("method") if isinstance(value, dict) else None
        self.report(f"a message with an invalid header was dropped ({method or 'not a request'})")
        self._error(value, types.ErrorCodes.InvalidRequest, "the message's Content-Length header was invalid; it was not handled")

    def _body(self, body: bytes) -> None:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            self.report(f"a message body is not JSON ({exc}); dropped")
            return
        if not isinstance(data, dict) or data.get("jsonrpc") != "2.0":
            self.report(f"not a JSON-RPC 2.0 message: {_show(body)}; dropped")
            self._error(data, types.ErrorCodes.InvalidRequest, "not a JSON-RPC 2.0 message")
            return
        try:
            message = self.protocol.structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method", "a response")
            cause = exc.__cause__ or exc
            self.report(f"invalid {method} message dropped: {_cause(cause)}")
            self._error(data, types.ErrorCodes.InvalidParams, f"invalid parameters for {method}: {_cause(cause)}")
            return
        try:
            self.protocol.handle_message(message)
        except Exception as exc:  # pygls answers requests itself; this is what it let escape
            self.server.log_error(f"handling {data.get('method', 'a response')}", exc)


def _cause(exc: BaseException) -> str:
    """One line for a cattrs validation error (its sub-exceptions name the fields)."""
    try:
        from cattrs.errors import ClassValidationError

        if isinstance(exc, ClassValidationError):
            from cattrs import transform_error

            return "; ".join(transform_error(exc))[:500]
    except Exception:
        pass
    return str(exc)[:500] or type(exc).__name__


def stdin_reader(stream) -> Callable[[], Awaitable[bytes]]:
    """An async ``read()`` of ``stream`` from a daemon thread, which (unlike pygls's
    thread-pool reads) never keeps the process alive after ``exit``."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    loop = asyncio.get_running_loop()
    try:
        fd = stream.fileno()
        # the file descriptor, not the buffered object: a daemon thread blocked in a
        # buffered read holds its lock, which aborts the interpreter's shutdown
        read: Callable[[int], bytes] = lambda size: os.read(fd, size)
    except (AttributeError, OSError, ValueError):
        read = getattr(stream, "read1", None) or stream.read

    def pump() -> None:
        while True:
            try:
                data = read(CHUNK)
            except (OSError, ValueError):
                data = b""
            try:
                loop.call_soon_threadsafe(queue.put_nowait, data)
            except RuntimeError:  # the loop is closed: the server is gone
                return
            if not data:
                return

    threading.Thread(target=pump, name="contract-lsp-stdin", daemon=True).start()
    return queue.get
