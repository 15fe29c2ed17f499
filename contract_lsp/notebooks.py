"""Jupyter notebooks (``.ipynb``) as Python sources, and back (SPEC §3.5).

A notebook's code cells are joined into one Python source, one cell after the other, so the
engine checks it like a file (a name imported in cell 1 resolves in cell 3, as the kernel
sees it). IPython syntax that is not Python (line magics ``%time``, shell escapes ``!pip``,
help ``obj?``, ``x = !ls``, cell magics such as ``%%bash``) is blanked line by line, as ruff
skips it: a blanked line keeps its place (``...`` at its indentation, padded to its length),
so every position maps back to a cell and a line within it. Cell magics whose body is Python
(``%%time``, ``%%capture``, ...) blank only their first line; ``get_ipython()`` calls are
Python and stay.

Writing back (``--fix``) replaces only the JSON string values of the fixed cells' ``source``
in the file's own text: the JSON layout, key order, indentation, outputs and metadata keep
their bytes. Cells are numbered 1-based among all the notebook's cells (markdown included),
as ruff prints ``cell N``; lines in a cell are 0-based here, like every finding.
"""

from __future__ import annotations

import codecs
import difflib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from json.decoder import scanstring

from .findings import Finding, Fix, Position, Range, TextEdit

SUFFIX = ".ipynb"

#: Cell magics whose body is Python run in the kernel's namespace: only their ``%%`` line
#: is blanked; any other cell magic (``%%bash``, ``%%writefile``, ``%%sql``...) blanks the cell.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "python", "python3", "pypy"})

_LINE_END = re.compile(r"\r\n|\r|\n")
# ``x = !ls`` / ``a, b = %sx ...``: IPython's assignment forms of magics and shell escapes
_MAGIC_ASSIGN = re.compile(r"[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[!%]")
# autocall escapes (``/f 1``, ``,f a b``, ``;f a b``): never Python at the start of a line
_AUTOCALL = re.compile(r"[/,;][A-Za-z_]")


class NotebookError(ValueError):
    """A file that is not a notebook this module can read; ``str()`` is the reason."""


def is_notebook(path: str) -> bool:
    """True when ``path`` names a Jupyter notebook (by its ``.ipynb`` suffix)."""
    return path.endswith(SUFFIX)


