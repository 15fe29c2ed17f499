"""The workspace index: module facts on demand, and resolution of dotted names through
imports and re-exports to where they are defined (SPEC §3.1).

Facts are computed lazily, one module at a time, when resolution needs them, and cached by
path. The language server layers the unsaved text of open documents over the disk
(:meth:`WorkspaceIndex.set_overlay`) and drops cached facts when files change.
"""

from __future__ import annotations

import ast
import builtins
import codecs
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Literal

from ..text import split_lines
from .bindings import Binding, ScopeBindings
from .facts import ClassFacts, FunctionFacts, ModuleFacts, build_module_facts
from .modules import ModuleMap

ResolvedKind = Literal["module", "class", "function", "external", "missing"]

_MAX_DEPTH = 32


@dataclass(frozen=True)
class Resolved:
    """Where a dotted name leads. ``qualname`` is canonical (where it is defined) for
    workspace definitions; for ``external`` names (outside the workspace) it is the dotted
    name as given after following workspace re-exports; ``missing`` means the module is in
    the workspace but the name is not found in it."""

    qualname: str
    kind: ResolvedKind
    facts: ClassFacts | FunctionFacts | ModuleFacts | None = None


def read_source(path: str) -> str:
    """Read a Python file as text (UTF-8 or its PEP 263 coding). Raises OSError,
    UnicodeDecodeError or SyntaxError (bad coding cookie)."""
    from ..safe_io import safe_read_bytes  # (reliability) regular files only, size-limited: issue 15

    return decode_source(safe_read_bytes(path))


