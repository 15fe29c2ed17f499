"""Completion (SPEC §5): keyword names inside a contracted call — canonical names only, not
those already passed by any of their names (nor positionally)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from lsprotocol import types

from ..engine import make_context
from ..findings import Position
from ..rules.calls import contracted_calls
from .documents import is_python, uri_to_path
from .handlers import request
from .positions import DocumentLines

if TYPE_CHECKING:
    from .app import ContractServer


def _parse_while_typing(text: str, lines: list[str], pos: Position) -> tuple[ast.Module, str] | None:
    """Parse ``text``; mid-typing it often does not, so also try it with the call closed at
    the cursor, or the rest of the line dropped. Positions before the cursor are kept."""
    line = lines[pos.line] if pos.line < len(lines) else ""
    candidates = [text]
    head = "\n".join(lines[: pos.line])
    prefix = line[: pos.character]
    tail = "\n".join(lines[pos.line + 1 :])
    candidates.append(f"{head}\n{prefix})\n{tail}" if pos.line else f"{prefix})\n{tail}")
    stripped = prefix.rstrip()
    if stripped.endswith(","):
        candidates.append(f"{head}\n{prefix}x)\n{tail}" if pos.line else f"{prefix}x)\n{tail}")
    candidates.append(f"{head}\n{prefix}\n{tail}" if pos.line else f"{prefix}\n{tail}")
    for candidate in candidates:
        try:
            return ast.parse(candidate), candidate
        except (SyntaxError, ValueError, RecursionError):
            continue
    return None


def completions(server: "ContractServer", uri: str, position: types.Position) -> list[types.CompletionItem]:
    path = uri_to_path(uri)
    if path is None or not is_python(path):
        return []
    state = server.session.workspace_for(path)
    if state.project is None:
        return []
    text = server.workspace.get_text_document(uri).source
    lines = DocumentLines(text, server.workspace.position_encoding or types.PositionEncodingKind.Utf16)
    pos = lines.from_client(position)
    parsed = _parse_while_typing(text, lines.lines, pos)
    if parsed is None:
        return []
    tree, source = parsed
    table = state.project.table
    ctx = make_context(source, path, table, tree)
    best = None
    for call, contracts, skip_first in contracted_calls(ctx, state.project.mentions):
        func_end = ctx.node_span(call.func).end
        end = ctx.node_span(call).end
        if func_end < pos <= end or (pos.line > func_end.line and pos <= end):
            if best is None or (call.lineno, call.col_offset) > (best[0].lineno, best[0].col_offset):
                best = (call, contracts, skip_first)
    if best is None:
        return []
    call, contracts, skip_first = best
    contract = contracts[0]
    params = table.accepted_parameters(contract)
    used: set[str] = set()
    positional = [p for p in contract.parameters if p.positional]
    args = [a for a in call.args if not isinstance(a, ast.Starred)][1 if skip_first else 0 :]
    used.update(p.name for p in positional[: len(args)])
    for kw in call.keywords:
        for param in params:
            if kw.arg in param.all_names:
                used.add(param.name)
    items = []
    for index, param in enumerate(params):
        if not param.keyword or param.name in used:
            continue
        if (param.removed_in or param.deprecated_in) and not (param.deprecated_names or param.removed_names):
            continue  # the parameter itself is going or gone (a pack's removal): never suggest it
        detail = param.type or ""
        items.append(
            types.CompletionItem(
                label=f"{param.name}=",
                kind=types.CompletionItemKind.Variable,
                detail=f"{contract.name}: {param.name}{': ' + detail if detail else ''}{' (required)' if param.required else ''}",
                documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=param.doc) if param.doc else None,
                insert_text=f"{param.name}=",
                filter_text=param.name,
                sort_text=f"{0 if param.required else 1}{index:03d}",
            )
        )
    return items


def register(server: "ContractServer") -> None:
    def empty() -> types.CompletionList:
        return types.CompletionList(is_incomplete=False, items=[])

    @request(server, types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["(", ","]), default=empty)
    def on_completion(params: types.CompletionParams):
        return types.CompletionList(is_incomplete=False, items=completions(server, params.text_document.uri, params.position))
