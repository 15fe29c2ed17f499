"""References and code lenses on contract files (issue 5): ``textDocument/references`` on a
contract's name in its YAML returns its call sites and implementations, the same as
``contract-lsp --impact``; a code lens over each contract counts them."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from ..evolution.impact import find_impact
from .documents import uri_to_path
from .positions import DocumentLines

if TYPE_CHECKING:
    from .app import ContractServer


def _contracts_in(state, path: str):
    project = state.project
    if project is None:
        return []
    return [c for c in project.registry.contracts if c.mark is not None and os.path.abspath(c.mark.path) == path]


def _locations(server: "ContractServer", state, name: str) -> list[types.Location]:
    encoding = server.workspace.position_encoding or types.PositionEncodingKind.Utf16
    out = []
    for site in find_impact(state.project, name):
        try:
            text = state.project.index.source_of(site.path)
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
        lines = DocumentLines(text, encoding)
        out.append(types.Location(uri=from_fs_path(site.path) or site.path, range=lines.range_to_client(site.range)))
    return out


def _contract_file(server: "ContractServer", uri: str):
    """(workspace, path) of a YAML document, else None."""
    path = uri_to_path(uri)
    if path is None or not path.endswith((".yaml", ".yml")):
        return None
    return server.session.workspace_for(path), path


def register(server: "ContractServer") -> None:
    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(params: types.ReferenceParams):
        await server.ready.wait()
        try:
            found = _contract_file(server, params.text_document.uri)
            if found is None:
                return None
            state, path = found
            contracts = sorted(_contracts_in(state, path), key=lambda c: c.mark.line)
            line = params.position.line + 1
            chosen = None
            for contract in contracts:  # the contract whose entry holds the cursor
                if contract.mark.line <= line:
                    chosen = contract
            return _locations(server, state, chosen.name) if chosen else None
        except Exception as exc:
            server.log_error("textDocument/references failed", exc)
            return None

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def on_code_lens(params: types.CodeLensParams):
        await server.ready.wait()
        try:
            found = _contract_file(server, params.text_document.uri)
            if found is None:
                return None
            state, path = found
            lenses = []
            for contract in _contracts_in(state, path):
                sites = find_impact(state.project, contract.name)
                calls = sum(1 for s in sites if s.kind == "call")
                impls = len(sites) - calls
                invalid = sum(1 for s in sites if not s.valid)
                line = contract.mark.line - 1
                title = f"{calls} call site{'s' if calls != 1 else ''}, {impls} implementation{'s' if impls != 1 else ''}"
                if invalid:
                    title += f" ({invalid} invalid)"
                lenses.append(
                    types.CodeLens(
                        range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=0)),
                        command=types.Command(title=title, command=""),
                    )
                )
            return lenses
        except Exception as exc:
            server.log_error("textDocument/codeLens failed", exc)
            return None
