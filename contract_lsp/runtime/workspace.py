"""The registry at runtime: the workspace's contracts, found as ``--check`` finds them
(SPEC §1), and the workspace's import roots, so that its own modules import.

``config`` and ``registry.loader`` are imported on first use: importing
``contract_lsp.runtime`` stays cheap (``benchmarks/bench_runtime_import.py``).
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING

from ..registry.model import Contract, Registry

if TYPE_CHECKING:
    from pathlib import Path


class RegistryError(Exception):
    """The registry could not be loaded: invalid configuration, or CL900 errors in contract
    files (``errors``: the :class:`~contract_lsp.registry.model.ContractFileError` list,
    1-based; ``str()`` lists them as ``path:line:col: CL900 message``)."""

    def __init__(self, message: str, errors: list | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or ())


class UnknownContract(LookupError):
    """No contract of that name in the registry (the message suggests the closest)."""


def _settings(root: Path | str | None, contracts: list[Path] | None = None, packs: list[str] | None = None):
    """The settings of ``root``'s workspace (SPEC §1) with ``--contracts`` / ``--pack``
    overrides; :class:`RegistryError` for invalid configuration or an unknown pack."""
    import inspect
    from pathlib import Path

    from ..config import ConfigError, find_workspace_root, load_settings

    where = find_workspace_root(Path(root) if root is not None else Path.cwd())
    options: dict = {"cli_contracts": contracts}
    if packs:
        if "cli_packs" not in inspect.signature(load_settings).parameters:
            raise RegistryError("packs are not supported by this installation of contract-lsp")
        options["cli_packs"] = list(packs)
    try:
        return load_settings(where, **options)
    except ConfigError as exc:
        raise RegistryError(str(exc)) from None


def load(root: Path | str | None = None, *, contracts: list[Path | str] | None = None, packs: list[str] | None = None) -> Registry:
    """The registry of the workspace at ``root`` (default: the current directory's
    workspace, SPEC §1: the nearest folder upward holding ``pyproject.toml`` or ``.git``),
    as ``--check`` finds it: ``contracts`` (like ``--contracts``, relative to the current
    directory) or ``[tool.contract-lsp] contracts`` or ``<root>/contracts/``, plus the packs
    selected by ``packs`` / the ``packs`` key. Read afresh on every call.

    Raises :class:`RegistryError` for invalid configuration or invalid contract files
    (every CL900 error, 1-based, in ``.errors``), so that a startup check never runs
    against a half-read registry. Protocols found by ``discover`` are not included: they
    have no YAML and nothing to verify beyond their own definitions.
    """
    from pathlib import Path

    from ..registry.loader import load_registry

    settings = _settings(root, [Path(p) for p in contracts] if contracts else None, packs)
    # the contract paths, then the selected packs' files (SPEC §2.1)
    paths = list(getattr(settings, "registry_paths", settings.contract_paths))
    registry = load_registry(paths) if paths else Registry()
    if registry.errors:
        listed = "\n".join(str(e) for e in registry.errors)
        raise RegistryError(f"invalid contract files:\n{listed}", registry.errors)
    registry.root = settings.root  # type: ignore[attr-defined]  # where import roots come from
    return registry


_DEFAULT: dict[str, Registry] = {}
_LOCK = threading.Lock()


def default_registry() -> Registry:
    """:func:`load` of the current directory's workspace, loaded once per process and
    directory (the checks' ``registry=None``)."""
    key = os.getcwd()
    with _LOCK:
        if key not in _DEFAULT:
            _DEFAULT[key] = load()
        return _DEFAULT[key]


def contract_named(registry: Registry, name: str) -> Contract:
    """The contract ``name`` of ``registry``; raises :class:`UnknownContract` naming the
    closest names when there is none."""
    contract = registry.get(name)
    if contract is None:
        import difflib

        close = difflib.get_close_matches(name, [c.name for c in registry.contracts], n=3)
        hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
        raise UnknownContract(f"no contract named {name!r} in the registry{hint}")
    return contract


# -- import roots ------------------------------------------------------------------------


def import_roots(root: Path | str) -> list[str]:
    """The folders the workspace's modules are named from (SPEC §1): ``src`` when set, else
    the first ancestor without ``__init__.py`` of each Python file (``examples/`` for
    ``examples/chat_service/context.py``), the workspace's own filters applied."""
    from ..config import PathFilter, walk_python_files

    settings = _settings(root)
    if settings.src:
        return [str(p) for p in settings.src]
    roots: dict[str, None] = {}
    has_init: dict[str, bool] = {}
    for path in walk_python_files([settings.root], PathFilter(settings)):
        folder = os.path.dirname(os.path.abspath(path))
        while True:
            known = has_init.get(folder)
            if known is None:
                known = has_init[folder] = os.path.isfile(os.path.join(folder, "__init__.py"))
            parent = os.path.dirname(folder)
            if not known or parent == folder:
                break
            folder = parent
        roots.setdefault(folder, None)
    return sorted(roots, key=lambda r: (r != str(settings.root), r))


def add_import_roots(root: Path | str) -> list[str]:
    """Append the workspace's :func:`import_roots` that ``sys.path`` lacks (after what is
    installed, so the environment's own packages win, as ``--verify`` wants); returns those
    added."""
    added = []
    present = {os.path.abspath(p) for p in sys.path if p}
    for folder in import_roots(root):
        if os.path.abspath(folder) not in present:
            sys.path.append(folder)
            added.append(folder)
    return added
