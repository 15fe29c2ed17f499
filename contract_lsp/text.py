"""Lines of a source text and the column conversions between ``ast`` and our findings.

``ast`` reports 1-based lines and 0-based columns in UTF-8 *bytes*; findings use 0-based
lines and 0-based columns in code points (see :mod:`contract_lsp.findings`). Line breaks are
``\\r\\n``, ``\\r`` and ``\\n``, as Python's tokenizer and LSP both count them (``str.splitlines``
would also split on form feeds and U+2028, which neither does).
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their line breaks; a final break starts an empty line."""
    if "\r" not in text:  # the common case, ~10x faster than the regex
        return text.split("\n")
    return _LINE_BREAK.split(text)


class LineIndex:
    """Converts ``ast`` positions (1-based line, UTF-8 byte column) to code-point columns."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)

    def line(self, line0: int) -> str:
        """The text of 0-based line ``line0`` ('' past the end)."""
        return self.lines[line0] if 0 <= line0 < len(self.lines) else ""

    def char_column(self, lineno: int, byte_col: int) -> int:
        """Code-point column of byte offset ``byte_col`` on 1-based line ``lineno``."""
        line = self.line(lineno - 1)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def line_start_offsets(self) -> list[int]:
        """Offset in ``text`` (code points) at which each line starts."""
        offsets, pos = [], 0
        for match in _LINE_BREAK.finditer(self.text):
            offsets.append(pos)
            pos = match.end()
        offsets.append(pos)
        return offsets


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units of ``text`` (astral characters count two)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)
