"""Workspaces of the language server: one :class:`~contract_lsp.project.Project` per
workspace folder (multi-root), kept current with open documents and file events.

The registry follows the disk and the open contract files (SPEC §5), one contract file at
a time: each file's last parse is kept (keyed by its text), so a reload parses only what
changed, and a file that turns invalid keeps serving its own last good contracts while
its CL900 errors are reported; a deleted file's contracts go. Reloads run off the event
loop (:func:`read_registry`) and are taken on it (:func:`apply_registry`) only while
still current. One invalid client setting is dropped and named, the others kept.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..config import (
    ConfigError,
    PathFilter,
    find_workspace_root,
    load_settings,
    unknown_codes,
    walk_python_files,
)
from ..project import Project, open_project, workspace_module_map
from ..registry.loader import (
    _parse,
    cross_file_errors,
    find_contract_files,
    read_contract_file,
)
from ..registry.model import ContractFileError, Registry


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
    #: client settings that were invalid and left out, one message each (logged)
    config_warnings: list[str] = field(default_factory=list)
    #: the parse of each contract file, and its last good contracts
    contract_files: "ContractFiles" = field(default_factory=lambda: ContractFiles())
    #: bumped by every change that may change the registry: a reload computed for an
    #: older serial is stale and dropped
    registry_serial: int = 0
    #: what the last registry load said when it found no contracts (logged once)
    registry_note: str | None = None

    def contains(self, path: str) -> bool:
        root = str(self.root)
        return path == root or path.startswith(root + os.sep)

    def contract_roots(self) -> list[Path]:
        """Where contract files are, or would be once created: the configured contract
        paths, and ``<root>/contracts`` where none are configured (SPEC §1's default, which
        ``load_settings`` applies only to a folder that exists at load time)."""
        if self.project is None:
            return []
        paths = list(self.project.settings.contract_paths)
        default = self.root / "contracts"
        if not paths:
            paths = [default]
        return paths

    def is_contract_file(self, path: str) -> bool:
        """Whether ``path`` is (or would be) a file of this workspace's registry."""
        if not path.endswith((".yaml", ".yml")):
            return False
        return any(_under(path, str(base)) for base in self.contract_roots())

    def touches_contracts(self, path: str) -> bool:
        """Whether a change at ``path`` (a file or folder created or deleted) may change the
        registry: a contract file, or a folder holding or being a contract path."""
        if self.is_contract_file(path) or path in self.contract_errors:
            return True
        return any(_under(str(base), path) for base in self.contract_roots())


