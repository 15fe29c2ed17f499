"""CL101–CL103 (SPEC §3.2) and CL201–CL202 (SPEC §3.3) on real sources."""

from __future__ import annotations

import ast

import pytest

from contract_lsp.fixes import apply_edits
from contract_lsp.project import open_project
from contract_lsp.rules.drift import missing_targets
from workspace_helpers import check_workspace, codes_at, line_of, write_workspace

#: every rule test runs with the fast paths on and off (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("fast_path")

CONTRACTS = """
version: 1
contracts:
  - name: WebSocketManagerProtocol
    kind: protocol
    target: app.ws.protocols.WebSocketManagerProtocol
    implementations:
      - app.ws.unified.UnifiedWebSocketManager
    methods:
      - name: get_connection_id_by_websocket
        parameters: [websocket]
        returns: Optional[str]
      - name: update_connection_thread
        parameters: [connection_id, thread_id]
        returns: bool
      - name: send_to_user
        async: true
        parameters:
          - {name: user_id, type: str, required: true}
          - {name: message, type: "Dict[str, Any]", required: true}
"""

FILES = {
    "contracts/ws.yaml": CONTRACTS,
    "app/__init__.py": "",
    "app/ws/__init__.py": "",
    "app/ws/protocols.py": """
        from typing import Any, Dict, Optional, Protocol

        class WebSocketManagerProtocol(Protocol):
            def get_connection_id_by_websocket(self, websocket) -> Optional[str]: ...
            def update_connection_thread(self, connection_id: str, thread_id: str) -> bool: ...
            async def send_to_user(self, user_id: str, message: Dict[str, Any]) -> None: ...
    """,
    "app/ws/unified.py": """
        class UnifiedWebSocketManager:
            \"\"\"Listed in implementations without subclassing.\"\"\"

            async def send_to_user(self, user_id, message):
                return None
    """,
    "app/ws/isolated.py": """
        from app.ws.protocols import WebSocketManagerProtocol as Proto

        class _Base:
            def get_connection_id_by_websocket(self, websocket):
                return None

        class IsolatedWebSocketManager(_Base, Proto):
            def update_connection_thread(self, connection_id, thread_id):
                return True

            def send_to_user(self, user_id, message):
                return None

        class Renamed(_Base, Proto):
            def update_connection_thread(self, conn, thread_id, extra):
                return True

            async def send_to_user(self, user_id, message):
                return None

        class Child(IsolatedWebSocketManager):
            pass
    """,
}


@pytest.fixture
def workspace(tmp_path):
    return write_workspace(tmp_path, FILES)


