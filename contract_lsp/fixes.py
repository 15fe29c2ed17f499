"""Applying fixes: text edits (0-based lines, code-point columns) to a document's text.

Used by ``--fix`` / ``--diff`` in the CLI and by ``source.fixAll`` in the server, so both
apply the very same edits. Edits only replace their own ranges: every other byte, line
endings included, is kept.

Both steps are O(n log n) in a file's edits (issue 15: they were quadratic, 200,000 fixes
ran for over an hour): :func:`select_fixes` sorts the candidates once and sweeps them once;
:func:`apply_edits` sorts the edits once and builds the result in one pass.
"""

from __future__ import annotations

import re

from .findings import Finding, Fix, Position, TextEdit

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _line_starts(text: str) -> list[int]:
    """Offset (code points) at which each line of ``text`` starts; breaks as in
    :mod:`contract_lsp.text` (``\\r\\n``, ``\\r``, ``\\n``)."""
    if "\r" not in text:  # the common case: str.find runs at C speed
        starts, pos = [0], text.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        return starts
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _offset(starts: list[int], text_len: int, pos: Position) -> int:
    if pos.line >= len(starts):
        return text_len
    return min(starts[pos.line] + pos.character, text_len)


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (all positions refer to ``text``:
    0-based lines, code-point columns; a position past a line's or the text's end is
    clamped to the end of the text). Raises ValueError when two edits overlap (two
    insertions at one point keep their order in ``edits``)."""
    if not edits:
        return text
    starts = _line_starts(text)
    n = len(text)
    spans = sorted(
        ((_offset(starts, n, e.range.start), _offset(starts, n, e.range.end), i) for i, e in enumerate(edits)),
    )
    out: list[str] = []
    cursor = 0
    for start, end, i in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor:start])
        out.append(edits[i].new_text)
        cursor = max(end, start)
    out.append(text[cursor:])
    return "".join(out)


def select_fixes(findings: list[Finding], unsafe: bool = False) -> list[Fix]:
    """The fixes to apply together, in the order of their findings: safe ones (and unsafe
    ones when ``unsafe``), each once however many findings carry it, skipping any whose
    edits would overlap or share a start with an edit already chosen, as ruff does.

    Candidates are taken in the order of their first edit (then of their finding), sorted
    once, and swept once against the end of the edits chosen so far: O(n log n). A fix
    with several edits far apart may be deferred where it does not strictly overlap; the
    next ``--fix`` round takes it. Used by ``--fix`` / ``--diff`` and by the server's
    ``source.fixAll``."""
    candidates: list[tuple[Position, int, list[tuple[Position, Position]], Fix]] = []
    seen: set[Fix] = set()
    for index, finding in enumerate(findings):
        fix = finding.fix
        if fix is None or (not fix.safe and not unsafe) or not fix.edits or fix in seen:
            continue
        seen.add(fix)
        spans = sorted((e.range.start, e.range.end) for e in fix.edits)
        candidates.append((spans[0][0], index, spans, fix))
    # by first start, then finding: of two edits at one start, the earlier finding's wins
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen: list[tuple[int, Fix]] = []
    last_start: Position | None = None  # start of the chosen edit that starts last
    last_end: Position | None = None  # the furthest end of the chosen edits
    for _first, index, spans, fix in candidates:
        start_at, end_at, ok = last_start, last_end, True
        for start, end in spans:
            # spans and earlier choices are sorted by start: only the furthest end and the
            # latest start can meet this edit (a shared start counts, insertions included)
            if end_at is not None and (start < end_at or start == start_at):
                ok = False
                break
            start_at, end_at = start, max(end, start) if end_at is None else max(end_at, end, start)
        if ok:
            chosen.append((index, fix))
            last_start, last_end = start_at, end_at
    chosen.sort(key=lambda c: c[0])
    return [fix for _, fix in chosen]


def fix_text(text: str, findings: list[Finding], unsafe: bool = False) -> tuple[str, int]:
    """``text`` with the chosen fixes of ``findings`` applied (see :func:`select_fixes`),
    and how many were applied."""
    fixes = select_fixes(findings, unsafe)
    if not fixes:
        return text, 0
    return apply_edits(text, [e for f in fixes for e in f.edits]), len(fixes)
