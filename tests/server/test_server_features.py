"""Code actions, fix-all, hover and completion over stdio."""

from __future__ import annotations

from lsprotocol import types

from conftest import open_doc, wait_for

from contract_lsp.fixes import apply_edits  # noqa: F401  (the edits are applied by hand below)


def apply(text: str, edits) -> str:
    """Apply LSP text edits (UTF-16 == code points for ASCII text) to ``text``."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    spans = sorted(((offsets[e.range.start.line] + e.range.start.character, offsets[e.range.end.line] + e.range.end.character, e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def actions_at(client, uri, line, only=None):
    diags = client.diagnostics.get(uri, [])
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=200)),
            context=types.CodeActionContext(diagnostics=[d for d in diags if d.range.start.line == line], only=only),
        )
    )


async def test_quick_fixes_noqa_and_fix_all(push_client, workspace):
    path = workspace / "app/handler.py"
    text = path.read_text()
    uri = open_doc(push_client, path)
    await wait_for(lambda: push_client.diagnostics.get(uri))
    actions = await actions_at(push_client, uri, 4)
    titles = [a.title for a in actions]
    assert "contract-lsp (CL003): Rename 'connection_id' to 'websocket_client_id'" in titles
    assert "contract-lsp (CL003): Disable for this line" in titles
    rename = next(a for a in actions if "Rename" in a.title)
    assert rename.kind == types.CodeActionKind.QuickFix and rename.is_preferred
    assert rename.diagnostics and rename.diagnostics[0].code == "CL003"
    edits = rename.edit.document_changes[0].edits
    assert apply(text, edits).splitlines()[4].endswith("websocket_client_id=msg.conn)")
    noqa = next(a for a in actions if "Disable" in a.title)
    assert apply(text, noqa.edit.document_changes[0].edits).splitlines()[4].endswith("connection_id=msg.conn)  # noqa: CL003")

    (fix_all,) = await actions_at(push_client, uri, 0, only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.contract-lsp"
    fixed = apply(text, fix_all.edit.document_changes[0].edits)
    assert "websocket_connection_id" not in fixed and ", connection_id=" not in fixed


async def test_unsafe_fix_is_offered_but_not_preferred(push_client, workspace):
    uri = open_doc(push_client, workspace / "app/impl.py")
    await wait_for(lambda: push_client.diagnostics.get(uri))
    actions = await actions_at(push_client, uri, 2)
    stub = next(a for a in actions if a.title.startswith("contract-lsp (CL101): Add stubs"))
    assert not stub.is_preferred
    new_text = stub.edit.document_changes[0].edits[0].new_text
    assert "def get_connection_id_by_websocket(self, websocket):" in new_text
    assert "raise NotImplementedError" in new_text


async def hover(client, uri, line, character):
    return await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=line, character=character))
    )


async def test_hover_on_callee_keyword_and_implementation(push_client, workspace):
    path = workspace / "app/handler.py"
    uri = open_doc(push_client, path)
    lines = path.read_text().splitlines()
    result = await hover(push_client, uri, 3, lines[3].index("UserExecutionContext") + 3)
    text = result.contents.value
    assert "**UserExecutionContext**" in text and "Per-request context." in text
    assert "user_id: str" in text and "deprecated: `websocket_connection_id` → `websocket_client_id`" in text
    assert "app.yaml:3" in text
    result = await hover(push_client, uri, 4, lines[4].index("connection_id=") + 2)
    assert "`connection_id` is a removed name" in result.contents.value
    impl = workspace / "app/impl.py"
    uri2 = open_doc(push_client, impl)
    result = await hover(push_client, uri2, 2, 7)
    assert "**Manager**" in result.contents.value and "async def send_to_user" in result.contents.value
    assert await hover(push_client, uri, 0, 0) is None


async def test_completion_offers_canonical_unpassed_keywords(push_client, workspace):
    path = workspace / "app/typing_now.py"
    text = "from app.context import UserExecutionContext\nUserExecutionContext('u', websocket_connection_id=1, "
    path.write_text(text)
    uri = open_doc(push_client, path)
    result = await push_client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=len(text.splitlines()[1])))
    )
    labels = sorted(item.label for item in result.items)
    assert labels == ["db_session=", "run_id="]


async def test_references_and_code_lens_on_the_contract_file(push_client, workspace):
    yaml_path = workspace / "contracts/app.yaml"
    uri = open_doc(push_client, yaml_path)
    line = yaml_path.read_text().splitlines().index("  - name: UserExecutionContext")
    locations = await push_client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=12),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    handler = (workspace / "app/handler.py").as_uri()
    assert sorted((loc.uri, loc.range.start.line) for loc in locations) == [(handler, 3), (handler, 4)]
    lenses = await push_client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    titles = sorted((lens.range.start.line, lens.command.title) for lens in lenses)
    assert titles[0] == (line, "2 call sites, 0 implementations (2 invalid)")
    assert titles[1][1] == "0 call sites, 1 implementation (1 invalid)"


async def test_completion_never_offers_a_parameter_that_is_removed(tmp_path):
    """A pack's removal (a parameter with ``removed_in`` and no new name) is flagged where
    it is passed and never suggested."""
    from conftest import FILES, start_client, write_files

    files = dict(FILES)
    files["contracts/app.yaml"] = files["contracts/app.yaml"].replace(
        "      - {name: db_session}", '      - {name: db_session}\n      - {name: legacy_flag, removed_in: "2.0"}'
    )
    root = write_files(tmp_path / "ws", files)
    client = await start_client([root], "emacs")
    try:
        path = root / "app/typing_now.py"
        text = "from app.context import UserExecutionContext\nUserExecutionContext('u', "
        path.write_text(text)
        uri = open_doc(client, path)
        result = await client.text_document_completion_async(
            types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=len(text.splitlines()[1])))
        )
        assert sorted(item.label for item in result.items) == ["db_session=", "run_id=", "websocket_client_id="]
    finally:
        await client.shutdown_session()
        await client.stop()
