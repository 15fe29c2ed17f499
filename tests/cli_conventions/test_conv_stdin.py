"""``--stdin-filename PATH -`` checks standard input as if it were PATH (SPEC §4)."""

from __future__ import annotations

import json

import pytest
from conv_helpers import DIRTY, FILES, cli, write


@pytest.fixture
def ws(tmp_path):
    return write(tmp_path / "ws", FILES)


def test_stdin_is_checked_as_the_named_file_which_need_not_exist(ws):
    proc = cli(ws, "--check", "--stdin-filename", "app/unsaved.py", "-", stdin=DIRTY)
    assert proc.returncode == 1, proc.stderr
    rows = [line.split(" ", 2)[:2] for line in proc.stdout.splitlines()[:-1]]
    assert rows == [["app/unsaved.py:3:15:", "CL002"], ["app/unsaved.py:4:1:", "CL004"]]
    assert not (ws / "app" / "unsaved.py").exists()


def test_stdin_replaces_the_file_on_disk(ws):
    # clean on disk, dirty on stdin: stdin wins; and the other way round
    dirty = cli(ws, "--check", "--stdin-filename", "app/clean.py", "-", stdin=DIRTY)
    assert dirty.returncode == 1 and "app/clean.py:3:15: CL002" in dirty.stdout
    (ws / "app" / "dirty.py").write_text(DIRTY)
    clean = cli(ws, "--check", "--stdin-filename", "app/dirty.py", "-", stdin=(ws / "app" / "clean.py").read_text())
    assert (clean.returncode, clean.stdout) == (0, "All checks passed!\n"), clean.stderr


def test_the_path_decides_how_imports_resolve(ws):
    relative = 'from .ctx import make_ctx\n\nmake_ctx("u", websocket_connection_id="c")\n'
    inside = cli(ws, "--check", "--stdin-filename", "app/rel.py", "-", stdin=relative)
    assert inside.returncode == 1 and "app/rel.py:3:15: CL002" in inside.stdout
    # elsewhere `.ctx` is another module: nothing contracted is called
    elsewhere = cli(ws, "--check", "--stdin-filename", "other/rel.py", "-", stdin=relative)
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr


def test_stdin_takes_the_formats(ws):
    proc = cli(ws, "--check", "--format", "json", "--stdin-filename", "app/x.py", "-", stdin=DIRTY)
    assert [(f["path"], f["code"]) for f in json.loads(proc.stdout)] == [("app/x.py", "CL002"), ("app/x.py", "CL004")]


def test_fix_on_stdin_prints_the_fixed_source_and_writes_nothing(ws):
    proc = cli(ws, "--check", "--fix", "--stdin-filename", "app/clean.py", "-", stdin=DIRTY)
    assert proc.returncode == 1
    assert proc.stdout == DIRTY.replace("websocket_connection_id", "websocket_client_id")
    assert "app/clean.py:4:1: CL004" in proc.stderr
    assert proc.stderr.splitlines()[-1] == "Fixed 1 finding (1 remaining)."
    assert "websocket_connection_id" not in (ws / "app" / "clean.py").read_text()  # untouched: it was clean


def test_diff_on_stdin(ws):
    proc = cli(ws, "--check", "--diff", "--stdin-filename", "app/x.py", "-", stdin=DIRTY)
    assert proc.returncode == 1
    assert "--- a/app/x.py" in proc.stdout and '+make_ctx("u", websocket_client_id="c")' in proc.stdout


def test_unparseable_stdin_is_named_and_skipped(ws):
    proc = cli(ws, "--check", "--stdin-filename", "app/x.py", "-", stdin="from app.ctx import make_ctx\n\nmake_ctx(\n")
    assert proc.returncode == 0
    assert "app/x.py: skipped:" in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--check", "-"], "the path - (standard input) needs --stdin-filename PATH"),
        (["--check", "--stdin-filename", "app/x.py"], "give the path - and no other"),
        (["--check", "--stdin-filename", "app/x.py", "-", "app"], "give the path - and no other"),
        (["--stdin-filename", "app/x.py", "-"], "--stdin-filename is only accepted with --check"),
    ],
)
def test_stdin_usage_errors(ws, args, message):
    proc = cli(ws, *args, stdin=DIRTY)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
