"""The real ``contract-lsp --check`` in a subprocess, on real files (SPEC §4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workspace_helpers import cli, write_workspace

CONTRACTS = """
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    parameters:
      - {name: user_id, required: true}
      - {name: run_id, required: true}
      - name: websocket_client_id
        deprecated_names: [websocket_connection_id]
        removed_names: [connection_id]
  - name: Ghost
    kind: callable
    target: app.ghost.Ghost
"""

FILES = {
    "contracts/app.yaml": CONTRACTS,
    "app/__init__.py": "",
    "app/context.py": """
        class UserExecutionContext:
            def __init__(self, user_id, run_id, websocket_client_id=None):
                self.user_id = user_id
    """,
    "app/handler.py": """
        from app.context import UserExecutionContext

        def handle(msg):
            a = UserExecutionContext(msg.user, msg.run, websocket_connection_id=msg.conn)
            b = UserExecutionContext(user_id=msg.user, run_id=msg.run, connection_id=msg.conn)
            c = UserExecutionContext(user_idd=msg.user, run_id=msg.run)
            return a, b, c
    """,
    "app/clean.py": """
        from app.context import UserExecutionContext

        ctx = UserExecutionContext("u", "r", websocket_client_id="c")
    """,
}




@pytest.fixture
def ws(tmp_path):
    return write_workspace(tmp_path, FILES)


def test_text_output_relative_paths_and_exit_1(ws):
    proc = cli(ws, "--check")
    assert proc.returncode == 1, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("app/")]
    assert lines[0].startswith("app/handler.py:4:49: CL002 ")
    assert any(line.startswith("app/handler.py:5:64: CL003 ") for line in lines)
    assert any(line.startswith("app/handler.py:6:30: CL001 ") for line in lines)
    assert any(line.startswith("app/handler.py:6:9: CL004 ") for line in lines)
    assert not any("clean.py" in line for line in lines)


def test_json_output_is_one_based_with_fixes(ws):
    proc = cli(ws, "--check", "--format", "json")
    data = json.loads(proc.stdout)
    cl003 = next(d for d in data if d["code"] == "CL003")
    assert (cl003["path"], cl003["line"], cl003["column"], cl003["end_column"]) == ("app/handler.py", 5, 64, 77)
    assert cl003["contract"] == "UserExecutionContext"
    assert cl003["fix"]["safe"] is True
    assert cl003["fix"]["edits"] == [{"line": 5, "column": 64, "end_line": 5, "end_column": 77, "new_text": "websocket_client_id"}]


def test_clean_file_exits_0(ws):
    proc = cli(ws, "--check", "app/clean.py")
    assert (proc.returncode, proc.stdout.strip()) == (0, "All checks passed!")  # SPEC §4, as ruff


def test_fix_applies_safe_fixes_only_and_reports_the_rest(ws):
    proc = cli(ws, "--check", "--fix")
    text = (ws / "app/handler.py").read_text()
    assert "websocket_connection_id" not in text and "connection_id=msg.conn" not in text
    assert "user_idd=" in text  # CL001's rename is unsafe
    assert proc.returncode == 1
    assert "CL001" in proc.stdout and "CL002" not in proc.stdout and "CL003" not in proc.stdout
    proc = cli(ws, "--check", "--fix", "--unsafe-fixes")
    assert "user_idd=" not in (ws / "app/handler.py").read_text()
    assert proc.returncode == 0, proc.stdout


def test_diff_prints_and_changes_nothing(ws):
    before = (ws / "app/handler.py").read_text()
    proc = cli(ws, "--check", "--diff")
    assert proc.returncode == 1
    assert "-    a = UserExecutionContext(msg.user, msg.run, websocket_connection_id=msg.conn)" in proc.stdout
    assert "+    a = UserExecutionContext(msg.user, msg.run, websocket_client_id=msg.conn)" in proc.stdout
    assert (ws / "app/handler.py").read_text() == before


def test_select_ignore_statistics_exit_zero(ws):
    proc = cli(ws, "--check", "--select", "CL00", "--ignore", "CL001,CL004", "--statistics")
    assert proc.returncode == 1
    rows = [r.split() for r in proc.stdout.strip().splitlines()]
    assert sorted(r[1] for r in rows) == ["CL002", "CL003"]
    assert cli(ws, "--check", "--exit-zero").returncode == 0


def test_strict_reports_missing_targets_in_the_contract_file(ws):
    assert "CL202" not in cli(ws, "--check").stdout
    proc = cli(ws, "--check", "--strict")
    assert "contracts/app.yaml:14:13: CL202" in proc.stdout


def test_broken_contract_file_is_exit_2_with_its_line(ws):
    (ws / "contracts/app.yaml").write_text("version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a.b\n    paramters: []\n")
    proc = cli(ws, "--check")
    assert proc.returncode == 2
    assert "contracts/app.yaml:6:" in proc.stderr and "CL900" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_path_is_exit_2_and_named(ws):
    proc = cli(ws, "--check", "nope/")
    assert proc.returncode == 2 and "nope" in proc.stderr


def test_bad_files_are_named_and_skipped_without_changing_exit(ws):
    # a mention the triage cannot prove harmless (an unknown keyword): parsed, so named
    (ws / "app/syntax.py").write_text("from app.context import UserExecutionContext\nUserExecutionContext(nope=1)\ndef (:\n")
    # only harmless mentions (an import, a value): neither parsed nor named (SPEC §4)
    (ws / "app/harmless.py").write_text("from app.context import UserExecutionContext\nx = UserExecutionContext\ndef (:\n")
    (ws / "app/latin1.py").write_bytes(b"# UserExecutionContext\nx = '\xe9'\n")
    (ws / "app/binary.py").write_bytes(b"UserExecutionContext\x00\x01\x02")
    # a 100,000-term expression on a line that mentions the contract: it must be analysed
    (ws / "app/deep.py").write_text("from app.context import UserExecutionContext\nx = UserExecutionContext(nope=1) + " + "+".join(["a"] * 100_000) + "\n")
    proc = cli(ws, "--check", "app/syntax.py", "app/harmless.py", "app/latin1.py", "app/binary.py", "app/deep.py", "app/clean.py")
    assert "harmless.py" not in proc.stderr
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    for name in ("syntax.py", "latin1.py", "binary.py", "deep.py"):
        assert f"app/{name}" in proc.stderr, proc.stderr
    proc = cli(ws, "--check")
    assert proc.returncode == 1 and "CL003" in proc.stdout  # the rest is still checked


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab", "junit"])
def test_other_formats_render(ws, fmt):
    proc = cli(ws, "--check", "--format", fmt)
    assert proc.returncode == 1
    assert "CL003" in proc.stdout


def test_version():
    proc = cli(Path.cwd(), "--version")
    assert proc.returncode == 0 and proc.stdout.startswith("contract-lsp ")


# Sender <- Base <- Mid <- Leaf, one module each: each file names only the class above it.
CHAIN = {
    "contracts/p.yaml": """
        version: 1
        contracts:
          - name: Sender
            kind: protocol
            target: pkg.proto.Sender
            methods:
              - {name: send, async: true, parameters: [data]}
              - {name: close}
    """,
    "pkg/__init__.py": "",
    "pkg/proto.py": """
        from typing import Protocol

        class Sender(Protocol):
            async def send(self, data): ...
            def close(self): ...
    """,
    "pkg/base.py": """
        from pkg.proto import Sender

        class Base(Sender):
            async def send(self, data):
                return data
    """,
    "pkg/mid.py": """
        from pkg.base import Base

        class Mid(Base):
            def close(self):
                pass
    """,
    "pkg/leaf.py": """
        from pkg.mid import Mid

        class Leaf(Mid):
            def send(self, data):
                return data
    """,
}


def test_implementations_through_a_chain_of_files_are_checked(tmp_path):
    """``leaf.py`` names neither the protocol nor its contract, only ``Mid``, which names only
    ``Base``: the check must learn ``Base`` then ``Mid`` are implementations to reach it."""
    write_workspace(tmp_path, CHAIN)
    proc = cli(tmp_path, "--check", "--format", "json")
    findings = json.loads(proc.stdout)
    assert proc.returncode == 1, proc.stderr
    assert sorted((Path(f["path"]).name, f["code"]) for f in findings) == [("base.py", "CL101"), ("leaf.py", "CL102")]
    # checking one file alone reaches the same answer through the rest of the workspace
    alone = json.loads(cli(tmp_path, "--check", "pkg/leaf.py", "--format", "json").stdout)
    assert [(Path(f["path"]).name, f["code"]) for f in alone] == [("leaf.py", "CL102")]


def test_a_file_naming_only_an_alias_made_elsewhere_is_checked(tmp_path):
    """``use.py`` never names the contract: ``Ctx`` is an import alias made in another module
    (the prefilter learns it from that module's bytes)."""
    write_workspace(tmp_path, {
        **FILES,
        "app/aliases.py": "from app.context import (\n    UserExecutionContext as Ctx,\n)\n",
        "app/use.py": "from app.aliases import Ctx\n\nCtx('u', 'r', connection_id=1)\n",
    })
    proc = cli(tmp_path, "--check", "app/use.py", "--format", "json")
    assert [(f["line"], f["code"]) for f in json.loads(proc.stdout)] == [(3, "CL003")], proc.stderr


def test_a_chain_through_a_module_outside_the_checked_files(tmp_path):
    """Checking ``base.py`` and ``leaf.py`` only: ``Leaf`` reaches the protocol through
    ``Mid``, defined in ``mid.py``, which this run does not check but must still follow."""
    write_workspace(tmp_path, CHAIN)
    proc = cli(tmp_path, "--check", "pkg/base.py", "pkg/leaf.py", "--format", "json")
    findings = json.loads(proc.stdout)
    assert sorted((Path(f["path"]).name, f["code"]) for f in findings) == [("base.py", "CL101"), ("leaf.py", "CL102")], proc.stderr


def test_files_that_only_use_an_implementation_are_not_parsed(tmp_path):
    """``Base`` implements the protocol (found while checking): a file that subclasses it is
    parsed (here: named as skipped for its syntax error), one that only calls it is not."""
    write_workspace(tmp_path, {
        **CHAIN,
        "pkg/user.py": "from pkg.base import Base\nb = Base()\ndef broken(:\n",
        "pkg/sub.py": "from pkg.base import Base\nclass Sub(Base):\n    pass\ndef broken(:\n",
    })
    proc = cli(tmp_path, "--check", "--format", "json")
    assert "sub.py: skipped: syntax error" in proc.stderr
    assert "user.py" not in proc.stderr
