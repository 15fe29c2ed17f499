"""Code actions (SPEC §5): a quick fix per fixable diagnostic (preferred when safe), a
"disable for this line" quick fix adding ``# noqa: CODE``, and ``source.fixAll.contract-lsp``
applying every safe fix of the document — the same edits ``--fix`` applies."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable

from lsprotocol import types

from ..findings import Finding, TextEdit
from ..fixes import select_fixes
from ..noqa import noqa_edit, string_literal_test
from .documents import lines_for
from .handlers import request

if TYPE_CHECKING:
    from .app import ContractServer

FIX_ALL = "source.fixAll.contract-lsp"


def _workspace_edit(uri: str, version: int | None, edits: list[TextEdit], lines, document_changes: bool = True) -> types.WorkspaceEdit:
    """The edits as ``documentChanges`` (versioned) where the client supports them, else as
    ``changes`` (SPEC §5)."""
    text_edits = [types.TextEdit(range=lines.range_to_client(e.range), new_text=e.new_text) for e in edits]
    if not document_changes:
        return types.WorkspaceEdit(changes={uri: text_edits})
    return types.WorkspaceEdit(
        document_changes=[
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                edits=text_edits,
            )
        ]
    )


def _string_tests(text: str) -> Callable[[int, str], Callable[[int], bool] | None]:
    """For 0-based line ``line0`` (text ``line``) of ``text``: whether a column of it lies in
    a string literal, or None when the line does not say "noqa". ``text`` is parsed at the
    first line that does, once."""
    trees: list[ast.Module | None] = []

    def test(line0: int, line: str) -> Callable[[int], bool] | None:
        if "noqa" not in line.lower():
            return None
        if not trees:
            try:
                trees.append(ast.parse(text))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                trees.append(None)  # findings come from a parse; a later edit may have broken it
        tree = trees[0]
        return None if tree is None else string_literal_test(tree, line0, line)

    return test


def _overlaps(finding: Finding, rng) -> bool:
    start, end = finding.range.start, finding.range.end
    return not (end < rng.start or rng.end < start)


def code_actions(server: "ContractServer", params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = server.workspace.get_text_document(uri)
    text = document.source
    findings = server.diagnostics.findings(uri)  # the last check's, when the text is as it was
    lines = lines_for(text, server.workspace.position_encoding)
    changes_ok = server.support.document_changes
    only = params.context.only
    wants = (lambda kind: any(kind == o or kind.startswith(o + ".") for o in only)) if only else (lambda kind: True)
    actions: list[types.CodeAction] = []
    requested = lines.range_from_client(params.range)
    if wants(types.CodeActionKind.QuickFix):
        noqa_done: set[tuple[int, str]] = set()
        string_test = _string_tests(text)
        for finding in findings:
            if finding.code == "CL900" or not _overlaps(finding, requested):
                continue
            diagnostic = _matching_diagnostic(params, finding, lines)
            if finding.fix is not None:
                actions.append(
                    types.CodeAction(
                        title=f"contract-lsp ({finding.code}): {finding.fix.title}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic] if diagnostic else None,
                        is_preferred=finding.fix.safe,
                        edit=_workspace_edit(uri, document.version, list(finding.fix.edits), lines, changes_ok),
                    )
                )
            key = (finding.range.start.line, finding.code)
            if key not in noqa_done and uri.endswith((".py", ".pyi")):
                noqa_done.add(key)
                line0 = finding.range.start.line
                line = lines.lines[line0]
                edit = noqa_edit(line, line0, finding.code, string_test(line0, line))
                actions.append(
                    types.CodeAction(
                        title=f"contract-lsp ({finding.code}): Disable for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic] if diagnostic else None,
                        edit=_workspace_edit(uri, document.version, [edit], lines, changes_ok),
                    )
                )
    if wants(FIX_ALL):
        fixes = select_fixes(findings, unsafe=False)
        if fixes:
            actions.append(
                types.CodeAction(
                    title="contract-lsp: Fix all safely fixable problems",
                    kind=FIX_ALL,
                    edit=_workspace_edit(uri, document.version, [e for f in fixes for e in f.edits], lines, changes_ok),
                )
            )
    return actions


def _matching_diagnostic(params: types.CodeActionParams, finding: Finding, lines) -> types.Diagnostic | None:
    wanted = lines.range_to_client(finding.range)
    for diagnostic in params.context.diagnostics:
        if diagnostic.code == finding.code and diagnostic.range == wanted:
            return diagnostic
    return None


def register(server: "ContractServer") -> None:
    @request(
        server,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False),
        default=list,
    )
    def on_code_action(params: types.CodeActionParams):
        return code_actions(server, params)
