"""Random edit sequences against the real server: it stays alive, and its final
diagnostics equal the CLI's on the same text (one engine, two front ends)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types

from conftest import FILES, change_doc, open_doc, start_client, write_files

SNIPPETS = [
    "UserExecutionContext(", ")", "(", ", connection_id=1", ", websocket_connection_id=2", "user_id='é'",
    "run_id=🙂", "\n", "    ", "def f():\n", "from app.context import UserExecutionContext as U\n", "U(", "x", ",", ":", "'",
    "class K(Manager):\n    pass\n", "# noqa", "**kw", "*a",
]

edits = st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=12), st.sampled_from(SNIPPETS)),
    min_size=1,
    max_size=25,
)


def cli_findings(root, rel):
    proc = subprocess.run(
        [sys.executable, "-m", "contract_lsp", "--check", rel, "--format", "json"],
        cwd=root, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return sorted((d["line"], d["column"], d["code"]) for d in json.loads(proc.stdout or "[]"))


async def scenario(root, ops) -> tuple[list, list]:
    client = await start_client([root], "emacs")  # UTF-32 positions: code points, like the CLI
    try:
        path = root / "app/fuzz.py"
        text = "from app.context import UserExecutionContext\nfrom app.proto import Manager\n"
        path.write_text(text, encoding="utf-8")
        uri = open_doc(client, path)
        version = 1
        for position, delete, snippet in ops:
            cut = position % (len(text) + 1)
            text = text[:cut] + snippet + text[cut + delete :]
            version += 1
            change_doc(client, uri, text, version)
        path.write_text(text, encoding="utf-8")
        expected = cli_findings(root, "app/fuzz.py")
        deadline = time.monotonic() + 15
        got = None
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            diags = client.diagnostics.get(uri)
            if diags is not None:
                got = sorted((d.range.start.line + 1, d.range.start.character + 1, d.code) for d in diags)
                if got == expected:
                    break
        # still alive: it answers a request
        await client.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0))
        )
        return got or [], expected
    finally:
        await client.shutdown_session()
        await client.stop()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=edits)
def test_random_edits_end_like_the_cli(tmp_path_factory, ops):
    root = write_files(tmp_path_factory.mktemp("fuzz"), FILES)
    got, expected = asyncio.run(scenario(root, ops))
    assert got == expected
