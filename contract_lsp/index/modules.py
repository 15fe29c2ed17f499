"""Module names from file paths (SPEC §1).

A file's module is its path below the first ancestor folder without ``__init__.py``
(``examples/chat_service/context.py`` -> ``chat_service.context``), unless import roots
(``src = [...]``) are given, in which case it is the path below the deepest root holding it,
as ruff's ``src`` does. ``__init__.py`` names its package.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable


@lru_cache(maxsize=None)
def _has_init(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "__init__.py"))


def module_name_for(path: str | Path, src_roots: Iterable[Path] = ()) -> str | None:
    """The dotted module name of the Python file ``path``, or None if it has none.

    ``path`` should be absolute. Returns None for files whose name is not an identifier.
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
        while _has_init(folder):
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

    def __init__(self, src_roots: Iterable[Path] = ()) -> None:
        self.src_roots = tuple(Path(r) for r in src_roots)
        self._by_module: dict[str, str] = {}
        self._by_path: dict[str, str | None] = {}

    def add(self, path: str | Path) -> str | None:
        """Register a file (absolute path); returns its module name or None."""
        path = os.path.abspath(path)
        if path in self._by_path:
            return self._by_path[path]
        module = module_name_for(path, self.src_roots)
        self._by_path[path] = module
        if module is not None:
            self._by_module.setdefault(module, path)
        return module

    def remove(self, path: str | Path) -> None:
        """Forget a deleted file."""
        path = os.path.abspath(path)
        module = self._by_path.pop(path, None)
        if module is not None and self._by_module.get(module) == path:
            del self._by_module[module]
            _has_init.cache_clear()

    def module_of(self, path: str | Path) -> str | None:
        """Module name of ``path`` (computed and registered if new)."""
        return self.add(path)

    def path_of(self, module: str) -> str | None:
        """The file defining ``module``, or None when it is not in the workspace."""
        return self._by_module.get(module)

    def is_package(self, module: str) -> bool:
        path = self._by_module.get(module)
        return path is not None and os.path.basename(path) == "__init__.py"

    def paths(self) -> list[str]:
        return list(self._by_path)

    def __contains__(self, module: str) -> bool:
        return module in self._by_module
