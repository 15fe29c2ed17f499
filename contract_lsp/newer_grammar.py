"""Checking code written for a newer Python than the one running the tool (issue 2).

On 3.11, ``ast`` rejects PEP 701 f-strings (``f"{d["k"]}"``) and PEP 695 generics
(``class Box[T]:``, ``def f[T]()``, ``type X = ...``). When ``ast.parse`` raises a plain
``SyntaxError``, the CLI asks libcst, whose parser accepts the newer grammar, where those
constructs are — in a subprocess with a time limit, since libcst takes seconds on a
5,000-term expression and can crash the process on deeper ones. Each construct is then
replaced by 3.11 syntax of exactly the same extent, so every other line and column stays
where the editor shows it, and the result is parsed with ``ast``: an f-string (with the
strings it is concatenated with) by a parenthesized tuple of its replacement fields'
expressions, each kept in place and checked like any other code (issue 15), the rest of
the string blanked; type parameters by spaces; a ``type`` statement by ``pass``. Should
that not parse, f-strings are replaced by plain string literals of equal length instead,
and calls inside their fields go unchecked. What is lost either way: calls in type aliases.

Never used on the language server's typing path (a subprocess per keystroke is no way to
type), and never for ``RecursionError`` or "too many nested parentheses".
"""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys

#: libcst is given this long per file before the file is named skipped.
TIMEOUT = 10.0


def parse_newer(source: str, path: str, timeout: float = TIMEOUT) -> tuple[ast.Module, str] | None:
    """A tree for ``source`` (3.12+ syntax allowed) and the 3.11 text it was parsed from,
    with the same lines and code-point columns; None when libcst also rejects the source,
    takes longer than ``timeout`` seconds, or crashes."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "contract_lsp.newer_grammar"],
            input=source.encode("utf-8", errors="surrogatepass"),
            capture_output=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    try:
        spans = json.loads(proc.stdout)
    except ValueError:
        return None
    for keep_fields in (True, False):
        rewritten = rewrite(source, spans, keep_fields=keep_fields)
        try:
            return ast.parse(rewritten, filename=path), rewritten
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return None


def rewrite(source: str, spans: list[dict], keep_fields: bool = True) -> str:
    """``source`` with each span (``kind``; ``start``/``end`` as [1-based line, 0-based
    code-point column]; for kind ``fields``, the ``fields`` of its f-strings, each a
    [start, end] pair alike) replaced by 3.11 syntax of the same shape. Spans nested in
    others are rewritten first (the later start first), so an outer f-string keeps the
    rewritten text of the f-strings in its fields. Without ``keep_fields``, f-strings
    become plain string literals."""
    lines = source.split("\n")
    for span in sorted(spans, key=lambda s: (s["start"], s["end"]), reverse=True):
        (l1, c1), (l2, c2) = span["start"], span["end"]
        if l1 < 1 or l2 > len(lines):
            continue
        kind = span["kind"]
        if kind == "fields" and keep_fields:
            replacement = _fields_tuple(source_span(lines, l1, c1, l2, c2), (l1, c1), span["fields"])
        elif kind in ("fstring", "fields"):
            replacement = _plain_string(source_span(lines, l1, c1, l2, c2))
        elif kind == "type_params":
            replacement = _blank(source_span(lines, l1, c1, l2, c2))
        else:  # type alias statement
            text = source_span(lines, l1, c1, l2, c2)
            replacement = "pass" + _blank(text)[4:] if len(text.split("\n")[0]) >= 4 else None
        if replacement is None:
            continue
        head, tail = lines[l1 - 1][:c1], lines[l2 - 1][c2:]
        new = (head + replacement + tail).split("\n")
        lines[l1 - 1 : l2] = new
    return "\n".join(lines)


def source_span(lines: list[str], l1: int, c1: int, l2: int, c2: int) -> str:
    if l1 == l2:
        return lines[l1 - 1][c1:c2]
    return "\n".join([lines[l1 - 1][c1:], *lines[l1 : l2 - 1], lines[l2 - 1][:c2]])


def _relative(text_start: tuple[int, int], lengths: list[int], pos: list[int] | tuple[int, int]) -> int:
    """Offset in a span's text (its lines of ``lengths`` code points, joined by ``\n``,
    starting at ``text_start``) of the source position ``pos`` (1-based line, column)."""
    (l1, c1), (line, col) = text_start, pos
    if line == l1:
        return col - c1
    return sum(lengths[: line - l1]) + (line - l1) + col  # lengths[0] starts at c1 already


def _fields_tuple(text: str, start: tuple[int, int], fields: list) -> str:
    """``text``, an f-string (or a concatenation holding f-strings) starting at source
    position ``start``, as ``( e1 , e2 )`` of the same lines and lengths: each replacement
    field's expression (``fields``: [start, end] source positions, in order) stays where it
    is, a comma follows each but the last, and everything else becomes spaces (line breaks
    kept: inside the parentheses they are no statement ends)."""
    chars = ["\n" if ch == "\n" else " " for ch in text]
    lengths = [len(part) for part in text.split("\n")]
    ranges = []
    for field_start, field_end in fields:
        a, b = _relative(start, lengths, field_start), _relative(start, lengths, field_end)
        if not (0 < a <= b < len(text) - 1):
            return _plain_string(text)
        ranges.append((a, b))
    ranges.sort()
    for a, b in ranges:
        chars[a:b] = text[a:b]
    for (_, b), (next_a, _) in itertools.pairwise(ranges):
        comma = next((i for i in range(b, next_a) if chars[i] == " "), None)
        if comma is None:
            return _plain_string(text)
        chars[comma] = ","
    chars[0], chars[-1] = "(", ")"
    return "".join(chars)


def _blank(text: str) -> str:
    """Spaces for every character, keeping the line breaks."""
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _plain_string(text: str) -> str:
    """A string literal (or parenthesized constant) with the same lines and lengths."""
    parts = text.split("\n")
    quote = text.lstrip("rRbBfFuU")[:3]
    if len(parts) == 1:
        return '"' + " " * (len(text) - 2) + '"'
    if quote in ('"""', "'''"):
        first, last = parts[0], parts[-1]
        body = ['"""' + " " * (len(first) - 3), *(" " * len(p) for p in parts[1:-1]), " " * (len(last) - 3) + '"""']
        return "\n".join(body)
    # 3.12 allows line breaks inside a replacement field of a one-quote f-string
    first, last = parts[0], parts[-1]
    return "\n".join(["(0" + " " * (len(first) - 2), *(" " * len(p) for p in parts[1:-1]), " " * (len(last) - 1) + ")"])


