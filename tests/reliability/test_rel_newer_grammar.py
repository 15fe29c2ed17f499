"""Files with Python 3.12 syntax, checked by a 3.11 CLI (issue 15): ``--fix`` re-checks the
fixed text the way the first check read it (libcst), so a fixed finding is not reported
again; calls inside 3.12-style f-strings are checked, at their own columns."""

from __future__ import annotations

import json
import sys

import pytest
from reliability_helpers import cli

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses it all with ast")

NEWER = '''from app.lib import fn
type Alias = int
fn(old_name=1)
label = f"{fn(old_name=2)}: {"quoted"}"
both = ("plain"  # a comment
        f"{fn(old_name=3)!r:>{fn(old_name=4)}}" f"{f"{fn(old_name=5)}"}")
multi = f"""
{ fn(old_name=6)
}"""
'''


def test_fix_on_a_312_file_reports_nothing_fixed_again(ws):
    (ws / "app/newer.py").write_text("from app.lib import fn\ntype Alias = int\nfn(old_name=1)\n")
    proc = cli(ws, "--check", "--fix", "app/newer.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "CL002" not in proc.stdout
    assert (ws / "app/newer.py").read_text() == "from app.lib import fn\ntype Alias = int\nfn(new_name=1)\n"


def test_calls_inside_312_f_strings_are_checked_and_fixed(ws):
    (ws / "app/newer.py").write_text(NEWER)
    proc = cli(ws, "--check", "--format", "json", "app/newer.py")
    lines = NEWER.split("\n")
    expected = []
    for number, line in enumerate(lines, 1):
        start = 0
        while (col := line.find("old_name", start)) != -1:
            expected.append((number, col + 1))
            start = col + 1
    assert [(f["line"], f["column"]) for f in json.loads(proc.stdout)] == expected
    assert len(expected) == 6
    proc = cli(ws, "--check", "--fix", "app/newer.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (ws / "app/newer.py").read_text() == NEWER.replace("old_name", "new_name")
