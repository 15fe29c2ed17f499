"""Command-line conventions (SPEC §4): no abbreviations, "did you mean", -V, the last line of
a clean run and of --fix. The real CLI in a subprocess on files in tmp_path."""

from __future__ import annotations

import json

import pytest
from conv_helpers import DIRTY, FILES, cli, write

from contract_lsp import __version__


@pytest.fixture
def ws(tmp_path):
    return write(tmp_path / "ws", FILES)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("--chec", "--check"), ("--chekc", "--check"), ("--fromat=json", "--format"), ("--stat", "--statistics")],
)
def test_an_option_is_never_abbreviated_and_a_typo_gets_a_suggestion(ws, typed, meant):
    proc = cli(ws, typed)
    assert proc.returncode == 2, proc.stderr
    assert f"unrecognized argument: {typed} (did you mean {meant}?)" in proc.stderr
    assert proc.stdout == ""


def test_an_option_close_to_nothing_gets_no_suggestion(ws):
    proc = cli(ws, "--check", "--zzzzzz")
    assert proc.returncode == 2
    assert "unrecognized argument: --zzzzzz" in proc.stderr and "did you mean" not in proc.stderr


def test_dash_capital_v_is_the_version(ws):
    short, long = cli(ws, "-V"), cli(ws, "--version")
    assert short.returncode == long.returncode == 0
    assert short.stdout == long.stdout == f"contract-lsp {__version__}\n"


def test_a_clean_text_run_says_all_checks_passed(ws):
    proc = cli(ws, "--check")
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n"), proc.stderr


def test_a_clean_run_in_another_format_prints_only_that_format(ws):
    proc = cli(ws, "--check", "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == []
    assert "All checks passed" not in proc.stdout + proc.stderr


def test_a_run_with_findings_does_not_say_all_checks_passed(ws):
    (ws / "app" / "dirty.py").write_text(DIRTY)
    proc = cli(ws, "--check")
    assert proc.returncode == 1 and "CL002" in proc.stdout and "All checks passed" not in proc.stdout


def test_fix_ends_with_how_many_were_fixed_and_how_many_remain(ws):
    dirty = ws / "app" / "dirty.py"
    dirty.write_text(DIRTY)
    proc = cli(ws, "--check", "--fix")
    assert proc.returncode == 1, proc.stderr
    assert "websocket_client_id=\"c\")\nmake_ctx(websocket_client_id" in dirty.read_text()
    lines = proc.stdout.splitlines()
    assert "CL004" in proc.stdout and "CL002" not in proc.stdout
    assert lines[-1] == "Fixed 1 finding (1 remaining)."


def test_fix_with_nothing_left_says_so(ws):
    (ws / "app" / "dirty.py").write_text(DIRTY.rsplit("make_ctx(websocket_client_id", 1)[0])
    proc = cli(ws, "--check", "--fix")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["Fixed 1 finding (0 remaining)."]


def test_fix_summary_goes_to_stderr_beside_a_machine_format(ws):
    (ws / "app" / "dirty.py").write_text(DIRTY)
    proc = cli(ws, "--check", "--fix", "--format", "json")
    assert [f["code"] for f in json.loads(proc.stdout)] == ["CL004"]  # stdout is only JSON
    assert proc.stderr.splitlines()[-1] == "Fixed 1 finding (1 remaining)."
