"""Diagnostics (SPEC §5): pushed for push-only clients, pulled by clients that declare
``textDocument.diagnostic``; debounced as the user types, latest version wins.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from ..docs import rule_uri
from ..findings import Finding
from .collector import no_cyclic_gc
from .documents import document_findings, is_python, lines_for, python_findings, uri_to_path

if TYPE_CHECKING:
    from .app import ContractServer

#: Seconds between the last keystroke and the check (SPEC §5 "debounced").
DEBOUNCE = 0.1

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def to_diagnostic(finding: Finding, lines) -> types.Diagnostic:
    """An LSP diagnostic for ``finding``, positions in the client's encoding."""
    data = None
    if finding.contract is not None:
        data = {"contract": finding.contract.name, "contract_path": finding.contract.path, "contract_line": finding.contract.line}
    return types.Diagnostic(
        range=lines.range_to_client(finding.range),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_uri(finding.code)),
        source="contract-lsp",
        tags=[types.DiagnosticTag.Deprecated] if finding.deprecated else None,
        data=data,
    )


class Diagnostics:
    """Computes, debounces and delivers diagnostics for open documents."""

    def __init__(self, server: "ContractServer") -> None:
        self.server = server
        self._pending: dict[str, asyncio.Task] = {}
        self._sweep: asyncio.Future | None = None
        self.published: set[str] = set()

    @property
    def pull(self) -> bool:
        caps = self.server.client_capabilities
        return bool(caps and caps.text_document and caps.text_document.diagnostic)

    def compute(self, uri: str) -> list[types.Diagnostic]:
        document = self.server.workspace.get_text_document(uri)
        text = document.source
        _state, findings = document_findings(self.server.session, uri, text)
        lines = lines_for(text, self.server.workspace.position_encoding)
        return [to_diagnostic(f, lines) for f in findings]

    def schedule(self, uri: str, delay: float = DEBOUNCE) -> None:
        """Check ``uri`` after ``delay`` seconds unless a newer change comes first."""
        if self.pull:
            return  # the client asks when it wants them
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self._pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
            await self.server.ready.wait()
            self.publish(uri)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # a handler never raises (SPEC §5)
            self.server.log_error(f"diagnostics for {uri} failed", exc)
        finally:
            if self._pending.get(uri) is asyncio.current_task():
                self._pending.pop(uri, None)

    def publish(self, uri: str) -> None:
        document = self.server.workspace.text_documents.get(uri)
        if document is None:
            return
        version = document.version
        diagnostics = self.compute(uri)
        current = self.server.workspace.text_documents.get(uri)
        if current is None or current.version != version:
            return  # the text changed while we worked: a newer check is on its way
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )
        self.published.add(uri)

    def clear(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()
        if not self.pull and uri in self.published:
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            self.published.discard(uri)

    def refresh_all(self) -> None:
        """Re-check every open document (after a registry reload or a change elsewhere)."""
        if self.pull:
            caps = self.server.client_capabilities
            refresh = caps.workspace and caps.workspace.diagnostics and caps.workspace.diagnostics.refresh_support
            if refresh:
                self.server.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.server.workspace.text_documents):
            self.schedule(uri, 0)
        self.publish_workspace()

    def publish_workspace(self) -> None:
        """``diagnosticMode = "workspace"``: push findings of every Python file, in the
        background (a newer sweep replaces a running one)."""
        if self.pull:
            return
        if self._sweep is not None:
            self._sweep.cancel()
        self._sweep = asyncio.ensure_future(self._publish_workspace())

    async def _publish_workspace(self) -> None:
        start = time.perf_counter()
        try:
            with no_cyclic_gc():
                swept = await self._sweep_workspaces()
        except asyncio.CancelledError:
            return
        except Exception as exc:  # a handler never raises (SPEC §5)
            self.server.log_error("workspace diagnostics failed", exc)
            return
        if swept:
            self.server.log(f"contract-lsp: workspace diagnostics: {swept} files in {time.perf_counter() - start:.1f} s")

    async def _sweep_workspaces(self) -> int:
        """Push the findings of every file not open in the editor; returns how many files."""
        swept = 0
        for state in list(self.server.session.workspaces.values()):
            project = state.project
            if project is None or project.settings.diagnostic_mode != "workspace":
                continue
            async for path, text in workspace_sources(state):
                uri = from_fs_path(path)
                if uri is None or uri in self.server.workspace.text_documents:
                    continue
                swept += 1
                findings = python_findings(state, path, text)
                if findings or uri in self.published:
                    lines = lines_for(text, self.server.workspace.position_encoding)
                    self.server.text_document_publish_diagnostics(
                        types.PublishDiagnosticsParams(uri=uri, diagnostics=[to_diagnostic(f, lines) for f in findings])
                    )
                    self.published.add(uri)
        return swept


async def workspace_sources(state):
    """(absolute path, text) of every readable Python file of a workspace, yielding to the
    event loop before each, so that requests about the document being typed in are answered
    between two files of a sweep. Files that cannot be read or decoded are left out."""
    project = state.project
    if project is None:
        return
    for path in list(project.index.all_paths()):
        await asyncio.sleep(0)
        if not is_python(path):
            continue
        try:
            text = project.index.source_of(path)
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
        yield os.path.abspath(path), text


def result_id(state, text: str) -> str:
    """The pull result id of a file's findings: equal ids mean equal findings."""
    project = state.project
    return f"{project.revision if project is not None else '-'}:{hash(text):x}"


def register(server: "ContractServer") -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="contract-lsp", inter_file_dependencies=True, workspace_diagnostics=True),
    )
    async def on_document_diagnostic(params: types.DocumentDiagnosticParams):
        await server.ready.wait()
        uri = params.text_document.uri
        rid = None
        try:
            # VS Code pulls every open document again when any of them changes
            # (interFileDependencies): those whose text and workspace are as they were
            # are reported unchanged without a check.
            path = uri_to_path(uri)
            if path is not None:
                rid = result_id(server.session.workspace_for(path), server.workspace.get_text_document(uri).source)
                if params.previous_result_id == rid:
                    return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
            items = server.diagnostics.compute(uri)
        except Exception as exc:
            server.log_error("textDocument/diagnostic failed", exc)
            items, rid = [], None  # no id: the next pull checks again
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=rid)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def on_workspace_diagnostic(params: types.WorkspaceDiagnosticParams):
        await server.ready.wait()
        # Clients poll this (VS Code every few seconds): a file whose text and workspace are
        # as they were when the client got its previous result is reported unchanged,
        # without checking it again.
        previous = {r.uri: r.value for r in params.previous_result_ids or []}
        reports: list = []
        try:
            with no_cyclic_gc():
                await _pull_workspaces(previous, reports)
        except Exception as exc:
            server.log_error("workspace/diagnostic failed", exc)
        return types.WorkspaceDiagnosticReport(items=reports)

    async def _pull_workspaces(previous: dict[str, str], reports: list) -> None:
        """Append a report per Python file of every workspace: unchanged where the client's
        previous result id still holds, else the full findings (of the open text if open)."""
        for state in list(server.session.workspaces.values()):
            async for path, text in workspace_sources(state):
                uri = from_fs_path(path)
                if uri is None:
                    continue
                document = server.workspace.text_documents.get(uri)
                if document is not None:
                    text = document.source
                version = document.version if document else None
                rid = result_id(state, text)
                if previous.get(uri) == rid:
                    reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=rid, version=version))
                    continue
                findings = python_findings(state, path, text)
                lines = lines_for(text, server.workspace.position_encoding)
                reports.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, items=[to_diagnostic(f, lines) for f in findings], result_id=rid, version=version
                    )
                )
