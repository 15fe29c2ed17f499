"""Module names from file paths (SPEC §1).

A file's module is its path below the first ancestor folder without ``__init__.py``
(``examples/chat_service/context.py`` -> ``chat_service.context``), unless import roots
(``src = [...]``) are given, in which case it is the path below the deepest root holding it,
as ruff's ``src`` does. ``__init__.py`` names its package.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable


def _has_init(folder: str, cache: dict[str, bool] | None = None) -> bool:
    if cache is not None:
        found = cache.get(folder)
        if found is None:
            found = cache[folder] = os.path.isfile(os.path.join(folder, "__init__.py"))
        return found
    return os.path.isfile(os.path.join(folder, "__init__.py"))


def import_root(path: str) -> str:
    """The first ancestor folder of the file ``path`` without ``__init__.py`` (SPEC §1):
    the folder its module name is relative to."""
    folder = os.path.dirname(os.path.abspath(path))
    while _has_init(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


def module_name_for(path: str | Path, src_roots: Iterable[Path] = (), _init_cache: dict[str, bool] | None = None) -> str | None:
    """The dotted module name of the Python file ``path``, or None if it has none.

    ``path`` should be absolute. Returns None for files whose name is not an identifier.
    ``_init_cache`` memoises which folders hold an ``__init__.py``: its owner (a
    :class:`ModuleMap`) drops it when a package appears or goes.
    """
    path = os.path.abspath(path)
    folder, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else filename.rsplit(".", 1)[0]
    parts: list[str] = [] if stem == "__init__" else [stem]
    roots = sorted((os.path.abspath(r) for r in src_roots), key=len, reverse=True)
    root = next((r for r in roots if folder == r or folder.startswith(r + os.sep)), None)
    if root is not None:
        rel = os.path.relpath(folder, root)
        parts = ([] if rel == "." else rel.split(os.sep)) + parts
    else:
        while _has_init(folder, _init_cache):
            folder, name = os.path.split(folder)
            parts.insert(0, name)
            if not name:
                break
    if not parts or not all(p.isidentifier() for p in parts):
        return None
    return ".".join(parts)


class ModuleMap:
    """Module name <-> file path for the Python files of a workspace.

    Where two files claim one module name (two top-level ``setup.py`` in different
    folders), the first added wins: resolution through it is then best-effort.
    """

    def __init__(self, src_roots: Iterable[Path] = (), *, probe_roots: Iterable[str] = (), accept: Callable[[str], bool] | None = None) -> None:
        self.src_roots = tuple(Path(r) for r in src_roots)
        self._by_module: dict[str, str] = {}
        self._by_path: dict[str, str | None] = {}
        #: folders known to hold (True) or lack (False) an ``__init__.py``; owned here so
        #: that a package appearing on disk is seen after :meth:`rebuilt`
        self._init_cache: dict[str, bool] = {}
        #: True once every file of the workspace was added (the walk finished); until then
        #: a module not yet added is looked for on disk under the probe roots
        self.complete = not probe_roots
        self._probe_roots: list[str] = [str(r) for r in self.src_roots] or list(probe_roots)
        self._accept = accept
        self._probed: dict[str, str | None] = {}

    def rebuilt(self) -> "ModuleMap":
        """A new map of the same files, computed afresh from the disk (a folder gained or
        lost its ``__init__.py``, which renames every module below it)."""
        fresh = ModuleMap(self.src_roots, probe_roots=() if self.complete else self._probe_roots, accept=self._accept)
        for path in self._by_path:
            fresh.add(path)
        return fresh

    def mark_complete(self) -> None:
        """Every file of the workspace has been added: stop probing the disk."""
        self.complete = True
        self._probed.clear()

    def _probe(self, module: str) -> str | None:
        """Look for ``module`` on disk before the walk has added it: under each probe root,
        ``a/b/c.py`` or ``a/b/c/__init__.py``, kept only when that file's own module name
        (SPEC §1) is ``module``, so that probing never names a module differently from the
        walk."""
        if module in self._probed:
            return self._probed[module]
        found = None
        parts = module.split(".")
        if all(p.isidentifier() for p in parts):
            for root in self._probe_roots:
                base = os.path.join(root, *parts)
                for candidate in (base + ".py", base + ".pyi", os.path.join(base, "__init__.py")):
                    if os.path.isfile(candidate) and (self._accept is None or self._accept(candidate)):
                        if module_name_for(candidate, self.src_roots, self._init_cache) == module:
                            found = candidate
                            break
                if found:
                    break
        self._probed[module] = found
        if found is not None:
            self.add(found)
        return found

    def add(self, path: str | Path) -> str | None:
        """Register a file (absolute path); returns its module name or None."""
        path = os.path.abspath(path)
        if path in self._by_path:
            return self._by_path[path]
        module = module_name_for(path, self.src_roots, self._init_cache)
        if not self.complete and not self.src_roots:
            root = import_root(path)
            if root not in self._probe_roots:
                self._probe_roots.append(root)
        self._by_path[path] = module
        if module is not None:
            self._by_module.setdefault(module, path)
            self._probed.pop(module, None)
        return module

    def remove(self, path: str | Path) -> None:
        """Forget a deleted file."""
        path = os.path.abspath(path)
        module = self._by_path.pop(path, None)
        if module is not None and self._by_module.get(module) == path:
            del self._by_module[module]
        self._init_cache.clear()
        self._probed.clear()

    def module_of(self, path: str | Path) -> str | None:
        """Module name of ``path`` (computed and registered if new)."""
        return self.add(path)

    def path_of(self, module: str) -> str | None:
        """The file defining ``module``, or None when it is not in the workspace."""
        path = self._by_module.get(module)
        if path is None and not self.complete:
            path = self._probe(module)
        return path

    def is_package(self, module: str) -> bool:
        path = self._by_module.get(module)
        return path is not None and os.path.basename(path) == "__init__.py"

    def paths(self) -> list[str]:
        return list(self._by_path)

    def paths_set(self):
        """The registered paths, as a set-like view."""
        return self._by_path.keys()

    def __contains__(self, module: str) -> bool:
        return module in self._by_module or (not self.complete and self._probe(module) is not None)
