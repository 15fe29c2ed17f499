"""The server at workspace scale (SPEC §5): a lazy start, snapshots, background work that
nothing waits behind, cancellation, and state that follows the disk. Real server over
stdio, real files."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from raw_client import RawServer, frame
from conftest import FILES, change_doc, codes, open_doc, start_client, wait_for, wait_indexed, write_files


def _published(client, uri):
    return client.diagnostics.get(uri)


async def test_a_new_init_py_announced_by_a_watched_file_event_renames_modules(tmp_path):
    # lib/ has no __init__.py: lib/context.py is module "context", so the contract's target
    # lib.context.Ctx is outside the workspace and its definition is not compared (CL201)
    root = write_files(tmp_path / "ws", {
        "pyproject.toml": '[project]\nname = "ws"\n',
        "contracts/c.yaml": """
            version: 1
            contracts:
              - name: Ctx
                kind: callable
                target: lib.context.Ctx
                parameters: [{name: user_id, required: true}, {name: run_id}]
        """,
        "lib/context.py": """
            class Ctx:
                def __init__(self, user_id):
                    pass
        """,
    })
    client = await start_client([root], "emacs")
    try:
        uri = open_doc(client, root / "lib/context.py")
        await wait_for(lambda: _published(client, uri) is not None)
        assert codes(_published(client, uri)) == []
        (root / "lib/__init__.py").write_text("")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
            types.FileEvent(uri=(root / "lib/__init__.py").as_uri(), type=types.FileChangeType.Created)]))
        # now lib.context.Ctx is the class in this file, which lacks run_id: CL201
        await wait_for(lambda: codes(_published(client, uri) or []) == [(0, "CL201")])
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_completion_and_hover_never_change_what_a_later_check_reports(tmp_path):
    files = dict(FILES)
    # a re-export in a file that does not parse yet: nothing resolves through it
    files["app/reexport.py"] = "from app.context import UserExecutionContext\nfoo(\n"
    files["app/user.py"] = (
        "from app.reexport import UserExecutionContext\n"
        "UserExecutionContext(user_id=1, run_id=2, connection_id=3)\n"
    )
    root = write_files(tmp_path / "ws", files)
    client = await start_client([root], "emacs")
    try:
        user = open_doc(client, root / "app/user.py")
        reexport = open_doc(client, root / "app/reexport.py")
        await wait_for(lambda: _published(client, user) is not None)
        assert codes(_published(client, user)) == []
        # completion parses app/reexport.py with a ")" inserted, hover parses it as it is
        await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=reexport), position=types.Position(line=1, character=4)))
        await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=reexport), position=types.Position(line=0, character=30)))
        # a check of app/user.py after them: still nothing resolves through the broken file
        text = (root / "app/user.py").read_text()
        change_doc(client, user, text + "\n", 2)
        await wait_for(lambda: client.diagnostics.get(user) is not None and client.diagnostic_versions.get(user) == 2
                       if hasattr(client, "diagnostic_versions") else True)
        await asyncio.sleep(0.5)
        assert codes(_published(client, user)) == []
        # and once the re-export parses for real, the finding is there
        change_doc(client, reexport, "from app.context import UserExecutionContext\nfoo()\n", 2)
        await wait_for(lambda: codes(_published(client, user) or []) == [(1, "CL003")])
    finally:
        await client.shutdown_session()
        await client.stop()


def _many_calls_workspace(tmp_path, count: int):
    files = dict(FILES)
    for i in range(count):
        files[f"app/gen_{i}.py"] = (
            "from app.context import UserExecutionContext\n\n"
            + "".join(f"def f_{i}_{j}(m):\n    return UserExecutionContext(m.u, m.r, websocket_connection_id=m.c)\n\n" for j in range(20))
        )
    return write_files(tmp_path / "ws", files)


async def test_a_code_lens_does_not_delay_a_hover(tmp_path):
    root = _many_calls_workspace(tmp_path, 300)
    client = await start_client([root], "emacs")
    try:
        handler = open_doc(client, root / "app/handler.py")
        contracts = open_doc(client, root / "contracts/app.yaml")
        await wait_for(lambda: _published(client, handler) is not None)
        order: list[str] = []

        async def lens():
            result = await client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=contracts)))
            order.append("lens")
            return result

        async def hover():
            await asyncio.sleep(0.05)  # the lens request goes first
            result = await client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=handler), position=types.Position(line=3, character=10)))
            order.append("hover")
            return result

        lenses, hovered = await asyncio.gather(lens(), hover())
        assert hovered is not None and "UserExecutionContext" in hovered.contents.value
        assert lenses and lenses[0].command.title.startswith("6002 call sites")
        assert order == ["hover", "lens"]  # the hover was answered while the lenses were computed
    finally:
        await client.shutdown_session()
        await client.stop()


def test_a_cancelled_code_lens_answers_request_cancelled(tmp_path):
    # JSON-RPC written by hand, so that the cancel surely follows the request on the wire
    root = _many_calls_workspace(tmp_path, 300)
    raw = RawServer(root)
    try:
        contracts = root / "contracts/app.yaml"
        raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": contracts.as_uri(), "languageId": "yaml", "version": 1, "text": contracts.read_text()}}}))
        lens = {"textDocument": {"uri": contracts.as_uri()}}
        raw.send(frame({"jsonrpc": "2.0", "id": "lens", "method": "textDocument/codeLens", "params": lens}))
        raw.send(frame({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": "lens"}}))
        assert raw.answer("lens")["error"]["code"] == -32800  # RequestCancelled
        # the server goes on answering, and a code lens not cancelled is computed
        lenses = raw.request("lens-2", "textDocument/codeLens", lens)["result"]
        assert lenses[0]["command"]["title"].startswith("6002 call sites")
    finally:
        raw.close()


async def test_first_diagnostics_come_before_the_index_and_are_refreshed_by_it(tmp_path):
    # app/alias.py re-exports the contracted class under another name; the file opened
    # only names the alias, a word the prefilter learns from the whole workspace
    files = dict(FILES)
    files["app/alias.py"] = "from app.context import UserExecutionContext as Ctx\n"
    files["app/uses_alias.py"] = "from app.alias import Ctx\n\nCtx(user_id=1, run_id=2, connection_id=3)\n"
    root = write_files(tmp_path / "ws", files)
    client = await start_client([root], "emacs", indexed=False)
    try:
        handler = open_doc(client, root / "app/handler.py")
        uses = open_doc(client, root / "app/uses_alias.py")
        # the direct call's findings need no whole-workspace index
        await wait_for(lambda: codes(_published(client, handler) or []) == [(3, "CL002"), (4, "CL003")])
        await wait_indexed(client)
        # with the whole workspace read, the alias is known and its call is checked: the
        # same findings as --check gives for this file
        await wait_for(lambda: codes(_published(client, uses) or []) == [(2, "CL003")])
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_workspace_folder_below_the_project_root_uses_the_root(tmp_path):
    """SPEC §1: the server's workspace root is the nearest folder from the client's
    workspace folder upward holding pyproject.toml or .git (Emacs' eglot passes the file's
    folder outside a git repository)."""
    root = write_files(tmp_path / "ws")
    client = await start_client([root / "app"], "emacs")
    try:
        uri = open_doc(client, root / "app/handler.py")
        await wait_for(lambda: codes(_published(client, uri) or []) == [(3, "CL002"), (4, "CL003")])
    finally:
        await client.shutdown_session()
        await client.stop()
