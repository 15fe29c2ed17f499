"""The hooks of .pre-commit-hooks.yaml, run by the real ``pre-commit try-repo`` on a sample
git repository: pre-commit installs this repository's HEAD commit (by its hash, so no tag
need exist) in a virtualenv of its own, as a user's ``rev:`` would (PyPI for the
dependencies), and runs the hook on the sample's files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conv_helpers import DIRTY, FILES, write

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
GIT = shutil.which("git")


def _head() -> str | None:
    if GIT is None or not (REPO / ".git").exists():
        return None
    proc = subprocess.run([GIT, "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


HEAD = _head()

pytestmark = [
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(HEAD is None, reason="not a git checkout of contract-lsp: try-repo needs a commit"),
]


def try_repo(sample: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [PRE_COMMIT, "try-repo", str(REPO), hook, "--ref", HEAD, "--all-files"],
        cwd=sample, env=env, capture_output=True, text=True, timeout=900,
    )


def test_the_hooks_run_through_pre_commit_try_repo(tmp_path):
    sample = write(tmp_path / "sample", {**FILES, "app/dirty.py": DIRTY})
    subprocess.run([GIT, "init", "-q"], cwd=sample, check=True)
    subprocess.run([GIT, "add", "-A"], cwd=sample, check=True)
    home = tmp_path / "pre-commit-home"

    check = try_repo(sample, "contract-lsp", home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "contract-lsp" in check.stdout and "Failed" in check.stdout
    assert "app/dirty.py:3:15: CL002" in check.stdout and "app/dirty.py:4:1: CL004" in check.stdout

    fix = try_repo(sample, "contract-lsp-fix", home)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # files were modified, one finding remains
    assert "files were modified by this hook" in fix.stdout
    assert (sample / "app" / "dirty.py").read_text() == DIRTY.replace("websocket_connection_id", "websocket_client_id")

    (sample / "app" / "dirty.py").write_text('from app.ctx import make_ctx\n\nmake_ctx("u")\n')
    clean = try_repo(sample, "contract-lsp", home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
