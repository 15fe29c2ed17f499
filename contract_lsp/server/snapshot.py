"""Snapshots (SPEC §5): what background work reads, frozen when it starts.

Only document sync and watched-file events change a workspace (on the event loop). A
request that reads the whole workspace takes a :class:`Snapshot` and runs off the loop;
nothing it does changes what the live workspace reports, and its result is dropped when a
newer snapshot makes it stale (:meth:`Snapshot.is_current`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..project import Project

if TYPE_CHECKING:
    from .session import WorkspaceState


@dataclass(frozen=True)
class Snapshot:
    """One workspace as it was: its project (settings, registry, prefilter words) over an
    index snapshot, the open documents' texts and versions by URI, and the project's
    revision at that moment."""

    state: "WorkspaceState"
    project: Project
    texts: Mapping[str, str]
    versions: Mapping[str, int | None]
    revision: str
    registry_revision: str

    def text_of(self, uri: str) -> str | None:
        return self.texts.get(uri)

    def is_current(self) -> bool:
        """False once the workspace has moved on (a new registry, index generation, or
        settings): results computed from this snapshot are stale."""
        live = self.state.project
        return live is not None and live.revision == self.revision

    def registry_is_current(self) -> bool:
        """False once the workspace has a new project or registry (the contract files'
        lines, which code lenses point at, may have moved). Edits of Python files leave it
        True: a code lens counted a keystroke ago is still worth showing, and one that
        were dropped on every keystroke would never be shown while the user types."""
        live = self.state.project
        return live is not None and live.registry_revision == self.registry_revision


def take_snapshot(state: "WorkspaceState", documents: Mapping[str, object]) -> Snapshot | None:
    """A snapshot of ``state`` with the open ``documents`` (uri -> pygls text document);
    None while the workspace has no project (invalid configuration)."""
    project = state.project
    if project is None:
        return None
    frozen = dataclasses.replace(project, index=project.index.snapshot(), _table=None, _mentions=None)
    texts = {uri: doc.source for uri, doc in list(documents.items())}  # type: ignore[attr-defined]
    versions = {uri: getattr(doc, "version", None) for uri, doc in list(documents.items())}
    return Snapshot(state, frozen, MappingProxyType(texts), MappingProxyType(versions), project.revision, project.registry_revision)