def test_missing_methods_reported_once_at_class_name_with_stub_fix(workspace):
    findings = check_workspace(workspace)["app/ws/unified.py"]
    (finding,) = findings
    assert codes_at(findings) == [(1, 7, "CL101")]
    assert "'get_connection_id_by_websocket', 'update_connection_thread'" in finding.message
    assert finding.fix is not None and not finding.fix.safe
    path = workspace / "app/ws/unified.py"
    fixed = apply_edits(path.read_text(), list(finding.fix.edits))
    tree = ast.parse(fixed)  # the stubs are valid Python
    cls = tree.body[0]
    names = [n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert names == ["send_to_user", "get_connection_id_by_websocket", "update_connection_thread"]
    assert "raise NotImplementedError" in fixed
    path.write_text(fixed)
    assert check_workspace(workspace)["app/ws/unified.py"] == []


def test_subclass_through_alias_with_inherited_method_async_mismatch(workspace):
    findings = check_workspace(workspace)["app/ws/isolated.py"]
    line = line_of(workspace, "app/ws/isolated.py", "def send_to_user")
    cl102 = [f for f in findings if f.code == "CL102"]
    assert [(f.range.start.line + 1) for f in cl102] == [line]
    assert "is sync but WebSocketManagerProtocol declares it async" in cl102[0].message
    fixed = apply_edits((workspace / "app/ws/isolated.py").read_text(), list(cl102[0].fix.edits))
    assert "    async def send_to_user(self, user_id, message):" in fixed


def test_parameter_incompatibility_is_cl103(workspace):
    findings = check_workspace(workspace)["app/ws/isolated.py"]
    cl103 = [f for f in findings if f.code == "CL103"]
    assert len(cl103) == 1
    assert cl103[0].range.start.line + 1 == line_of(workspace, "app/ws/isolated.py", "conn, thread_id, extra")
    assert "'connection_id' is named 'conn'" in cl103[0].message
    assert "extra required parameter 'extra'" in cl103[0].message


def test_no_cl101_for_classes_that_inherit_everything(workspace):
    findings = check_workspace(workspace)["app/ws/isolated.py"]
    assert not [f for f in findings if f.code == "CL101"]


def test_protocol_definition_itself_is_not_an_implementation(workspace):
    assert check_workspace(workspace)["app/ws/protocols.py"] == []


def test_unknown_external_base_suppresses_cl101(workspace):
    (workspace / "app/ws/ext.py").write_text(
        "from somelib import Base\nfrom app.ws.protocols import WebSocketManagerProtocol\n"
        "class M(Base, WebSocketManagerProtocol):\n    pass\n"
    )
    assert check_workspace(workspace, only="app/ws/ext.py")["app/ws/ext.py"] == []


def test_drift_and_missing_targets(tmp_path):
    ws = write_workspace(
        tmp_path,
        {
            "contracts/c.yaml": """
                version: 1
                contracts:
                  - name: make
                    kind: callable
                    target: app.make
                    parameters:
                      - {name: user_id, required: true}
                      - {name: gone}
                  - name: Ghost
                    kind: callable
                    target: app.nowhere.Ghost
            """,
            "app/__init__.py": "def make(user_id, token):\n    return user_id\n",
        },
    )
    findings = check_workspace(ws)["app/__init__.py"]
    (finding,) = findings
    assert codes_at(findings) == [(1, 5, "CL201")]
    assert "lacks parameter 'gone'" in finding.message and "requires 'token'" in finding.message
    project = open_project(ws, [str(p) for p in ws.rglob("*.py")])
    missing = missing_targets(project.table)
    assert [(f.code, f.range.start.line + 1) for f in missing] == [("CL202", 11)]
    assert missing[0].path.endswith("c.yaml")


def test_dunder_methods_are_matched_by_position_not_name(tmp_path):
    ws = write_workspace(
        tmp_path,
        {
            "contracts/c.yaml": """
                version: 1
                contracts:
                  - name: Store
                    kind: protocol
                    target: app.Store
                    methods:
                      - {name: __setitem__, parameters: [key, value]}
                      - {name: get, parameters: [key]}
            """,
            "app/__init__.py": """
                class Store:
                    def __setitem__(self, key, value): ...
                    def get(self, key): ...

                class Mem(Store):
                    def __setitem__(self, k, item):
                        pass

                    def get(self, k):
                        pass

                class Short(Store):
                    def __setitem__(self, k):
                        pass
            """,
        },
    )
    findings = check_workspace(ws)["app/__init__.py"]
    assert [(f.range.start.line + 1, f.code) for f in findings] == [(9, "CL103"), (12, "CL101"), (13, "CL103")]
    assert "'key' is named 'k'" in findings[0].message
    assert "no positional parameter for 'value'" in findings[2].message


def test_classes_marked_abstract_are_bases_not_implementations(workspace):
    """An intermediate class its author marked abstract (``ABC`` in its own bases, or an
    abstract method of its own) is not reported; its concrete subclass is."""
    (workspace / "app/ws/layers.py").write_text(
        "import abc\n"
        "from abc import ABC\n"
        "from app.ws.protocols import WebSocketManagerProtocol\n"
        "class BaseManager(WebSocketManagerProtocol, ABC):\n"
        "    def get_connection_id_by_websocket(self, websocket):\n        return None\n"
        "class WithHook(WebSocketManagerProtocol):\n"
        "    @abc.abstractmethod\n    def hook(self): ...\n"
        "class Concrete(BaseManager):\n"
        "    def update_connection_thread(self, connection_id, thread_id):\n        return True\n"
    )
    findings = check_workspace(workspace, only="app/ws/layers.py")["app/ws/layers.py"]
    assert [(f.code, f.message.split(" ")[0]) for f in findings] == [("CL101", "Concrete")]
    assert "'send_to_user'" in findings[0].message and "get_connection_id" not in findings[0].message


def test_a_protocol_target_whose_methods_drifted_is_cl201(tmp_path):
    """The protocol class itself disagrees with its contract: a method's parameter renamed,
    one sync where the contract says async, one gone. Reported once, at the class."""
    root = write_workspace(tmp_path, {
        "contracts/p.yaml": """
            version: 1
            contracts:
              - name: Store
                kind: protocol
                target: app.p.Store
                methods:
                  - {name: get, parameters: [key]}
                  - {name: put, async: true, parameters: [key, value]}
                  - {name: drop, parameters: [key]}
                  - {name: size}
        """,
        "app/__init__.py": "",
        "app/p.py": """
            from typing import Protocol

            class Store(Protocol):
                def get(self, name): ...
                def put(self, key, value): ...
                def size(self) -> int: ...
        """,
    })
    (finding,) = check_workspace(root)["app/p.py"]
    assert codes_at([finding]) == [(3, 7, "CL201")]
    assert finding.message == (
        "Store disagrees with its contract Store: 'get': 'key' is named 'name'; "
        "'put' is sync where the contract says async; lacks method 'drop'"
    )


def test_cl103_positions_count_and_positional_only_names_do_not(tmp_path):
    """Callers may pass a contract's parameters by position: an implementation that swaps
    them is CL103. A positional-only parameter has no name callers can use: any will do."""
    root = write_workspace(tmp_path, {
        "contracts/p.yaml": """
            version: 1
            contracts:
              - name: Pair
                kind: protocol
                target: app.p.Pair
                methods:
                  - {name: two, parameters: [a, b]}
                  - name: one
                    parameters: [{name: x, kind: positional_only}, {name: y}]
        """,
        "app/__init__.py": "",
        "app/p.py": """
            class Pair:
                def two(self, a, b): ...
                def one(self, x, /, y): ...

            class Swapped(Pair):
                def two(self, b, a): ...
                def one(self, z, /, y): ...
        """,
    })
    findings = check_workspace(root)["app/p.py"]
    assert [(f.range.start.line + 1, f.code, f.message) for f in findings] == [
        (6, "CL103", "Swapped.two cannot accept the parameters of Pair.two: 'a' is at position 2 where the contract has it at 1; 'b' is at position 1 where the contract has it at 2"),
    ]
