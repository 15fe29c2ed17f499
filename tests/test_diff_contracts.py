"""``contract-lsp --diff-contracts REV`` on a real git history made in the test (issue 5):
each change of the registry between a revision and the working tree, breaking or
compatible, with the call sites and implementations it reaches; exit 1 when breaking."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from workspace_helpers import cli, write_workspace

CODE = {
    "app/__init__.py": "from .context import UserExecutionContext\n",
    "app/context.py": """
        class UserExecutionContext:
            def __init__(self, user_id, run_id, thread_id=None, websocket_client_id=None, client_id=None, request_id=None, **extra):
                self.user_id = user_id
    """,
    "app/factory.py": """
        from app.context import UserExecutionContext


        def create_context(user_id, request_id=None):
            return UserExecutionContext(user_id, "run", thread_id="t", request_id=request_id)
    """,
    "app/handlers.py": """
        from app import UserExecutionContext as Ctx


        def on_message(msg):
            return Ctx(user_id=msg.user, run_id=msg.run, websocket_connection_id=msg.conn)


        def on_resume(msg):
            return Ctx(msg.user, msg.run, msg.thread, connection_id=msg.conn)


        def on_start(msg):
            return Ctx(msg.user, msg.run, thread_id=msg.thread)
    """,
    "app/ws.py": """
        from typing import Protocol


        class WebSocketManager(Protocol):
            async def send_to_user(self, user_id, message): ...
            def get_user_connections(self, user_id): ...
            async def close(self): ...


        class UnifiedManager(WebSocketManager):
            async def send_to_user(self, user_id, message):
                pass

            async def get_user_connections(self, user_id):
                return set()

            async def close(self):
                pass


        class IsolatedManager(WebSocketManager):
            async def send_to_user(self, user_id, message, priority=0):
                pass

            def get_user_connections(self, user_id):
                return set()
    """,
}

V1 = """
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    parameters:
      - {name: user_id, required: true, type: str}
      - {name: run_id, required: true}
      - {name: thread_id}
      - {name: websocket_connection_id}
      - {name: connection_id}
      - {name: legacy_flag}
    var_keyword: true
  - name: create_context
    kind: callable
    target: app.factory.create_context
    parameters:
      - {name: user_id, required: true}
      - {name: request_id}
  - name: WebSocketManager
    kind: protocol
    target: app.ws.WebSocketManager
    methods:
      - {name: send_to_user, async: true, parameters: [user_id, message]}
      - {name: get_user_connections, parameters: [user_id]}
      - {name: remove_connection, async: true, parameters: [connection_id]}
"""

V2 = """
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    parameters:
      - {name: user_id, required: true, type: str, doc: The authenticated user.}
      - {name: run_id, required: true}
      - {name: thread_id, required: true}
      - {name: websocket_client_id, deprecated_names: [websocket_connection_id]}
      - {name: client_id, removed_names: [connection_id]}
      - {name: request_id}
  - name: make_context
    kind: callable
    target: app.factory.create_context
    parameters:
      - {name: request_id}
      - {name: user_id, required: true}
  - name: WebSocketManager
    kind: protocol
    target: app.ws.WebSocketManager
    methods:
      - {name: send_to_user, async: true, parameters: [user_id, message, priority]}
      - {name: get_user_connections, async: true, parameters: [user_id]}
      - {name: close, async: true}
"""




def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=dev@example.invalid", "-c", "user.name=dev", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose first commit has the code and the v1 registry, with the v2
    registry in the working tree."""
    ws = write_workspace(tmp_path, {**CODE, "contracts/service.yaml": V1})
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "v1")
    (ws / "contracts" / "service.yaml").write_text(V2.lstrip())
    return ws


def test_text_report_classifies_every_change_and_exits_1(repo):
    proc = cli(repo, "--diff-contracts", "HEAD")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "compatible: UserExecutionContext: doc of 'user_id' changed",
        "breaking: UserExecutionContext: parameter 'thread_id' became required (callers not passing it get CL004)",
        "    app/handlers.py:5:12: Ctx: CL004",
        "compatible: UserExecutionContext: parameter 'websocket_connection_id' renamed to 'websocket_client_id'; the old name is still accepted (deprecated)",
        "    callers get CL002 (a warning) with a safe fix renaming 'websocket_connection_id' to 'websocket_client_id'",
        "    app/handlers.py:5:12: Ctx: CL002",
        "breaking (migratable): UserExecutionContext: parameter 'connection_id' renamed to 'client_id'; the old name is no longer accepted",
        "    callers get CL003 with a safe fix: contract-lsp --check --fix renames 'connection_id' to 'client_id'",
        "    app/handlers.py:9:12: Ctx: CL003",
        "breaking: UserExecutionContext: parameter 'legacy_flag' removed (no old name kept)",
        "compatible: UserExecutionContext: new optional parameter 'request_id'",
        "breaking: UserExecutionContext: no longer accepts **kwargs (unknown keywords get CL001)",
        "compatible: make_context: contract renamed from create_context",
        "breaking: make_context: positional order changed: 'user_id' from position 1 to 2, 'request_id' from position 2 to 1 (positional callers' arguments land in other parameters)",
        "breaking: WebSocketManager: method 'send_to_user': new parameter 'priority'; implementations must accept it (CL103)",
        "breaking: WebSocketManager: method 'send_to_user': 1 implementation no longer accepts its parameters (CL103)",
        "    app/ws.py:10:7: UnifiedManager: send_to_user: 'priority' is missing",
        "breaking: WebSocketManager: method 'get_user_connections' is now async",
        "    app/ws.py:21:7: IsolatedManager: get_user_connections is still sync",
        "breaking: WebSocketManager: method 'close' added",
        "    app/ws.py:21:7: IsolatedManager: lacks it",
        "compatible: WebSocketManager: method 'remove_connection' no longer required",
        "9 breaking (1 migratable with --fix), 5 compatible since HEAD.",
    ], proc.stdout


