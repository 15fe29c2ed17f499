"""Typing latency and memory of the language server, driven over stdio like an editor.

    python benchmarks/bench_typing.py [--lines 6000] [--edits 30] [--files 1000]

Latency: the median time from a ``didChange`` to the ``publishDiagnostics`` of that version,
on a generated file of ``--lines`` lines with contracted calls throughout, compared with
the target ``debounce + 2 x ast.parse`` of the same text measured in the same run (the
machines are shared and noisy: ratios, not seconds). Memory: the server's resident set
after opening ``--files`` files. Prints the figures.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import client_capabilities
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from contract_lsp.server.diagnostics import DEBOUNCE  # noqa: E402

CONTRACTS = """version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    parameters:
      - {name: user_id, required: true}
      - {name: run_id, required: true}
      - {name: websocket_client_id, deprecated_names: [websocket_connection_id], removed_names: [connection_id]}
"""


def big_file(lines: int, dense: bool = False) -> str:
    """``lines`` lines of handlers; a contracted call in every tenth, or (``dense``, the
    worst case) two in each: 1,500 in 6,000 lines."""
    out = ["from app.context import UserExecutionContext", ""]
    i = 0
    while len(out) < lines:
        call = f"UserExecutionContext(msg.user, msg.run, websocket_connection_id=msg.conn_{i})"
        out += [
            f"def handler_{i}(msg, db):",
            f'    """Handle message kind {i}."""' if not dense else f"    other = {call}",
            "    total = 0",
            "    for item in msg.items:",
            "        total += item.size * 2",
            f"    ctx = {call}" if i % 10 == 0 or dense else "    ctx = None",
            "    return ctx, total",
            "",
        ]
        i += 1
    return "\n".join(out[:lines]) + "\n"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=6000)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--dense", action="store_true", help="the worst case: two contracted calls per handler (1,500 in 6,000 lines); target 150 ms + 2 x parse")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-typing-"))
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\n')
    (root / "contracts").mkdir()
    (root / "contracts/c.yaml").write_text(CONTRACTS)
    (root / "app").mkdir()
    (root / "app/__init__.py").write_text("")
    (root / "app/context.py").write_text("class UserExecutionContext:\n    def __init__(self, user_id, run_id, websocket_client_id=None):\n        pass\n")
    text = big_file(args.lines, args.dense)
    big = root / "app/big.py"
    big.write_text(text)

    parse_times = []
    for _ in range(args.edits):
        start = time.perf_counter()
        ast.parse(text)
        parse_times.append(time.perf_counter() - start)
    parse = statistics.median(parse_times)

    client = LanguageClient("bench-typing", "1")
    arrivals: dict[int, float] = {}
    counts: dict[int, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == big.as_uri() and params.version is not None:
            arrivals[params.version] = time.perf_counter()
            counts[params.version] = len(params.diagnostics)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params):
        return None

    await client.start_io(sys.executable, "-m", "contract_lsp")
    await client.initialize_async(
        types.InitializeParams(capabilities=client_capabilities("emacs"), root_uri=root.as_uri(), workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="bench")])
    )
    client.initialized(types.InitializedParams())
    uri = big.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    while 1 not in arrivals:
        await asyncio.sleep(0.01)
    latencies = []
    for version in range(2, args.edits + 2):
        text = text.replace("total = 0", f"total = {version}", 1)
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        while version not in arrivals:
            await asyncio.sleep(0.002)
        latencies.append(arrivals[version] - sent)
        await asyncio.sleep(0.05)
    latency = statistics.median(latencies)
    target = (0.150 if args.dense else DEBOUNCE) + 2 * parse
    print(f"file: {args.lines} lines, {len(text) / 1e3:.0f} kB, {counts[args.edits + 1]} diagnostics")
    print(f"ast.parse median: {parse * 1000:.1f} ms; debounce: {DEBOUNCE * 1000:.0f} ms")
    print(f"didChange -> publishDiagnostics median over {args.edits} edits: {latency * 1000:.1f} ms")
    allowance = "150 ms" if args.dense else "debounce"
    print(f"target {allowance} + 2 x parse = {target * 1000:.1f} ms; latency / target = {latency / target:.2f}")

    files = root / "many"
    files.mkdir()
    pid = client._server.pid  # the server process pytest-lsp started
    before = rss_mb(pid)
    for i in range(args.files):
        path = files / f"mod_{i}.py"
        body = f"from app.context import UserExecutionContext\n\ndef f_{i}(m):\n    return UserExecutionContext(m.u, m.r, connection_id=m.c)\n" + "x = 1\n" * 100
        path.write_text(body)
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=path.as_uri(), language_id="python", version=1, text=body)))
    await asyncio.sleep(1.0)
    await client.text_document_hover_async(types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)))
    await asyncio.sleep(2.0)
    print(f"server RSS: {before:.0f} MB before, {rss_mb(pid):.0f} MB after opening {args.files} files")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


if __name__ == "__main__":
    asyncio.run(main())
