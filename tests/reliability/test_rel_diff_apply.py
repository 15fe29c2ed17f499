"""``--diff | git apply`` takes a patch holding a BOM file and latin-1 / cp1252 files
(issue 15): the diff carries the files' own bytes, the BOM on line 1 included, and
applying it gives what ``--fix`` writes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from reliability_helpers import cli, write_workspace

FILES = {
    "app/bom.py": b"\xef\xbb\xbffrom app.lib import fn\nfn(old_name=1)\n",
    "app/latin1.py": b'# -*- coding: latin-1 -*-\nfrom app.lib import fn\ns = "caf\xe9"\nfn(old_name="\xe9")\n',
    "app/cp1252.py": b'# coding: cp1252\r\nfrom app.lib import fn\r\nfn(old_name="\x80")\r\n',
}


def _git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, stdin=subprocess.DEVNULL, check=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_applies_with_git_apply_on_bytes(tmp_path):
    (tmp_path / "ws").mkdir()
    ws = write_workspace(tmp_path / "ws", FILES)
    assert _git(ws, "init", "-q").returncode == 0
    diff = subprocess.run(
        [sys.executable, "-m", "contract_lsp", "--check", "--diff"],
        cwd=ws, capture_output=True, stdin=subprocess.DEVNULL, timeout=120, check=False,
    )
    assert diff.returncode == 1, diff.stderr
    patch = diff.stdout  # bytes, as git apply reads them
    assert b" \xef\xbb\xbffrom app.lib import fn\n" in patch  # line 1, as context, with its BOM
    assert b'-fn(old_name="\xe9")\n+fn(new_name="\xe9")\n' in patch
    assert b'-fn(old_name="\x80")\r\n+fn(new_name="\x80")\r\n' in patch
    for rel, data in FILES.items():
        assert (ws / rel).read_bytes() == data  # --diff changes nothing
    (tmp_path / "fix.diff").write_bytes(patch)
    applied = _git(ws, "apply", "--check", "-p1", str(tmp_path / "fix.diff"))
    assert applied.returncode == 0, applied.stderr.decode(errors="replace")
    assert _git(ws, "apply", "-p1", str(tmp_path / "fix.diff")).returncode == 0
    # the same bytes --fix writes, in a copy fixed in place
    copy = shutil.copytree(ws, tmp_path / "copy", ignore=shutil.ignore_patterns(".git"))
    assert cli(copy, "--check", "--fix").returncode == 0
    for rel, data in FILES.items():
        assert (ws / rel).read_bytes() == data.replace(b"old_name", b"new_name")
        assert (copy / rel).read_bytes() == (ws / rel).read_bytes()