def _child_main() -> int:
    """Subprocess side: source on stdin, spans on stdout (JSON)."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    source = sys.stdin.buffer.read().decode("utf-8", errors="surrogatepass")
    try:
        module = cst.parse_module(source)
    except Exception:
        return 1
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    spans = []

    def where(node) -> list[list[int]]:
        rng = positions[node]
        return [[rng.start.line, rng.start.column], [rng.end.line, rng.end.column]]

    def add(node, kind: str, fields: list | None = None) -> None:
        start, end = where(node)
        spans.append({"kind": kind, "start": start, "end": end, **({"fields": fields} if fields else {})})

    def fields_of(parts, out: list) -> list:
        """The expressions of an f-string's replacement fields, format specs' included."""
        for part in parts:
            if isinstance(part, cst.FormattedStringExpression):
                out.append(where(part.expression))
                if part.format_spec:
                    fields_of(part.format_spec, out)
        return out

    def leaves(node, out: list) -> list:
        if isinstance(node, cst.ConcatenatedString):
            grouped.add(id(node))
            leaves(node.left, out)
            leaves(node.right, out)
        else:
            out.append(node)
        return out

    grouped: set[int] = set()

    class Finder(cst.CSTVisitor):
        # An f-string with fields becomes a tuple of them (with the strings concatenated to
        # it: a tuple cannot be juxtaposed with a string). Nested f-strings, in fields, get
        # spans of their own: the visit goes on into them.
        def visit_ConcatenatedString(self, node) -> bool:
            if id(node) in grouped:
                return True
            parts = leaves(node, [])
            fstrings = [p for p in parts if isinstance(p, cst.FormattedString)]
            fields: list = []
            for part in fstrings:
                fields_of(part.parts, fields)
            if fields:
                add(node, "fields", fields)
                grouped.update(id(p) for p in fstrings)
            return True

        def visit_FormattedString(self, node) -> bool:
            if id(node) not in grouped:
                fields = fields_of(node.parts, [])
                add(node, "fields" if fields else "fstring", fields)
            return True

        def visit_TypeParameters(self, node) -> bool:
            add(node, "type_params")
            return False

        def visit_TypeAlias(self, node) -> bool:
            add(node, "type_alias")
            return False

    wrapper.module.visit(Finder())
    sys.stdout.write(json.dumps(spans))
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
