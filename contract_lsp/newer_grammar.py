"""Checking code written for a newer Python than the one running the tool (issue 2).

On 3.11, ``ast`` rejects PEP 701 f-strings (``f"{d["k"]}"``) and PEP 695 generics
(``class Box[T]:``, ``def f[T]()``, ``type X = ...``). When ``ast.parse`` raises a plain
``SyntaxError``, the CLI asks libcst, whose parser accepts the newer grammar, where those
constructs are — in a subprocess with a time limit, since libcst takes seconds on a
5,000-term expression and can crash the process on deeper ones. Each construct is then
replaced by 3.11 syntax of exactly the same extent (an f-string by a plain string literal
of equal length, type parameters by spaces, a ``type`` statement by ``pass``), so every
other line and column stays where the editor shows it, and the result is parsed with
``ast``. What is lost: calls *inside* f-string replacement fields and type aliases.

Never used on the language server's typing path (a subprocess per keystroke is no way to
type), and never for ``RecursionError`` or "too many nested parentheses".
"""

from __future__ import annotations

import ast
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
    rewritten = rewrite(source, spans)
    try:
        return ast.parse(rewritten, filename=path), rewritten
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def rewrite(source: str, spans: list[dict]) -> str:
    """``source`` with each span (``kind``; ``start``/``end`` as [1-based line, 0-based
    code-point column]) replaced by 3.11 syntax of the same shape."""
    lines = source.split("\n")
    for span in sorted(spans, key=lambda s: (s["start"], s["end"]), reverse=True):
        (l1, c1), (l2, c2) = span["start"], span["end"]
        if l1 < 1 or l2 > len(lines):
            continue
        kind = span["kind"]
        if kind == "fstring":
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

    def add(node, kind: str) -> None:
        rng = positions[node]
        spans.append({"kind": kind, "start": [rng.start.line, rng.start.column], "end": [rng.end.line, rng.end.column]})

    class Finder(cst.CSTVisitor):
        def visit_FormattedString(self, node) -> bool:
            add(node, "fstring")
            return False  # the outermost f-string covers any nested one

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
