"""``# noqa`` suppression (SPEC §3.4), as in ruff and flake8: ``# noqa`` silences every code
on its line, ``# noqa: CL002, CL003`` only those (a code prefix such as ``CL0`` works too).
Only a comment counts: ``"# noqa"`` inside a string literal silences nothing.
"""

from __future__ import annotations

import ast
import re
from typing import Callable

from .findings import Finding, TextEdit, make_range

_NOQA = re.compile(r"#\s*noqa(?::[\s]*(?P<codes>[A-Z]+[0-9]*(?:[\s,]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)


def noqa_codes(line: str, in_string: Callable[[int], bool] | None = None) -> set[str] | None:
    """Codes a line's ``# noqa`` comment names: None when there is no comment, an empty set
    for a bare ``# noqa`` (everything suppressed). ``in_string``, when given, tells whether
    the ``#`` at a 0-based code-point column of ``line`` lies inside a string literal."""
    match = _noqa_comment(line, in_string)
    if match is None:
        return None
    codes = match.group("codes")
    return {c.upper() for c in re.split(r"[\s,]+", codes) if c} if codes else set()


def _noqa_comment(line: str, in_string: Callable[[int], bool] | None) -> re.Match[str] | None:
    """The first ``# noqa`` of ``line`` that is no string literal's text (see
    :func:`noqa_codes`), or None."""
    if "noqa" not in line.lower():
        return None
    return next((m for m in _NOQA.finditer(line) if in_string is None or not in_string(m.start())), None)


def is_suppressed(code: str, line: str, in_string: Callable[[int], bool] | None = None) -> bool:
    """True when ``line`` carries a ``# noqa`` that covers ``code`` (``in_string`` as in
    :func:`noqa_codes`)."""
    codes = noqa_codes(line, in_string)
    if codes is None:
        return False
    return not codes or any(code.startswith(c) for c in codes)


def filter_suppressed(findings: list[Finding], lines: list[str], tree: ast.Module | None = None) -> list[Finding]:
    """Drop findings whose first line (0-based ``range.start.line`` into ``lines``) has a
    matching ``# noqa``; with the file's ``tree``, one inside a string literal does not
    count."""
    kept = []
    for finding in findings:
        line0 = finding.range.start.line
        text = lines[line0] if 0 <= line0 < len(lines) else ""
        in_string = None if tree is None else string_literal_test(tree, line0, text)
        if not is_suppressed(finding.code, text, in_string):
            kept.append(finding)
    return kept


def string_literal_test(tree: ast.Module, line0: int, text: str) -> Callable[[int], bool]:
    """``in_string`` (see :func:`noqa_codes`) for 0-based line ``line0`` of the source
    ``tree`` was parsed from, whose text is ``text``."""
    return lambda column: _in_string_literal(tree, line0 + 1, len(text[:column].encode("utf-8", "surrogatepass")))


def _in_string_literal(tree: ast.Module, line: int, byte_column: int) -> bool:
    """Whether 1-based ``line``, 0-based UTF-8 ``byte_column`` (``ast``'s offsets) lies
    inside a string or bytes literal of ``tree`` (an f-string included). Only the nodes
    whose lines include ``line`` are visited, so a large file costs a few dozen nodes."""
    where = (line, byte_column)
    stack: list[ast.AST] = [tree]
    while stack:
        for child in ast.iter_child_nodes(stack.pop()):
            start = getattr(child, "lineno", None)
            if start is None:  # arguments, comprehensions: no position of their own
                stack.append(child)
                continue
            end = child.end_lineno or start
            if not start <= line <= end:
                continue
            literal = isinstance(child, ast.JoinedStr) or (isinstance(child, ast.Constant) and isinstance(child.value, (str, bytes)))
            if literal:
                if (start, child.col_offset) <= where < (end, child.end_col_offset or 0):
                    return True
                continue
            stack.append(child)
    return False


def noqa_edit(line: str, line0: int, code: str, in_string: Callable[[int], bool] | None = None) -> TextEdit:
    """The text edit that adds ``code`` to 0-based line ``line0``'s ``# noqa`` comment, or
    appends ``  # noqa: CODE`` when it has none (the "disable for this line" quick fix).
    ``in_string`` as in :func:`noqa_codes`: a ``# noqa`` in a string is no comment."""
    match = _noqa_comment(line, in_string)
    if match is None:
        stripped = line.rstrip()
        return TextEdit(make_range(line0, len(stripped), line0, len(line)), f"{'  ' if stripped else ''}# noqa: {code}")
    existing = [c for c in re.split(r"[\s,]+", match.group("codes") or "") if c]
    if not existing:  # bare noqa already silences everything
        return TextEdit(make_range(line0, match.end(), line0, match.end()), "")
    codes = ", ".join([*existing, code])
    return TextEdit(make_range(line0, match.start(), line0, match.end()), f"# noqa: {codes}")
