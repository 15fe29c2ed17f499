"""The client's capabilities, resolved once after ``initialize`` (as ruff's
``session/capabilities.rs``): every feature asks this object instead of probing the
nested, optional capability tree itself."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


@dataclass(frozen=True)
class ClientSupport:
    """What the client declared; all False for a client that declared nothing."""

    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    work_done_progress: bool = False
    watched_files_registration: bool = False
    document_changes: bool = False
    code_lens_refresh: bool = False

    @classmethod
    def of(cls, caps: types.ClientCapabilities | None) -> "ClientSupport":
        if caps is None:
            return cls()
        text = caps.text_document
        workspace = caps.workspace
        window = caps.window
        edit = workspace.workspace_edit if workspace else None
        return cls(
            pull_diagnostics=bool(text and text.diagnostic),
            diagnostic_refresh=bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support),
            work_done_progress=bool(window and window.work_done_progress),
            watched_files_registration=bool(
                workspace and workspace.did_change_watched_files and workspace.did_change_watched_files.dynamic_registration
            ),
            document_changes=bool(edit and edit.document_changes),
            code_lens_refresh=bool(workspace and workspace.code_lens and workspace.code_lens.refresh_support),
        )
