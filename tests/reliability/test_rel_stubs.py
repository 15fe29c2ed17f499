"""CL101's stubs parse (issue 15): one-line class bodies are expanded, the class's own
indentation (tabs) and line endings (CRLF) are followed, and no fix is offered when the
result would not parse."""

from __future__ import annotations

import ast
import json

import pytest
from reliability_helpers import cli

CASES = {
    "one-line": b"from app.lib import P\n\n\nclass One(P): pass\n",
    "one-line-two-statements": b"from app.lib import P\nclass One(P): x = 1; y = 2  # note\nz = 3\n",
    "tabs": b"from app.lib import P\n\nclass Tabs(P):\n\tx = 1\n\n\tdef other(self):\n\t\treturn 1\n",
    "nested-tabs": b"from app.lib import P\nif True:\n\tclass Inner(P): pass\n\tq = 1\n",
    "crlf": b"from app.lib import P\r\n\r\nclass Crlf(P):\r\n    x = 1\r\n",
    "no-final-newline": b"from app.lib import P\nclass Last(P):\n    x = 1",
}


@pytest.mark.parametrize("case", CASES)
def test_stubs_parse_and_follow_the_file(ws, case):
    original = CASES[case]
    (ws / "app/impl.py").write_bytes(original)
    proc = cli(ws, "--check", "--fix", "--unsafe-fixes", "app/impl.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fixed = (ws / "app/impl.py").read_bytes()
    tree = ast.parse(fixed)  # it parses
    cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    names = [n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert {"run", "stop"} <= set(names)
    text = fixed.decode()
    if b"\r\n" in original:
        assert text.count("\n") == text.count("\r\n")  # every new line ends as the file's do
    else:
        assert "\r" not in text
    if b"\t" in original:  # tab-indented: the stubs too
        stub_lines = [line for line in text.split("\n") if "def run" in line or "raise NotImplementedError" in line]
        assert stub_lines and all(line.startswith("\t") and " " not in line[: len(line) - len(line.lstrip())] for line in stub_lines)
    assert original.rstrip(b"\r\n").split(b"class")[0] in fixed  # nothing before the class moved
    proc = cli(ws, "--check", "app/impl.py")
    assert proc.returncode == 0, proc.stdout  # the fixed class conforms


def test_no_fix_is_offered_when_the_stubs_would_not_parse(ws):
    # a body joined to its header by a backslash: any stub indentation is an error there
    (ws / "app/impl.py").write_text("from app.lib import P\nclass Joined(P):\\\n pass\n")
    proc = cli(ws, "--check", "--format", "json", "app/impl.py")
    findings = json.loads(proc.stdout)
    assert [f["code"] for f in findings] == ["CL101"]
    assert findings[0]["fix"] is None
