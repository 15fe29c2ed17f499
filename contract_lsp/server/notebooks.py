"""Notebook documents (LSP 3.17 ``notebookDocument/*`` sync, SPEC §3.5 and §5).

A client such as VS Code opens a ``.ipynb`` as one notebook document whose code cells are
text documents of their own (``vscode-notebook-cell:`` URIs). pygls keeps both in its
workspace; the handlers here check the notebook as one source (its code cells joined, as
``--check`` does: :mod:`contract_lsp.notebooks`) and deliver each cell its own diagnostics,
positions within the cell: pushed per cell URI for push clients, and through
:func:`cell_diagnostics` for ``textDocument/diagnostic`` pulls of a cell.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import unquote

from lsprotocol import types

from ..findings import Finding
from ..notebooks import build_source
from .collector import no_cyclic_gc
from .diagnostics import DEBOUNCE, to_diagnostic
from .documents import lines_for, python_findings, uri_to_path
from .handlers import notification

if TYPE_CHECKING:
    from .app import ContractServer

#: The server's ``notebookDocumentSync`` capability: the Python cells of every notebook
#: (``"*"`` matches any notebook type, LSP 3.17; spelt out rather than omitted, since
#: lsprotocol-based clients cannot read a filter without ``notebook``), and didSave.
SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[types.NotebookDocumentFilterWithNotebook(notebook="*", cells=[types.NotebookCellLanguage(language="python")])],
    save=True,
)


def _document(server: ContractServer, uri: str):
    """The open text document ``uri`` or None (pygls keys them by the unquoted URI, and VS
    Code's cell URIs carry ``%3D`` in their fragment)."""
    return server.workspace.text_documents.get(unquote(uri))


def _code_cells(server: ContractServer, notebook: types.NotebookDocument) -> list[tuple[int, str, str]]:
    """(1-based index among the notebook's cells, cell URI, text) of its Python code cells
    whose text document is open."""
    out = []
    for index, cell in enumerate(notebook.cells, start=1):
        if cell.kind != types.NotebookCellKind.Code:
            continue
        document = _document(server, cell.document)
        if document is None or (document.language_id or "python") != "python":
            continue
        out.append((index, cell.document, document.source))
    return out


def notebook_findings(server: ContractServer, notebook_uri: str) -> dict[str, list[Finding]]:
    """The findings of the open notebook ``notebook_uri`` by cell URI (every Python code
    cell has an entry), each in its cell's coordinates (0-based line within the cell,
    code-point column). Empty for an unknown notebook or one without a ``file:`` path (an
    untitled notebook has no workspace to resolve in)."""
    notebook = server.workspace.get_notebook_document(notebook_uri=notebook_uri)
    if notebook is None:
        return {}
    path = uri_to_path(notebook.uri)
    cells = _code_cells(server, notebook)
    result: dict[str, list[Finding]] = {uri: [] for _, uri, _ in cells}
    if path is None or not cells:
        return result
    state = server.session.workspace_for(path)
    source = build_source((index, text) for index, _, text in cells)
    project = state.project
    key = (project.revision if project is not None else None, source.text)
    cache = _cache(server)
    hit = cache.get(notebook_uri)
    if hit is not None and hit[0] == key:
        return hit[1]
    uri_of = {index: uri for index, uri, _ in cells}
    with no_cyclic_gc():
        findings = python_findings(state, path, source.text)
    for finding in findings:
        local = source.to_cell(finding)
        cell = local.extra.get("cell")
        if cell in uri_of:
            result[uri_of[cell]].append(local)
    cache[notebook_uri] = (key, result)
    return result


def _cache(server) -> dict:
    """Last findings per notebook, keyed by the project's revision and the joined source:
    a pull per cell, or a refresh of every open document, checks the notebook once."""
    cache = getattr(server, "_notebook_findings", None)
    if cache is None:
        cache = server._notebook_findings = {}
    return cache


def cell_diagnostics(server: ContractServer, cell_uri: str) -> list[types.Diagnostic] | None:
    """The diagnostics of one notebook cell (positions in the negotiated encoding), or None
    when ``cell_uri`` is not a cell of an open notebook: ``Diagnostics.compute`` asks this
    first, so pulls and refreshes of a cell get its findings, not a plain file's."""
    notebook = server.workspace.get_notebook_document(cell_uri=cell_uri)
    if notebook is None:
        return None
    by_cell = {unquote(uri): found for uri, found in notebook_findings(server, notebook.uri).items()}
    findings = by_cell.get(unquote(cell_uri), [])  # asked by the key pygls keeps, or as the client spells it
    document = _document(server, cell_uri)
    lines = lines_for(document.source if document is not None else "", server.workspace.position_encoding)
    return [to_diagnostic(f, lines) for f in findings]


class NotebookDiagnostics:
    """Pushes each cell's diagnostics after notebook changes (debounced per notebook, the
    latest notebook version wins); push-only clients, as :class:`Diagnostics` does."""

    def __init__(self, server: ContractServer) -> None:
        self.server = server
        self._pending: dict[str, asyncio.Task] = {}
        self.published: dict[str, set[str]] = {}  # notebook URI -> cell URIs pushed to

    def schedule(self, notebook_uri: str, delay: float = DEBOUNCE) -> None:
        if self.server.diagnostics.pull:
            return  # the client pulls each cell (cell_diagnostics)
        previous = self._pending.pop(notebook_uri, None)
        if previous is not None:
            previous.cancel()
        self._pending[notebook_uri] = asyncio.ensure_future(self._publish_later(notebook_uri, delay))

    async def _publish_later(self, notebook_uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            await self.server.ready.wait()
            self.publish(notebook_uri)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # noqa: BLE001 - a handler never raises (SPEC §5)
            self.server.log_error(f"diagnostics for notebook {notebook_uri} failed", exc)
        finally:
            if self._pending.get(notebook_uri) is asyncio.current_task():
                self._pending.pop(notebook_uri, None)

    def publish(self, notebook_uri: str) -> None:
        """Check the notebook now and push every code cell's diagnostics (empty ones too,
        for cells that had some or were removed)."""
        workspace = self.server.workspace
        notebook = workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return
        version = notebook.version
        by_cell = notebook_findings(self.server, notebook_uri)
        current = workspace.get_notebook_document(notebook_uri=notebook_uri)
        if current is None or current.version != version:
            return  # changed while we worked: a newer check is on its way
        encoding = workspace.position_encoding
        previous = self.published.get(notebook_uri, set())
        for uri in previous - set(by_cell):  # cells deleted or no longer Python
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        for uri, findings in by_cell.items():
            if not findings and uri not in previous:
                continue
            document = _document(self.server, uri)
            lines = lines_for(document.source if document is not None else "", encoding)
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=[to_diagnostic(f, lines) for f in findings], version=document.version if document else None
                )
            )
        self.published[notebook_uri] = {uri for uri, findings in by_cell.items() if findings}

    def clear(self, notebook_uri: str) -> None:
        """Forget a closed notebook: cancel its check, empty its cells' diagnostics."""
        task = self._pending.pop(notebook_uri, None)
        if task is not None:
            task.cancel()
        _cache(self.server).pop(notebook_uri, None)
        published = self.published.pop(notebook_uri, set())
        if self.server.diagnostics.pull:
            return
        for uri in published:  # (the cells' documents are gone; their diagnostics are not)
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def register(server: ContractServer) -> None:
    """Add the ``notebookDocument/didOpen|didChange|didSave|didClose`` handlers (pygls
    updates its workspace's notebooks and cells before calling them). The server must also
    advertise :data:`SYNC_OPTIONS` (``LanguageServer(notebook_document_sync=...)``)."""
    notebooks = server.notebook_diagnostics = NotebookDiagnostics(server)

    @notification(server, types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def on_open(params: types.DidOpenNotebookDocumentParams) -> None:
        notebooks.schedule(params.notebook_document.uri, 0)

    @notification(server, types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def on_change(params: types.DidChangeNotebookDocumentParams) -> None:
        notebooks.schedule(params.notebook_document.uri)

    @notification(server, types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def on_save(params: types.DidSaveNotebookDocumentParams) -> None:
        notebooks.schedule(params.notebook_document.uri, 0)

    @notification(server, types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def on_close(params: types.DidCloseNotebookDocumentParams) -> None:
        notebooks.clear(params.notebook_document.uri)
