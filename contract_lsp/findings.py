"""Findings: what the engine reports, independent of any front end.

Positions are **0-based lines and 0-based columns counted in code points** (Python ``str``
indices). The CLI adds 1 to both (SPEC §4); the server converts columns to the negotiated
LSP position encoding (SPEC §5). Fixes are plain text edits in the same coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

Severity = Literal["error", "warning", "info", "hint"]

#: Default severity and a one-line summary of every code (SPEC §3). ``docs/rules.md`` has
#: one section per code, whose anchor is the lower-cased code (``#cl001``).
RULES: dict[str, tuple[Severity, str]] = {
    "CL001": ("error", "Keyword not accepted by the contract"),
    "CL002": ("warning", "Deprecated keyword name"),
    "CL003": ("error", "Removed keyword name"),
    "CL004": ("error", "Required parameter not passed"),
    "CL005": ("error", "Too many positional arguments"),
    "CL006": ("error", "Parameter passed twice"),
    "CL101": ("error", "Protocol method missing from an implementation"),
    "CL102": ("error", "async / sync mismatch with the protocol"),
    "CL103": ("warning", "Implementation's parameters cannot accept the protocol's"),
    "CL104": ("error", "Attribute absent, None, or of the wrong type"),
    "CL201": ("warning", "Definition drifted from its contract"),
    "CL202": ("info", "Contract target, implementation or forwards_to not found"),
    "CL900": ("error", "Invalid contract file"),
}


@dataclass(frozen=True, order=True)
class Position:
    """0-based ``line`` and 0-based ``character`` (code points)."""

    line: int
    character: int


@dataclass(frozen=True)
class Range:
    """A half-open span ``[start, end)`` of a text."""

    start: Position
    end: Position


@dataclass(frozen=True)
class TextEdit:
    """Replace ``range`` of the document with ``new_text`` (an empty range inserts)."""

    range: Range
    new_text: str


@dataclass(frozen=True)
class Fix:
    """Edits that resolve a finding. ``safe`` fixes are applied by ``--fix`` and fix-all;
    unsafe ones only in the editor or with ``--unsafe-fixes`` (SPEC §3 tables)."""

    title: str
    edits: tuple[TextEdit, ...]
    safe: bool


@dataclass(frozen=True)
class ContractRef:
    """The contract a finding is about: its name, contract file and 1-based line there."""

    name: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    """One reported problem in one file (a Python file, or a contract file for CL202/CL900)."""

    path: str
    range: Range
    code: str
    message: str
    severity: Severity
    contract: ContractRef | None = None
    fix: Fix | None = None
    #: True for findings about something deprecated (CL002): LSP ``DiagnosticTag.Deprecated``.
    deprecated: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def with_severity(self, severity: Severity) -> "Finding":
        """This finding at ``severity`` (itself when that is its severity already: the usual
        case, and ``replace`` costs 8 µs a finding)."""
        return self if severity == self.severity else replace(self, severity=severity)


def make_range(line: int, start: int, end_line: int, end: int) -> Range:
    """Build a :class:`Range` from 0-based line/column numbers."""
    return Range(Position(line, start), Position(end_line, end))
