"""Applying fixes: text edits (0-based lines, code-point columns) to a document's text.

Used by ``--fix`` / ``--diff`` in the CLI and by ``source.fixAll`` in the server, so both
apply the very same edits. Edits only replace their own ranges: every other byte, line
endings included, is kept.
"""

from __future__ import annotations

from .findings import Finding, Fix, Position, TextEdit
from .text import LineIndex


def _offset(starts: list[int], text_len: int, pos: Position) -> int:
    if pos.line >= len(starts):
        return text_len
    return min(starts[pos.line] + pos.character, text_len)


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (all positions refer to ``text``).
    Raises ValueError when two edits overlap."""
    starts = LineIndex(text).line_start_offsets()
    spans = sorted(
        ((_offset(starts, len(text), e.range.start), _offset(starts, len(text), e.range.end), e.new_text) for e in edits),
        key=lambda s: (s[0], s[1]),
    )
    out, cursor = [], 0
    for start, end, new_text in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor:start])
        out.append(new_text)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def select_fixes(findings: list[Finding], unsafe: bool = False) -> list[Fix]:
    """The fixes to apply together: safe ones (and unsafe ones when ``unsafe``), skipping
    any whose edits overlap an earlier chosen fix, as ruff does."""
    chosen: list[Fix] = []
    taken: list[tuple[Position, Position]] = []
    for finding in sorted(findings, key=lambda f: f.range.start):
        fix = finding.fix
        if fix is None or (not fix.safe and not unsafe) or fix in chosen:
            continue
        spans = [(e.range.start, e.range.end) for e in fix.edits]
        if any(s < te and ts < e or s == ts for s, e in spans for ts, te in taken):
            continue
        chosen.append(fix)
        taken.extend(spans)
    return chosen


def fix_text(text: str, findings: list[Finding], unsafe: bool = False) -> tuple[str, int]:
    """``text`` with the chosen fixes of ``findings`` applied, and how many were applied."""
    fixes = select_fixes(findings, unsafe)
    if not fixes:
        return text, 0
    return apply_edits(text, [e for f in fixes for e in f.edits]), len(fixes)
