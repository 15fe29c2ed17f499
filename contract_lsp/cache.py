"""What ``--check`` learned per file, kept between runs (SPEC §4 "Cache").

One packed file per key (``<dir>/<key>.cache``): the key is a hash of everything every
file's result depends on — the tool's version, the settings, the registry's content, the
dependency declarations and the workspace's module list — and the file holds, per source
path, an :class:`Entry`: its stat, its content hash, and what checking it found. One file
per run rather than one per source: 5,000 opens, reads and renames cost more than one
pickle of 5,000 small tuples (see ``benchmarks/bench_cache.py``).

A stale entry is never used: :meth:`Cache.get` trusts a stat that matches exactly (size,
mtime_ns, inode, as ruff does) unless the file changed too close to when it was recorded
to tell (git's "racy" files), and otherwise confirms by the content's hash. A cache that
is missing, truncated, corrupt, of another format or tool version, or half-written by a
concurrent run is an empty cache, never an error. Writes are atomic (a temporary file in
the same folder, then :func:`os.replace`), so two runs at once each see a whole file, and
the last one to finish wins. Unpickling is restricted to this package's plain data
classes, so a cache file planted in a workspace cannot run code.

The other half of exactness is :class:`Reads`: it records which files' facts a check (or
the contract table) read through the workspace index, so that an entry is also stale when
one of those changed (a re-export, a base class in another module).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

#: Bumped whenever what is stored changes meaning.
FORMAT = 1
#: A file whose mtime is this close to (or after) the moment its entry was recorded may
#: change again without its stat changing (coarse file-system clocks): confirm by hash.
_RACY_NS = 2_000_000_000
#: How many packed files (keys) a cache folder keeps: one per recent settings/registry.
_KEEP = 4
#: Module prefixes whose classes a cache file may name (plain frozen dataclasses).
_ALLOWED_MODULES = frozenset({"contract_lsp.findings", "contract_lsp.index.facts", "contract_lsp.index.bindings", "contract_lsp.cache"})
DEFAULT_DIR = ".contract-lsp-cache"

Stat = tuple  # (size, mtime_ns, inode)


class Entry(NamedTuple):
    """What the cache knows of one source file.

    ``result`` is ``(findings, error, implementations)`` as the check produced them
    (``error``: why the file was skipped, or None; ``implementations``: names of its classes
    that implement a protocol), or None when the file was not checked in that run.
    ``deps`` are the absolute paths whose facts that check read. ``contributes``: the file
    may grow the prefilter's words (an import alias or a class header naming one of them),
    so a change to it is re-derived over the whole workspace. ``facts``: the file's module
    facts, kept for the files the contract table resolves through.
    """

    size: int
    mtime_ns: int
    ino: int
    digest: bytes
    result: tuple | None = None
    deps: frozenset = frozenset()
    contributes: bool = False
    facts: Any = None

    @property
    def stat(self) -> Stat:
        return (self.size, self.mtime_ns, self.ino)


def file_stat(path: str) -> Stat | None:
    """(size, mtime_ns, inode) of ``path``; None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def content_digest(data: bytes) -> bytes:
    """The hash that confirms a file's content when its stat changed (SHA-256: hardware
    accelerated here, ~1 GB/s)."""
    return hashlib.sha256(data).digest()


