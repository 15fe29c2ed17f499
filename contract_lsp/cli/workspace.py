"""Opening the workspace for a command-line run: root, settings, files, registry, index.

Shared by ``--check``, ``--extract``, ``--diff-contracts`` and ``--impact``. Problems are
printed to stderr as users see them (``path:line:col: CL900 ...``) and returned as exit
status 2 (SPEC §4).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import (
    ConfigError,
    PathFilter,
    Settings,
    find_workspace_root,
    load_settings,
    walk_python_files,
)
from ..notebooks import is_notebook
from ..notebooks import source_bytes as notebook_source
from .formats import display_path

if TYPE_CHECKING:
    from ..project import Project


@dataclass
class CliWorkspace:
    cwd: Path
    root: Path
    project: Project
    checked: list[str]  # absolute paths of the files the command is about
    workspace: list[str]  # absolute paths of every Python file of the workspace
    contents: dict[str, bytes]  # their bytes, read once
    #: the paths whose bytes may pass the project's prefilter (None: any may)
    mentioning: frozenset[str] | None = None

    @property
    def outside(self) -> dict[str, bytes]:
        """Path -> bytes of the workspace's readable files the command is not about."""
        checked = set(self.checked)
        return {p: data for p, data in self.contents.items() if p not in checked}


#: path -> why :func:`read_bytes` could not read it (this process's reads)
_READ_PROBLEMS: dict[str, str] = {}


def read_bytes(path: str) -> bytes | None:
    """The bytes of the regular file at ``path``, or None when it cannot be read: missing,
    denied, not a regular file (a FIFO would block, ``/dev/zero`` never ends) or larger
    than :data:`~contract_lsp.safe_io.MAX_SOURCE_BYTES` (issue 15). Never blocks. The
    reason is kept for :func:`read_problem`."""
    from ..safe_io import safe_read_bytes

    try:
        return safe_read_bytes(path)
    except OSError as exc:
        _READ_PROBLEMS[path] = f"cannot be read: {exc.strerror or exc}"
        return None


def read_problem(path: str) -> str:
    """Why :func:`read_bytes` returned None for ``path`` (``cannot be read: <reason>``)."""
    return _READ_PROBLEMS.get(path, "cannot be read")


def _missing(path: Path) -> bool:
    """Whether ``path`` does not exist (a broken link counts). A path that cannot be looked
    at (a folder on the way denies it) is not missing: the reader names it (issue 15)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except (OSError, ValueError):
        return False
    return False


class _Unlisted:
    """``on_error`` of :func:`~contract_lsp.config.walk_python_files`: names each folder
    that cannot be listed once on stderr, and keeps them (issue 15: never silently skipped)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.folders: set[str] = set()

    def __call__(self, folder: str, exc: OSError) -> None:
        from .formats import sanitize

        if folder not in self.folders:
            self.folders.add(folder)
            print(f"contract-lsp: {sanitize(display_path(folder, self.cwd))}: skipped: cannot be read: {exc.strerror or exc}", file=sys.stderr)


@dataclass
class CliTargets:
    """What a command-line run is about, before anything is loaded: the workspace's root,
    settings and files (SPEC §1)."""

    cwd: Path
    root: Path
    settings: Settings
    checked: list[str]  # absolute paths of the files the command is about
    workspace: list[str]  # absolute paths of every Python file of the workspace
    cli_contracts: list[Path] | None
    overrides: dict | None
    cli_packs: list[str] | None = None  # --pack (SPEC §4)


def read_source_bytes(path: str) -> bytes | None:
    """What the prefilter and the check read of ``path``: its bytes, or a notebook's code
    cells' Python source (SPEC §3.5); None when it cannot be read."""
    return notebook_source(path) if is_notebook(path) else read_bytes(path)


