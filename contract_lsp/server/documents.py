"""Open documents: paths, text, and the engine's findings for each (SPEC §5).

The one place that turns a document into findings, for diagnostics, code actions and
fix-all alike, so they never disagree.
"""

from __future__ import annotations

import dataclasses
import os

from lsprotocol import types
from pygls.uris import to_fs_path

from ..engine import SourceError, check_source
from ..findings import Finding, Position, Range
from ..rules.drift import missing_targets
from .collector import no_cyclic_gc
from .positions import DocumentLines
from .session import Session, WorkspaceState


def uri_to_path(uri: str) -> str | None:
    """Absolute file system path of a ``file:`` URI, else None."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def is_python(path: str) -> bool:
    return path.endswith((".py", ".pyi"))


def python_findings(state: WorkspaceState, path: str, text: str) -> list[Finding]:
    """Findings of a Python document's current text; none when it does not parse (other
    tools report syntax errors; stale findings at wrong positions would mislead)."""
    project = state.project
    if project is None:
        return []
    # A BOM is no part of the module (Python skips it; ast.parse of the str refuses it);
    # the client counts it as the first character of line 0, so columns there shift by one.
    bom = text.startswith("\ufeff")
    try:
        with no_cyclic_gc():
            findings = check_source(text[1:] if bom else text, path, project.table, selection=project.settings, mentions=project.mentions)
    except (SourceError, RecursionError, MemoryError):
        return []
    return [_after_bom(f) for f in findings] if bom else findings


def _shifted(pos: Position) -> Position:
    return Position(pos.line, pos.character + 1) if pos.line == 0 else pos


def _shifted_range(rng: Range) -> Range:
    return Range(_shifted(rng.start), _shifted(rng.end))


def _after_bom(finding: Finding) -> Finding:
    """``finding`` of a text without its BOM, in positions of the text with it."""
    fix = finding.fix
    if fix is not None:
        fix = dataclasses.replace(fix, edits=tuple(dataclasses.replace(e, range=_shifted_range(e.range)) for e in fix.edits))
    return dataclasses.replace(finding, range=_shifted_range(finding.range), fix=fix)


def contract_file_findings(state: WorkspaceState, path: str) -> list[Finding]:
    """CL900 errors of a contract file, and CL202 for its unresolved targets."""
    from ..findings import RULES, make_range

    findings = [
        Finding(path, make_range(e.line - 1, e.column - 1, e.line - 1, e.column), "CL900", e.message, RULES["CL900"][0])
        for e in state.contract_errors.get(path, [])
    ]
    project = state.project
    if project is not None and not findings and project.settings.is_selected("CL202"):
        for finding in missing_targets(project.table):
            if os.path.abspath(finding.path) == path:
                findings.append(finding.with_severity(project.settings.severity_for("CL202", finding.severity)))  # type: ignore[arg-type]
    return findings


def document_findings(session: Session, uri: str, text: str) -> tuple[WorkspaceState | None, list[Finding]]:
    """The workspace of ``uri`` and its findings (Python file or contract file)."""
    path = uri_to_path(uri)
    if path is None:
        return None, []
    state = session.workspace_for(path)
    if is_python(path):
        return state, python_findings(state, path, text)
    if state.is_contract_file(path) or path in state.contract_errors:
        return state, contract_file_findings(state, path)
    return state, []


def lines_for(text: str, encoding: str | None) -> DocumentLines:
    return DocumentLines(text, encoding or types.PositionEncodingKind.Utf16)
