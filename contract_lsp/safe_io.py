"""Reading files that may not be what their names say (issue 15): only regular files, never
more than a size limit, never blocking.

A FIFO named ``x.py`` would block ``open`` until a writer comes (forever, in a CI job); a link
to ``/dev/zero`` would be read until memory runs out; a multi-gigabyte file would be read
whole. :func:`open_regular` opens without blocking and refuses anything but a regular file;
:func:`safe_read_bytes` also refuses a file over its limit. Both raise :class:`OSError`
subclasses, so callers that already handle an unreadable file (naming it, skipping it)
handle these too, with a reason in ``strerror``.
"""

from __future__ import annotations

import errno
import io
import os
import stat

#: The largest Python source file read, in bytes (32 MiB). CPython's own largest module is
#: under 1 MiB; a file bigger than this is data or a mistake, and is named and skipped
#: (SPEC §4: "cannot be read").
MAX_SOURCE_BYTES = 32 * 1024 * 1024

_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFileError(OSError):
    """The path names a FIFO, device, socket or folder, not a regular file."""


class FileTooLargeError(OSError):
    """The file holds more bytes than the limit it was read with."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _refuse(path: str | os.PathLike, mode: int) -> NotRegularFileError:
    kind = _kind(mode)
    reason = kind if kind == "not a regular file" else f"not a regular file ({kind})"
    return NotRegularFileError(errno.EINVAL, reason, os.fspath(path))


def open_regular(path: str | os.PathLike) -> io.BufferedReader:
    """``path`` opened for reading in binary mode, following links, when it is a regular
    file. Never blocks: a FIFO is opened non-blocking and refused. Raises
    :class:`NotRegularFileError` for anything else (``strerror`` says what it is), or the
    ``OSError`` of ``os.open`` (missing, permission denied, a loop of links)."""
    try:
        before = os.stat(path)
    except OSError:
        before = None  # let os.open raise its own error below
    if before is not None and not stat.S_ISREG(before.st_mode):
        # refused before opening: opening some devices has effects of its own
        raise _refuse(path, before.st_mode)
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_CLOEXEC | _O_BINARY)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped between the stat and the open
            raise _refuse(path, mode)
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def safe_read_bytes(path: str | os.PathLike, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them. Raises
    :class:`NotRegularFileError` (FIFO, device, socket, folder), :class:`FileTooLargeError`
    (more than ``limit`` bytes; ``strerror`` says the limit) or another ``OSError``."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLargeError(errno.EFBIG, f"larger than {_size(limit)} (the limit)", os.fspath(path))
    return data


def _size(n: int) -> str:
    if n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    return f"{n} bytes"
