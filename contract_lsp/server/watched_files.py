"""Watched files (SPEC §5): Python files and contract files changing on disk. Watchers are
registered dynamically where the client allows it; Neovim registers none, so open contract
files also reload the registry from didChange / didSave (see document_sync.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .documents import is_python, uri_to_path
from .session import expand

if TYPE_CHECKING:
    from .app import ContractServer


async def register_watchers(server: "ContractServer") -> None:
    if not server.support.watched_files_registration:
        return
    watchers = [types.FileSystemWatcher(glob_pattern=g) for g in ("**/*.py", "**/*.yaml", "**/*.yml", "**/pyproject.toml")]
    await server.client_register_capability_async(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="contract-lsp-watched-files",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
                )
            ]
        )
    )


def register(server: "ContractServer") -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def on_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        try:
            reload, reconfigure = set(), set()
            reindex: dict[int, list[str]] = {}
            for change in params.changes:
                path = uri_to_path(change.uri)
                if path is None:
                    continue
                state = server.session.workspace_for(path)
                if path.endswith("pyproject.toml"):
                    reconfigure.add(id(state))
                    state.project = None
                elif is_python(path) and state.project is not None:
                    state.project.index.invalidate(path, deleted=change.type == types.FileChangeType.Deleted)
                    reindex.setdefault(id(state), []).append(path)
                elif state.touches_contracts(path):
                    # a contract file, or a folder that is (or holds) a contract path:
                    # created after the start, or deleted (SPEC §5 "follows the disk")
                    reload.add(id(state))
            for state in server.session.workspaces.values():
                if id(state) in reconfigure:
                    server.reload_workspace(state)
                    continue
                if id(state) in reload:
                    server.reload_registry_soon(state)  # debounced: a checkout sends many
                if id(state) in reindex:
                    expand(state, reindex[id(state)])
            server.diagnostics.refresh_all()
        except Exception as exc:
            server.log_error("didChangeWatchedFiles", exc)
