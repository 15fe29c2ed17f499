"""Hover (SPEC §5): on a contracted callee, keyword argument, protocol class or
implementation, the contract's name, doc, signature with types and defaults, old names,
and the contract file's path and line."""

from __future__ import annotations

import ast
import os
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from ..engine import make_context, parse_source
from ..findings import Position
from ..registry.model import CallableContract, Contract, Parameter, ProtocolContract
from ..rules.calls import contracted_calls
from ..rules.protocols import implemented_protocols
from .documents import is_python, uri_to_path
from .handlers import request
from .positions import DocumentLines

if TYPE_CHECKING:
    from .app import ContractServer


def _param_text(p: Parameter) -> str:
    text = p.name
    if p.type:
        text += f": {p.type}"
    if p.default is not None:
        text += f" = {p.default}"
    elif not p.required:
        text += " = ..."
    return text


def signature(contract: Contract) -> str:
    """A Python-like signature of a contract (keyword-only marker included)."""
    if isinstance(contract, CallableContract):
        parts, star = [], False
        for p in contract.parameters:
            if p.kind == "keyword_only" and not star and not contract.var_positional:
                parts.append("*")
                star = True
            parts.append(_param_text(p))
            if p.kind == "positional_only" and (p is contract.parameters[-1] or contract.parameters[contract.parameters.index(p) + 1].kind != "positional_only"):
                parts.append("/")
        if contract.var_positional:
            parts.append("*args")
        if contract.var_keyword:
            parts.append("**kwargs")
        return f"{contract.target.rsplit('.', 1)[-1]}({', '.join(parts)})"
    lines = [f"class {contract.last_name}(Protocol):"]
    for m in contract.methods:
        params = ", ".join(["self", *(_param_text(p) for p in m.parameters)])
        returns = f" -> {m.returns}" if m.returns else ""
        lines.append(f"    {'async ' if m.is_async else ''}def {m.name}({params}){returns}: ...")
    return "\n".join(lines)


def contract_markdown(contract: Contract) -> str:
    """The hover text of a contract, Markdown."""
    out = [f"**{contract.name}** — contract ({contract.kind}) for `{contract.target}`", "", "```python", signature(contract), "```"]
    if contract.doc:
        out += ["", contract.doc.strip()]
    params = contract.parameters if isinstance(contract, CallableContract) else ()
    package = contract.package
    if package or contract.aliases or (isinstance(contract, CallableContract) and contract.partial):
        facts = [f"package `{package}`"] if package else []
        if isinstance(contract, CallableContract) and contract.partial:
            facts.append("partial: only the listed parameters are known")
        if facts:
            out += ["", "; ".join(facts)]
        if contract.aliases:
            out += ["", "Also imported as: " + ", ".join(f"`{a}`" for a in contract.aliases)]

    def releases(p: Parameter) -> str:
        # SPEC §2: since / deprecated_in / removed_in, shown with the package they belong to
        where = f"{package} " if package else ""
        shown = [f"{word} {where}{v}" for word, v in (("since", p.since), ("deprecated in", p.deprecated_in), ("removed in", p.removed_in)) if v]
        return f" ({', '.join(shown)})" if shown else ""

    renames = [p for p in params if p.deprecated_names or p.removed_names or p.deprecated_in or p.removed_in]
    if renames:
        out += ["", "Old names:"]
        for p in renames:
            if p.deprecated_names:
                out.append(f"- deprecated: {', '.join(f'`{n}`' for n in p.deprecated_names)} → `{p.name}`{releases(p)}")
            if p.removed_names:
                out.append(f"- removed: {', '.join(f'`{n}`' for n in p.removed_names)} → `{p.name}`{releases(p)}")
            if not (p.deprecated_names or p.removed_names):
                state = "removed" if p.removed_in else "deprecated"
                out.append(f"- {state}, no replacement: `{p.name}`{releases(p)}")
    since_only = [p for p in params if p.since and p not in renames]
    for p in since_only:
        out.append(f"- `{p.name}`{releases(p)}")
    if isinstance(contract, ProtocolContract) and contract.implementations:
        out += ["", "Implementations: " + ", ".join(f"`{i}`" for i in contract.implementations)]
    mark = contract.mark
    if mark is not None:
        uri = from_fs_path(os.path.abspath(mark.path)) or mark.path
        out += ["", f"Defined in [{os.path.basename(mark.path)}:{mark.line}]({uri}#L{mark.line})"]
    return "\n".join(out)


def _parameter_markdown(contract: CallableContract, param: Parameter, used: str) -> str:
    head = f"`{_param_text(param)}`"
    if used != param.name:
        state = "deprecated" if used in param.deprecated_names else "removed"
        head += f" — `{used}` is a {state} name"
    text = [head]
    if param.doc:
        text += ["", param.doc.strip()]
    return "\n".join(text) + "\n\n---\n\n" + contract_markdown(contract)


def _contains(node: ast.AST, pos: Position, lines: DocumentLines, ctx) -> bool:
    rng = ctx.node_span(node)
    return rng.start <= pos <= rng.end


def hover_text(server: "ContractServer", uri: str, position: types.Position) -> tuple[str, types.Range | None] | None:
    path = uri_to_path(uri)
    if path is None or not is_python(path):
        return None
    document = server.workspace.get_text_document(uri)
    text = document.source
    state = server.session.workspace_for(path)
    if state.project is None:
        return None
    lines = DocumentLines(text, server.workspace.position_encoding or types.PositionEncodingKind.Utf16)
    pos = lines.from_client(position)
    try:
        tree = parse_source(text, path)
    except Exception:
        return None
    table = state.project.table
    ctx = make_context(text, path, table, tree)
    # keyword argument or callee of a contracted call (innermost call first)
    calls = contracted_calls(ctx, state.project.mentions)
    calls.sort(key=lambda c: (c[0].lineno, c[0].col_offset), reverse=True)
    for call, contracts, _skip in calls:
        if not _contains(call, pos, lines, ctx):
            continue
        contract = contracts[0]
        for kw in call.keywords:
            if kw.arg is None:
                continue
            span = ctx.name_span(kw.lineno, kw.col_offset, kw.arg)
            if span.start <= pos <= span.end:
                for param in table.accepted_parameters(contract):
                    if kw.arg in param.all_names:
                        return _parameter_markdown(contract, param, kw.arg), lines.range_to_client(span)
                return contract_markdown(contract), lines.range_to_client(span)
        func = ctx.node_span(call.func)
        if func.start <= pos <= func.end:
            return contract_markdown(contract), lines.range_to_client(func)
    # protocol class or implementation, on the class name
    for cls in ctx.facts.classes.values():
        span = ctx.name_span(cls.name_line, cls.name_col, cls.name)
        if not (span.start <= pos <= span.end):
            continue
        found = table.protocols.get(cls.qualname) or implemented_protocols(ctx, cls)
        if found:
            return "\n\n---\n\n".join(contract_markdown(c) for c in found), lines.range_to_client(span)
    return None


def register(server: "ContractServer") -> None:
    @request(server, types.TEXT_DOCUMENT_HOVER)
    def on_hover(params: types.HoverParams):
        found = hover_text(server, params.text_document.uri, params.position)
        if found is None:
            return None
        text, rng = found
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=rng)
