"""``--check`` on real notebook files, in a subprocess (SPEC §3.5, §4)."""

from __future__ import annotations

import json

from notebook_helpers import cell, dumps, lines, notebook, run_cli, write_workspace

OUTPUTS = [
    {"name": "stdout", "output_type": "stream", "text": ["loaded 3 rows\n"]},
    {"data": {"image/png": "iVBORw0KGgo=\n", "text/plain": ["<Figure size 640x480 with 1 Axes>"]}, "metadata": {"needs_background": "light"}, "output_type": "display_data"},
]


def analysis() -> dict:
    return notebook([
        cell("markdown", lines("# Analysis\nLoads the table.")),
        cell("code", lines("""
            %matplotlib inline
            !pip install lib
            import lib.io as io
        """), count=1),
        cell("code", lines("""
            t = io.read_table('a.csv',
                              error_bad_lines=False)
            t?
        """), outputs=OUTPUTS, count=2),
        cell("code", lines("""
            %%bash
            python -c "io.read_table('x', error_bad_lines=False)"
        """), count=3),
        cell("code", "u = io.read_table('b.csv', line_terminator='\\n')", count=4),
    ])


def test_check_prints_cell_positions_and_skips_magics(tmp_path):
    ws = write_workspace(tmp_path, {"analysis.ipynb": dumps(analysis())})
    result = run_cli(ws, "--check")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "analysis.ipynb:cell 3:2:19: CL003 " + _message(ws, "CL003"),
        "analysis.ipynb:cell 5:1:28: CL002 " + _message(ws, "CL002"),
    ]
    assert "Found 2 findings" in result.stdout  # the %%bash cell's call is not Python


def _message(ws, code: str) -> str:
    rows = json.loads(run_cli(ws, "--check", "--format", "json").stdout)
    return next(r["message"] for r in rows if r["code"] == code)


def test_json_has_the_cell_and_lines_within_it(tmp_path):
    ws = write_workspace(tmp_path, {"analysis.ipynb": dumps(analysis()), "script.py": "import lib.io as io\nio.read_table('a', error_bad_lines=1)\n"})
    rows = json.loads(run_cli(ws, "--check", "--format", "json").stdout)
    by_path = {}
    for row in rows:
        by_path.setdefault(row["path"], []).append(row)
    first = by_path["analysis.ipynb"][0]
    assert (first["cell"], first["line"], first["column"], first["end_line"], first["code"]) == (3, 2, 19, 2, "CL003")
    assert first["fix"]["edits"][0]["line"] == 2  # fix edits are in the cell's lines too
    assert by_path["analysis.ipynb"][1]["cell"] == 5
    assert "cell" not in by_path["script.py"][0]  # a Python file's findings are as before


def test_fix_changes_only_the_fixed_sources(tmp_path):
    data = dumps(analysis())
    ws = write_workspace(tmp_path, {"analysis.ipynb": data})
    result = run_cli(ws, "--check", "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Fixed 2 findings (0 remaining)." in result.stdout
    after = (ws / "analysis.ipynb").read_bytes()
    # outputs, metadata, layout, the magics and the %%bash cell: byte for byte
    assert after == data.replace(b"                  error_bad_lines=False", b"                  on_bad_lines=False").replace(b"line_terminator=", b"lineterminator=")
    assert run_cli(ws, "--check").returncode == 0


def test_fix_keeps_a_layout_other_writers_use(tmp_path):
    # VS Code writes indent 1 too; other tools write 2 or 4 spaces and a single-string source
    doc = analysis()
    doc["cells"][4]["source"] = "import lib.io as io\nu = io.read_table('b.csv', line_terminator='\\n')"
    data = dumps(doc, indent=4).replace(b"\n", b"\r\n")
    ws = write_workspace(tmp_path, {"nb.ipynb": data})
    assert run_cli(ws, "--check", "--fix").returncode == 0
    # (the first error_bad_lines only: the second is in the %%bash cell, not Python)
    assert (ws / "nb.ipynb").read_bytes() == data.replace(b"error_bad_lines=False", b"on_bad_lines=False", 1).replace(b"line_terminator=", b"lineterminator=")


def test_folders_are_walked_for_notebooks(tmp_path):
    nb = dumps(analysis())
    ws = write_workspace(tmp_path, {
        "notebooks/a.ipynb": nb,
        "notebooks/.ipynb_checkpoints/a-checkpoint.ipynb": nb,  # Jupyter's autosave copies
        "notebooks/r.ipynb": dumps(notebook([cell("code", "read_table(error_bad_lines = TRUE)")], language="R")),
    })
    result = run_cli(ws, "--check", "--format", "json", "notebooks")
    assert {(r["path"], r["cell"]) for r in json.loads(result.stdout)} == {("notebooks/a.ipynb", 3), ("notebooks/a.ipynb", 5)}


def test_a_broken_notebook_is_named_and_skipped(tmp_path):
    ws = write_workspace(tmp_path, {"bad.ipynb": b'{"cells": [', "good.ipynb": dumps(analysis())})
    result = run_cli(ws, "--check")
    assert result.returncode == 1
    assert "bad.ipynb: skipped: not a notebook this tool reads: not valid JSON" in result.stderr
    assert "good.ipynb:cell 3:2:19" in result.stdout


def test_a_notebook_without_contracted_names_is_clean(tmp_path):
    ws = write_workspace(tmp_path, {"plain.ipynb": dumps(notebook([cell("code", "%time x = 1\nprint(x)")]))})
    result = run_cli(ws, "--check", "plain.ipynb")
    assert result.returncode == 0 and "All checks passed!" in result.stdout
