"""Workspaces of the language server: one :class:`~contract_lsp.project.Project` per
workspace folder (multi-root), kept current with open documents and file events.

A registry reload that finds errors keeps serving the last good registry (SPEC §5); the
errors are kept per contract file for its CL900 diagnostics.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ConfigError, PathFilter, find_workspace_root, load_settings, walk_python_files
from ..project import Project, open_project, workspace_module_map
from ..registry.loader import load_registry
from ..registry.model import ContractFileError


@dataclass
class WorkspaceState:
    """One workspace folder and what was loaded for it."""

    root: Path
    overrides: dict = field(default_factory=dict)
    project: Project | None = None
    #: CL900 errors of the latest registry load, by absolute contract file path.
    contract_errors: dict[str, list[ContractFileError]] = field(default_factory=dict)
    #: unsaved text of contract files open in the editor, by absolute path
    contract_overlays: dict[str, str] = field(default_factory=dict)
    config_error: str | None = None
    #: True once every file of the workspace is in the index (SPEC §5: the opened document
    #: is checked first, against the modules its resolution needs, the rest follows)
    indexed: bool = False

    def contains(self, path: str) -> bool:
        root = str(self.root)
        return path == root or path.startswith(root + os.sep)

    def is_contract_file(self, path: str) -> bool:
        """Whether ``path`` is (or would be) a file of this workspace's registry."""
        if not path.endswith((".yaml", ".yml")) or self.project is None:
            return False
        for base in self.project.settings.contract_paths:
            base_s = str(base)
            if path == base_s or path.startswith(base_s + os.sep):
                return True
        return False


class Session:
    """Every workspace of one server, and the client's settings."""

    def __init__(self) -> None:
        self.workspaces: dict[str, WorkspaceState] = {}
        self.overrides: dict = {}
        #: called with a workspace loaded on first use (a file outside every folder): the
        #: server completes its index in the background
        self.on_loaded = None

    def add_folder(self, root: Path) -> WorkspaceState:
        key = str(root.resolve())
        if key not in self.workspaces:
            self.workspaces[key] = WorkspaceState(Path(key), dict(self.overrides))
        return self.workspaces[key]

    def workspace_for(self, path: str) -> WorkspaceState:
        """The workspace holding ``path`` (the deepest folder); a file outside every folder
        gets a workspace of its own root (SPEC §1), loaded on first use."""
        best = None
        for state in self.workspaces.values():
            if state.contains(path) and (best is None or len(str(state.root)) > len(str(best.root))):
                best = state
        if best is None:
            best = self.add_folder(find_workspace_root(Path(path).parent))
        if best.project is None and best.config_error is None:
            load(best, lazy=self.on_loaded is not None)
            if self.on_loaded is not None:
                self.on_loaded(best)
        return best


def load(state: WorkspaceState, *, lazy: bool = False, overlays: dict[str, str] | None = None) -> None:
    """(Re)build the workspace's project from disk and the open contract files. Keeps the
    previous project when the configuration is invalid; never raises.

    ``lazy`` reads only the settings and the registry: the index then finds modules on
    disk as resolution asks for them, and :func:`build_complete_index` (off the event
    loop) and :func:`apply_complete_index` bring in the whole workspace. ``overlays`` are
    the open Python documents' texts (absolute path -> text)."""
    try:
        settings = load_settings(state.root, overrides=state.overrides or None)
    except ConfigError as exc:
        state.config_error = str(exc)
        return
    state.config_error = None
    files = [] if lazy else list(walk_python_files([state.root], PathFilter(settings)))
    try:
        project = open_project(state.root, files, overrides=state.overrides or None, lazy=lazy)
    except ConfigError as exc:
        state.config_error = str(exc)
        return
    for path, text in (overlays or {}).items():
        project.index.set_overlay(path, text)
    previous = state.project
    state.project = project
    state.indexed = not lazy
    if project.registry.errors or state.contract_overlays:
        reload_registry(state, fallback=previous.registry if previous else None)
    else:
        state.contract_errors = {}
    if not lazy:
        project.expand_words(_contents(state, files))


