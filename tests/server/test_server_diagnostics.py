"""Diagnostics over stdio: push and pull, as the user types, reloads, broken input."""

from __future__ import annotations

from lsprotocol import types

from conftest import change_doc, codes, open_doc, start_client, wait_for, write_files


async def test_push_diagnostics_carry_code_source_link_data_and_tags(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/handler.py")
    diags = await wait_for(lambda: push_client.diagnostics.get(uri))
    assert codes(diags) == [(3, "CL002"), (4, "CL003")]
    cl002 = next(d for d in diags if d.code == "CL002")
    assert cl002.source == "contract-lsp"
    assert cl002.severity == types.DiagnosticSeverity.Warning
    assert list(cl002.tags) == [types.DiagnosticTag.Deprecated]
    assert cl002.code_description.href.startswith("file:") and cl002.code_description.href.endswith("rules.md#cl002")
    assert cl002.data["contract"] == "UserExecutionContext" and cl002.data["contract_line"] == 3
    line = (workspace / "app/handler.py").read_text().splitlines()[3]
    assert cl002.range.start.character == line.index("websocket_connection_id")


async def test_protocol_diagnostics(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/impl.py")
    diags = await wait_for(lambda: push_client.diagnostics.get(uri))
    assert codes(diags) == [(2, "CL101")]


async def test_pull_waits_for_the_index_and_answers(pull_client, workspace):
    uri = open_doc(pull_client, workspace / "app/handler.py")
    report = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert codes(report.items) == [(3, "CL002"), (4, "CL003")]
    assert uri not in pull_client.diagnostics  # a pull client is not pushed to


async def test_workspace_pull_covers_unopened_files(pull_client, workspace):
    report = await pull_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    by_uri = {item.uri: item.items for item in report.items}
    assert codes(by_uri[(workspace / "app/handler.py").as_uri()]) == [(3, "CL002"), (4, "CL003")]
    assert codes(by_uri[(workspace / "app/impl.py").as_uri()]) == [(2, "CL101")]


async def test_typing_updates_and_syntax_error_clears(push_client, workspace):
    path = workspace / "app/handler.py"
    uri = open_doc(push_client, path)
    await wait_for(lambda: push_client.diagnostics.get(uri))
    text = path.read_text().replace(", connection_id=msg.conn)", ", websocket_client_id=msg.conn)")
    change_doc(push_client, uri, text, 2)
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(3, "CL002")])
    change_doc(push_client, uri, text + "\ndef broken(:\n", 3)
    await wait_for(lambda: len(push_client.diagnostics.get(uri, [None])) == 0)


async def test_burst_of_changes_ends_with_the_final_text(push_client, workspace):
    path = workspace / "app/handler.py"
    uri = open_doc(push_client, path)
    await wait_for(lambda: push_client.diagnostics.get(uri))
    base = "from app.context import UserExecutionContext\n"
    for version in range(2, 52):
        lines = [f"UserExecutionContext('u', 'r', connection_id={i})" for i in range(version % 7)]
        change_doc(push_client, uri, base + "\n".join(lines) + "\n", version)
    final_count = 51 % 7
    await wait_for(lambda: len(push_client.diagnostics.get(uri, [None])) == final_count and all(d.code == "CL003" for d in push_client.diagnostics[uri]))
    assert sorted(d.range.start.line for d in push_client.diagnostics[uri]) == list(range(1, final_count + 1))


async def test_utf16_columns_after_astral_characters(workspace):
    push_client = await start_client([workspace], "visual-studio-code")
    text = "from app.context import UserExecutionContext\nUserExecutionContext(user_id='🙂🙂', run_id=1, connection_id=2)\n"
    path = workspace / "app/emoji.py"
    path.write_text(text, encoding="utf-8")
    uri = open_doc(push_client, path)
    (diag,) = await wait_for(lambda: push_client.diagnostics.get(uri))
    line = text.splitlines()[1]
    code_points = line.index("connection_id")
    assert diag.range.start.character == code_points + 2  # each emoji is two UTF-16 units
    await push_client.shutdown_session()
    await push_client.stop()


async def test_editing_the_open_contract_file_reloads_and_broken_keeps_last_good(push_client, workspace):
    py_uri = open_doc(push_client, workspace / "app/handler.py")
    await wait_for(lambda: push_client.diagnostics.get(py_uri))
    yaml_path = workspace / "contracts/app.yaml"
    yaml_uri = open_doc(push_client, yaml_path)
    original = yaml_path.read_text()
    # connection_id becomes deprecated instead of removed: CL003 turns into CL002
    change_doc(push_client, yaml_uri, original.replace("deprecated_names: [websocket_connection_id]", "deprecated_names: [websocket_connection_id, connection_id]").replace("removed_names: [connection_id]", "removed_names: []"), 2)
    await wait_for(lambda: codes(push_client.diagnostics.get(py_uri, [])) == [(3, "CL002"), (4, "CL002")])
    # a broken contract file: CL900 at its line, the last good registry keeps serving
    broken = original.replace("    kind: callable\n", "    kind: callable\n    paramters: []\n", 1)
    change_doc(push_client, yaml_uri, broken, 3)
    yaml_diags = await wait_for(lambda: push_client.diagnostics.get(yaml_uri))
    assert [(d.code, d.range.start.line) for d in yaml_diags] == [("CL900", 4)]
    assert "paramters" in yaml_diags[0].message
    await wait_for(lambda: codes(push_client.diagnostics.get(py_uri, [])) == [(3, "CL002"), (4, "CL002")])


