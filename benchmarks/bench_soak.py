"""Soak: the language server's memory over minutes of typing, hover and completion.

    python benchmarks/bench_soak.py [--minutes 10] [--files 2000] [--rate 25]

A generated workspace of ``--files`` Python files (contracted calls in each) is indexed;
then one open document is typed in, ``--rate`` edits a second (a character inserted, the
next edit removes it: the document's size stays constant), with a hover and a completion
every 20 edits, as an editor sends them. The server's resident set is sampled at the
start of typing and after each minute. Prints the curve and the growth after minute 1
(issue 15's target: within 10 %), and the slowest answer to a hover or completion.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pytest_lsp import client_capabilities

CONTRACTS = """version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    parameters:
      - {name: user_id, required: true}
      - {name: run_id, required: true}
      - {name: websocket_client_id, deprecated_names: [websocket_connection_id], removed_names: [connection_id]}
      - {name: db_session}
"""

MODULE = """from app.context import UserExecutionContext


def handler_{i}(msg):
    ctx = UserExecutionContext(msg.user, msg.run, websocket_connection_id=msg.conn)
    total = 0
    for item in msg.items:
        total += item.size
    return ctx, total
"""

EDITED = """from app.context import UserExecutionContext


def handle(msg):
    a = UserExecutionContext(msg.user, msg.run, websocket_connection_id=msg.conn)
    b = UserExecutionContext(user_id=msg.user, run_id=msg.run, )
    return a, b
"""


def workspace(files: int) -> Path:
    root = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    (root / "pyproject.toml").write_text('[project]\nname = "soak"\n')
    (root / "contracts").mkdir()
    (root / "contracts/app.yaml").write_text(CONTRACTS)
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "context.py").write_text(
        "class UserExecutionContext:\n    def __init__(self, user_id, run_id, websocket_client_id=None, db_session=None):\n        pass\n"
    )
    for package in range(files // 100 + 1):
        folder = app / f"pkg_{package}"
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        for i in range(package * 100, min(files, package * 100 + 100)):
            (folder / f"mod_{i}.py").write_text(MODULE.format(i=i))
    (app / "edited.py").write_text(EDITED)
    return root


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25.0, help="edits a second")
    args = parser.parse_args()
    root = workspace(args.files)
    client = LanguageClient("bench-soak", "1")
    logs: list[str] = []

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        logs.append(params.message)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params):
        return None

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_progress(params):
        return None

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params) -> None:
        return None

    await client.start_io(sys.executable, "-m", "contract_lsp")
    pid = client._server.pid  # type: ignore[union-attr]
    await client.initialize_async(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="soak")]))
    client.initialized(types.InitializedParams())
    start = time.perf_counter()
    while not any("indexed" in m for m in logs):
        await asyncio.sleep(0.05)
    indexed = next(m for m in logs if "indexed" in m)
    print(f"workspace: {args.files} files; server: {indexed.removeprefix('contract-lsp: ')}")
    path = root / "app/edited.py"
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=EDITED)))
    document = types.TextDocumentIdentifier(uri=uri)
    # typing happens inside the second call's parentheses: line 5, after "run_id=msg.run, "
    line = 5
    column = EDITED.splitlines()[line].index(", )") + 2
    here = types.Position(line=line, character=column)

    samples = [(0.0, rss_mb(pid))]
    edits = requests = 0
    slowest = 0.0
    version = 1
    interval = 1.0 / args.rate
    began = time.perf_counter()
    next_sample = began + 60
    end = began + args.minutes * 60
    while time.perf_counter() < end:
        version += 1
        inserting = version % 2 == 0
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=here, end=here if inserting else types.Position(line=line, character=column + 1)),
            text="x" if inserting else "",
        )
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        edits += 1
        if edits % 20 == 0 and not inserting:
            asked = time.perf_counter()
            await client.text_document_hover_async(types.HoverParams(text_document=document, position=types.Position(line=4, character=10)))
            await client.text_document_completion_async(types.CompletionParams(text_document=document, position=here))
            slowest = max(slowest, time.perf_counter() - asked)
            requests += 2
        await asyncio.sleep(interval)
        now = time.perf_counter()
        if now >= next_sample:
            samples.append(((now - began) / 60, rss_mb(pid)))
            print(f"  minute {samples[-1][0]:4.1f}: {samples[-1][1]:6.1f} MB  ({edits} edits, {requests} requests)", flush=True)
            next_sample += 60
    if samples[-1][0] < args.minutes - 0.01:
        samples.append(((time.perf_counter() - began) / 60, rss_mb(pid)))
    print("RSS curve (minute: MB): " + ", ".join(f"{m:.1f}: {mb:.1f}" for m, mb in samples))
    after_first = next((mb for m, mb in samples if m >= 1.0), None)
    if after_first is not None:
        growth = (samples[-1][1] - after_first) / after_first * 100
        print(f"growth after minute 1: {growth:+.1f} % (target within 10 %)")
    print(f"{edits} edits, {requests} requests; slowest hover + completion: {slowest * 1000:.0f} ms")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