def _under(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


class Session:
    """Every workspace of one server, and the client's settings."""

    def __init__(self) -> None:
        self.workspaces: dict[str, WorkspaceState] = {}
        self.overrides: dict = {}
        #: called with a workspace loaded on first use (a file outside every folder): the
        #: server completes its index in the background
        self.on_loaded = None

    def add_folder(self, root: Path) -> WorkspaceState:
        """The workspace of a client's workspace folder: its root is the nearest folder from
        there upward holding ``pyproject.toml`` or ``.git``, else the folder itself (SPEC §1,
        as ``--check`` finds it from the current directory)."""
        key = str(find_workspace_root(Path(root)))
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
        overrides, state.config_warnings = usable_overrides(state.root, state.overrides)
        settings = load_settings(state.root, overrides=overrides or None)
    except ConfigError as exc:
        state.config_error = str(exc)
        return
    state.config_error = None
    files = [] if lazy else list(walk_python_files([state.root], PathFilter(settings)))
    try:
        project = open_project(state.root, files, overrides=overrides or None, lazy=lazy, remember_schema=lazy)
    except ConfigError as exc:
        state.config_error = str(exc)
        return
    for path, text in (overlays or {}).items():
        project.index.set_overlay(path, text)
    previous = state.project
    state.project = project
    state.indexed = not lazy
    state.registry_serial += 1  # a reload computed for the previous project is stale
    if project.registry.errors or state.contract_overlays or state.contract_files.known():
        # per-file last good versions and open contract files: read as a reload does
        fallback = previous.registry if previous is not None else None
        apply_registry(state, read_registry(None, registry_inputs(state, fallback)))
    else:
        state.contract_errors = {}
        _note_registry(state, project.registry)
    if not lazy:
        project.expand_words(_contents(state, files))


def usable_overrides(root: Path, overrides: dict) -> tuple[dict, list[str]]:
    """The client's settings without those that are invalid, and a message for each one
    left out (SPEC §5: one bad editor setting must not silence every diagnostic), with
    unknown ``select`` / ``ignore`` codes, which ``load_settings`` drops silently. Raises
    :class:`ConfigError` when ``pyproject.toml`` itself is invalid."""
    warnings = [
        f"client settings (contractLsp): '{key}' has an unknown code {code!r}; it is ignored"
        for key in ("select", "ignore")
        for code in _listed(overrides.get(key))
        if unknown_codes([code])
    ]
    if not overrides:
        return {}, warnings
    try:
        load_settings(root, overrides=overrides)
        return dict(overrides), warnings
    except ConfigError:
        load_settings(root)  # pyproject.toml alone: its errors are the workspace's
    kept: dict = {}
    for key, value in overrides.items():
        try:
            load_settings(root, overrides={**kept, key: value})
        except ConfigError as exc:
            warnings.append(f"{exc}; the setting '{key}' is ignored, the others are used")
            continue
        kept[key] = value
    return kept, warnings


def _listed(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


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


class ContractFiles:
    """Per contract file (absolute path): its last parse, with the text parsed, and its
    last good contracts. Read and written by registry reloads on worker threads, one at a
    time (:attr:`lock`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._parsed: dict[str, tuple[str, object]] = {}
        self._good: dict[str, list] = {}

    def known(self) -> bool:
        return bool(self._parsed)

    def parse(self, path: str, name: str, text: str):
        """The loader's parse of ``text`` (``name`` as found, for marks), reused while the
        text is unchanged; remembers good contracts as the file's last good version."""
        known = self._parsed.get(path)
        if known is not None and known[0] == text:
            return known[1]
        parsed = _parse(text, name)
        self._parsed[path] = (text, parsed)
        if not parsed.errors:
            self._good[path] = parsed.contracts
        return parsed

    def last_good(self, path: str) -> list:
        return self._good.get(path, [])

    def was_good(self, path: str) -> bool:
        """Whether a valid version of ``path`` was parsed (perhaps with no contracts)."""
        return path in self._good

    def keep_only(self, paths: set[str]) -> None:
        """Forget files that are gone (a deleted file's contracts go)."""
        for table in (self._parsed, self._good):
            for path in [p for p in table if p not in paths]:
                del table[path]


@dataclass(frozen=True)
class RegistryInputs:
    """What a registry reload reads, taken on the event loop."""

    state: WorkspaceState
    project: Project
    serial: int
    paths: tuple[Path, ...]
    overlays: dict[str, str]
    discover: bool
    index: object | None  # an index snapshot, for discovered protocols
    previous: Registry  # the project's registry when the inputs were taken
    #: the registry served before, whose contracts of a file stand in for that file when
    #: it is invalid and no valid version of it was parsed yet (the start's registry)
    fallback: Registry


@dataclass(frozen=True)
class RegistryRead:
    inputs: RegistryInputs
    registry: Registry
    errors: dict[str, list[ContractFileError]]
    seconds: float
    #: the same contracts and errors as ``inputs.previous``: nothing to take
    unchanged: bool = False


def registry_inputs(state: WorkspaceState, fallback: Registry | None = None) -> RegistryInputs:
    """A snapshot of what :func:`read_registry` needs (on the event loop); ``fallback``
    (by default the registry served now) gives invalid files their last good contracts
    when none was parsed since the start."""
    project = state.project
    assert project is not None
    roots = state.contract_roots()
    configured = project.settings.contract_paths
    default = state.root / "contracts"
    if not configured or configured == [default]:
        # SPEC §1's default folder, wherever it comes and goes: no folder, no registry
        # (not a "contract path not found" error, and not the last registry kept)
        roots = [default] if default.is_dir() else []
        project.settings.contract_paths = list(roots)
    discover = "protocols" in project.settings.discover
    return RegistryInputs(
        state, project, state.registry_serial, (*roots, *project.settings.pack_paths),
        dict(state.contract_overlays), discover, project.index.snapshot() if discover else None, project.registry,
        fallback if fallback is not None else project.registry,
    )


def read_registry(token, inputs: RegistryInputs) -> RegistryRead:
    """Read the registry for ``inputs`` (a background job; ``token`` may be None): files
    found on disk, open ones in their editor text, each parsed only when its text changed
    (:class:`ContractFiles`); an invalid file contributes its last good contracts and its
    CL900 errors. Never raises for any file content."""
    import time

    start = time.perf_counter()
    cache = inputs.state.contract_files
    served: dict[str, list] | None = None

    def last_good(path: str) -> list:
        nonlocal served
        known = cache.last_good(path)
        if known or cache.was_good(path):
            return known
        if served is None:  # what the registry served from each file (once)
            served = {}
            for contract in inputs.fallback.contracts:
                if contract.mark is not None:
                    served.setdefault(os.path.abspath(contract.mark.path), []).append(contract)
        return served.get(path, [])

    with cache.lock:
        files, errors = find_contract_files(list(inputs.paths))
        contracts: list = []
        read: list[str] = []
        declared: set[str] = set()
        present: set[str] = set()
        for file in files:
            if token is not None:
                token.check()
            name = str(file)
            path = os.path.abspath(name)
            text = inputs.overlays.get(path)
            if text is None:
                text, error = read_contract_file(file)
                if error is not None:
                    errors.append(error)
                    present.add(path)
                    contracts.extend(last_good(path))
                    continue
                if text is None:
                    continue  # deleted since it was listed
            present.add(path)
            read.append(name)
            parsed = cache.parse(path, name, text)
            if parsed.errors:
                contracts.extend(last_good(path))
                errors.extend(parsed.errors)
                declared |= parsed.declared
            else:
                contracts.extend(parsed.contracts)
        cache.keep_only(present)
    errors.extend(cross_file_errors(contracts, unchecked=declared - {c.name for c in contracts}))
    registry = Registry(contracts, errors, read)
    if inputs.discover and inputs.index is not None:
        from ..discover import discovered_protocols

        registry = registry.with_contracts(discovered_protocols(inputs.index, registry))
    by_file: dict[str, list[ContractFileError]] = {}
    for error in errors:
        by_file.setdefault(os.path.abspath(error.path), []).append(error)
    previous = inputs.previous
    unchanged = registry.contracts == previous.contracts and registry.errors == previous.errors
    return RegistryRead(inputs, registry, by_file, time.perf_counter() - start, unchanged)


def apply_registry(state: WorkspaceState, read: RegistryRead) -> bool:
    """Take ``read`` into the live workspace (on the event loop); False, changing nothing,
    when the workspace moved on meanwhile (a newer edit, another project)."""
    inputs = read.inputs
    if state.project is not inputs.project or state.registry_serial != inputs.serial:
        return False
    state.contract_errors = read.errors
    if not (read.unchanged and state.project.registry is inputs.previous):
        # (an unchanged registry keeps the project's revision: snapshots stay current)
        state.project.set_registry(read.registry)
    _note_registry(state, read.registry)
    return True


def _note_registry(state: WorkspaceState, registry: Registry) -> None:
    if registry.contracts or registry.errors:
        state.registry_note = None
        return
    where = ", ".join(str(p) for p in state.project.settings.registry_paths) if state.project else ""
    state.registry_note = (
        f"no contracts in {where}: nothing to check" if where
        else f"no contract files ({state.root / 'contracts'} does not exist and none are configured): nothing to check"
    )


def reload_registry(state: WorkspaceState, fallback=None) -> bool:
    """Reload the registry now, on the calling thread (disk + open contract files, per
    file as :func:`read_registry`); returns True when it has no errors. ``fallback`` is
    not used (each file keeps its own last good version); kept for callers."""
    if state.project is None:
        return False
    state.registry_serial += 1
    read = read_registry(None, registry_inputs(state))
    apply_registry(state, read)
    return not read.registry.errors
