"""Text output cannot be forged or carry escape codes (issue 15): control characters in
contract names, paths and messages are escaped; ``--statistics`` honours ``--format``."""

from __future__ import annotations

import json

from reliability_helpers import cli, write_workspace

FORGING = """
version: 1
contracts:
  - name: "fn\\nfake.py:1:1: CL000 forged \\e[31mred\\e[0m"
    kind: callable
    target: app.lib.fn
    parameters:
      - name: new_name
        deprecated_names: [old_name]
"""


def test_a_newline_in_a_contract_name_forges_no_finding_line(tmp_path):
    ws = write_workspace(tmp_path, {"app/use.py": "from app.lib import fn\nfn(old_name=1)\n"}, contracts=FORGING)
    proc = cli(ws, "--check")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert not any(line.startswith("fake.py") for line in lines), proc.stdout
    assert "\x1b" not in proc.stdout
    finding = [line for line in lines if line.startswith("app/use.py:2:4: CL002")]
    assert len(finding) == 1 and "fn\\nfake.py:1:1: CL000 forged \\x1b[31mred\\x1b[0m" in finding[0], proc.stdout


def test_control_characters_in_a_path_are_escaped(ws):
    (ws / "app/we\x1b[2Jird\nname.py").write_text("from app.lib import fn\nfn(old_name=1)\n")
    proc = cli(ws, "--check")
    assert "\x1b" not in proc.stdout
    assert "app/we\\x1b[2Jird\\nname.py:2:4: CL002" in proc.stdout, proc.stdout
    assert len([line for line in proc.stdout.splitlines() if ": CL002 " in line]) == 1


def test_statistics_honour_the_format(ws):
    (ws / "app/use.py").write_text("from app.lib import fn\nfn(old_name=1)\nfn(old_name=2)\n")
    proc = cli(ws, "--check", "--statistics", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout) == [{"code": "CL002", "count": 2, "summary": "Deprecated keyword name", "fixable": 2}]
    text = cli(ws, "--check", "--statistics")
    assert text.stdout.split() == ["2", "CL002", "Deprecated", "keyword", "name"]
    other = cli(ws, "--check", "--statistics", "--format", "sarif")
    assert other.returncode == 2 and "--statistics prints text or json" in other.stderr
