"""Positions between the engine (0-based lines, code-point columns) and the client
(the negotiated ``positionEncoding``: UTF-16 code units unless it offered UTF-8 or UTF-32).

Line breaks are ``\\r\\n``, ``\\r`` and ``\\n`` (:func:`contract_lsp.text.split_lines`), as
both Python and LSP count them.
"""

from __future__ import annotations

from lsprotocol import types

from ..findings import Position, Range
from ..text import split_lines


def _units(text: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


class DocumentLines:
    """A document's lines, converting positions in both directions for one encoding."""

    def __init__(self, text: str, encoding: str) -> None:
        self.lines = split_lines(text)
        self.encoding = encoding

    def to_client(self, pos: Position) -> types.Position:
        """Engine position -> client position (clamped to the document)."""
        if pos.line >= len(self.lines):
            return types.Position(line=len(self.lines) - 1, character=_units(self.lines[-1], self.encoding))
        line = self.lines[pos.line]
        if pos.character <= len(line) and line.isascii():
            return types.Position(line=pos.line, character=pos.character)  # one unit a character in every encoding
        return types.Position(line=pos.line, character=_units(line[: pos.character], self.encoding))

    def range_to_client(self, rng: Range) -> types.Range:
        return types.Range(start=self.to_client(rng.start), end=self.to_client(rng.end))

    def from_client(self, pos: types.Position) -> Position:
        """Client position -> engine position (code points), clamped to the line."""
        if pos.line >= len(self.lines):
            return Position(len(self.lines) - 1, len(self.lines[-1]))
        line = self.lines[pos.line]
        if self.encoding == types.PositionEncodingKind.Utf32:
            return Position(pos.line, min(pos.character, len(line)))
        units = 0
        for index, char in enumerate(line):
            if units >= pos.character:
                return Position(pos.line, index)
            units += _units(char, self.encoding)
        return Position(pos.line, len(line))

    def range_from_client(self, rng: types.Range) -> Range:
        return Range(self.from_client(rng.start), self.from_client(rng.end))
