"""The pygls server object, document lifecycle, configuration, and ``serve()``.

State lives on the server object (pygls examples' style): the :class:`Session` of
workspaces, the diagnostics scheduler, and ``ready``, set once the workspaces are loaded
so that early pull requests wait instead of answering empty (SPEC §5).
"""

from __future__ import annotations

import asyncio
import traceback
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import code_actions, completion, diagnostics, hover, references, watched_files
from .documents import is_python, uri_to_path
from .session import Session, WorkspaceState, expand, load, reload_registry


class ContractServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("contract-lsp", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session()
        self.diagnostics = diagnostics.Diagnostics(self)
        self._ready: asyncio.Event | None = None

    @property
    def ready(self) -> asyncio.Event:
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:
            pass

    def log_error(self, what: str, exc: BaseException) -> None:
        """Report an unexpected exception to the client's log; handlers never raise."""
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.log(f"contract-lsp: {what}: {exc!r}\n{detail}", types.MessageType.Error)


def _settings_from(value) -> dict:
    """The ``contractLsp`` section of initializationOptions / didChangeConfiguration,
    accepting it bare or nested under ``contractLsp``."""
    if not isinstance(value, dict):
        return {}
    if isinstance(value.get("contractLsp"), dict):
        value = value["contractLsp"]
    keys = {"contracts", "src", "include", "exclude", "select", "ignore", "severity", "discover", "diagnosticMode", "diagnostic_mode"}
    return {k: v for k, v in value.items() if k in keys and v is not None}


def _load_all(server: ContractServer) -> None:
    for state in server.session.workspaces.values():
        load(state)
        if state.config_error:
            server.log(f"contract-lsp: {state.config_error}", types.MessageType.Error)


def create_server() -> ContractServer:
    server = ContractServer()

    @server.feature(types.INITIALIZE)
    def on_initialize(params: types.InitializeParams) -> None:
        try:
            server.session.overrides = _settings_from(params.initialization_options)
            folders = [f.uri for f in params.workspace_folders or []]
            if not folders and params.root_uri:
                folders = [params.root_uri]
            for uri in folders:
                path = to_fs_path(uri)
                if path:
                    server.session.add_folder(Path(path))
        except Exception as exc:
            server.log_error("initialize", exc)

    @server.feature(types.INITIALIZED)
    async def on_initialized(params: types.InitializedParams) -> None:
        token = "contract-lsp/indexing"
        progress = False
        try:
            caps = server.client_capabilities
            if caps.window and caps.window.work_done_progress:
                await server.work_done_progress.create_async(token)
                server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title="contract-lsp: indexing", percentage=0))
                progress = True
            _load_all(server)
        except Exception as exc:
            server.log_error("loading the workspace", exc)
        try:
            await watched_files.register_watchers(server)
        except Exception as exc:  # the client said it could, then could not: no watchers
            server.log(f"contract-lsp: could not register file watchers: {exc}", types.MessageType.Warning)
        server.ready.set()
        if progress:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message="ready"))
        server.diagnostics.refresh_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_configuration(params: types.DidChangeConfigurationParams) -> None:
        try:
            settings = _settings_from(params.settings)
            if not settings and not isinstance(params.settings, dict):
                return
            server.session.overrides = settings
            for state in server.session.workspaces.values():
                state.overrides = dict(settings)
                state.project = None
            _load_all(server)
            server.diagnostics.refresh_all()
        except Exception as exc:
            server.log_error("didChangeConfiguration", exc)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def on_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        try:
            for folder in params.event.removed:
                path = to_fs_path(folder.uri)
                if path:
                    server.session.workspaces.pop(str(Path(path).resolve()), None)
            for folder in params.event.added:
                path = to_fs_path(folder.uri)
                if path:
                    load(server.session.add_folder(Path(path)))
            server.diagnostics.refresh_all()
        except Exception as exc:
            server.log_error("didChangeWorkspaceFolders", exc)

    def _document_changed(uri: str, saved: bool = False, opened: bool = False) -> None:
        path = uri_to_path(uri)
        if path is None:
            return
        document = server.workspace.get_text_document(uri)
        state: WorkspaceState = server.session.workspace_for(path)
        if is_python(path):
            if state.project is not None:
                state.project.index.set_overlay(path, document.source)
                if saved:
                    expand(state, [path])
            if opened:
                server.diagnostics.schedule(uri, 0)
                return
            # a change here may change what other open files resolve to: re-check them all
            for other in list(server.workspace.text_documents):
                server.diagnostics.schedule(other)
        elif state.is_contract_file(path):
            state.contract_overlays[path] = document.source
            reload_registry(state)
            server.diagnostics.refresh_all()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def on_open(params: types.DidOpenTextDocumentParams) -> None:
        try:
            _document_changed(params.text_document.uri, opened=True)
            server.diagnostics.schedule(params.text_document.uri, 0)
        except Exception as exc:
            server.log_error("didOpen", exc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def on_change(params: types.DidChangeTextDocumentParams) -> None:
        try:
            _document_changed(params.text_document.uri)
        except Exception as exc:
            server.log_error("didChange", exc)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def on_save(params: types.DidSaveTextDocumentParams) -> None:
        try:
            _document_changed(params.text_document.uri, saved=True)
        except Exception as exc:
            server.log_error("didSave", exc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def on_close(params: types.DidCloseTextDocumentParams) -> None:
        try:
            uri = params.text_document.uri
            path = uri_to_path(uri)
            server.diagnostics.clear(uri)
            if path is None:
                return
            state = server.session.workspace_for(path)
            if is_python(path) and state.project is not None:
                state.project.index.clear_overlay(path)
            elif state.contract_overlays.pop(path, None) is not None:
                reload_registry(state)
                server.diagnostics.refresh_all()
        except Exception as exc:
            server.log_error("didClose", exc)

    diagnostics.register(server)
    code_actions.register(server)
    hover.register(server)
    completion.register(server)
    watched_files.register(server)
    references.register(server)
    return server


def serve(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> None:
    """Run the language server on stdio, or on a loopback TCP socket."""
    server = create_server()
    if tcp:
        server.start_tcp(host, port)
    else:
        server.start_io()
