"""Document sync (``textDocument/didOpen``, ``didChange``, ``didSave``, ``didClose``): the
only events, with watched files, that change a workspace. Each change updates the live
index's overlay (a new generation: snapshots taken before keep the old text) and schedules
the diagnostics it may change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .documents import is_python, uri_to_path
from .handlers import notification
from .session import WorkspaceState, expand

if TYPE_CHECKING:
    from .app import ContractServer


def document_changed(server: "ContractServer", uri: str, *, saved: bool = False, opened: bool = False) -> None:
    path = uri_to_path(uri)
    if path is None:
        return
    document = server.workspace.get_text_document(uri)
    state: WorkspaceState = server.session.workspace_for(path)
    if is_python(path):
        if state.project is not None:
            # (a BOM is no part of the module: the index reads the file as Python does)
            state.project.index.set_overlay(path, document.source.removeprefix("\ufeff"))
            if saved:
                expand(state, [path])
        if opened:
            server.diagnostics.schedule(uri, 0)
            return
        # a change here may change what other open files resolve to: re-check them all,
        # the one being typed in first
        server.diagnostics.schedule(uri)
        for other in list(server.workspace.text_documents):
            if other != uri:
                server.diagnostics.schedule(other)
    elif state.is_contract_file(path):
        state.contract_overlays[path] = document.source
        server.reload_registry_soon(state)  # debounced, off the loop (SPEC §5)


def register(server: "ContractServer") -> None:
    server.session.on_loaded = server.index_in_background

    @notification(server, types.TEXT_DOCUMENT_DID_OPEN)
    def on_open(params: types.DidOpenTextDocumentParams) -> None:
        document_changed(server, params.text_document.uri, opened=True)

    @notification(server, types.TEXT_DOCUMENT_DID_CHANGE)
    def on_change(params: types.DidChangeTextDocumentParams) -> None:
        document_changed(server, params.text_document.uri)

    @notification(server, types.TEXT_DOCUMENT_DID_SAVE)
    def on_save(params: types.DidSaveTextDocumentParams) -> None:
        document_changed(server, params.text_document.uri, saved=True)

    @notification(server, types.TEXT_DOCUMENT_DID_CLOSE)
    def on_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = uri_to_path(uri)
        server.diagnostics.clear(uri)
        if path is None:
            return
        state = server.session.workspace_for(path)
        if is_python(path) and state.project is not None:
            state.project.index.clear_overlay(path)
        elif state.contract_overlays.pop(path, None) is not None:
            server.reload_registry_soon(state)