def _lines_keepends(text: str) -> list[str]:
    """``text`` split after each line break (``\\r\\n``, ``\\r``, ``\\n``, as Python and
    :func:`contract_lsp.text.split_lines` count them), each line keeping its break."""
    out, pos = [], 0
    for match in _LINE_END.finditer(text):
        out.append(text[pos : match.end()])
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _strip_break(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


# --- IPython syntax -----------------------------------------------------------------------


def _scan(line: str, depth: int, quote: str | None) -> tuple[int, str | None, int]:
    """Advance a Python line's bracket ``depth`` and open string ``quote`` over ``line``
    (no line break); returns them and where a comment starts (``len(line)`` if none). A
    rough tokenizer: only good enough to tell whether the next line starts a statement."""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if quote is not None:
            if c == "\\":
                i += 2
            elif line.startswith(quote, i):
                i += len(quote)
                quote = None
            else:
                i += 1
            continue
        if c == "#":
            return depth, quote, i
        if c in "'\"":
            quote = line[i : i + 3] if line[i : i + 3] in ("'''", '"""') else c
            i += len(quote)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth = max(0, depth - 1)
        i += 1
    if quote in ("'", '"') and not line.endswith("\\"):
        quote = None  # an unterminated one-line string ends with its line (a syntax error)
    return depth, quote, n


def _is_magic(body: str, code_end: int) -> bool:
    """True for a line, at the start of a statement, that IPython rewrites before Python
    sees it: ``%magic``, ``!shell``, ``?help`` / ``help?``, ``x = !cmd``, autocall."""
    stripped = body.lstrip()
    if not stripped or stripped[0] == "#":
        return False
    if stripped[0] in "%!?" or _AUTOCALL.match(stripped) or _MAGIC_ASSIGN.match(body):
        return True
    return body[:code_end].rstrip().endswith("?")


def blank_magics(lines: Sequence[str]) -> set[int]:
    """The 0-based indices of the lines of one cell (without line breaks) that are IPython
    syntax, not Python (see the module's docstring). Only a line that starts a statement
    can be one: ``% b`` continuing ``(a`` is Python's modulo."""
    blanked: set[int] = set()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("%%"):
        name = lines[first][2:].split(maxsplit=1)
        if not name or name[0] not in PYTHON_CELL_MAGICS:
            return set(range(len(lines)))
        blanked.add(first)
    depth, quote, continued, in_magic = 0, None, False, False
    for i, line in enumerate(lines):
        if i in blanked:
            continue
        if in_magic:  # a magic continued with a backslash
            blanked.add(i)
            in_magic = line.endswith("\\")
            continue
        starts = depth == 0 and quote is None and not continued
        new_depth, new_quote, code_end = _scan(line, depth, quote)
        if starts and _is_magic(line, code_end):
            blanked.add(i)
            in_magic = line.endswith("\\")
            continue
        depth, quote = new_depth, new_quote
        continued = quote is None and line[:code_end].endswith("\\")
    return blanked


def _blank(line: str) -> str:
    """A Python statement (``...``) at ``line``'s indentation, padded to its length, so a
    blanked line inside a block keeps the block valid and the columns where they were."""
    indent = line[: len(line) - len(line.lstrip())]
    return (indent + "...").ljust(len(line))


# --- cells <-> one source ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One code cell in the joined source: its 1-based ``index`` among the notebook's cells,
    its ``text``, the 0-based ``start`` line of its first line in the source, and how many
    lines it spans there (``lines``, at least 1)."""

    index: int
    text: str
    start: int
    lines: int


@dataclass(frozen=True)
class NotebookSource:
    """The Python source of a notebook's code cells (``text``), the ``cells`` in it, and the
    0-based lines of ``text`` that are blanked IPython syntax (``blanked``)."""

    text: str
    cells: tuple[Cell, ...]
    blanked: frozenset[int]
    #: the lines of :attr:`text` as the cells have them (blanked lines unblanked), with breaks
    original: tuple[str, ...] = ()

    def cell_at(self, line: int) -> tuple[Cell, int]:
        """The cell holding 0-based ``line`` of :attr:`text` and the 0-based line within
        it. Raises IndexError past the last cell's lines."""
        for cell in self.cells:
            if cell.start <= line < cell.start + cell.lines:
                return cell, line - cell.start
        raise IndexError(line)

    def to_cell(self, finding: Finding) -> Finding:
        """``finding`` (positions in :attr:`text`) with its range and fix edits in its
        cell's coordinates (0-based line within the cell, same column) and
        ``extra["cell"]`` the 1-based cell index. A finding past the cells is returned as
        it is."""
        try:
            cell, _ = self.cell_at(finding.range.start.line)
        except IndexError:
            return finding
        shift = cell.start

        def local(rng: Range) -> Range:
            return Range(Position(rng.start.line - shift, rng.start.character), Position(rng.end.line - shift, rng.end.character))

        fix = finding.fix
        if fix is not None:
            fix = Fix(fix.title, tuple(TextEdit(local(e.range), e.new_text) for e in fix.edits), fix.safe)
        return replace(finding, range=local(finding.range), fix=fix, extra={**finding.extra, "cell": cell.index})


def build_source(cells: Iterable[tuple[int, str]]) -> NotebookSource:
    """Join code cells, given as (1-based index, text), into one Python source. A cell that
    does not end with a line break gets one, so the next starts on a line of its own; the
    IPython lines of each cell (:func:`blank_magics`) are blanked in place."""
    parts: list[str] = []
    original: list[str] = []
    out_cells: list[Cell] = []
    blanked: set[int] = set()
    line = 0
    for index, text in cells:
        lines = _lines_keepends(text)
        if not lines:
            lines = ["\n"]
        elif not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"
        original.extend(lines)
        bodies = [_strip_break(x) for x in lines]
        magic = blank_magics([b for b, _ in bodies])
        for i, (body, end) in enumerate(bodies):
            parts.append(_blank(body) + end if i in magic else body + end)
        blanked.update(line + i for i in magic)
        out_cells.append(Cell(index, text, line, len(lines)))
        line += len(lines)
    return NotebookSource("".join(parts), tuple(out_cells), frozenset(blanked), tuple(original))


def _decode(data: bytes) -> tuple[str, str]:
    """(BOM prefix, JSON text) of a notebook's bytes (UTF-8, as nbformat writes)."""
    bom = ""
    if data.startswith(codecs.BOM_UTF8):
        bom, data = "\ufeff", data[len(codecs.BOM_UTF8) :]
    try:
        return bom, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"not UTF-8 ({exc.reason})") from None