def decode_source(data: bytes) -> str:
    """Decode Python source bytes honouring a BOM or PEP 263 coding cookie (UTF-8 first).
    Raises UnicodeDecodeError / SyntaxError (unknown encoding) on bad input."""
    if b"\0" in data:
        raise UnicodeDecodeError("utf-8", data, 0, 1, "binary file (NUL byte)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(_cookie_encoding(data))


def source_encoding(data: bytes) -> str:
    """The encoding :func:`decode_source` reads ``data`` with: ``utf-8-sig`` after a BOM,
    ``utf-8`` for valid UTF-8 (whatever the cookie says), else the PEP 263 cookie's. Writing
    the text back in it gives the same bytes (``--fix`` relies on that). Raises as
    :func:`decode_source` does."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return _cookie_encoding(data)


def _cookie_encoding(data: bytes) -> str:
    """The PEP 263 encoding of ``data``, which is not valid UTF-8: raises UnicodeDecodeError
    when the cookie says UTF-8 (or there is none), SyntaxError for an unknown encoding."""
    import io
    import tokenize

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding in ("utf-8", "utf-8-sig"):
        data.decode(encoding)  # raises: the bytes are not valid UTF-8
    return encoding


#: facts of unsaved texts kept for reuse across snapshots (per workspace); disk facts are
#: kept for every file, as before
_TEXT_FACTS_LIMIT = 256


def _text_key(text: str) -> tuple[int, int]:
    return (len(text), hash(text))  # str caches its hash: cheap on the second call


class _FactStore:
    """Facts shared by a live index and its snapshots, keyed by path *and* content (the
    file on disk, or one exact text), so that a query that parses some other text (a
    completion's, a fix round's, an older snapshot's) can never leave facts behind that
    another reader takes for the current ones."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.disk: dict[str, ModuleFacts | None] = {}
        self.texts: "OrderedDict[tuple[str, tuple[int, int]], ModuleFacts | None]" = OrderedDict()

    def get_text(self, path: str, key: tuple[int, int]) -> tuple[bool, ModuleFacts | None]:
        with self.lock:
            found = self.texts.get((path, key), _MISSING)
            if found is _MISSING:
                return False, None
            self.texts.move_to_end((path, key))
            return True, found  # type: ignore[return-value]

    def put_text(self, path: str, key: tuple[int, int], facts: ModuleFacts | None) -> None:
        with self.lock:
            self.texts[(path, key)] = facts
            self.texts.move_to_end((path, key))
            while len(self.texts) > _TEXT_FACTS_LIMIT:
                self.texts.popitem(last=False)


_MISSING = object()


class WorkspaceIndex:
    """Module facts and name resolution for one workspace.

    ``module_map`` lists the workspace's files; ``reader`` returns a file's text (it may
    raise OSError / UnicodeDecodeError: such a module is treated as unparseable).

    The mutators (:meth:`set_overlay`, :meth:`clear_overlay`, :meth:`invalidate`) change this
    object; :meth:`snapshot` returns a copy that no later mutation changes (SPEC §5: queries
    and background work read snapshots). Copies share the facts computed so far, keyed by
    content, and are thread-safe for concurrent readers.
    """

    def __init__(self, module_map: ModuleMap, reader: Callable[[str], str] = read_source, *, _store: _FactStore | None = None) -> None:
        self.module_map = module_map
        self._reader = reader
        self._store = _store or _FactStore()
        self._overlays: dict[str, str] = {}
        self._lock = self._store.lock
        #: bumped on every change, so derived caches (contract tables) know to rebuild.
        self.generation = 0
        self._resolved: dict[str, Resolved] = {}
        #: this object's own view: path -> facts of the text it reads for that path
        self._memo: dict[str, ModuleFacts | None] = {}

    def snapshot(self) -> "WorkspaceIndex":
        """An immutable view of the index as it is now: the same overlays, module map and
        generation; later calls of the mutators on ``self`` leave it as it is."""
        copy = WorkspaceIndex(self.module_map, self._reader, _store=self._store)
        copy._overlays = dict(self._overlays)
        copy.generation = self.generation
        copy._memo = dict(self._memo)
        return copy

    def with_text(self, path: str, text: str) -> "WorkspaceIndex":
        """A throwaway view in which ``path`` reads ``text`` (a completion's text with a
        parenthesis inserted, a fix round's result): checking it leaves ``self`` as it was."""
        copy = self.snapshot()
        copy._overlays[os.path.abspath(path)] = text
        copy._memo.pop(os.path.abspath(path), None)
        copy.generation = -1 - self.generation  # never equal to a live generation
        return copy

    # -- keeping current -------------------------------------------------------------
    def set_overlay(self, path: str, text: str) -> None:
        """Use ``text`` (an open document's unsaved contents) instead of the file on disk."""
        path = os.path.abspath(path)
        if self._overlays.get(path) == text:
            return
        self._overlays[path] = text
        self.module_map.add(path)
        self._memo.pop(path, None)
        self._changed()

    def clear_overlay(self, path: str) -> None:
        """Go back to the file on disk for ``path`` (document closed)."""
        path = os.path.abspath(path)
        if self._overlays.pop(path, None) is not None:
            self._memo.pop(path, None)
            self._changed()

    def invalidate(self, path: str, deleted: bool = False) -> None:
        """Forget cached facts of ``path`` (changed on disk); ``deleted`` removes the file.
        A created or deleted ``__init__.py`` renames the modules below its folder (SPEC §1):
        the module map is then computed again."""
        path = os.path.abspath(path)
        with self._lock:
            self._store.disk.pop(path, None)
        self._memo.pop(path, None)
        if os.path.basename(path) == "__init__.py" and (deleted or path not in self.module_map.paths_set()):
            if deleted:
                self.module_map.remove(path)
            else:
                self.module_map.add(path)
            self.module_map = self.module_map.rebuilt()
            self._memo.clear()
        elif deleted:
            self.module_map.remove(path)
        else:
            self.module_map.add(path)
        self._changed()

    def adopt_module_map(self, module_map: ModuleMap) -> None:
        """Switch to the complete module map of the workspace (the server's background
        walk), keeping the open documents in it."""
        for path in self._overlays:
            module_map.add(path)
        self.module_map = module_map
        self._memo.clear()
        self._changed()

    def overlay_paths(self) -> list[str]:
        return list(self._overlays)

    def _changed(self) -> None:
        self._resolved = {}
        self.generation += 1

    def put_facts(self, facts: ModuleFacts, text: str) -> None:
        """Store facts a caller computed from ``text`` (no second parse). They are found
        again only by a reader for which ``facts.path`` holds exactly that text."""
        path = os.path.abspath(facts.path)
        self._store.put_text(path, _text_key(text), facts)
        if self._overlays.get(path) == text:
            self._memo[path] = facts

    # -- facts -----------------------------------------------------------------------
    def source_of(self, path: str) -> str:
        """Text of ``path``: the overlay when open, else the file. Raises like ``reader``."""
        path = os.path.abspath(path)
        overlay = self._overlays.get(path)
        return overlay if overlay is not None else self._reader(path)

    def has_overlay(self, path: str) -> bool:
        return os.path.abspath(path) in self._overlays

    def facts_for_path(self, path: str) -> ModuleFacts | None:
        """Facts of the file at ``path``; None when it can't be read or parsed."""
        path = os.path.abspath(path)
        memo = self._memo
        if path in memo:
            return memo[path]
        overlay = self._overlays.get(path)
        if overlay is None:
            with self._lock:
                if path in self._store.disk:
                    facts = memo[path] = self._store.disk[path]
                    return facts
        facts: ModuleFacts | None = None
        try:
            text = overlay if overlay is not None else self._reader(path)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError, LookupError):
            text = None
        if text is not None:
            key = _text_key(text)
            hit, facts = self._store.get_text(path, key)
            if not hit:
                facts = self._parse_facts(path, text)
                self._store.put_text(path, key, facts)
        if overlay is None:
            with self._lock:
                self._store.disk[path] = facts
        memo[path] = facts
        return facts

    def _parse_facts(self, path: str, text: str) -> ModuleFacts | None:
        module = self.module_map.module_of(path) or ""
        try:
            tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return build_module_facts(tree, module, path, os.path.basename(path) == "__init__.py", split_lines(text))

    def facts_for_module(self, module: str) -> ModuleFacts | None:
        """Facts of a workspace module, or None (not in the workspace, or unparseable)."""
        path = self.module_map.path_of(module)
        return self.facts_for_path(path) if path else None

    # -- resolution ------------------------------------------------------------------
    def resolve(self, dotted: str, _depth: int = 0) -> Resolved:
        """Follow ``dotted`` (``pkg.mod.Name.attr``) through the workspace's modules,
        re-exports and star imports to its definition. Never raises. Cached until the
        workspace changes."""
        found = self._resolved.get(dotted)
        if found is None:
            found = self._resolve(dotted, _depth)
            if _depth == 0:
                self._resolved[dotted] = found
        return found

    def _resolve(self, dotted: str, _depth: int) -> Resolved:
        if _depth > _MAX_DEPTH or not dotted:
            return Resolved(dotted, "external")
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            module = ".".join(parts[:i])
            if module in self.module_map:
                return self._resolve_in_module(module, parts[i:], dotted, _depth)
        return Resolved(dotted, "external")

    def _resolve_in_module(self, module: str, rest: list[str], dotted: str, depth: int) -> Resolved:
        facts = self.facts_for_module(module)
        if not rest:
            return Resolved(module, "module", facts)
        if facts is None:
            return Resolved(dotted, "missing")
        name, tail = rest[0], rest[1:]
        if name in facts.classes:
            return self._resolve_in_class(facts.classes[name], tail)
        if name in facts.functions:
            fn = facts.functions[name]
            return Resolved(".".join([fn.qualname, *tail]), "function" if not tail else "external", fn)
        binding = facts.bindings.lookup(name)
        if binding is not None and binding.kind == "import" and binding.target:
            return self.resolve(".".join([binding.target, *tail]), depth + 1)
        for star in facts.bindings.star_imports:
            found = self.resolve(".".join([star, *rest]), depth + 1)
            if found.kind not in ("external", "missing"):
                return found
        return Resolved(dotted, "missing")

    def _resolve_in_class(self, cls: ClassFacts, tail: list[str]) -> Resolved:
        if not tail:
            return Resolved(cls.qualname, "class", cls)
        facts = self.facts_for_module(cls.module)
        local = cls.qualname[len(cls.module) + 1 :] if cls.module else cls.qualname
        nested = f"{local}.{tail[0]}"
        if facts is not None and nested in facts.classes:
            return self._resolve_in_class(facts.classes[nested], tail[1:])
        if len(tail) == 1:
            owner, method = self.find_method(cls, tail[0])
            if method is not None and owner is not None:
                return Resolved(f"{owner.qualname}.{tail[0]}", "function", method)
            return Resolved(f"{cls.qualname}.{tail[0]}", "missing")
        return Resolved(".".join([cls.qualname, *tail]), "missing")

    def resolve_in_scope(self, dotted: str, module_facts: ModuleFacts, line: int | None = None) -> Resolved:
        """Resolve ``dotted`` as written at module level of ``module_facts`` (e.g. a base
        class expression). Builtins resolve to ``builtins.<name>`` (external)."""
        head, _, rest = dotted.partition(".")
        binding = module_facts.bindings.lookup(head, line)
        target = self.binding_target(binding, module_facts)
        if target is None and binding is None:
            for star in module_facts.bindings.star_imports:
                found = self.resolve(f"{star}.{dotted}")
                if found.kind not in ("external", "missing"):
                    return found
        if target is None:
            if binding is None and hasattr(builtins, head):
                return Resolved(f"builtins.{dotted}", "external")
            return Resolved(dotted, "missing")
        return self.resolve(f"{target}.{rest}" if rest else target)

    def binding_target(self, binding: Binding | None, module_facts: ModuleFacts) -> str | None:
        """The dotted path a binding stands for (imports and definitions), else None."""
        if binding is None:
            return None
        if binding.kind in ("import", "def", "class"):
            return binding.target
        return None

    # -- classes ---------------------------------------------------------------------
    def class_facts(self, qualname: str) -> ClassFacts | None:
        found = self.resolve(qualname)
        return found.facts if found.kind == "class" else None  # type: ignore[return-value]

    def base_classes(self, cls: ClassFacts) -> list[Resolved]:
        """Each base of ``cls`` resolved in its module's scope, in order."""
        facts = self.facts_for_module(cls.module)
        if facts is None:
            return [Resolved(b, "missing") for b in cls.bases]
        return [self.resolve_in_scope(base, facts, cls.line) for base in cls.bases]

    def find_method(self, cls: ClassFacts, name: str, _seen: set[str] | None = None) -> tuple[ClassFacts | None, FunctionFacts | None]:
        """The class of ``cls``'s workspace MRO (depth-first, good enough here) defining method
        ``name``, with that method; (None, None) when no workspace class defines it."""
        seen = _seen if _seen is not None else set()
        if cls.qualname in seen or len(seen) > _MAX_DEPTH:
            return None, None
        seen.add(cls.qualname)
        if name in cls.methods:
            return cls, cls.methods[name]
        for base in self.base_classes(cls):
            if base.kind == "class" and isinstance(base.facts, ClassFacts):
                owner, method = self.find_method(base.facts, name, seen)
                if method is not None:
                    return owner, method
        return None, None

    def ancestors(self, cls: ClassFacts, stop: Iterable[str] = ()) -> Iterable[tuple[Resolved, int]]:
        """Every base of ``cls``, transitively through workspace classes, with its depth
        (1 = direct base). Each class appears once; classes named in ``stop`` are yielded
        but their own bases are not followed."""
        stop = set(stop)
        seen: set[str] = {cls.qualname}
        stack: list[tuple[ClassFacts, int]] = [(cls, 0)]
        while stack:
            current, depth = stack.pop(0)
            if depth >= _MAX_DEPTH:
                continue
            for base in self.base_classes(current):
                if base.qualname in seen:
                    continue
                seen.add(base.qualname)
                yield base, depth + 1
                if base.kind == "class" and isinstance(base.facts, ClassFacts) and base.qualname not in stop:
                    stack.append((base.facts, depth + 1))

    def all_paths(self) -> list[str]:
        return self.module_map.paths()


def build_index(files: Iterable[str | Path], src_roots: Iterable[Path] = ()) -> WorkspaceIndex:
    """An index over ``files`` (absolute paths of Python files)."""
    module_map = ModuleMap(src_roots)
    for path in files:
        module_map.add(path)
    return WorkspaceIndex(module_map)


__all__ = ["Resolved", "WorkspaceIndex", "build_index", "decode_source", "read_source", "source_encoding", "ScopeBindings"]
