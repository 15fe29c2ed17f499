"""Diagnostics (SPEC §5): pushed for push-only clients, pulled by clients that declare
``textDocument.diagnostic``; debounced as the user types, latest version wins.

The document being typed in is checked on the event loop (it is the answer the user waits
for). The whole-workspace work, ``workspace/diagnostic`` and the ``diagnosticMode =
"workspace"`` sweep, runs on a snapshot in the background (:mod:`.background`), a chunk of
files at a time.
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
from .handlers import request
from .snapshot import Snapshot, take_snapshot

if TYPE_CHECKING:
    from .app import ContractServer

#: Seconds between the last keystroke and the check (SPEC §5 "debounced").
DEBOUNCE = 0.1
#: Files per background step of a sweep or workspace pull: small enough that a newer
#: snapshot stops a stale sweep soon, large enough that thread hand-offs cost nothing.
CHUNK = 64

_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def _fix_data(finding: Finding) -> dict | None:
    """The finding's fix as plain data (engine positions: 0-based lines, code-point
    columns), carried in ``Diagnostic.data`` so a code action needs no new check."""
    fix = finding.fix
    if fix is None:
        return None
    edits = [[e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.new_text] for e in fix.edits]
    return {"title": fix.title, "safe": fix.safe, "edits": edits}


def to_diagnostic(finding: Finding, lines) -> types.Diagnostic:
    """An LSP diagnostic for ``finding``, positions in the client's encoding. ``data``
    names the contract (SPEC §3.4) and carries the fix (SPEC §5)."""
    data: dict = {}
    if finding.contract is not None:
        data = {"contract": finding.contract.name, "contract_path": finding.contract.path, "contract_line": finding.contract.line}
    fix = _fix_data(finding)
    if fix is not None:
        data["fix"] = fix
    return types.Diagnostic(
        range=lines.range_to_client(finding.range),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_uri(finding.code)),
        source="contract-lsp",
        tags=[types.DiagnosticTag.Deprecated] if finding.deprecated else None,
        data=data or None,
    )


def result_id(project, text: str) -> str:
    """The pull result id of a file's findings: equal ids mean equal findings."""
    return f"{project.revision if project is not None else '-'}:{hash(text):x}"


class Diagnostics:
    """Computes, debounces and delivers diagnostics for open documents."""

    def __init__(self, server: "ContractServer") -> None:
        self.server = server
        self._pending: dict[str, asyncio.Task] = {}
        #: uri -> whether its pending publish may be skipped when nothing changed
        self._only_changed: dict[str, bool] = {}
        self._sweep: asyncio.Future | None = None
        #: uri -> the diagnostics last published (push clients)
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.published_versions: dict[str, int | None] = {}
        #: uri -> (document version, project revision, findings) of the last check, which
        #: code actions and fix-all read instead of checking again
        self.latest: dict[str, tuple[int | None, str, list[Finding]]] = {}

    @property
    def pull(self) -> bool:
        return self.server.support.pull_diagnostics

    def findings(self, uri: str) -> list[Finding]:
        """The findings of the open document ``uri`` as it is now: the last check's when
        neither the text nor the workspace changed since, else a new check."""
        document = self.server.workspace.get_text_document(uri)
        path = uri_to_path(uri)
        state = self.server.session.workspace_for(path) if path else None
        revision = state.project.revision if state is not None and state.project is not None else "-"
        known = self.latest.get(uri)
        if known is not None and known[0] == document.version and known[1] == revision:
            return known[2]
        _state, found = document_findings(self.server.session, uri, document.source)
        self.latest[uri] = (document.version, revision, found)
        return found

    def compute(self, uri: str) -> list[types.Diagnostic]:
        from . import notebooks  # (it imports this module)

        cell = notebooks.cell_diagnostics(self.server, uri)  # a notebook cell: SPEC §3.5
        if cell is not None:
            return cell
        document = self.server.workspace.get_text_document(uri)
        findings = self.findings(uri)
        lines = lines_for(document.source, self.server.workspace.position_encoding)
        return [to_diagnostic(f, lines) for f in findings]

    def schedule(self, uri: str, delay: float = DEBOUNCE, only_changed: bool = False) -> None:
        """Check ``uri`` after ``delay`` seconds unless a newer change comes first."""
        if self.pull:
            return  # the client asks when it wants them
        previous = self._pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
            # a refresh that publishes only what changed must not swallow the publish of a
            # newer version already scheduled (the client waits for that version)
            only_changed = only_changed and self._only_changed.get(uri, False)
        self._only_changed[uri] = only_changed
        self._pending[uri] = asyncio.ensure_future(self._publish_later(uri, delay, only_changed))

    async def _publish_later(self, uri: str, delay: float, only_changed: bool) -> None:
        try:
            await asyncio.sleep(delay)
            await self.server.ready.wait()
            self.publish(uri, only_changed)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # a handler never raises (SPEC §5)
            self.server.log_error(f"diagnostics for {uri} failed", exc)
        finally:
            if self._pending.get(uri) is asyncio.current_task():
                self._pending.pop(uri, None)

    def publish(self, uri: str, only_changed: bool = False) -> None:
        # the collector paused for the whole of it: turning 1,500 findings into diagnostics
        # and JSON makes tens of thousands of objects, and each collection it triggers would
        # walk everything the server keeps (see collector.py)
        with no_cyclic_gc():
            self._publish(uri, only_changed)

    def _publish(self, uri: str, only_changed: bool) -> None:
        document = self.server.workspace.text_documents.get(uri)
        if document is None:
            return
        version = document.version
        diagnostics = self.compute(uri)
        current = self.server.workspace.text_documents.get(uri)
        if current is None or current.version != version:
            return  # the text changed while we worked: a newer check is on its way
        if only_changed and self.published_versions.get(uri) == version and self.published.get(uri) == diagnostics:
            return
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )
        self.published[uri] = diagnostics
        self.published_versions[uri] = version

    def clear(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.latest.pop(uri, None)
        if not self.pull and uri in self.published:
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
            self.published.pop(uri, None)
        self.published_versions.pop(uri, None)
        self._only_changed.pop(uri, None)

    def refresh_all(self, only_changed: bool = False) -> None:
        """Re-check every open document (after a registry reload, a change elsewhere, or
        the complete index: ``only_changed`` then publishes only what differs)."""
        if self.pull:
            if self.server.support.diagnostic_refresh:
                self.server.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.server.workspace.text_documents):
            self.schedule(uri, 0, only_changed)
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
            indexing = self.server.indexing_done(state)
            if indexing is not None:
                await asyncio.shield(indexing)
            snapshot = take_snapshot(state, self.server.workspace.text_documents)
            if snapshot is None:
                continue
            paths = [p for p in snapshot.project.index.all_paths() if is_python(p)]
            for start in range(0, len(paths), CHUNK):
                results = await self.server.background.run(check_files, snapshot, paths[start : start + CHUNK], True)
                if not snapshot.is_current():
                    return swept  # stale: the refresh that made it so starts a new sweep
                for path, uri, text, findings in results:
                    if uri in self.server.workspace.text_documents:
                        continue
                    swept += 1
                    if findings or uri in self.published:
                        lines = lines_for(text, self.server.workspace.position_encoding)
                        diagnostics = [to_diagnostic(f, lines) for f in findings]
                        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))
                        self.published[uri] = diagnostics
        return swept


