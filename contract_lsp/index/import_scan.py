"""What a file's imports, ``def`` and ``class`` statements bind, read from its bytes without
parsing the file: only its import statements are parsed, one by one.

The triage (:mod:`contract_lsp.rules.triage`) asks it whether a call's callee could resolve
to a contract's target: ``line.split()`` cannot be ``re.split`` when no import, ``def`` or
``class`` of the file binds ``line``. Every answer errs on the side of "it could": an import
statement that cannot be read alone (``try: import re``) counts as binding every name in it
to something unknown, and ``import`` inside a string is read as if it were code.
"""

from __future__ import annotations

import ast
import re

from .bindings import resolve_relative

_IDENT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


class ImportScan:
    """Names bound by the import statements of ``data`` (a module ``module`` of the
    workspace, "" when outside it; ``is_package`` for an ``__init__.py``), and whether a
    ``def`` or ``class`` binds a name."""

    def __init__(self, data: bytes, module: str, is_package: bool) -> None:
        self._data = data
        self._module = module
        self._is_package = is_package
        self._targets: dict[str, set[str]] | None = None
        self._unreadable: set[str] = set()
        self._defines: dict[str, bool] = {}
        self._star = False

    def import_targets(self, name: str) -> set[str] | None:
        """The dotted paths imports bind ``name`` to (empty: no import binds it; None: an
        import statement that names it could not be read)."""
        if self._targets is None:
            self._scan()
        assert self._targets is not None
        if name in self._unreadable or self._star:
            return None
        return self._targets.get(name, set())

    def defines(self, name: str) -> bool:
        """A ``def`` or ``class`` statement may bind ``name``."""
        found = self._defines.get(name)
        if found is None:
            found = self._defines[name] = any(_after_keyword(self._data, at) for at in _whole_words(self._data, name.encode("utf-8")))
        return found

    def _scan(self) -> None:
        self._targets = {}
        data = self._data
        seen: set[int] = set()
        start = 0
        while (i := data.find(b"import", start)) >= 0:
            start = i + 6
            if (i > 0 and data[i - 1] in _IDENT_BYTES) or (start < len(data) and data[start] in _IDENT_BYTES):
                continue
            line_start = max(data.rfind(b"\n", 0, i), data.rfind(b"\r", 0, i)) + 1
            if line_start in seen:
                continue
            seen.add(line_start)
            text = _statement(data, line_start, start)
            self._read(text)

    def _read(self, text: bytes) -> None:
        assert self._targets is not None
        try:
            tree = ast.parse(text.decode("utf-8", errors="replace").lstrip(" \t"))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self._unreadable.update(m.decode() for m in _NAME.findall(text))
            self._star = self._star or b"*" in text
            return
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._targets.setdefault(alias.asname, set()).add(alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self._targets.setdefault(top, set()).add(top)
            elif isinstance(node, ast.ImportFrom):
                base = resolve_relative(self._module, self._is_package, node.level, node.module)
                for alias in node.names:
                    if alias.name == "*":
                        self._star = True
                        continue
                    target = f"{base}.{alias.name}" if base else alias.name
                    self._targets.setdefault(alias.asname or alias.name, set()).add(target)


def _whole_words(data: bytes, needle: bytes):
    """Offsets where ``needle`` appears in ``data`` as a whole identifier."""
    start = 0
    while (i := data.find(needle, start)) >= 0:
        start = i + 1
        end = i + len(needle)
        if (i == 0 or data[i - 1] not in _IDENT_BYTES) and (end >= len(data) or data[end] not in _IDENT_BYTES):
            yield i


def _after_keyword(data: bytes, at: int) -> bool:
    """The identifier at byte ``at`` follows ``def`` or ``class`` (it is being defined)."""
    before = data[max(0, at - 32) : at]
    stripped = before.rstrip(b" \t")
    if len(stripped) == len(before):
        return False  # no blank between keyword and name
    for keyword in (b"def", b"class"):
        start = len(stripped) - len(keyword)
        if stripped.endswith(keyword) and (start == 0 or stripped[start - 1] not in _IDENT_BYTES):
            return True
    return False


def _statement(data: bytes, line_start: int, after_import: int) -> bytes:
    """The text from ``line_start`` to the end of the import statement whose ``import``
    keyword ends at ``after_import``: through a parenthesized name list, or through lines
    ending with ``\\``."""
    i = after_import
    while i < len(data) and data[i] in b" \t":
        i += 1
    if i < len(data) and data[i] == ord("("):
        # a name list holds no strings: a ")" after a "#" on its line is in a comment
        search = i
        while (close := data.find(b")", search)) >= 0:
            line = max(data.rfind(b"\n", i, close), data.rfind(b"\r", i, close), i)
            if b"#" not in data[line:close]:
                return data[line_start : close + 1]
            search = close + 1
        return data[line_start:]
    end = line_start
    while True:
        newline = data.find(b"\n", end)
        if newline < 0:
            return data[line_start:]
        line = data[end:newline].rstrip(b"\r")
        end = newline + 1
        if not line.endswith(b"\\"):
            return data[line_start:newline]
