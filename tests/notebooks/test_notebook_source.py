"""Cells <-> one Python source, IPython lines blanked, and the byte-for-byte write back
(SPEC §3.5), on notebooks written as Jupyter and VS Code write them."""

from __future__ import annotations

import ast
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from notebook_helpers import cell, dumps, lines, notebook

from contract_lsp.findings import Finding, Fix, TextEdit, make_range
from contract_lsp.notebooks import (
    NotebookError,
    blank_magics,
    build_source,
    cell_texts_after_fix,
    code_cells,
    read_source,
    replace_cell_sources,
    source_spans,
)


def test_magics_are_blanked_and_python_stays():
    cell_lines = [
        "%matplotlib inline",
        "!pip install pandas",
        "files = !ls",
        "a, b = %sx echo 1",
        "df.head?",
        "??df",
        "get_ipython().run_line_magic('time', 'f()')",
        "x = (1",
        "     % 2)",
        "for i in range(3):",
        "    !echo $i",
        "y = 3  # really?",
        "s = '''",
        "%not a magic: inside a string",
        "'''",
        "%time f(a, \\",
        "      b)",
        "/f 1 2",
    ]
    assert sorted(blank_magics(cell_lines)) == [0, 1, 2, 3, 4, 5, 10, 15, 16, 17]


def test_cell_magics_blank_the_cell_unless_their_body_is_python():
    assert blank_magics(["%%bash", "echo read_table(error_bad_lines=1)"]) == {0, 1}
    assert blank_magics(["", "%%writefile x.py", "print(1)"]) == {0, 1, 2}
    assert blank_magics(["%%time", "read_table('p')"]) == {0}
    assert blank_magics(["%%capture out", "x = 1"]) == {0}


def test_joined_source_parses_and_keeps_lines_and_columns():
    source = build_source([
        (2, "%matplotlib inline\nimport lib.io as io\nfor i in range(2):\n    !echo $i"),
        (3, "%%bash\nls -l"),
        (5, "t = io.read_table('a', error_bad_lines=False)\n"),
    ])
    ast.parse(source.text)  # the blanked lines keep the blocks valid
    text_lines = source.text.split("\n")
    assert text_lines[1] == "import lib.io as io"
    assert text_lines[3] == "    ...     "  # same indentation, same length
    assert len(text_lines[0]) == len("%matplotlib inline")
    assert [(c.index, c.start, c.lines) for c in source.cells] == [(2, 0, 4), (3, 4, 2), (5, 6, 1)]
    assert source.cell_at(6)[0].index == 5 and source.cell_at(6)[1] == 0
    assert source.cell_at(3) == (source.cells[0], 3)
    with pytest.raises(IndexError):
        source.cell_at(7)


def test_a_finding_moves_into_its_cell():
    source = build_source([(1, "import lib.io as io\n"), (4, "x = 1\n\nio.read_table('a', error_bad_lines=False)")])
    column = "io.read_table('a', ".__len__()
    edit = TextEdit(make_range(3, column, 3, column + 15), "on_bad_lines")
    finding = Finding("nb.ipynb", make_range(3, column, 3, column + 15), "CL003", "removed", "error", fix=Fix("rename", (edit,), True))
    local = source.to_cell(finding)
    assert local.extra["cell"] == 4
    assert (local.range.start.line, local.range.start.character) == (2, column)
    assert local.fix.edits[0].range.start.line == 2
    assert finding.range.start.line == 3  # the original is left as it was


def test_only_code_cells_of_python_notebooks():
    doc = notebook([cell("markdown", ["# t\n"]), cell("code", ["x = 1\n", "y = 2"]), cell("raw", "z"), cell("code", "w = 3")])
    assert code_cells(dumps(doc)) == [(2, "x = 1\ny = 2"), (4, "w = 3")]
    assert code_cells(dumps(notebook([cell("code", "x <- 1")], language="R"))) == []


@pytest.mark.parametrize(
    "data, reason",
    [(b"{", "not valid JSON"), (b"[]", "not a notebook"), (b'{"worksheets": []}', "nbformat 3"), (b"\xff\xfe", "not UTF-8")],
)
def test_what_is_not_a_notebook_says_why(data, reason):
    with pytest.raises(NotebookError, match=reason):
        read_source(data)


def _fix(data: bytes, old: str, new: str) -> bytes:
    source = read_source(data)
    return replace_cell_sources(data, cell_texts_after_fix(source, source.text.replace(old, new)))