def _source_text(source) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    raise NotebookError("a cell's source is neither a string nor a list of strings")


def _language(doc: dict) -> str:
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    for key, field in (("language_info", "name"), ("kernelspec", "language")):
        value = metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get(field), str):
            return value[field].lower()
    return "python"  # no metadata: nbformat's default kernel, and what ruff assumes


def code_cells(data: bytes) -> list[tuple[int, str]]:
    """The code cells of a notebook's bytes as (1-based index among all cells, source text);
    empty for a notebook in another language (R, Julia: nothing to check). Raises
    :class:`NotebookError` for bytes that are not an nbformat 4 notebook."""
    _, text = _decode(data)
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NotebookError(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        if isinstance(doc, dict) and "worksheets" in doc:
            raise NotebookError("nbformat 3 notebooks are not supported")
        raise NotebookError("not a notebook (no list of cells)")
    if _language(doc) != "python":
        return []
    out = []
    for i, cell in enumerate(doc["cells"], start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            out.append((i, _source_text(cell.get("source", ""))))
    return out


def read_source(data: bytes) -> NotebookSource:
    """The :class:`NotebookSource` of a notebook's bytes. Raises :class:`NotebookError`."""
    return build_source(code_cells(data))


def source_bytes(path: str) -> bytes | None:
    """The UTF-8 Python source of the notebook at ``path``, as ``--check`` reads a file's
    bytes (SPEC §4: prefilter, then check); None when it cannot be read as a notebook
    (:func:`problem` says why)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        return read_source(data).text.encode("utf-8", errors="surrogatepass")
    except (OSError, NotebookError):
        return None


def problem(path: str) -> str:
    """Why :func:`source_bytes` gives None for ``path``: the reason printed on stderr."""
    try:
        with open(path, "rb") as handle:
            read_source(handle.read())
    except OSError:
        return "cannot be read"
    except NotebookError as exc:
        return f"not a notebook this tool reads: {exc}"
    return "cannot be read"


# --- findings ----------------------------------------------------------------------------


def findings_in_cells(findings: list[Finding]) -> list[Finding]:
    """``findings`` with those of notebooks moved into their cells' coordinates
    (:meth:`NotebookSource.to_cell`), for display (SPEC §3.5 ``path:cell N:line:col``).
    Each notebook is read again, as it is now: after ``--fix`` the remaining findings are
    those of the fixed text. A notebook that can no longer be read keeps its findings."""
    sources: dict[str, NotebookSource | None] = {}
    out = []
    for finding in findings:
        if not is_notebook(finding.path):
            out.append(finding)
            continue
        if finding.path not in sources:
            try:
                with open(finding.path, "rb") as handle:
                    sources[finding.path] = read_source(handle.read())
            except (OSError, NotebookError):
                sources[finding.path] = None
        source = sources[finding.path]
        out.append(finding if source is None else source.to_cell(finding))
    return out


# --- writing back ------------------------------------------------------------------------


def cell_texts_after_fix(source: NotebookSource, fixed: str) -> dict[int, str]:
    """The new text of each cell that ``fixed`` (an edited :attr:`NotebookSource.text`)
    changes, by 1-based cell index. Blanked IPython lines keep their original text. Raises
    ValueError when an edit touches a blanked line or spans two cells."""
    old = _lines_keepends(source.text)
    new = _lines_keepends(fixed)
    cell_of = [cell for cell in source.cells for _ in range(cell.lines)]
    per_cell: dict[int, list[str]] = {cell.index: [] for cell in source.cells}
    changed: set[int] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            for i in range(i1, i2):
                per_cell[cell_of[i].index].append(source.original[i] if i in source.blanked else old[i])
            continue
        touched = {cell_of[i].index for i in range(i1, i2)} or {cell_of[min(i1, len(cell_of) - 1)].index}
        if len(touched) > 1:
            raise ValueError("a fix spans two cells")
        if any(i in source.blanked for i in range(i1, i2)):
            raise ValueError("a fix touches an IPython line")
        (index,) = touched
        per_cell[index].extend(new[j1:j2])
        changed.add(index)
    out = {}
    for cell in source.cells:
        if cell.index not in changed:
            continue
        text = "".join(per_cell[cell.index])
        if not cell.text.endswith(("\n", "\r")) and text.endswith("\n"):
            text = text[:-1]  # the break build_source added after the cell
        if text != cell.text:
            out[cell.index] = text
    return out


_WS = re.compile(r"[ \t\n\r]*")
_SCAN = json.JSONDecoder().scan_once


@dataclass
class _Span:
    """Where a cell's ``source`` value lies in the JSON text: [start, end), and for a list
    the [start, end) of each of its strings."""

    start: int
    end: int
    items: list[tuple[int, int]] | None


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def _expect(text: str, pos: int, char: str) -> int:
    pos = _skip(text, pos)
    if text[pos : pos + 1] != char:
        raise NotebookError(f"unexpected JSON at offset {pos}")
    return pos + 1


def _members(text: str, pos: int):
    """Yield (key, value start) of a JSON object opening at ``pos``; the caller sends the
    value's end back. Returns the offset after ``}``."""
    pos = _expect(text, pos, "{")
    pos = _skip(text, pos)
    if text[pos : pos + 1] == "}":
        return pos + 1
    while True:
        pos = _expect(text, pos, '"')
        key, pos = scanstring(text, pos)
        pos = _skip(text, _expect(text, pos, ":"))
        pos = _skip(text, (yield key, pos))
        if text[pos : pos + 1] == "}":
            return pos + 1
        pos = _expect(text, pos, ",")


def _value_end(text: str, pos: int) -> int:
    try:
        return _SCAN(text, pos)[1]
    except StopIteration:
        raise NotebookError(f"unexpected JSON at offset {pos}") from None


def _walk_object(text: str, pos: int, on_member) -> int:
    """Walk the JSON object at ``pos``: ``on_member(key, value_start)`` returns the value's
    end (parsing it as it needs). Returns the offset after the object."""
    members = _members(text, pos)
    try:
        key, start = next(members)
        while True:
            key, start = members.send(on_member(key, start))
    except StopIteration as stop:
        return stop.value


def _array_items(text: str, pos: int, each) -> int:
    """Walk the JSON array at ``pos``, calling ``each(value_start)`` (which returns the
    value's end) per item. Returns the offset after ``]``."""
    pos = _expect(text, pos, "[")
    pos = _skip(text, pos)
    if text[pos : pos + 1] == "]":
        return pos + 1
    while True:
        pos = _skip(text, each(_skip(text, pos)))
        if text[pos : pos + 1] == "]":
            return pos + 1
        pos = _expect(text, pos, ",")


def source_spans(text: str) -> list[_Span | None]:
    """The span of each cell's ``source`` value in a notebook's JSON ``text``, by cell
    (0-based list position; None for a cell without one). Raises NotebookError."""
    spans: list[_Span | None] = []

    def cell_member(key: str, start: int) -> int:
        if key != "source":
            return _value_end(text, start)
        items: list[tuple[int, int]] | None = None
        if text[start] == "[":
            items = []

            def item(pos: int) -> int:
                end = _value_end(text, pos)
                items.append((pos, end))  # type: ignore[union-attr]
                return end

            end = _array_items(text, start, item)
        else:
            end = _value_end(text, start)
        spans[-1] = _Span(start, end, items)
        return end

    def cell(pos: int) -> int:
        spans.append(None)
        return _walk_object(text, pos, cell_member)

    def top_member(key: str, start: int) -> int:
        if key == "cells":
            spans.clear()  # a repeated key: json.loads keeps the last
            return _array_items(text, start, cell)
        return _value_end(text, start)

    _walk_object(text, _skip(text, 0), top_member)
    return spans


def replace_cell_sources(data: bytes, new_texts: dict[int, str]) -> bytes:
    """The notebook ``data`` with the source of each cell in ``new_texts`` (1-based index
    -> text) replaced, every other byte kept: a list source keeps its line-per-string shape
    and layout (only the strings that changed are rewritten, or the list is rebuilt with
    its own separators when the number of lines changed); a string source stays a string.
    Checked by parsing the result: raises ValueError (NotebookError) if anything but those
    sources would differ."""
    bom, text = _decode(data)
    spans = source_spans(text)
    ascii_only = text.isascii()

    def dumps(value: str) -> str:
        return json.dumps(value, ensure_ascii=ascii_only)

    replacements: list[tuple[int, int, str]] = []
    expected: dict[int, object] = {}
    for index, new in new_texts.items():
        span = spans[index - 1] if 0 < index <= len(spans) else None
        if span is None:
            raise NotebookError(f"cell {index} has no source")
        if span.items is None:
            replacements.append((span.start, span.end, dumps(new)))
            expected[index] = new
            continue
        old_items = [json.loads(text[a:b]) for a, b in span.items]
        new_items = _lines_keepends(new)
        expected[index] = new_items
        if len(new_items) == len(old_items):
            for (a, b), old, item in zip(span.items, old_items, new_items):
                if old != item:
                    replacements.append((a, b, dumps(item)))
        else:
            first, last = (span.items[0][0], span.items[-1][1]) if span.items else (span.start + 1, span.start + 1)
            sep = text[span.items[0][1] : span.items[1][0]] if len(span.items) > 1 else ",\n"
            replacements.append((first, last, sep.join(dumps(item) for item in new_items)))
    out = text
    for start, end, value in sorted(replacements, reverse=True):
        out = out[:start] + value + out[end:]
    before, after = json.loads(text), json.loads(out)
    for index, value in expected.items():
        before["cells"][index - 1]["source"] = value
    if before != after:
        raise NotebookError("rewriting the sources would change more than the sources")
    return (bom + out).encode("utf-8", errors="surrogatepass")


def fixed_notebook_bytes(path: str, original: str, fixed: str) -> bytes:
    """The bytes to write to the notebook at ``path`` after ``--fix``: ``original`` is the
    source ``--check`` read from it (:func:`read_source`), ``fixed`` that source with the
    fixes applied. Only the changed cells' sources change (:func:`replace_cell_sources`).
    Raises ValueError (the reason) when the notebook changed since it was read, or the
    fix cannot be put back into its cells. Same contract as ``--fix``'s writer for Python
    files, so ``cli/check.py`` can pick one or the other."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ValueError(f"cannot be read again ({exc.strerror})") from None
    source = read_source(data)
    if source.text != original:
        raise ValueError("the notebook changed since it was checked")
    new_texts = cell_texts_after_fix(source, fixed)
    return replace_cell_sources(data, new_texts) if new_texts else data
