"""Shared helpers of the pack tests: real workspaces on disk, the real CLI in a subprocess,
and the triage-against-parse comparison (``tests/test_triage.py``'s property, per file)."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from workspace_helpers import codes_at, line_of, write_workspace

from contract_lsp.engine import check_source
from contract_lsp.project import open_project

__all__ = ["check_files", "cli", "codes_at", "line_of", "write_workspace"]


from workspace_helpers import cli  # noqa: E402  (the suite's one CLI runner)


def check_files(root: Path, packs: list[str] | None = None, only: str | None = None) -> dict:
    """Findings per relative path for the Python files under ``root`` (the project opened
    with ``packs`` as ``--pack`` would). Each file is checked twice, through the
    prefilter and triage as the front ends do and on a tree parsed here (which skips
    both); the two must agree, or the triage wrongly spared the file."""
    files = sorted(str(p) for p in root.rglob("*.py"))
    project = open_project(root, files, cli_packs=packs)
    assert not project.registry.errors, project.registry.errors
    project.expand_words({p: Path(p).read_bytes() for p in files})
    out = {}
    for path in files:
        rel = os.path.relpath(path, root)
        if only is not None and rel != only:
            continue
        text = Path(path).read_text(encoding="utf-8")
        triaged = check_source(text, path, project.table, selection=project.settings, mentions=project.mentions)
        parsed = check_source(text, path, project.table, selection=project.settings, mentions=project.mentions, tree=ast.parse(text))
        assert [(f.code, f.range, f.message) for f in triaged] == [(f.code, f.range, f.message) for f in parsed], rel
        out[rel] = triaged
    return out
