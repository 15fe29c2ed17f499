"""Drive the real server over stdio with pytest-lsp's client, on real workspaces."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import client_capabilities
from pytest_lsp.client import make_test_lsp_client

CONTRACTS = """
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    doc: Per-request context.
    parameters:
      - {name: user_id, required: true, type: str, doc: The user.}
      - {name: run_id, required: true}
      - name: websocket_client_id
        type: Optional[str]
        deprecated_names: [websocket_connection_id]
        removed_names: [connection_id]
      - {name: db_session}
  - name: Manager
    kind: protocol
    target: app.proto.Manager
    methods:
      - {name: get_connection_id_by_websocket, parameters: [websocket]}
      - {name: send_to_user, async: true, parameters: [user_id, message]}
"""

FILES = {
    "pyproject.toml": '[project]\nname = "ws"\n',
    "contracts/app.yaml": CONTRACTS,
    "app/__init__.py": "",
    "app/context.py": """
        class UserExecutionContext:
            def __init__(self, user_id, run_id, websocket_client_id=None, db_session=None):
                self.user_id = user_id
    """,
    "app/proto.py": """
        from typing import Protocol

        class Manager(Protocol):
            def get_connection_id_by_websocket(self, websocket): ...
            async def send_to_user(self, user_id, message): ...
    """,
    "app/handler.py": """
        from app.context import UserExecutionContext

        def handle(msg):
            a = UserExecutionContext(msg.user, msg.run, websocket_connection_id=msg.conn)
            b = UserExecutionContext(user_id=msg.user, run_id=msg.run, connection_id=msg.conn)
            return a, b
    """,
    "app/impl.py": """
        from app.proto import Manager

        class Impl(Manager):
            async def send_to_user(self, user_id, message):
                return None
    """,
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/server/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.integration)


def write_files(root: Path, files: dict[str, str] = FILES) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def workspace(tmp_path):
    return write_files(tmp_path / "ws")


async def wait_indexed(client, count: int = 1) -> None:
    """Until the server says it has indexed ``count`` workspaces (its background walk)."""
    await wait_for(lambda: sum("contract-lsp: indexed" in m.message for m in client.log_messages) >= count)


async def start_client(roots: list[Path], caps: str = "emacs", init_options: dict | None = None, indexed: bool = True):
    """A client over stdio to a new server; with ``indexed``, once the server has read the
    whole workspace (else right after ``initialized``: the lazy start, SPEC §5)."""
    client = make_test_lsp_client()
    client.registrations = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    await client.start_io(sys.executable, "-m", "contract_lsp")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(caps),
            root_uri=roots[0].as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=r.as_uri(), name=r.name) for r in roots],
            initialization_options=init_options,
        )
    )
    if indexed:
        await wait_indexed(client, len(roots))
    return client


@pytest_asyncio.fixture
async def push_client(workspace):
    """A push-only client (Emacs' capabilities)."""
    client = await start_client([workspace], "emacs")
    yield client
    await client.shutdown_session()
    await client.stop()


@pytest_asyncio.fixture
async def pull_client(workspace):
    """A pull client (Neovim 0.11's capabilities)."""
    client = await start_client([workspace], "neovim@v0.11.0")
    yield client
    await client.shutdown_session()
    await client.stop()


def open_doc(client, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python" if path.suffix == ".py" else "yaml", version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


def change_doc(client, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_for(predicate, timeout: float = 15.0):
    """Poll ``predicate`` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


def codes(diagnostics) -> list[tuple[int, str]]:
    return sorted((d.range.start.line, d.code) for d in diagnostics)
