"""The real server over stdio with a notebook client (LSP 3.17 ``notebookDocument/*``, SPEC
§3.5, §5), as VS Code sends a ``.ipynb``: one notebook document, one text document per cell."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest
from lsprotocol import types
from notebook_helpers import write_workspace
from pytest_lsp import client_capabilities
from pytest_lsp.client import make_test_lsp_client

SERVER = [sys.executable, "-m", "contract_lsp"]

CELLS = [
    ("markdown", "# Analysis"),
    ("python", "%matplotlib inline\nimport lib.io as io"),
    ("python", "!pip install lib\nt = io.read_table('a.csv', error_bad_lines=False)"),
    ("python", "u = io.read_table('b.csv', line_terminator='\\n')"),
]


def _capabilities(name: str) -> types.ClientCapabilities:
    caps = client_capabilities(name)
    caps.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=True)
    )
    return caps


async def _start(root, caps: str):
    client = make_test_lsp_client()
    await client.start_io(*SERVER)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=_capabilities(caps),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    return client, result


async def _stop(client) -> None:
    await client.shutdown_session()
    await client.stop()


def _require_wiring(result: types.InitializeResult) -> None:
    if result.capabilities.notebook_document_sync is None:
        pytest.xfail("wired by lead: server/app.py does not register server/notebooks.py yet")


def _open(client, notebook_uri: str) -> list[str]:
    cells, documents = [], []
    for i, (language, text) in enumerate(CELLS):
        uri = f"vscode-notebook-cell:{notebook_uri[len('file:'):]}#W{i}sZmlsZQ%3D%3D"
        kind = types.NotebookCellKind.Markup if language == "markdown" else types.NotebookCellKind.Code
        cells.append(types.NotebookCell(kind=kind, document=uri))
        documents.append(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(uri=notebook_uri, notebook_type="jupyter-notebook", version=1, cells=cells),
            cell_text_documents=documents,
        )
    )
    return [d.uri for d in documents]


async def _wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
    return value


def _cleared(client, uri: str) -> bool:
    return uri in client.diagnostics and len(client.diagnostics[uri]) == 0


@pytest.fixture
def workspace(tmp_path):
    return write_workspace(tmp_path / "ws", {"analysis.ipynb": "{}"})


async def test_push_diagnostics_per_cell_follow_edits_and_close(workspace):
    client, result = await _start(workspace, "emacs")
    try:
        _require_wiring(result)
        notebook_uri = (workspace / "analysis.ipynb").as_uri()
        uris = _open(client, notebook_uri)
        third = await _wait_for(lambda: client.diagnostics.get(uris[2]))
        assert [(d.range.start.line, d.range.start.character, d.code) for d in third] == [(1, 27, "CL003")]
        fourth = await _wait_for(lambda: client.diagnostics.get(uris[3]))
        assert [(d.range.start.line, d.code) for d in fourth] == [(0, "CL002")]
        assert not client.diagnostics.get(uris[1])  # the magic and the import: nothing

        # fix the third cell in the editor: its diagnostics go, the fourth's stay
        client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=types.VersionedNotebookDocumentIdentifier(uri=notebook_uri, version=2),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(uri=uris[2], version=2),
                                changes=[types.TextDocumentContentChangeWholeDocument(text="t = io.read_table('a.csv', on_bad_lines='skip')")],
                            )
                        ]
                    )
                ),
            )
        )
        await _wait_for(lambda: _cleared(client, uris[2]))
        assert [d.code for d in client.diagnostics[uris[3]]] == ["CL002"]

        client.notebook_document_did_close(
            types.DidCloseNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(uri=notebook_uri),
                cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in uris],
            )
        )
        await _wait_for(lambda: _cleared(client, uris[3]))
    finally:
        await _stop(client)


async def test_pull_diagnostics_of_a_cell(workspace):
    client, result = await _start(workspace, "neovim@v0.11.0")
    try:
        _require_wiring(result)
        uris = _open(client, (workspace / "analysis.ipynb").as_uri())
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uris[2]))
        )
        assert [(d.range.start.line, d.code) for d in report.items] == [(1, "CL003")]
    finally:
        await _stop(client)