OUTPUTS = [{"name": "stdout", "output_type": "stream", "text": ["done \u2713\n"]}, {"data": {"text/plain": ["1"]}, "execution_count": 3, "metadata": {}, "output_type": "execute_result"}]


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_write_back_changes_only_the_fixed_string(indent):
    doc = notebook([
        cell("markdown", lines("# Données\n")),
        cell("code", lines("""
            %matplotlib inline
            import lib.io as io
            t = io.read_table('a', error_bad_lines=False)
            !ls
        """), outputs=OUTPUTS, count=3),
        cell("code", "u = io.read_table('b', line_terminator='\\n')", count=4),
    ])
    data = dumps(doc, indent)
    fixed = _fix(_fix(data, "error_bad_lines", "on_bad_lines"), "line_terminator", "lineterminator")
    assert fixed == data.replace(b"error_bad_lines", b"on_bad_lines").replace(b"line_terminator", b"lineterminator")


def test_write_back_keeps_a_layout_json_dumps_would_not_give():
    # key order, spacing and escapes no json.dumps setting reproduces: only the string changes
    data = (
        b'{"nbformat": 4, "nbformat_minor": 2, "metadata": {"x": "\\u00e9"},\r\n'
        b' "cells": [ {"source": [ "import lib.io as io\\n" ,\t"io.read_table(\'a\', error_bad_lines=1)" ],'
        b' "cell_type":"code", "outputs": [], "metadata": {}, "execution_count": null} ]}'
    )
    assert _fix(data, "error_bad_lines", "on_bad_lines") == data.replace(b"error_bad_lines", b"on_bad_lines")


def test_write_back_keeps_a_bom_and_non_ascii():
    data = b"\xef\xbb\xbf" + dumps(notebook([cell("code", ["s = 'caf\u00e9'\n", "io.read_table(s, error_bad_lines=1)"])]))
    assert _fix(data, "error_bad_lines", "on_bad_lines") == data.replace(b"error_bad_lines", b"on_bad_lines")


def test_a_fix_that_changes_the_number_of_lines_rebuilds_the_list_in_its_layout():
    data = dumps(notebook([cell("code", ["a = f(x,\n", "      y)\n", "b = 2"]), cell("code", ["c = 3"])]), indent=1)
    source = read_source(data)
    new = cell_texts_after_fix(source, source.text.replace("f(x,\n      y)", "f(x, y)"))
    assert new == {1: "a = f(x, y)\nb = 2"}
    out = replace_cell_sources(data, new)
    assert json.loads(out)["cells"][0]["source"] == ["a = f(x, y)\n", "b = 2"]
    assert out == data.replace(b'"a = f(x,\\n",\n    "      y)\\n"', b'"a = f(x, y)\\n"')


def test_blanked_lines_come_back_as_they_were():
    data = dumps(notebook([cell("code", ["!pip install x\n", "t = read(error_bad_lines=1)\n", "df?"])]))
    out = _fix(data, "error_bad_lines", "on_bad_lines")
    assert json.loads(out)["cells"][0]["source"] == ["!pip install x\n", "t = read(on_bad_lines=1)\n", "df?"]


def test_an_edit_of_a_blanked_line_is_refused():
    source = build_source([(1, "!pip install x\nx = 1")])
    with pytest.raises(ValueError, match="IPython"):
        cell_texts_after_fix(source, source.text.replace("...", "pass", 1))


def test_spans_of_sources():
    text = '{"cells": [{"source": "a"}, {"cell_type": "markdown"}, {"source": ["b", "c"]}], "metadata": {}}'
    spans = source_spans(text)
    assert text[spans[0].start : spans[0].end] == '"a"'
    assert spans[1] is None
    assert [text[a:b] for a, b in spans[2].items] == ['"b"', '"c"']


_line = st.lists(st.sampled_from(list("ab =(),%!?#'\"\\\t") + ["é", "\r", "    "]), max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_line, min_size=0, max_size=5), min_size=1, max_size=4), st.booleans(), st.integers(1, 3))
def test_property_every_line_maps_back_and_an_identity_write_is_the_same_bytes(cells, as_string, indent):
    texts = ["\n".join(c) for c in cells]
    doc = notebook([cell("code", t if as_string else t.splitlines(keepends=True)) for t in texts])
    data = dumps(doc, indent)
    source = read_source(data)
    for c in source.cells:
        assert source.cell_at(c.start) == (c, 0)
    # every unblanked line is the cell's own line; the whole source has one line per cell line
    assert sum(c.lines for c in source.cells) == len(source.original)
    assert "".join(source.original).replace("\n", "").replace("\r", "") == "".join(texts).replace("\n", "").replace("\r", "")
    assert cell_texts_after_fix(source, source.text) == {}
    changed = {c.index: c.text + "#" for c in source.cells}
    out = replace_cell_sources(data, changed)
    assert code_cells(out) == [(i, t) for i, t in changed.items()]
