"""contract_lsp.runtime on real objects (SPEC §7): the example service's managers, a
dataclass, an attrs model, callables without a signature, an app-state object, and the
method kinds a class can hold (properties, class and static methods, wrapped coroutines)."""

from __future__ import annotations

import abc
import dataclasses
import functools
import inspect
import sys
import textwrap
import types
from pathlib import Path
from typing import Protocol

import attrs
import pytest

from contract_lsp.runtime import (
    ContractViolation,
    UnknownContract,
    check_conformance,
    check_signature,
    is_unverifiable,
    load,
    require_conformance,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
HERE = Path(__file__).resolve()


def line_of(path: Path, needle: str) -> int:
    """0-based line of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def registry_from(tmp_path: Path, yaml_text: str):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "t"\n')
    (tmp_path / "contracts").mkdir(exist_ok=True)
    (tmp_path / "contracts" / "c.yaml").write_text(textwrap.dedent(yaml_text).lstrip())
    return load(tmp_path)


# -- the example service ------------------------------------------------------------------


@pytest.fixture
def example(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    return load(REPO)


def test_unified_manager_lists_its_missing_methods_once(example):
    from chat_service.ws.unified import UnifiedWebSocketManager

    findings = check_conformance(UnifiedWebSocketManager(), "WebSocketManagerProtocol", example)
    assert [f.code for f in findings] == ["CL101"]
    (finding,) = findings
    assert finding.message == (
        "UnifiedWebSocketManager does not implement 2 methods of WebSocketManagerProtocol: "
        "'get_connection_id_by_websocket', 'update_connection_thread'"
    )
    source = EXAMPLES / "chat_service" / "ws" / "unified.py"
    assert Path(finding.path) == source
    assert finding.range.start.line == line_of(source, "class UnifiedWebSocketManager")
    assert finding.range.start.character == len("class ")
    assert finding.severity == "error"
    assert finding.contract.name == "WebSocketManagerProtocol"
    assert finding.contract.path.endswith("websocket.yaml")


def test_isolated_manager_has_the_async_mismatch(example):
    from chat_service.ws.isolated import IsolatedWebSocketManager

    findings = check_conformance(IsolatedWebSocketManager("u1"), "WebSocketManagerProtocol", example)
    assert [f.code for f in findings] == ["CL102"]
    assert findings[0].message == "IsolatedWebSocketManager.update_connection_thread is async but WebSocketManagerProtocol declares it sync"
    source = EXAMPLES / "chat_service" / "ws" / "isolated.py"
    assert findings[0].range.start.line == line_of(source, "async def update_connection_thread")


def test_require_conformance_raises_listing_every_finding(example):
    from chat_service.ws.unified import UnifiedWebSocketManager

    with pytest.raises(ContractViolation) as caught:
        require_conformance(UnifiedWebSocketManager(), "WebSocketManagerProtocol", example)
    assert [f.code for f in caught.value.findings] == ["CL101"]
    text = str(caught.value)
    assert "WebSocketManagerProtocol: 1 finding" in text
    assert "unified.py:" in text and "'get_connection_id_by_websocket', 'update_connection_thread'" in text


def test_a_conforming_manager_passes_and_is_returned(example):
    from chat_service.ws.unified import UnifiedWebSocketManager

    class Complete(UnifiedWebSocketManager):
        def get_connection_id_by_websocket(self, websocket):
            return None

        def update_connection_thread(self, connection_id, thread_id):
            return True

    manager = Complete()
    assert check_conformance(manager, "WebSocketManagerProtocol", example) == []
    assert require_conformance(manager, "WebSocketManagerProtocol", example) is manager


def test_the_example_constructor_matches_its_contract(example):
    from chat_service.context import UserExecutionContext

    assert check_signature(UserExecutionContext, "UserExecutionContext", example) == []


def test_unknown_contract_names_the_closest(example):
    with pytest.raises(UnknownContract, match="WebSocketManagerProtocol"):
        check_conformance(object(), "WebsocketManagerProtocol", example)


# -- generated constructors: dataclass, attrs -----------------------------------------------

SETTINGS = """
version: 1
contracts:
  - name: Settings
    kind: callable
    target: app.Settings
    parameters:
      - {name: host, required: true}
      - {name: port}
"""


@dataclasses.dataclass
class GoodSettings:
    host: str
    port: int = 80


@dataclasses.dataclass
class DriftedSettings:
    host: str
    token: str  # required, the contract does not list it
    debug: bool = False


@attrs.define
class AttrsSettings:
    host: str
    port: int = 80


@attrs.define
class AttrsWithoutPort:
    host: str


def test_dataclass_generated_init(tmp_path):
    registry = registry_from(tmp_path, SETTINGS)
    assert check_signature(GoodSettings, "Settings", registry) == []
    (finding,) = check_signature(DriftedSettings, "Settings", registry)
    assert finding.code == "CL201"
    assert finding.message == "DriftedSettings disagrees with its contract Settings: lacks parameter 'port'; requires 'token', which the contract does not list"
    assert Path(finding.path) == HERE
    assert finding.range.start.line == line_of(HERE, "class DriftedSettings")


def test_attrs_generated_init(tmp_path):
    registry = registry_from(tmp_path, SETTINGS)
    assert check_signature(AttrsSettings, "Settings", registry) == []
    (finding,) = check_signature(AttrsWithoutPort, "Settings", registry)
    assert finding.message == "AttrsWithoutPort disagrees with its contract Settings: lacks parameter 'port'"
    assert finding.range.start.line == line_of(HERE, "class AttrsWithoutPort")


def test_dunder_signature_is_honoured(tmp_path):
    registry = registry_from(tmp_path, SETTINGS)

    def factory(*args, **kwargs):
        return None

    factory.__signature__ = inspect.Signature([inspect.Parameter("host", inspect.Parameter.POSITIONAL_OR_KEYWORD)])
    (finding,) = check_signature(factory, "Settings", registry)
    assert finding.message == "factory disagrees with its contract Settings: lacks parameter 'port'"


# -- callables without a signature --------------------------------------------------------

LOOKUP = """
version: 1
contracts:
  - name: Lookup
    kind: protocol
    target: app.Lookup
    methods:
      - {name: pop, parameters: [key]}
      - {name: fetch, parameters: [obj, name]}
  - name: next_item
    kind: callable
    target: builtins.next
    parameters: [iterator]
"""


class BuiltinBacked(dict):
    """``pop`` is dict's C method (no signature inspect can read); ``fetch`` is a builtin."""

    fetch = getattr


def test_builtin_methods_are_unverifiable_not_a_crash(tmp_path):
    registry = registry_from(tmp_path, LOOKUP)
    findings = check_conformance(BuiltinBacked(), "Lookup", registry)
    assert sorted(f.message.split(" has ")[0] for f in findings) == ["BuiltinBacked.fetch", "BuiltinBacked.pop"]
    assert all(is_unverifiable(f) and f.severity == "info" for f in findings)
    assert all("cannot be verified" in f.message for f in findings)
    # nothing is broken: require_conformance does not raise
    require_conformance(BuiltinBacked(), "Lookup", registry)


def test_builtin_function_signature_is_unverifiable(tmp_path):
    registry = registry_from(tmp_path, LOOKUP)
    (finding,) = check_signature(next, "next_item", registry)
    assert finding.code == "CL201" and is_unverifiable(finding)
    assert finding.message.startswith("next has no signature inspect can read")
    assert finding.path.endswith("c.yaml")  # no source: placed at the contract's target line


# -- method kinds ---------------------------------------------------------------------------

KINDS = """
version: 1
contracts:
  - name: Repository
    kind: protocol
    target: app.Repository
    methods:
      - {name: name}
      - {name: create, parameters: [config]}
      - {name: normalise, parameters: [value]}
      - {name: fetch, async: true, parameters: [key]}
      - {name: close, async: false}
"""


def logged(func):
    """A decorator that passes the call (and so the coroutine) through."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


class KindsRepository:
    @property
    def name(self):
        return "kinds"

    @classmethod
    def create(cls, config):
        return cls()

    @staticmethod
    def normalise(value):
        return value

    @logged
    async def fetch(self, key):
        return key

    @logged
    def close(self):
        return None


class WrongKindsRepository(KindsRepository):
    @staticmethod
    def normalise(value, strict):  # an extra required parameter
        return value

    @logged
    def fetch(self, key):  # sync behind the same decorator
        return key

    async def close(self):
        return None


def test_properties_class_and_static_methods_and_wrapped_coroutines(tmp_path):
    registry = registry_from(tmp_path, KINDS)
    assert check_conformance(KindsRepository(), "Repository", registry) == []
    assert check_conformance(KindsRepository, "Repository", registry) == []


def test_wrong_kinds_are_reported_at_their_definitions(tmp_path):
    registry = registry_from(tmp_path, KINDS)
    found = {(f.code, f.message, f.range.start.line) for f in check_conformance(WrongKindsRepository(), "Repository", registry)}
    assert found == {
        ("CL103", "WrongKindsRepository.normalise cannot accept the parameters of Repository.normalise: extra required parameter 'strict'", line_of(HERE, "def normalise(value, strict)")),
        ("CL102", "WrongKindsRepository.fetch is sync but Repository declares it async", line_of(HERE, "def fetch(self, key):  # sync")),
        ("CL102", "WrongKindsRepository.close is async but Repository declares it sync", line_of(HERE, "async def close(self)")),
    }


@pytest.mark.skipif(sys.version_info < (3, 12), reason="inspect.markcoroutinefunction is new in 3.12")
def test_markcoroutinefunction_counts_as_async(tmp_path):
    registry = registry_from(tmp_path, KINDS)

    class Marked(KindsRepository):
        fetch = inspect.markcoroutinefunction(lambda self, key: None)

    assert check_conformance(Marked(), "Repository", registry) == []


PROTO = """
version: 1
contracts:
  - name: Service
    kind: protocol
    target: {module}.ServiceProtocol
    methods:
      - {{name: start}}
      - {{name: stop}}
      - {{name: label}}
"""


class ServiceProtocol(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None:
        """Stop serving."""

    def label(self) -> str:
        return "x"  # a concrete method of the protocol: inherited like any other


class HalfService(ServiceProtocol):
    def start(self) -> None:
        return None


class AbstractService(abc.ABC):
    def start(self) -> None:
        return None

    def label(self) -> str:
        return "abstract"

    @abc.abstractmethod
    def stop(self) -> None:
        raise NotImplementedError


def test_protocol_stubs_and_abstract_methods_implement_nothing(tmp_path):
    registry = registry_from(tmp_path, PROTO.format(module=__name__))
    (finding,) = check_conformance(HalfService(), "Service", registry)
    assert finding.message == "HalfService does not implement 1 method of Service: 'stop'"
    (finding,) = check_conformance(AbstractService, "Service", registry)
    assert finding.message == "AbstractService does not implement 1 method of Service: 'stop'"
    # the protocol's own definition declares both: no drift
    assert check_signature(ServiceProtocol, "Service", registry) == []


# -- attributes: app state -----------------------------------------------------------------

APP_STATE = """
version: 1
contracts:
  - name: AppState
    kind: protocol
    target: app.State
    attributes:
      - {name: agent_websocket_bridge, type: chat_service.bridge.AgentWebSocketBridge}
      - {name: execution_factory}
      - {name: websocket_connection_pool, optional: true}
      - {name: settings, type: dict}
"""


class AppStateHolder:
    """What a web framework's ``app.state`` is: attributes set during startup."""


def test_app_state_missing_one_attribute_and_none_in_another(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    registry = registry_from(tmp_path, APP_STATE)
    state = AppStateHolder()
    state.agent_websocket_bridge = None  # the seed reports' bug: configured too late
    state.settings = {}
    findings = check_conformance(state, "AppState", registry)
    assert [(f.code, f.message) for f in findings] == [
        ("CL104", "AppStateHolder.agent_websocket_bridge is None, which AppState does not allow (not optional)"),
        ("CL104", "AppStateHolder has no attribute 'execution_factory', which AppState requires"),
    ]
    assert all(f.severity == "error" and Path(f.path) == HERE for f in findings)
    with pytest.raises(ContractViolation) as caught:
        require_conformance(state, "AppState", registry)
    assert len(caught.value.findings) == 2


def test_app_state_of_the_wrong_type_and_a_complete_one(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    from chat_service.bridge import AgentWebSocketBridge
    from chat_service.ws.isolated import IsolatedWebSocketManager

    registry = registry_from(tmp_path, APP_STATE)
    state = types.SimpleNamespace(agent_websocket_bridge=object(), execution_factory=dict, settings=[])
    found = [f.message for f in check_conformance(state, "AppState", registry)]
    assert found == [
        "SimpleNamespace.agent_websocket_bridge is of type object, not chat_service.bridge.AgentWebSocketBridge as AppState requires",
        "SimpleNamespace.settings is of type list, not dict as AppState requires",
    ]
    state.agent_websocket_bridge = AgentWebSocketBridge(IsolatedWebSocketManager("u"))
    state.settings = {"debug": True}
    assert check_conformance(state, "AppState", registry) == []  # the pool is optional and absent


class DeclaredState:
    """A class declares its attributes as the static check reads them."""

    execution_factory: object
    settings = None

    def __init__(self) -> None:
        self.agent_websocket_bridge = None


class UndeclaredState:
    def configure(self) -> None:
        self.settings = {}


def test_classes_declare_attributes_as_statically(tmp_path):
    registry = registry_from(tmp_path, APP_STATE)
    assert check_conformance(DeclaredState, "AppState", registry) == []
    (finding,) = check_conformance(UndeclaredState, "AppState", registry)
    assert finding.code == "CL101"
    assert finding.message == "UndeclaredState does not provide 2 attributes of AppState: 'agent_websocket_bridge', 'execution_factory'"