async def test_watched_contract_file_created_on_disk(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/impl.py")
    await wait_for(lambda: push_client.diagnostics.get(uri))
    extra = workspace / "contracts/more.yaml"
    extra.write_text(
        "version: 1\ncontracts:\n  - name: Manager2\n    kind: protocol\n    target: app.proto.Manager\n"
        "    methods:\n      - {name: close}\n"
    )
    push_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=extra.as_uri(), type=types.FileChangeType.Created)])
    )
    await wait_for(lambda: codes(push_client.diagnostics.get(uri, [])) == [(2, "CL101"), (2, "CL101")])


async def test_multi_root_workspaces_each_use_their_registry(tmp_path):
    first = write_files(tmp_path / "one")
    second = write_files(tmp_path / "two")
    (second / "contracts/app.yaml").write_text((second / "contracts/app.yaml").read_text().replace("removed_names: [connection_id]", "removed_names: []"))
    client = await start_client([first, second], "emacs")
    try:
        uri1 = open_doc(client, first / "app/handler.py")
        uri2 = open_doc(client, second / "app/handler.py")
        await wait_for(lambda: codes(client.diagnostics.get(uri1, [])) == [(3, "CL002"), (4, "CL003")])
        d2 = await wait_for(lambda: client.diagnostics.get(uri2))
        assert [(d.range.start.line, d.code) for d in d2 if d.code != "CL001"] == [(3, "CL002")]
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_configuration_from_initialization_options(tmp_path):
    root = write_files(tmp_path / "ws")
    client = await start_client([root], "emacs", init_options={"contractLsp": {"ignore": ["CL002"]}})
    try:
        uri = open_doc(client, root / "app/handler.py")
        await wait_for(lambda: codes(client.diagnostics.get(uri, [])) == [(4, "CL003")])
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"contractLsp": {"select": ["CL002"]}}))
        await wait_for(lambda: codes(client.diagnostics.get(uri, [])) == [(3, "CL002")])
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_workspace_mode_pushes_findings_of_unopened_files(tmp_path):
    root = write_files(tmp_path / "ws")
    client = await start_client([root], "emacs", init_options={"contractLsp": {"diagnosticMode": "workspace"}})
    try:
        handler = (root / "app/handler.py").as_uri()
        impl = (root / "app/impl.py").as_uri()
        await wait_for(lambda: codes(client.diagnostics.get(handler, [])) == [(3, "CL002"), (4, "CL003")])
        await wait_for(lambda: codes(client.diagnostics.get(impl, [])) == [(2, "CL101")])
        # kept current as files change on disk
        (root / "app/handler.py").write_text("from app.context import UserExecutionContext\n")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=handler, type=types.FileChangeType.Changed)])
        )
        await wait_for(lambda: len(client.diagnostics.get(handler, [None])) == 0)
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_unsaved_edit_in_a_base_class_rechecks_its_open_subclass(tmp_path):
    """The index follows open documents' unsaved text: giving a workspace base the missing
    method in the editor clears CL101 in another open file that inherits it."""
    root = write_files(tmp_path / "ws")
    (root / "app/base.py").write_text("class Base:\n    pass\n")
    (root / "app/impl2.py").write_text(
        "from app.base import Base\nfrom app.proto import Manager\n\n"
        "class Impl2(Base, Manager):\n    async def send_to_user(self, user_id, message):\n        return None\n"
    )
    client = await start_client([root], "emacs")
    try:
        impl = open_doc(client, root / "app/impl2.py")
        await wait_for(lambda: codes(client.diagnostics.get(impl, [])) == [(3, "CL101")])
        base = open_doc(client, root / "app/base.py")
        change_doc(client, base, "class Base:\n    def get_connection_id_by_websocket(self, websocket):\n        return None\n", 2)
        await wait_for(lambda: impl in client.diagnostics and len(client.diagnostics[impl]) == 0)
        assert "get_connection_id_by_websocket" not in (root / "app/base.py").read_text()  # never saved
    finally:
        await client.shutdown_session()
        await client.stop()


async def test_workspace_pull_reports_unchanged_files_by_result_id(pull_client, workspace):
    """VS Code polls workspace/diagnostic: a second pull with the first's result ids gets
    "unchanged" for every file; after an edit, the files come back in full."""
    params = types.WorkspaceDiagnosticParams(previous_result_ids=[])
    first = await pull_client.workspace_diagnostic_async(params)
    assert first.items and all(item.kind == "full" and item.result_id for item in first.items)
    previous = [types.PreviousResultId(uri=item.uri, value=item.result_id) for item in first.items]
    second = await pull_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    assert {item.uri for item in second.items} == {item.uri for item in first.items}
    assert all(item.kind == "unchanged" for item in second.items)
    # an unsaved edit changes the index: the handler's findings are new, and sent in full
    path = workspace / "app/handler.py"
    uri = open_doc(pull_client, path)
    change_doc(pull_client, uri, path.read_text().replace(", connection_id=msg.conn)", ", websocket_client_id=msg.conn)"), 2)
    third = await pull_client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    by_uri = {item.uri: item for item in third.items}
    assert by_uri[uri].kind == "full" and codes(by_uri[uri].items) == [(3, "CL002")]


async def test_document_pull_reports_unchanged_until_the_text_changes(pull_client, workspace):
    path = workspace / "app/handler.py"
    uri = open_doc(pull_client, path)
    ident = types.TextDocumentIdentifier(uri=uri)
    first = await pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=ident))
    assert first.kind == "full" and first.result_id and codes(first.items) == [(3, "CL002"), (4, "CL003")]
    again = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert again.kind == "unchanged" and again.result_id == first.result_id
    change_doc(pull_client, uri, path.read_text().replace(", connection_id=msg.conn)", ", websocket_client_id=msg.conn)"), 2)
    after = await pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=ident, previous_result_id=first.result_id)
    )
    assert after.kind == "full" and codes(after.items) == [(3, "CL002")]
