"""``contract-lsp --verify``: the registry against the installed code (SPEC §4, §7).

Imports every target, alias and implementation of the workspace's registry (``--contracts``,
``--pack`` as for ``--check``) in the running Python environment, prints each finding as
``path:line:col: CODE message`` (1-based; paths relative to the current directory when
under it) and ends with ``N contracts kept, M broken.``. Exit status: 0 when nothing is
broken, 1 when a contract is, 2 for invalid configuration or contract files (CL900 at
``file:line:col`` on stderr) or no contracts at all.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def run_verify(args: argparse.Namespace) -> int:
    """The ``--verify`` mode; returns the exit status (see the module docstring)."""
    from ..config import find_workspace_root
    from ..runtime import RegistryError, load, verify_registry
    from ..runtime.report import display_path

    cwd = Path.cwd()
    root = find_workspace_root(cwd)
    contracts = [Path(p) for p in args.contracts] if getattr(args, "contracts", None) else None
    packs = getattr(args, "pack", None) or None
    try:
        registry = load(root, contracts=contracts, packs=packs)
    except RegistryError as exc:
        if exc.errors:
            for error in exc.errors:
                print(f"{display_path(error.path, str(cwd))}:{error.line}:{error.column}: CL900 {error.message}", file=sys.stderr)
        else:
            print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    if not registry.contracts:
        print("contract-lsp: no contracts found; pass --contracts PATH or --pack NAME", file=sys.stderr)
        return 2
    # the workspace's own modules import as the check names them (SPEC §1)
    report = verify_registry(registry, root=root)
    out = sys.stdout
    for line in report.lines(os.fspath(cwd)):
        out.write(line + "\n")
    out.flush()
    return 0 if report.ok else 1
