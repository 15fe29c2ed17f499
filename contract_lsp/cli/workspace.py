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

from ..config import ConfigError, PathFilter, find_workspace_root, load_settings, walk_python_files
from ..project import Project, open_project
from .formats import display_path


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


def read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def open_cli_workspace(args: argparse.Namespace, *, require_contracts: bool = True, checking: bool = False) -> CliWorkspace | int:
    """The workspace of the current directory with the command line's options, or an exit
    status (2) after printing why it could not be opened. With ``checking``, indirect
    implementations among the files to check are left for the check to find (it parses
    them anyway), so the prefilter costs no parse of its own there."""
    cwd = Path.cwd()
    root = find_workspace_root(cwd)
    targets = [Path(p) for p in getattr(args, "paths", None) or []] or [root]
    missing = [str(p) for p in targets if not p.exists()]
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
        settings = load_settings(root, cli_contracts=cli_contracts, overrides=overrides or None)
        path_filter = PathFilter(settings)
        checked = [os.path.abspath(p) for p in walk_python_files([p.resolve() for p in targets], path_filter)]
        workspace = [os.path.abspath(p) for p in walk_python_files([root], path_filter)]
        project = open_project(root, [*workspace, *checked], cli_contracts=cli_contracts, overrides=overrides or None)
    except ConfigError as exc:
        print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    if project.registry.errors:
        for error in project.registry.errors:
            print(f"{display_path(error.path, cwd)}:{error.line}:{error.column}: CL900 {error.message}", file=sys.stderr)
        return 2
    if require_contracts and not project.registry.contracts and "protocols" not in settings.discover:
        looked = ", ".join(str(p) for p in settings.contract_paths) or f"{root / 'contracts'}"
        print(f"contract-lsp: no contracts found (looked in {looked}); pass --contracts PATH", file=sys.stderr)
        return 2
    contents = {p: data for p in dict.fromkeys([*checked, *workspace]) if (data := read_bytes(p)) is not None}
    opened = CliWorkspace(cwd, root, project, checked, workspace, contents)
    # aliases and indirect implementations join the prefilter
    opened.mentioning = project.expand_words(contents, confirm=set(opened.outside) if checking else None)
    return opened
