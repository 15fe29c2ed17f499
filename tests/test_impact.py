"""``contract-lsp --impact NAME`` and :func:`find_impact` (issue 5): every call site and
implementation of a contract, found as the rules find them (re-exports, import aliases,
module attributes, calls inside the class, nested calls, listed and indirect
implementations), each valid or not as ``--check`` says (``# noqa`` honoured)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from workspace_helpers import cli, write_workspace

from contract_lsp.evolution.impact import find_impact
from contract_lsp.project import open_project

#: every rule test runs with the fast paths on and off (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("fast_path")

CONTRACTS = """
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    parameters:
      - {name: user_id, required: true}
      - {name: run_id, required: true}
      - {name: websocket_client_id, deprecated_names: [websocket_connection_id]}
  - name: Notifier
    kind: protocol
    target: app.notify.Notifier
    implementations: [app.legacy.LegacyNotifier]
    methods:
      - {name: notify, async: true, parameters: [user_id, message]}
      - {name: close}
"""

FILES = {
    "contracts/app.yaml": CONTRACTS,
    "app/__init__.py": "from .context import UserExecutionContext\n",
    "app/context.py": """
        class UserExecutionContext:
            def __init__(self, user_id, run_id, websocket_client_id=None):
                self.user_id = user_id

            def child(self, run_id):
                return UserExecutionContext(user_id=self.user_id, run_id=run_id)
    """,
    "app/handlers.py": """
        from app import UserExecutionContext as Ctx
        import app.context


        def a(m):
            café = Ctx(m.u, m.r)
            return café


        def b(m):
            return app.context.UserExecutionContext(user_id=m.u, run_id=m.r, websocket_connection_id=m.c)


        def c(m):
            return Ctx(user_id=m.u)  # noqa: CL004


        def d(m):
            return print(Ctx(m.u, m.r), Ctx(user_id=m.u, run_idd=m.r))


        def e(m):
            return Ctx(Ctx(m.u, m.r).user_id, run=1)
    """,
    "app/other.py": """
        class UserExecutionContext:
            pass


        x = UserExecutionContext(1, 2, 3)
    """,
    "app/notify.py": """
        from typing import Protocol


        class Notifier(Protocol):
            async def notify(self, user_id, message): ...
            def close(self): ...


        class BaseNotifier(Notifier):
            def close(self):
                pass


        class EmailNotifier(BaseNotifier):
            async def notify(self, user_id, message):
                pass


        class SmsNotifier(Notifier):
            def notify(self, user_id, message):
                pass
    """,
    "app/legacy.py": """
        class LegacyNotifier:
            async def notify(self, user_id, message):
                pass

            def close(self):
                pass
    """,
    "app/sub/__init__.py": "",
    "app/sub/deep.py": """
        from app.notify import BaseNotifier


        class PushNotifier(BaseNotifier):
            pass
    """,
}




@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return write_workspace(tmp_path, FILES)


def test_call_sites_in_text(ws):
    proc = cli(ws, "--impact", "UserExecutionContext")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "app/context.py:6:16: call valid",
        "app/handlers.py:6:12: call valid",  # a column in characters: 'café' is 4
        "app/handlers.py:11:12: call invalid (CL002)",  # pkg.mod.Target(...)
        "app/handlers.py:15:12: call valid",  # its CL004 is suppressed by noqa
        "app/handlers.py:19:18: call valid",
        "app/handlers.py:19:33: call invalid (CL001, CL004)",
        "app/handlers.py:23:12: call invalid (CL001, CL004)",  # the outer call of a nested pair
        "app/handlers.py:23:16: call valid",  # the inner one keeps no finding of the outer
        "UserExecutionContext: 8 call sites, 0 implementations, 3 invalid.",
    ]  # app/other.py's own UserExecutionContext is not the contract's


def test_implementations_in_json(ws):
    proc = cli(ws, "--impact", "Notifier", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [
        {"path": "app/legacy.py", "line": 1, "column": 7, "kind": "implementation", "valid": True, "codes": []},
        {"path": "app/notify.py", "line": 9, "column": 7, "kind": "implementation", "valid": False, "codes": ["CL101"]},
        {"path": "app/notify.py", "line": 14, "column": 7, "kind": "implementation", "valid": True, "codes": []},
        {"path": "app/notify.py", "line": 19, "column": 7, "kind": "implementation", "valid": False, "codes": ["CL101", "CL102"]},
        # found through BaseNotifier: the file never names Notifier
        {"path": "app/sub/deep.py", "line": 4, "column": 7, "kind": "implementation", "valid": False, "codes": ["CL101"]},
    ]


def test_find_impact_api(ws):
    files = sorted(str(p) for p in ws.rglob("*.py"))
    project = open_project(ws, files)
    project.expand_words({p: Path(p).read_bytes() for p in files})
    sites = find_impact(project, "Notifier")
    by_class = {s.name: s for s in sites}
    assert set(by_class) == {
        "app.legacy.LegacyNotifier",
        "app.notify.BaseNotifier",
        "app.notify.EmailNotifier",
        "app.notify.SmsNotifier",
        "app.sub.deep.PushNotifier",
    }
    assert by_class["app.notify.SmsNotifier"].missing == ("close",)
    assert by_class["app.notify.BaseNotifier"].missing == ("notify",)
    assert by_class["app.notify.EmailNotifier"].missing == ()
    # a target's dotted path (through the re-export) names its contract too
    calls = find_impact(project, "app.UserExecutionContext", paths=[str(ws / "app" / "handlers.py")])
    first = calls[0]
    assert first.kind == "call" and first.name == "Ctx" and first.path == str(ws / "app" / "handlers.py")
    assert (first.range.start.line, first.range.start.character, first.range.end.character) == (5, 11, 14)
    invalid = next(s for s in calls if not s.valid)
    assert invalid.codes == ("CL002",) and "deprecated" in invalid.messages[0]
    with pytest.raises(KeyError):
        find_impact(project, "Nope")


def test_paths_restrict_the_search_and_unknown_names_are_usage_errors(ws):
    proc = cli(ws, "--impact", "UserExecutionContext", "app/context.py")
    assert proc.stdout.splitlines() == ["app/context.py:6:16: call valid", "UserExecutionContext: 1 call site, 0 implementations, 0 invalid."]
    proc = cli(ws, "--impact", "UserExecutionContxt")
    assert proc.returncode == 2 and "did you mean UserExecutionContext?" in proc.stderr and proc.stdout == ""


def test_open_document_text_is_used(ws):
    """The server's view: an unsaved edit (an overlay) changes the sites at once."""
    files = sorted(str(p) for p in ws.rglob("*.py"))
    project = open_project(ws, files)
    legacy = str(ws / "app" / "legacy.py")
    project.index.set_overlay(legacy, "class LegacyNotifier:\n    def close(self):\n        pass\n")
    site = next(s for s in find_impact(project, "Notifier") if s.path == legacy)
    assert not site.valid and site.codes == ("CL101",) and site.missing == ("notify",)
