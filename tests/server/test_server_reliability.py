"""A server that cannot be hung or silenced, whose registry follows the disk, and that
does not grow as the user types (issue 15; SPEC §5). Real server over stdio: hand-written
JSON-RPC where the framing itself is under test, pytest-lsp's client elsewhere."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
from raw_client import RawServer, frame
from conftest import (
    CONTRACTS,
    FILES,
    change_doc,
    codes,
    open_doc,
    start_client,
    wait_for,
    write_files,
)
from lsprotocol import types

# hand-written JSON-RPC: raw_client.py


def _hover(uri: str, line, character) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


@pytest.fixture
def raw(workspace):
    server = RawServer(workspace)
    yield server
    server.close()


# -- framing ---------------------------------------------------------------------------


@pytest.mark.parametrize("length", [b"99999999999999999999", b"abc", b"-5", b""])
def test_a_bad_content_length_is_logged_and_the_stream_goes_on(raw, workspace, length):
    uri = (workspace / "app/handler.py").as_uri()
    body = json.dumps({"jsonrpc": "2.0", "id": "bad", "method": "textDocument/hover", "params": _hover(uri, 3, 10)}).encode()
    raw.send(b"Content-Length: " + length + b"\r\n\r\n" + body)
    # the message it framed is answered with an error, not handled and not lost
    assert raw.answer("bad")["error"]["code"] == types.ErrorCodes.InvalidRequest
    assert any("framing error" in m and "Content-Length" in m for m in raw.logs)
    # alive and not deaf: the next request is answered
    assert "result" in raw.request("next", "textDocument/hover", _hover(uri, 3, 10))
    assert b"framing error" in raw.stderr or wait_for_stderr(raw, b"framing error")


def wait_for_stderr(raw: RawServer, needle: bytes) -> bool:
    import time

    deadline = time.monotonic() + 10
    while needle not in raw.stderr and time.monotonic() < deadline:
        time.sleep(0.05)
    return needle in raw.stderr


def test_a_body_shorter_than_its_content_length_costs_one_message(raw, workspace):
    uri = (workspace / "app/handler.py").as_uri()
    good = frame({"jsonrpc": "2.0", "id": "after", "method": "textDocument/hover", "params": _hover(uri, 3, 10)})
    body = json.dumps({"jsonrpc": "2.0", "method": "$/noSuchNotification", "params": {}}).encode()
    raw.send(b"Content-Length: %d\r\n\r\n" % (len(body) - 5) + body + good)
    assert "result" in raw.answer("after")


def test_framer_resynchronises_after_junk_and_bad_headers():
    from contract_lsp.server.transport import Body, Framer, FramingError, Orphan

    framer = Framer()
    ok = frame({"jsonrpc": "2.0", "method": "x"})
    framer.feed(b"garbage\r\n" + ok + b"Content-Length: abc\r\n\r\n" + b'{"jsonrpc": "2.0", "id": 1}' + ok)
    kinds = [type(e) for e in framer.events()]
    assert kinds == [FramingError, Body, FramingError, Orphan, Body]


# -- every request is answered ---------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        "position-minus-one",
        "position-two-to-31",
        "position-a-string",
        "text-document-a-string",
    ],
)
def test_requests_pygls_cannot_read_get_an_error_answer_and_a_log_line(raw, workspace, params):
    uri = (workspace / "app/handler.py").as_uri()
    text = (workspace / "app/handler.py").read_text()
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}}}))
    value = {
        "position-minus-one": _hover(uri, -1, 0),
        "position-two-to-31": _hover(uri, 0, 2**31),
        "position-a-string": {"textDocument": {"uri": uri}, "position": "3:10"},
        "text-document-a-string": {"textDocument": uri, "position": {"line": 0, "character": 0}},
    }[params]
    for method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
        answer = raw.request(f"{method}-{params}", method, value)
        assert "error" in answer, answer
    assert raw.request("after", "textDocument/hover", _hover(uri, 3, 10)).get("result") is not None
    assert any("invalid textDocument/hover" in m for m in raw.logs)


def test_positions_past_the_end_of_the_document_are_answered(raw, workspace):
    uri = (workspace / "app/handler.py").as_uri()
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": (workspace / "app/handler.py").read_text()}}}))
    for method in ("textDocument/hover", "textDocument/completion"):
        assert "result" in raw.request(method, method, _hover(uri, 2**31 - 1, 2**31 - 1))


# -- shutdown and exit -----------------------------------------------------------------


def test_exit_without_shutdown_exits_1(raw):
    raw.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert raw.proc.wait(timeout=30) == 1


def test_shutdown_then_exit_exits_0_and_requests_between_get_invalid_request(raw, workspace):
    assert raw.request("down", "shutdown", None).get("error") is None
    answer = raw.request("late", "textDocument/hover", _hover((workspace / "app/handler.py").as_uri(), 0, 0))
    assert answer["error"]["code"] == types.ErrorCodes.InvalidRequest
    raw.send(frame({"jsonrpc": "2.0", "method": "exit"}))
    assert raw.proc.wait(timeout=30) == 0


# -- documents and settings ------------------------------------------------------------


async def test_a_document_starting_with_a_bom_gets_diagnostics(push_client, workspace):
    path = workspace / "app/handler.py"
    text = path.read_text()
    uri = open_doc(push_client, path, "\ufeff" + text)
    diags = await wait_for(lambda: push_client.diagnostics.get(uri))
    assert codes(diags) == [(3, "CL002"), (4, "CL003")]
    # the BOM counts on line 0 only: the columns below are as without it
    line = text.splitlines()[3]
    assert next(d for d in diags if d.code == "CL002").range.start.character == line.index("websocket_connection_id")


async def test_one_invalid_initialization_option_keeps_the_others(tmp_path):
    root = write_files(tmp_path / "ws")
    client = await start_client([root], "emacs", init_options={"contractLsp": {"select": 5, "ignore": ["CL002"]}})
    try:
        uri = open_doc(client, root / "app/handler.py")
        await wait_for(lambda: codes(client.diagnostics.get(uri, [])) == [(4, "CL003")])
        assert any("'select'" in m.message and "ignored" in m.message for m in client.log_messages)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_an_invalid_setting_in_did_change_configuration_keeps_the_rest(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/handler.py")
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(3, "CL002"), (4, "CL003")])
    push_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"contractLsp": {"ignore": ["CL002"], "severity": {"CL003": "loud"}}}))
    diags = await wait_for(lambda: (d := push_client.diagnostics.get(uri, [])) and codes(d) == [(4, "CL003")] and d)
    assert diags[0].severity == types.DiagnosticSeverity.Error  # CL003's default: the bad severity is left out
    assert any("severity" in m.message and "ignored" in m.message for m in push_client.log_messages)
    # an unknown code is named in the log, the known ones apply
    push_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"contractLsp": {"select": ["CL002", "CL999"]}}))
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(3, "CL002")])
    await wait_for(lambda: any("CL999" in m.message for m in push_client.log_messages))


# -- the registry follows the disk -----------------------------------------------------


def _no_contracts_workspace(tmp_path):
    files = {k: v for k, v in FILES.items() if not k.startswith("contracts/")}
    return write_files(tmp_path / "ws", files)


def _created(path) -> types.DidChangeWatchedFilesParams:
    return types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Created)])


async def test_a_contracts_folder_created_after_the_start_is_picked_up_from_watched_files(tmp_path):
    root = _no_contracts_workspace(tmp_path)
    client = await start_client([root], "emacs")
    try:
        uri = open_doc(client, root / "app/handler.py")
        await wait_for(lambda: client.diagnostics.get(uri) is not None)
        assert codes(client.diagnostics[uri]) == []
        assert sum("nothing to check" in m.message for m in client.log_messages) == 1
        (root / "contracts").mkdir()
        (root / "contracts/app.yaml").write_text(CONTRACTS)
        client.workspace_did_change_watched_files(_created(root / "contracts/app.yaml"))
        await wait_for(lambda: codes(client.diagnostics.get(uri, [])) == [(3, "CL002"), (4, "CL003")])
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_a_contracts_folder_created_after_the_start_is_picked_up_by_opening_and_saving(tmp_path):
    root = _no_contracts_workspace(tmp_path)
    client = await start_client([root], "neovim@v0.11.0")  # no file watchers
    try:
        uri = open_doc(client, root / "app/handler.py")
        (root / "contracts").mkdir()
        path = root / "contracts/app.yaml"
        path.write_text(CONTRACTS)
        yaml_uri = open_doc(client, path)
        client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=yaml_uri)))

        async def pulled():
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
            return codes(report.items)

        for _ in range(100):
            if await pulled() == [(3, "CL002"), (4, "CL003")]:
                break
            await __import__("asyncio").sleep(0.1)
        assert await pulled() == [(3, "CL002"), (4, "CL003")]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_deleting_the_contracts_folder_clears_its_findings_with_one_log_line(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/handler.py")
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(3, "CL002"), (4, "CL003")])
    path = workspace / "contracts/app.yaml"
    shutil.rmtree(workspace / "contracts")
    push_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Deleted)]))
    await wait_for(lambda: list(push_client.diagnostics.get(uri, [None])) == [])
    await wait_for(lambda: sum("nothing to check" in m.message for m in push_client.log_messages) == 1)


async def test_a_deleted_contract_file_takes_its_contracts_along(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/impl.py")
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(2, "CL101")])
    extra = workspace / "contracts/more.yaml"
    extra.write_text("version: 1\ncontracts:\n  - name: Manager2\n    kind: protocol\n    target: app.proto.Manager\n"
                     "    methods:\n      - {name: close}\n")
    push_client.workspace_did_change_watched_files(_created(extra))
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(2, "CL101"), (2, "CL101")])
    extra.unlink()
    push_client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=extra.as_uri(), type=types.FileChangeType.Deleted)]))
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(2, "CL101")])


async def test_a_broken_file_keeps_its_own_last_good_version_only(tmp_path):
    # two contract files: the protocol's file breaks, then the callable's file changes
    contracts, protocol = CONTRACTS.split("  - name: Manager\n")
    files = dict(FILES)
    files["contracts/app.yaml"] = contracts
    files["contracts/proto.yaml"] = "version: 1\ncontracts:\n  - name: Manager\n" + protocol
    root = write_files(tmp_path / "ws", files)
    client = await start_client([root], "emacs")
    try:
        handler = open_doc(client, root / "app/handler.py")
        impl = open_doc(client, root / "app/impl.py")
        await wait_for(lambda: codes(client.diagnostics.get(handler, [])) == [(3, "CL002"), (4, "CL003")])
        await wait_for(lambda: codes(client.diagnostics.get(impl, [])) == [(2, "CL101")])
        proto = open_doc(client, root / "contracts/proto.yaml")
        change_doc(client, proto, (root / "contracts/proto.yaml").read_text().replace("kind: protocol", "kind: protocl"), 2)
        await wait_for(lambda: [d.code for d in client.diagnostics.get(proto, [])] == ["CL900"])
        app = open_doc(client, root / "contracts/app.yaml")
        text = (root / "contracts/app.yaml").read_text()
        text = text.replace("deprecated_names: [websocket_connection_id]", "deprecated_names: [websocket_connection_id, connection_id]")
        change_doc(client, app, text.replace("removed_names: [connection_id]", "removed_names: []"), 2)
        # the valid file's edit is taken (CL003 turns CL002), the broken file's protocol still serves
        await wait_for(lambda: codes(client.diagnostics.get(handler, [])) == [(3, "CL002"), (4, "CL002")])
        await wait_for(lambda: codes(client.diagnostics.get(impl, [])) == [(2, "CL101")])
    finally:
        await client.shutdown_session()
        await client.stop()


def _many_contracts(count: int) -> str:
    entries = "".join(
        f"  - name: Generated{i}\n    kind: callable\n    target: app.generated.f{i}\n"
        f"    parameters:\n      - {{name: user_id, required: true}}\n      - {{name: run_id}}\n"
        for i in range(count)
    )
    return "version: 1\ncontracts:\n" + entries


async def test_typing_in_a_large_contract_file_reloads_once_off_the_event_loop(tmp_path):
    files = dict(FILES)
    files["contracts/big.yaml"] = _many_contracts(600)
    root = write_files(tmp_path / "ws", files)
    client = await start_client([root], "emacs")
    try:
        handler = open_doc(client, root / "app/handler.py")
        await wait_for(lambda: codes(client.diagnostics.get(handler, [])) == [(3, "CL002"), (4, "CL003")])
        big = root / "contracts/big.yaml"
        uri = open_doc(client, big)
        await wait_for(lambda: any("registry reloaded" in m.message for m in client.log_messages), timeout=60)
        before = sum("registry reloaded" in m.message for m in client.log_messages)
        text = big.read_text()
        for version in range(2, 14):  # keystrokes: "Generated0" -> "Generated0xxxxx..."
            text = text.replace("name: Generated0", "name: Generated0x", 1)
            change_doc(client, uri, text, version)
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=handler), position=types.Position(line=3, character=10)))
        # answered before the registry was read again: the read is off the event loop
        assert sum("registry reloaded" in m.message for m in client.log_messages) == before
        assert hover is not None
        await wait_for(lambda: sum("registry reloaded" in m.message for m in client.log_messages) > before, timeout=60)
        # (one read, or two when the first began before the last keystroke)
        assert sum("registry reloaded" in m.message for m in client.log_messages) - before <= 2
    finally:
        await client.shutdown_session()
        await client.stop()


# -- the leak --------------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(status.read().split("VmRSS:")[1].split()[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
async def test_edits_leave_nothing_behind(push_client, workspace):
    # pygls kept a future and a uuid for every notification (about 2.2 KB an edit): 4,000
    # edits of a document of constant size grew the server by ~9 MB
    path = workspace / "app/handler.py"
    uri = open_doc(push_client, path)
    await wait_for(lambda: push_client.diagnostics.get(uri) is not None)
    pid = push_client._server.pid
    text = path.read_text()

    async def edits(start: int, count: int) -> None:
        for version in range(start, start + count):
            change_doc(push_client, uri, text.replace("msg", "msh" if version % 2 else "msg"), version)
            if version % 200 == 0:
                await push_client.text_document_hover_async(types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=10)))

    await edits(2, 1000)  # warm up: caches, allocator arenas
    baseline = _rss_kb(pid)
    await edits(1002, 4000)
    grown = _rss_kb(pid) - baseline
    assert grown < 3000, f"{grown} KB more after 4,000 edits"