def _text(snapshot: Snapshot, path: str, uri: str) -> str | None:
    """The text of ``path`` in ``snapshot``: the open document's, else the file's; None
    when it cannot be read or decoded."""
    text = snapshot.text_of(uri)
    if text is not None:
        return text
    try:
        return snapshot.project.index.source_of(path)
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
        return None


def check_files(token, snapshot: Snapshot, paths: list[str], skip_open: bool) -> list[tuple[str, str, str, list[Finding]]]:
    """(path, uri, text, findings) of each readable file of ``paths`` in ``snapshot`` (a
    background job); open documents are checked in their open text, or left out with
    ``skip_open``."""
    out = []
    with no_cyclic_gc():
        for path in paths:
            token.check()
            uri = from_fs_path(path)
            if uri is None:
                continue
            if skip_open and snapshot.text_of(uri) is not None:
                continue
            text = _text(snapshot, path, uri)
            if text is None:
                continue
            out.append((os.path.abspath(path), uri, text, python_findings(snapshot, path, text)))
    return out


def workspace_reports(token, snapshot: Snapshot, previous: dict[str, str], encoding) -> list:
    """``workspace/diagnostic`` reports of every Python file of ``snapshot`` (a background
    job): unchanged where the client's previous result id still holds, else the findings
    (of the open text where the file is open)."""
    reports: list = []
    project = snapshot.project
    with no_cyclic_gc():
        for path in project.index.all_paths():
            token.check()
            if not is_python(path):
                continue
            uri = from_fs_path(path)
            if uri is None:
                continue
            text = _text(snapshot, path, uri)
            if text is None:
                continue
            version = snapshot.versions.get(uri)
            rid = result_id(project, text)
            if previous.get(uri) == rid:
                reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=rid, version=version))
                continue
            findings = python_findings(snapshot, path, text)
            lines = lines_for(text, encoding)
            reports.append(
                types.WorkspaceFullDocumentDiagnosticReport(
                    uri=uri, items=[to_diagnostic(f, lines) for f in findings], result_id=rid, version=version
                )
            )
    return reports


def register(server: "ContractServer") -> None:
    def full_report() -> types.RelatedFullDocumentDiagnosticReport:
        return types.RelatedFullDocumentDiagnosticReport(items=[])

    @request(
        server,
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="contract-lsp", inter_file_dependencies=True, workspace_diagnostics=True),
        default=full_report,
    )
    def on_document_diagnostic(params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        rid = None
        # VS Code pulls every open document again when any of them changes
        # (interFileDependencies): those whose text and workspace are as they were are
        # reported unchanged without a check.
        path = uri_to_path(uri)
        if path is not None:
            state = server.session.workspace_for(path)
            rid = result_id(state.project, server.workspace.get_text_document(uri).source)
            if params.previous_result_id == rid:
                return types.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
        items = server.diagnostics.compute(uri)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=rid)

    @request(server, types.WORKSPACE_DIAGNOSTIC, default=lambda: types.WorkspaceDiagnosticReport(items=[]))
    async def on_workspace_diagnostic(params: types.WorkspaceDiagnosticParams):
        # Clients poll this (VS Code every few seconds): a file whose text and workspace are
        # as they were when the client got its previous result is reported unchanged,
        # without checking it again. It reads a snapshot, off the event loop.
        previous = {r.uri: r.value for r in params.previous_result_ids or []}
        reports: list = []
        encoding = server.workspace.position_encoding
        for state in list(server.session.workspaces.values()):
            indexing = server.indexing_done(state)
            if indexing is not None:
                await asyncio.shield(indexing)
            snapshot = take_snapshot(state, server.workspace.text_documents)
            if snapshot is not None:
                reports.extend(await server.background.run(workspace_reports, snapshot, previous, encoding))
        return types.WorkspaceDiagnosticReport(items=reports)
