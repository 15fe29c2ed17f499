"""``# noqa`` suppression (SPEC §3.4), as in ruff and flake8: ``# noqa`` silences every code
on its line, ``# noqa: CL002, CL003`` only those (a code prefix such as ``CL0`` works too).
"""

from __future__ import annotations

import re

from .findings import Finding, TextEdit, make_range

_NOQA = re.compile(r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)


def noqa_codes(line: str) -> set[str] | None:
    """Codes a line's ``# noqa`` comment names: None when there is no comment, an empty set
    for a bare ``# noqa`` (everything suppressed)."""
    if "noqa" not in line.lower():
        return None
    match = _NOQA.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return {c.upper() for c in re.split(r"[\s,]+", codes) if c} if codes else set()


def is_suppressed(code: str, line: str) -> bool:
    """True when ``line`` carries a ``# noqa`` that covers ``code``."""
    codes = noqa_codes(line)
    if codes is None:
        return False
    return not codes or any(code.startswith(c) for c in codes)


def filter_suppressed(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """Drop findings whose first line (0-based ``range.start.line`` into ``lines``) has a
    matching ``# noqa``."""
    kept = []
    for finding in findings:
        line0 = finding.range.start.line
        text = lines[line0] if 0 <= line0 < len(lines) else ""
        if not is_suppressed(finding.code, text):
            kept.append(finding)
    return kept


def noqa_edit(line: str, line0: int, code: str) -> TextEdit:
    """The text edit that adds ``code`` to 0-based line ``line0``'s ``# noqa`` comment, or
    appends ``  # noqa: CODE`` when it has none (the "disable for this line" quick fix)."""
    match = _NOQA.search(line) if "noqa" in line.lower() else None
    if match is None:
        stripped = line.rstrip()
        return TextEdit(make_range(line0, len(stripped), line0, len(line)), f"{'  ' if stripped else ''}# noqa: {code}")
    existing = [c for c in re.split(r"[\s,]+", match.group("codes") or "") if c]
    if not existing:  # bare noqa already silences everything
        return TextEdit(make_range(line0, match.end(), line0, match.end()), "")
    codes = ", ".join([*existing, code])
    return TextEdit(make_range(line0, match.start(), line0, match.end()), f"# noqa: {codes}")