@dataclass(frozen=True)
class CompleteIndex:
    """The whole workspace, read off the event loop for one project."""

    project: Project
    module_map: object
    expansion: object
    registry: object | None  # with discovered protocols, when ``discover`` is set


def build_complete_index(token, project: Project) -> CompleteIndex:
    """Walk the workspace, map its modules, read every file once and derive the prefilter's
    words (aliases, indirect implementations) and discovered protocols, on a snapshot of
    ``project``: nothing live changes (a background job: ``token`` is a
    :class:`~contract_lsp.server.background.CancelToken`)."""
    import dataclasses

    settings = project.settings
    files = list(walk_python_files([settings.root], PathFilter(settings)))
    token.check()
    module_map = workspace_module_map(settings, files)
    index = project.index.snapshot()
    for path in list(index.overlay_paths()):
        module_map.add(path)
    index.module_map = module_map
    frozen = dataclasses.replace(project, index=index, _table=None, _mentions=None)
    contents: dict[str, bytes] = {}
    for i, path in enumerate(files):
        if i % 256 == 0:
            token.check()
        try:
            contents[path] = index.source_of(path).encode("utf-8", errors="surrogatepass")
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
    expansion = frozen.compute_expansion(contents)
    registry = None
    if "protocols" in settings.discover:
        from ..discover import discovered_protocols

        registry = project.registry.with_contracts(discovered_protocols(index, project.registry))
    return CompleteIndex(project, module_map, expansion, registry)


def apply_complete_index(state: WorkspaceState, complete: CompleteIndex) -> bool:
    """Take a :func:`build_complete_index` result into the live workspace (on the event
    loop). False, changing nothing, when the workspace was reloaded meanwhile."""
    project = state.project
    if project is None or project is not complete.project:
        return False
    project.index.adopt_module_map(complete.module_map)  # type: ignore[arg-type]
    if complete.registry is not None and not state.contract_errors:
        project.set_registry(complete.registry)  # type: ignore[arg-type]
    project.apply_expansion(complete.expansion)
    state.indexed = True
    return True


def _contents(state: WorkspaceState, paths: list[str]) -> dict[str, bytes]:
    contents: dict[str, bytes] = {}
    for path in paths:
        try:
            contents[path] = state.project.index.source_of(path).encode("utf-8", errors="surrogatepass")
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
    return contents


def expand(state: WorkspaceState, files: list[str] | None = None) -> None:
    """Grow the prefilter over the workspace's files (aliases, indirect implementations):
    every file when loading, only ``files`` (just changed) otherwise."""
    project = state.project
    if project is None:
        return
    if files is None:
        project.expand_words(_contents(state, project.index.all_paths()))
    else:
        project.extend_words(_contents(state, files))


def reload_registry(state: WorkspaceState, fallback=None) -> bool:
    """Reload the registry (disk + open contract files). On errors, record them and keep
    the last good registry (or ``fallback``); returns True when the new one was taken."""
    project = state.project
    if project is None:
        return False
    registry = load_registry(project.settings.contract_paths, state.contract_overlays)
    errors: dict[str, list[ContractFileError]] = {}
    for error in registry.errors:
        errors.setdefault(os.path.abspath(error.path), []).append(error)
    state.contract_errors = errors
    if registry.errors:
        if fallback is not None and project.registry.errors:
            project.set_registry(fallback)
        elif project.registry.errors:
            # nothing good to fall back on: serve the contracts of the valid files
            project.set_registry(type(registry)(registry.contracts, [], registry.files))
        return False
    if "protocols" in project.settings.discover:
        from ..discover import discovered_protocols

        registry = registry.with_contracts(discovered_protocols(project.index, registry))
    project.set_registry(registry)
    return True