def locate_cli_workspace(args: argparse.Namespace, *, checking: bool = False) -> CliTargets | int:
    """Root, settings and files of the current directory's workspace with the command
    line's options, or an exit status (2) after printing why not (a missing path, invalid
    configuration). Reads no Python file and no contract file."""
    cwd = Path.cwd()
    root = find_workspace_root(cwd)
    targets = [Path(p) for p in getattr(args, "paths", None) or []] or [root]
    missing = [str(p) for p in targets if _missing(p)]  # (reliability) no traceback for a denied path
    if missing:
        for path in missing:
            print(f"contract-lsp: {path}: no such file or folder", file=sys.stderr)
        return 2
    overrides = {}
    if getattr(args, "select", None) is not None:
        overrides["select"] = args.select
    if getattr(args, "ignore", None) is not None:
        overrides["ignore"] = args.ignore
    cli_contracts = [Path(p) for p in args.contracts] if getattr(args, "contracts", None) else None
    try:
        cli_packs = getattr(args, "pack", None) or None
        settings = load_settings(root, cli_contracts=cli_contracts, overrides=overrides or None, cli_packs=cli_packs)
        path_filter = PathFilter(settings)
        unlisted = _Unlisted(cwd)  # (reliability) folders that cannot be listed are named
        checked = [os.path.abspath(p) for p in walk_python_files([p.resolve() for p in targets], path_filter, notebooks=checking, on_error=unlisted)]
        if [p.resolve() for p in targets] == [root]:  # (cache) the common case: one walk
            workspace = [p for p in checked if p.endswith(".py")]
        else:
            workspace = [os.path.abspath(p) for p in walk_python_files([root], path_filter, on_error=unlisted)]
    except ConfigError as exc:
        print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    if any(str(p.resolve()) in unlisted.folders for p in targets):
        return 2  # (reliability) a folder asked for that cannot be read: nothing was checked
    return CliTargets(cwd, root, settings, checked, workspace, cli_contracts, overrides or None, cli_packs)


def open_cli_workspace(
    args: argparse.Namespace,
    *,
    require_contracts: bool = True,
    checking: bool = False,
    located: CliTargets | None = None,
    read: bool = True,
) -> CliWorkspace | int:
    """The workspace of the current directory with the command line's options, or an exit
    status (2) after printing why it could not be opened. With ``checking``, indirect
    implementations among the files to check are left for the check to find (it parses
    them anyway), so the prefilter costs no parse of its own there. ``located`` reuses
    :func:`locate_cli_workspace`'s answer; without ``read``, no Python file is read and the
    prefilter is not grown (the caller does both, from its cache: see ``cli/check.py``)."""
    if located is None:
        found = locate_cli_workspace(args, checking=checking)
        if isinstance(found, int):
            return found
        located = found
    from ..project import open_project  # (the registry and index: not needed to locate)

    cwd, root, settings, checked, workspace = located.cwd, located.root, located.settings, located.checked, located.workspace
    try:
        project = open_project(root, [*workspace, *checked], cli_contracts=located.cli_contracts, overrides=located.overrides, cli_packs=located.cli_packs)
    except ConfigError as exc:
        print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    if project.registry.errors:
        for error in project.registry.errors:
            print(f"{display_path(error.path, cwd)}:{error.line}:{error.column}: CL900 {error.message}", file=sys.stderr)
        return 2
    if require_contracts and not project.registry.contracts and "protocols" not in settings.discover and not settings.packs:
        looked = ", ".join(str(p) for p in settings.contract_paths) or f"{root / 'contracts'}"
        print(f"contract-lsp: no contracts found (looked in {looked}); pass --contracts PATH", file=sys.stderr)
        return 2
    if not read:
        return CliWorkspace(cwd, root, project, checked, workspace, {})
    # a notebook's bytes are its code cells' Python source (SPEC §3.5): prefilter and check read that
    contents = {p: data for p in dict.fromkeys([*checked, *workspace]) if (data := read_source_bytes(p)) is not None}
    opened = CliWorkspace(cwd, root, project, checked, workspace, contents)
    # aliases and indirect implementations join the prefilter
    opened.mentioning = project.expand_words(contents, confirm=set(opened.outside) if checking else None)
    return opened
