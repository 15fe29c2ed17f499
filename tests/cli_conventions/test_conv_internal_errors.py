"""An internal error (a bug) exits 2 with one line naming it and asking for a report, the
traceback only on request (SPEC §4); the workspace root at ``/`` is no such bug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conv_helpers import FILES, cli, write

from contract_lsp.config import PathFilter, Settings

# The real ``main`` with a fault injected into the mode it dispatches to (a bug we can name
# and that stays one): no finding, no usage error can produce this path.
CRASH = """
import sys
import contract_lsp.cli.check as check

def run_check(args):
    raise RuntimeError("a bug\\nsecond line")

check.run_check = run_check
from contract_lsp.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def crash(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "CONTRACT_LSP_TRACEBACK"}
    return subprocess.run(
        [sys.executable, "-c", CRASH, "--check", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, env={**environ, **(env or {})},
    )


def test_an_internal_error_is_exit_2_and_one_line_asking_for_a_report(tmp_path):
    proc = crash(tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "internal error: RuntimeError: a bug." in lines[0] and "second line" not in proc.stderr
    assert "please report it" in lines[0] and "CONTRACT_LSP_TRACEBACK=1" in lines[0]
    assert "Traceback" not in proc.stderr


def test_verbose_or_the_environment_variable_prints_the_traceback(tmp_path):
    for proc in (crash(tmp_path, "--verbose"), crash(tmp_path, env={"CONTRACT_LSP_TRACEBACK": "1"})):
        assert proc.returncode == 2
        assert proc.stderr.startswith("Traceback (most recent call last):"), proc.stderr
        assert "in run_check" in proc.stderr and "RuntimeError: a bug" in proc.stderr
        assert proc.stderr.splitlines()[-1].startswith("contract-lsp ") and "internal error: RuntimeError: a bug." in proc.stderr


def test_the_variable_set_to_0_prints_no_traceback(tmp_path):
    proc = crash(tmp_path, env={"CONTRACT_LSP_TRACEBACK": "0"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_usage_errors_and_findings_are_not_internal_errors(tmp_path):
    ws = write(tmp_path / "ws", {**FILES, "app/dirty.py": 'from app.ctx import make_ctx\nmake_ctx()\n'})
    findings = cli(ws, "--check")
    usage = cli(ws, "--check", "--format", "nope")
    assert findings.returncode == 1 and usage.returncode == 2
    assert "internal error" not in findings.stderr + usage.stderr


def test_the_workspace_root_at_slash_is_walked_without_recursing_forever():
    # `cd / && contract-lsp --check`: `/` has no contracts, which is the answer (exit 2 with
    # the reason), not a RecursionError (which a user would have read as findings).
    proc = cli(Path("/"), "--check", "--no-progress")
    assert "RecursionError" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 2
    assert "no contracts found (looked in /contracts)" in proc.stderr


def test_a_path_filter_rooted_at_slash_judges_virtualenvs(tmp_path):
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "venv" / "lib").mkdir()
    path_filter = PathFilter(Settings(root=Path("/")))
    assert path_filter.matches(tmp_path / "a.py")
    assert not path_filter.matches(tmp_path / "venv" / "lib" / "b.py")
