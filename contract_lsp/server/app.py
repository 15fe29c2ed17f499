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
import sys
import threading
import time
import traceback
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..config import find_workspace_root
from . import (
    code_actions,
    completion,
    diagnostics,
    document_sync,
    hover,
    notebooks,
    references,
    watched_files,
)
from .background import Background
from .capabilities import ClientSupport
from .documents import is_python, uri_to_path
from .handlers import notification
from .session import (
    Session,
    WorkspaceState,
    apply_complete_index,
    apply_registry,
    build_complete_index,
    load,
    read_registry,
    registry_inputs,
)
from .transport import ContractProtocol, MessageLoop, stdin_reader

#: Seconds without a change to a contract file before the registry is read again.
REGISTRY_DEBOUNCE = 0.25


class ContractServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "contract-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=notebooks.SYNC_OPTIONS,
            protocol_cls=ContractProtocol,
        )
        self.session = Session()
        self.diagnostics = diagnostics.Diagnostics(self)
        self.background = Background()
        self.support = ClientSupport()
        self._ready: asyncio.Event | None = None
        self._indexing: dict[str, asyncio.Future] = {}
        #: registry reloads by workspace root: the debounce timer, the running read, and
        #: whether another change came while it ran
        self._registry_timers: dict[str, asyncio.TimerHandle] = {}
        self._registry_reads: dict[str, asyncio.Future] = {}
        self._registry_again: set[str] = set()
        self._logged_notes: dict[str, str | None] = {}

    @property
    def ready(self) -> asyncio.Event:
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    def start_io(self, stdin=None, stdout=None) -> int:  # type: ignore[override]
        """Serve on stdin/stdout until ``exit`` or the end of input, framing messages with
        :class:`~.transport.MessageLoop` (not pygls's loop: see :mod:`.transport`).
        Returns the exit code: 0 after ``shutdown``, else 1 (LSP 3.17 § exit)."""
        from pygls.io_ import StdoutWriter

        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def main() -> None:
            await MessageLoop(self, stdin_reader(stdin or sys.stdin.buffer), self._stop_event).run()

        return self._run(main)

    def start_tcp(self, host: str, port: int) -> int:  # type: ignore[override]
        """Serve one client at a time on ``host:port`` (as pygls does), with our framing."""
        self._stop_event = threading.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.protocol.set_writer(writer)  # type: ignore[arg-type]

            async def read() -> bytes:
                try:
                    return await reader.read(65536)
                except (ConnectionError, OSError):
                    return b""

            await MessageLoop(self, read, self._stop_event).run()
            self._tcp.close()

        async def main() -> None:
            self._tcp = await asyncio.start_server(connection, host, port)
            async with self._tcp:
                try:
                    await self._tcp.serve_forever()
                except asyncio.CancelledError:
                    pass

        return self._run(main)

    def _run(self, main) -> int:
        code = None
        try:
            asyncio.run(main())
        except SystemExit as exc:  # pygls's exit handler: 0 after shutdown, else 1
            code = exc.code if isinstance(exc.code, int) else 1
        except BrokenPipeError:
            print("contract-lsp: the connection to the client is lost; exiting", file=sys.stderr)
        except KeyboardInterrupt:
            code = 0
        finally:
            self.background.shutdown()
            self.shutdown()
        if code is None:  # the input ended without an exit notification
            code = 0 if self.protocol._shutdown else 1
        return code

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
        for warning in state.config_warnings:
            self.log(f"contract-lsp: {warning}", types.MessageType.Warning)
        self.note_registry(state)
        self.index_in_background(state)

    def note_registry(self, state: WorkspaceState) -> None:
        """One log line when a workspace's registry turns empty (not one per reload)."""
        key = str(state.root)
        if self._logged_notes.get(key) != state.registry_note:
            self._logged_notes[key] = state.registry_note
            if state.registry_note:
                self.log(f"contract-lsp: {state.registry_note}", types.MessageType.Warning)

    def reload_registry_soon(self, state: WorkspaceState, delay: float = REGISTRY_DEBOUNCE) -> None:
        """Reload ``state``'s registry once changes stop for ``delay`` seconds (SPEC §5:
        typing in a contract file does not reload per keystroke), off the event loop; one
        read at a time per workspace, another after it when changes came meanwhile."""
        if state.project is None:
            return
        key = str(state.root)
        state.registry_serial += 1  # what a running read returns is stale now
        timer = self._registry_timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._registry_timers[key] = asyncio.get_running_loop().call_later(delay, self._start_registry_read, state)

    def _start_registry_read(self, state: WorkspaceState) -> None:
        key = str(state.root)
        self._registry_timers.pop(key, None)
        if key in self._registry_reads:
            self._registry_again.add(key)
            return
        self._registry_reads[key] = asyncio.ensure_future(self._read_registry(state))

    async def _read_registry(self, state: WorkspaceState) -> None:
        key = str(state.root)
        try:
            while state.project is not None:
                self._registry_again.discard(key)
                read = await self.background.run(read_registry, registry_inputs(state))
                if key in self._registry_again:
                    continue  # changed while it was read: read again, once
                if apply_registry(state, read):
                    registry = read.registry
                    self.log(
                        f"contract-lsp: registry reloaded: {len(registry.contracts)} contracts, "
                        f"{len(registry.errors)} errors, in {read.seconds:.2f} s"
                    )
                    self.note_registry(state)
                    if not read.unchanged:
                        self.diagnostics.refresh_all()
                break
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            self.log_error("reloading the registry", exc)
        finally:
            self._registry_reads.pop(key, None)

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
                server.session.workspaces.pop(str(find_workspace_root(Path(path))), None)
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
    notebooks.register(server)
    code_actions.register(server)
    hover.register(server)
    completion.register(server)
    watched_files.register(server)
    references.register(server)
    return server


def serve(tcp: bool = False, host: str = "127.0.0.1", port: int = 2087) -> None:
    """Run the language server on stdio, or on a loopback TCP socket."""
    server = create_server()
    code = server.start_tcp(host, port) if tcp else server.start_io()
    if code:
        raise SystemExit(code)  # LSP 3.17 § exit: 1 when no shutdown came first
