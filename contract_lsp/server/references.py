"""References and code lenses on contract files (issue 5): ``textDocument/references`` on a
contract's name in its YAML returns its call sites and implementations, the same as
``contract-lsp --impact``; a code lens over each contract counts them.

Both read the whole workspace: they run in the background on a snapshot (SPEC §5), stop
when cancelled, and a code lens computed from a snapshot whose registry went stale
meanwhile is answered ``ContentModified`` (the client asks again).
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path

from ..evolution.impact import find_impact
from .documents import uri_to_path
from .handlers import request
from .positions import DocumentLines
from .snapshot import Snapshot, take_snapshot

if TYPE_CHECKING:
    from .app import ContractServer


class ContentModified(JsonRpcException):
    """LSP ``ContentModified`` (-32801): the result was computed on a stale snapshot."""

    CODE = -32801


def _contracts_in(project, path: str):
    if project is None:
        return []
    return [c for c in project.registry.contracts if c.mark is not None and os.path.abspath(c.mark.path) == path]


def reference_locations(token, snapshot: Snapshot, name: str, encoding: str) -> list[types.Location]:
    """Every call site and implementation of contract ``name`` (a background job)."""
    out = []
    project = snapshot.project
    for site in find_impact(project, name, checkpoint=token.check):
        try:
            text = project.index.source_of(site.path)
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
        lines = DocumentLines(text, encoding)
        out.append(types.Location(uri=from_fs_path(site.path) or site.path, range=lines.range_to_client(site.range)))
    return out


def code_lenses(token, snapshot: Snapshot, path: str) -> list[types.CodeLens]:
    """A lens per contract of the contract file ``path``, counting its sites (a background
    job)."""
    lenses = []
    for contract in _contracts_in(snapshot.project, path):
        sites = find_impact(snapshot.project, contract.name, checkpoint=token.check)
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


def _contract_file(server: "ContractServer", uri: str) -> tuple[Snapshot, str] | None:
    """A snapshot of the workspace of a YAML document, and its path; else None."""
    path = uri_to_path(uri)
    if path is None or not path.endswith((".yaml", ".yml")):
        return None
    state = server.session.workspace_for(path)
    snapshot = take_snapshot(state, server.workspace.text_documents)
    return (snapshot, path) if snapshot is not None else None


async def _complete(server: "ContractServer", snapshot: Snapshot) -> None:
    indexing = server.indexing_done(snapshot.state)
    if indexing is not None:
        await asyncio.shield(indexing)


def register(server: "ContractServer") -> None:
    @request(server, types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(params: types.ReferenceParams):
        found = _contract_file(server, params.text_document.uri)
        if found is None:
            return None
        snapshot, path = found
        await _complete(server, snapshot)
        snapshot = take_snapshot(snapshot.state, server.workspace.text_documents) or snapshot
        contracts = sorted(_contracts_in(snapshot.project, path), key=lambda c: c.mark.line)
        line = params.position.line + 1
        chosen = None
        for contract in contracts:  # the contract whose entry holds the cursor
            if contract.mark.line <= line:
                chosen = contract
        if chosen is None:
            return None
        encoding = server.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return await server.background.run(reference_locations, snapshot, chosen.name, encoding)

    @request(server, types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
    async def on_code_lens(params: types.CodeLensParams):
        found = _contract_file(server, params.text_document.uri)
        if found is None:
            return None
        snapshot, path = found
        await _complete(server, snapshot)
        snapshot = take_snapshot(snapshot.state, server.workspace.text_documents) or snapshot
        lenses = await server.background.run(code_lenses, snapshot, path)
        if not snapshot.registry_is_current():
            raise ContentModified("the registry changed while the code lenses were computed")
        return lenses