def key_of(parts: Iterable[Any]) -> str:
    """A stable hex key for ``parts`` (strings, numbers, bytes, and tuples/lists of them)."""
    digest = hashlib.sha256()
    digest.update(repr((FORMAT, tuple(parts))).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


class _Unpickler(pickle.Unpickler):
    """Only this package's data classes (dataclasses and named tuples of the findings and
    facts modules, and :class:`Entry`): a cache file is data, never code."""

    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES:
            import dataclasses
            import importlib

            found = getattr(importlib.import_module(module), name, None)
            plain = dataclasses.is_dataclass(found) or (isinstance(found, type) and issubclass(found, tuple) and hasattr(found, "_fields"))
            if isinstance(found, type) and found.__module__ == module and (plain or name in _PLAIN_CLASSES):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not cache data")


#: Plain-data classes that are neither dataclasses nor named tuples.
_PLAIN_CLASSES = frozenset({"ScopeBindings"})


class Cache:
    """The entries of one key. ``meta`` holds run-level data (the prefilter's words, the
    contract table's reads), saved with the entries."""

    def __init__(self, file: Path | None, key: str, entries: dict[str, Entry] | None = None, meta: dict | None = None) -> None:
        self.file = file
        self.key = key
        self.entries: dict[str, Entry] = entries or {}
        self.meta: dict = meta or {}
        #: when this run began: entries whose file changed after ``started - _RACY_NS`` are
        #: confirmed by hash next time
        self.started = time.time_ns()
        self._recorded_at: int = self.meta.get("recorded_at", 0)
        self._dirty = False

    @classmethod
    def open(cls, directory: str | Path | None, key_parts: Iterable[Any]) -> Cache:
        """The cache in ``directory`` for ``key_parts`` (None: a cache that keeps nothing).
        Never raises: an unreadable or invalid file gives an empty cache."""
        key = key_of(key_parts)
        if directory is None:
            return cls(None, key)
        file = Path(directory) / f"{key}.cache"
        try:
            with open(file, "rb") as handle:
                data = handle.read()
            loaded = _Unpickler(io.BytesIO(data)).load()
            valid = isinstance(loaded, tuple) and len(loaded) == 4 and loaded[0] == FORMAT and loaded[1] == key
            entries, meta = (loaded[2], loaded[3]) if valid else ({}, {})
            valid = valid and isinstance(entries, dict) and isinstance(meta, dict) and all(isinstance(e, Entry) for e in entries.values())
        except Exception:  # noqa: BLE001 - any damage at all means: start empty
            valid = False
        if not valid:  # another format or tool version, another key, or damaged
            return cls(file, key)
        return cls(file, key, entries, meta)

    @property
    def enabled(self) -> bool:
        return self.file is not None

    def get(self, path: str, stat: Stat | None, data: bytes | None = None) -> Entry | None:
        """The entry of ``path`` if it still describes the file: its stat matches (and the
        file did not change within the file system's clock resolution of when it was
        recorded), or ``data`` (the file's bytes) hashes the same. None otherwise."""
        entry = self.entries.get(path)
        if entry is None or stat is None:
            return None
        if entry.stat == stat and entry.mtime_ns < self._recorded_at - _RACY_NS:
            return entry
        if data is None or len(data) != entry.size or content_digest(data) != entry.digest:
            return None
        if entry.stat != stat:
            entry = entry._replace(size=stat[0], mtime_ns=stat[1], ino=stat[2])
            self.put(path, entry)
        elif entry.mtime_ns < self.started - _RACY_NS:
            self._dirty = True  # no longer racy once recorded again: save the hash next time
        return entry

    def previous(self, path: str) -> Entry | None:
        """Whatever entry ``path`` had, stale or not (what a changed file used to be)."""
        return self.entries.get(path)

    def put(self, path: str, entry: Entry) -> None:
        self.entries[path] = entry
        self._dirty = True

    def set_meta(self, **values: Any) -> None:
        if any(self.meta.get(k) != v for k, v in values.items()):
            self.meta.update(values)
            self._dirty = True

    def retain(self, paths: Iterable[str]) -> None:
        """Drop the entries of files no longer in the workspace."""
        keep = set(paths)
        gone = [p for p in self.entries if p not in keep]
        for path in gone:
            del self.entries[path]
        self._dirty = self._dirty or bool(gone)

    def flush(self) -> None:
        """Write the entries atomically, when anything changed; never raises (a read-only
        workspace just runs uncached). The folder gets a ``.gitignore`` of ``*``."""
        if self.file is None or not self._dirty:
            return
        folder = self.file.parent
        # OSError: a read-only or full disk; PicklingError & co.: a value that is no plain
        # data (then nothing is kept, and the next run is a cold one)
        with contextlib.suppress(Exception):
            folder.mkdir(parents=True, exist_ok=True)
            ignore = folder / ".gitignore"
            if not ignore.exists():
                _write_atomic(ignore, b"# created by contract-lsp\n*\n")
            meta = dict(self.meta, recorded_at=self.started)
            payload = pickle.dumps((FORMAT, self.key, self.entries, meta), protocol=pickle.HIGHEST_PROTOCOL)
            _write_atomic(self.file, payload)
            self._dirty = False
            _prune(folder, keep=self.file)


def _write_atomic(file: Path, data: bytes) -> None:
    import tempfile  # only when writing: ~10 ms to import

    fd, temp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _prune(folder: Path, keep: Path) -> None:
    """Keep the :data:`_KEEP` most recently written packed files (other keys: settings or
    registries used lately), and no leftover temporary file older than an hour."""
    files = []
    now = time.time()
    for child in folder.iterdir():
        with contextlib.suppress(OSError):
            if child.suffix == ".cache":
                files.append((child.stat().st_mtime, child))
            elif child.name.endswith(".tmp") and now - child.stat().st_mtime > 3600:
                child.unlink()
    files.sort(reverse=True)
    for _, child in files[_KEEP:]:
        if child != keep:
            with contextlib.suppress(OSError):
                child.unlink()


class Reads:
    """Records the files whose facts the workspace index reads, per check.

    Installed on one :class:`~contract_lsp.index.workspace.WorkspaceIndex` (it wraps that
    instance's ``facts_for_path`` and ``resolve``). The index memoizes resolutions, so a
    second file resolving a name would read nothing: each memoized name keeps what its
    first resolution read, and a later hit adds that too. ``facts`` may supply a file's
    facts from the cache instead of a parse (only for unchanged files).
    """

    def __init__(self, index: Any, facts: Callable[[str], Any] | None = None) -> None:
        self.current: set[str] | None = None
        self._by_name: dict[str, frozenset[str]] = {}
        self._supplied: set[str] = set()
        self._facts = facts
        facts_for_path, resolve = index.facts_for_path, index.resolve

        def recorded_facts(path: str) -> Any:
            path = os.path.abspath(path)
            if self.current is not None:
                self.current.add(path)
            if self._facts is not None and path not in self._supplied:
                self._supplied.add(path)
                known = self._facts(path)
                if known is not None:
                    # the index keys facts by the text they describe: reading and decoding
                    # it is cheap, the parse is what the cache spares
                    try:
                        index.put_facts(known, index.source_of(path))
                    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, LookupError):
                        pass
            return facts_for_path(path)

        def recorded_resolve(dotted: str, _depth: int = 0) -> Any:
            if _depth:
                return resolve(dotted, _depth)
            known = self._by_name.get(dotted)
            if known is not None:
                if self.current is not None:
                    self.current |= known
                return resolve(dotted)
            outer, self.current = self.current, set()
            try:
                return resolve(dotted)
            finally:
                got = self.current
                self._by_name[dotted] = frozenset(got)
                if outer is not None:
                    outer |= got  # in place: a caller holds that set
                self.current = outer

        index.facts_for_path = recorded_facts
        index.resolve = recorded_resolve

    @contextlib.contextmanager
    def recording(self) -> Iterator[set[str]]:
        """Collect, in the yielded set, the paths read inside the ``with`` block."""
        outer, self.current = self.current, set()
        found = self.current
        try:
            yield found
        finally:
            if outer is not None:
                outer |= found
            self.current = outer