def test_json_report_and_a_committed_history(repo):
    proc = cli(repo, "--diff-contracts", "HEAD", "--format", "json")
    assert proc.returncode == 1
    changes = json.loads(proc.stdout)
    assert set(changes[0]) == {"contract", "breaking", "migratable", "message", "details", "affected"}
    added = next(c for c in changes if c["message"] == "method 'close' added")
    assert added["breaking"] and added["affected"] == [
        {"path": "app/ws.py", "line": 21, "column": 7, "name": "IsolatedManager", "problem": "lacks it"}
    ]
    migratable = [c["message"] for c in changes if c["migratable"]]
    assert migratable == ["parameter 'connection_id' renamed to 'client_id'; the old name is no longer accepted"]

    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "v2")
    same = cli(repo, "--diff-contracts", "HEAD")
    assert same.returncode == 0 and same.stdout == "0 breaking, 0 compatible since HEAD.\n"
    history = cli(repo, "--diff-contracts", "HEAD~1", "--format", "json")
    assert history.returncode == 1 and json.loads(history.stdout) == changes


def test_compatible_changes_only_exit_0(tmp_path):
    ws = write_workspace(tmp_path, {**CODE, "contracts/service.yaml": V1})
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "v1")
    text = V1.replace("      - {name: legacy_flag}\n", "      - {name: legacy_flag, type: bool, doc: Unused.}\n      - {name: trace, type: bool}\n")
    (ws / "contracts" / "service.yaml").write_text(text)
    (ws / "contracts" / "extra.yaml").write_text("version: 1\ncontracts:\n  - {name: helper, kind: callable, target: app.factory.create_context}\n")
    proc = cli(ws, "--diff-contracts", "HEAD")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [
        "compatible: UserExecutionContext: type of 'legacy_flag' changed from (unset) to bool",
        "compatible: UserExecutionContext: doc of 'legacy_flag' changed",
        "compatible: UserExecutionContext: new optional parameter 'trace'",
        "compatible: helper: contract added",
        "0 breaking, 4 compatible since HEAD.",
    ]


def test_migratable_change_is_fixed_by_check_fix(repo):
    """What the report promises: callers of a name kept in removed_names get CL003 with a
    safe fix, and --fix applies it."""
    before = cli(repo, "--check", "--select", "CL003")
    assert before.returncode == 1 and "app/handlers.py:9:47: CL003" in before.stdout, before.stdout
    fixed = cli(repo, "--check", "--fix", "--select", "CL003")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "client_id=msg.conn" in (repo / "app" / "handlers.py").read_text()


def test_discovered_protocols_are_not_registry_changes(repo):
    (repo / "pyproject.toml").write_text('[tool.contract-lsp]\ndiscover = ["protocols"]\n')
    proc = cli(repo, "--diff-contracts", "HEAD")
    assert proc.returncode == 1
    assert "contract added" not in proc.stdout  # app.ws.WebSocketManager is discovered, but has YAML


def test_git_problems_are_usage_errors(repo, tmp_path_factory):
    proc = cli(repo, "--diff-contracts", "no-such-rev")
    assert proc.returncode == 2 and "--diff-contracts no-such-rev" in proc.stderr and proc.stdout == ""
    plain = write_workspace(tmp_path_factory.mktemp("plain"), {**CODE, "contracts/service.yaml": V1})
    proc = cli(plain, "--diff-contracts", "HEAD")
    assert proc.returncode == 2 and "not a git repository" in proc.stderr.lower()
    proc = cli(repo, "--diff-contracts", "HEAD", "--format", "sarif")
    assert proc.returncode == 2 and "text or json" in proc.stderr


def test_invalid_old_registry_is_reported_with_its_revision(repo):
    (repo / "contracts" / "service.yaml").write_text("version: 1\ncontracts:\n  - {name: x, kind: callable}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "broken")
    (repo / "contracts" / "service.yaml").write_text(V2.lstrip())
    proc = cli(repo, "--diff-contracts", "HEAD")
    assert proc.returncode == 2
    assert proc.stderr.startswith("HEAD:contracts/service.yaml:3:5: CL900"), proc.stderr
