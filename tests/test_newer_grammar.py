"""Code written for Python 3.12+ is still checked by a 3.11 CLI (libcst fallback)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from contract_lsp.newer_grammar import parse_newer
from workspace_helpers import write_workspace

NEWER = '''from app.context import UserExecutionContext
name = f"{d["k"]}"; UserExecutionContext(user_id=1, run_id=2, connection_id=3)
msg = f"""total:
{", ".join(xs)}
"""
class Box[T]:
    def get[U](self, x: U) -> T: ...
type Pair = tuple[int, int]
line = f"{'\\n'.join(a)}é" + str(UserExecutionContext(user_id=1, run_id=2, connection_id=3))
'''


def test_311_rejects_it_and_the_fallback_keeps_positions():
    with pytest.raises(SyntaxError):
        ast.parse(NEWER)
    parsed = parse_newer(NEWER, "x.py")
    assert parsed is not None
    tree, rewritten = parsed
    calls = sorted((n.lineno, n.col_offset) for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "UserExecutionContext")
    expected = []
    for number, line in enumerate(rewritten.split("\n"), 1):
        original = NEWER.split("\n")[number - 1]
        assert len(line) == len(original)  # same code-point length on every line
        if "UserExecutionContext(" in original and not original.startswith("from"):
            expected.append((number, len(line[: line.index("UserExecutionContext(")].encode())))
    assert calls == expected


def test_real_syntax_errors_and_timeouts_give_none():
    assert parse_newer("def (:\n", "x.py") is None
    assert parse_newer("x = " + "+".join(["a"] * 20000) + "\n", "x.py", timeout=0.01) is None


def test_cli_checks_newer_grammar_files(tmp_path):
    ws = write_workspace(tmp_path, {
        "contracts/c.yaml": """
            version: 1
            contracts:
              - name: UserExecutionContext
                kind: callable
                target: app.context.UserExecutionContext
                parameters:
                  - {name: user_id, required: true}
                  - {name: run_id, required: true}
                  - {name: websocket_client_id, removed_names: [connection_id]}
        """,
        "app/__init__.py": "",
        "app/context.py": "class UserExecutionContext:\n    def __init__(self, user_id, run_id, websocket_client_id=None):\n        pass\n",
    })
    (ws / "app/newer.py").write_text(NEWER, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "contract_lsp", "--check", "--format", "json"], cwd=ws, capture_output=True, text=True, timeout=120)
    data = json.loads(proc.stdout)
    lines = NEWER.split("\n")
    assert [(d["line"], d["column"], d["code"]) for d in data] == [
        (2, lines[1].index("connection_id") + 1, "CL003"),
        (9, lines[8].index("connection_id") + 1, "CL003"),
    ]
    assert "newer.py" not in proc.stderr
