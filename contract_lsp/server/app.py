"""The pygls server object, its lifecycle (initialize, configuration, workspace folders),
and ``serve()``. Each LSP method lives in its own module (``document_sync``, ``hover``,
``completion``, ``code_actions``, ``references``, ``diagnostics``, ``watched_files``).

State lives on the server object (pygls examples' style): the :class:`Session` of
workspaces, the diagnostics scheduler, the background workers, the client's capabilities
(resolved once), and ``ready``, set once the settings and registries are loaded. The
workspace index is completed in the background (SPEC §5 "first diagnostics do not wait
for the whole workspace").
"""

from __future__ import annotations

import asyncio
import time
import traceback
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import code_actions, completion, diagnostics, document_sync, hover, references, watched_files
from .background import Background
from .capabilities import ClientSupport
from .documents import is_python, uri_to_path
from .handlers import notification
from .session import Session, WorkspaceState, apply_complete_index, build_complete_index, load


class ContractServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("contract-lsp", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.session = Session()
        self.diagnostics = diagnostics.Diagnostics(self)
        self.background = Background()
        self.support = ClientSupport()
        self._ready: asyncio.Event | None = None
        self._indexing: dict[str, asyncio.Future] = {}

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

    def open_overlays(self, state: WorkspaceState) -> dict[str, str]:
        """The open Python documents of ``state``: absolute path -> text."""
        out = {}
        for uri, document in list(self.workspace.text_documents.items()):
            path = uri_to_path(uri)
            if path is not None and is_python(path) and state.contains(path):
                out[path] = document.source
        return out

    def reload_workspace(self, state: WorkspaceState) -> None:
        """Load ``state``'s settings and registry now, its whole index in the background."""
        load(state, lazy=True, overlays=self.open_overlays(state))
        if state.config_error:
            self.log(f"contract-lsp: {state.config_error}", types.MessageType.Error)
            return
        self.index_in_background(state)

    def index_in_background(self, state: WorkspaceState) -> None:
        key = str(state.root)
        running = self._indexing.pop(key, None)
        if running is not None:
            running.cancel()
        if state.project is not None:
            self._indexing[key] = asyncio.ensure_future(self._index(state))

    def indexing_done(self, state: WorkspaceState) -> asyncio.Future | None:
        """The running background indexing of ``state``, if any."""
        found = self._indexing.get(str(state.root))
        return found if found is not None and not found.done() else None

    async def _index(self, state: WorkspaceState) -> None:
        token = f"contract-lsp/indexing/{state.root}"
        progress = False
        start = time.perf_counter()
        try:
            if self.support.work_done_progress:
                try:
                    await self.work_done_progress.create_async(token)
                    self.work_done_progress.begin(token, types.WorkDoneProgressBegin(title="contract-lsp: indexing", percentage=0))
                    progress = True
                except Exception:
                    progress = False
            project = state.project
            complete = await self.background.run(build_complete_index, project)
            if apply_complete_index(state, complete):
                count = len(complete.project.index.all_paths())
                self.log(f"contract-lsp: indexed {count} files of {state.root} in {time.perf_counter() - start:.2f} s")
                self.diagnostics.refresh_all(only_changed=True)
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            self.log_error("indexing the workspace", exc)
        finally:
            if progress:
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message="indexed"))


def _settings_from(value) -> dict:
    """The ``contractLsp`` section of initializationOptions / didChangeConfiguration,
    accepting it bare or nested under ``contractLsp``."""
    if not isinstance(value, dict):
        return {}
    if isinstance(value.get("contractLsp"), dict):
        value = value["contractLsp"]
    keys = {"contracts", "src", "include", "exclude", "select", "ignore", "severity", "discover", "diagnosticMode", "diagnostic_mode", "packs", "cache-dir", "cache_dir"}
    return {k: v for k, v in value.items() if k in keys and v is not None}


def create_server() -> ContractServer:
    server = ContractServer()

    @server.feature(types.INITIALIZE)
    def on_initialize(params: types.InitializeParams) -> None:
        try:
            server.support = ClientSupport.of(params.capabilities)
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

    @notification(server, types.INITIALIZED)
    async def on_initialized(params: types.InitializedParams) -> None:
        try:
            for state in list(server.session.workspaces.values()):
                server.reload_workspace(state)
        finally:
            server.ready.set()
        try:
            await watched_files.register_watchers(server)
        except Exception as exc:  # the client said it could, then could not: no watchers
            server.log(f"contract-lsp: could not register file watchers: {exc}", types.MessageType.Warning)
        server.diagnostics.refresh_all()

    @notification(server, types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def on_configuration(params: types.DidChangeConfigurationParams) -> None:
        settings = _settings_from(params.settings)
        if not settings and not isinstance(params.settings, dict):
            return
        server.session.overrides = settings
        for state in server.session.workspaces.values():
            state.overrides = dict(settings)
            state.project = None
            server.reload_workspace(state)
        server.diagnostics.refresh_all()

    @notification(server, types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def on_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        for folder in params.event.removed:
            path = to_fs_path(folder.uri)
            if path:
                server.session.workspaces.pop(str(Path(path).resolve()), None)
        for folder in params.event.added:
            path = to_fs_path(folder.uri)
            if path:
                server.reload_workspace(server.session.add_folder(Path(path)))
        server.diagnostics.refresh_all()

    @server.feature(types.SHUTDOWN)
    def on_shutdown(params: None) -> None:
        server.background.shutdown()

    document_sync.register(server)
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
