"""Writing ``--fix`` results to disk without ever losing a byte (issue 15, SPEC §4 ``--fix``).

A fixed file is written to a temporary file in the same folder, flushed to the disk
(``fsync``), given the original's permission bits, and moved over the original with
``os.replace`` — atomic on POSIX and Windows: a reader, a crash or a full disk sees the old
file or the new one, never a file cut short. Just before the move, the file is read again:
if it no longer holds the bytes the fix was computed from (an editor saved it meanwhile),
it is left alone. A link is written through to its real file only inside the workspace;
a read-only file, a hard-linked one, or one whose folder cannot take the temporary file is
left alone too. Each refusal raises (or returns) :class:`NotWritten` with a one-line
reason, which the caller prints; nothing here prints. :class:`FixWriter` writes a whole
run's files with one flush of the disk for all of them.
"""

from __future__ import annotations

import os
import stat
import tempfile

from ..safe_io import safe_read_bytes


class NotWritten(Exception):
    """The file was left as it was; ``str(exc)`` says why, for ``path: <reason>``."""


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class FixWriter:
    """Writes many fixed files as :func:`write_fixed` writes one, with the disk flushed once
    for all of them rather than once per file (an ``fsync`` costs milliseconds: 2,000
    files took seconds). :meth:`add` checks a file and writes its temporary file;
    :meth:`commit` flushes them all to the disk, then for each file in turn confirms its
    bytes and moves the new file in place, then flushes each folder once.

    ``root``: the workspace root (links are written through only inside it)."""

    #: Up to this many files, each is flushed on its own; beyond, one ``os.sync``.
    FSYNC_EACH = 8

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = os.path.realpath(root)
        self._pending: list[tuple[str, str, str, bytes]] = []  # (path, target, temp, original)

    def add(self, path: str, original: bytes, data: bytes) -> None:
        """Check ``path`` (whose bytes were ``original``) and write ``data`` to a temporary
        file beside its real file. Raises :class:`NotWritten` (see :func:`write_fixed`)."""
        given = os.path.abspath(path)
        target = os.path.realpath(given)
        if target != given and not _inside(target, self.root):
            raise NotWritten("a symbolic link to a file outside the workspace: not written")
        try:
            st = os.stat(target)
        except FileNotFoundError:
            raise NotWritten("changed while fixing: not written (the file is gone)") from None
        except OSError as exc:
            raise NotWritten(f"cannot be written: {exc.strerror or exc}") from None
        if not stat.S_ISREG(st.st_mode):
            raise NotWritten("not a regular file: not written")
        if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
            raise NotWritten("read-only file: not written")
        if st.st_nlink > 1:
            raise NotWritten(f"has {st.st_nlink} hard links, which replacing it would split: not written")
        folder = os.path.dirname(target)
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".contract-lsp.tmp", dir=folder)
        except OSError as exc:
            raise NotWritten(f"cannot be written: {exc.strerror or exc}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fchmod(handle.fileno(), stat.S_IMODE(st.st_mode))
                if hasattr(os, "fchown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
                    try:  # only root may give a file away: keep the owner where we can
                        os.fchown(handle.fileno(), st.st_uid, st.st_gid)
                    except OSError:
                        pass
                if len(self._pending) < self.FSYNC_EACH:
                    os.fsync(handle.fileno())
        except OSError as exc:
            _remove(temp)
            raise NotWritten(f"cannot be written: {exc.strerror or exc}") from None
        except BaseException:
            _remove(temp)
            raise
        self._pending.append((path, target, temp, original))

    def commit(self) -> list[tuple[str, NotWritten | None]]:
        """Move every added file in place, each only if it still holds its ``original``
        bytes (checked just before its move). Returns (path, None when written, else why
        not) per file, in the order added. Temporary files never outlive this call."""
        pending, self._pending = self._pending, []
        if len(pending) > self.FSYNC_EACH:  # the ones past FSYNC_EACH were not flushed (see add)
            if hasattr(os, "sync"):
                os.sync()
            else:  # no sync(2) (Windows): flush them one by one after all
                for _path, _target, temp, _original in pending[self.FSYNC_EACH:]:
                    with open(temp, "rb+") as handle:
                        os.fsync(handle.fileno())
        results: list[tuple[str, NotWritten | None]] = []
        folders: dict[str, None] = {}
        try:
            for path, target, temp, original in pending:
                try:
                    try:
                        current = safe_read_bytes(target, max(len(original), 1))
                    except OSError:
                        current = None
                    if current != original:
                        raise NotWritten("changed while fixing: not written")
                    try:
                        os.replace(temp, target)
                    except OSError as exc:
                        raise NotWritten(f"cannot be written: {exc.strerror or exc}") from None
                except NotWritten as exc:
                    _remove(temp)
                    results.append((path, exc))
                    continue
                folders[os.path.dirname(target)] = None
                results.append((path, None))
        finally:
            for _path, _target, temp, _original in pending[len(results):]:
                _remove(temp)  # an interrupt: nothing half-done is left behind
        for folder in folders:
            _sync_folder(folder)
        return results


def write_fixed(path: str, original: bytes, data: bytes, root: str | os.PathLike) -> str:
    """Replace the file at ``path`` by ``data``, atomically, if it still holds ``original``
    (the bytes the fix was computed from). ``root`` is the workspace root: a ``path`` that
    is or goes through a symbolic link is written only when its real file lies under the
    real ``root``. Returns the real path written. Raises :class:`NotWritten`:

    - ``changed while fixing: not written`` — the file's bytes are no longer ``original``
      (or it is gone);
    - a link to a file outside the workspace; not a regular file; read-only (no write
      permission for the user, or no write bit at all, which is honoured even for root);
      more than one hard link (replacing it would split the links);
    - ``cannot be written: <reason>`` — the temporary file could not be created, written,
      flushed or moved (a full disk, a read-only folder); it is removed again.
    """
    writer = FixWriter(root)
    writer.add(path, original, data)
    [(_, problem)] = writer.commit()
    if problem is not None:
        raise problem
    return os.path.realpath(os.path.abspath(path))


def _remove(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass


def _sync_folder(folder: str) -> None:
    """Make the renames themselves durable (POSIX); best effort: some systems cannot open
    or sync a folder, and the files are already in place."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
