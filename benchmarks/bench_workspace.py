"""``diagnosticMode = "workspace"`` on a big tree: how long the server takes to push the
findings of every file, against ``contract-lsp --check`` on the same tree in the same run;
and the pull side as VS Code uses it: a first ``workspace/diagnostic``, then a repeat with
the previous result ids (nothing changed: every file should come back "unchanged").

    python benchmarks/bench_workspace.py [TREE]

TREE defaults to this interpreter's standard library, with ``benchmarks/stdlib/contracts``
as the registry (passed as client settings, as an editor would).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pytest_lsp import client_capabilities

CONTRACTS = Path(__file__).resolve().parent / "stdlib" / "contracts"


async def _start(tree: Path, caps: str, mode: str) -> tuple[LanguageClient, dict[str, int], asyncio.Event, float]:
    client = LanguageClient("bench-workspace", "1")
    published: dict[str, int] = {}
    swept = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.uri] = len(params.diagnostics)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        if "workspace diagnostics:" in params.message:  # the server's "sweep done" line
            swept.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params):
        return None

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_progress(params):
        return None

    @client.feature(types.WORKSPACE_CONFIGURATION)
    def on_configuration(params):
        return [None for _ in params.items]

    await client.start_io(sys.executable, "-m", "contract_lsp")
    start = time.perf_counter()
    await client.initialize_async(
        types.InitializeParams(
            capabilities=client_capabilities(caps),
            root_uri=tree.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tree.as_uri(), name="tree")],
            initialization_options={"contractLsp": {"contracts": [str(CONTRACTS)], "diagnosticMode": mode}},
        )
    )
    client.initialized(types.InitializedParams())
    return client, published, swept, start


async def _stop(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


async def run_push(tree: Path) -> tuple[float, int, int, float]:
    """Seconds from initialize until the workspace sweep is done; files and diagnostics
    pushed; seconds to answer a hover sent during the sweep."""
    client, published, swept, start = await _start(tree, "emacs", "workspace")
    # The sweep runs in the background: a request meanwhile is answered between files.
    await asyncio.sleep(3.0)  # past loading the workspace (hover waits for that), into the sweep
    asked = time.perf_counter()
    await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=(tree / "os.py").as_uri()), position=types.Position(line=0, character=0))
    )
    answered = time.perf_counter() - asked
    await asyncio.wait_for(swept.wait(), timeout=600)
    elapsed = time.perf_counter() - start
    await _stop(client)
    return elapsed, len(published), sum(published.values()), answered


async def run_pull(tree: Path) -> tuple[float, float, int, int]:
    """Seconds of a first workspace pull and of a repeat with its result ids; the reports
    of the repeat that are "unchanged", and all of them."""
    client, _published, _swept, _start_time = await _start(tree, "visual-studio-code", "openFiles")
    start = time.perf_counter()
    first = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    first_seconds = time.perf_counter() - start
    previous = [types.PreviousResultId(uri=r.uri, value=r.result_id) for r in first.items if r.result_id]
    start = time.perf_counter()
    again = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=previous))
    again_seconds = time.perf_counter() - start
    await _stop(client)
    return first_seconds, again_seconds, sum(1 for r in again.items if r.kind == "unchanged"), len(again.items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_path("stdlib"))
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    elapsed, files, diagnostics, hover = asyncio.run(run_push(tree))
    first, again, unchanged, reports = asyncio.run(run_pull(tree))
    with tempfile.TemporaryDirectory() as tmp:  # a workspace root of its own, as in bench_check
        (Path(tmp) / "pyproject.toml").write_text("[tool.contract-lsp]\n")
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "contract_lsp", "--check", str(tree), "--contracts", str(CONTRACTS), "--exit-zero", "--no-progress", "--statistics"],
            cwd=tmp, capture_output=True, text=True,
        )
    cli = time.perf_counter() - start
    cli_count = sum(int(line.split()[0]) for line in proc.stdout.splitlines() if line.strip())
    print(f"tree: {tree}")
    print(f"server, diagnosticMode=workspace: {elapsed:.2f} s from initialize until every file was checked; {files} files pushed, {diagnostics} diagnostics")
    print(f"a hover sent during the sweep was answered in {hover * 1000:.0f} ms")
    print(f"contract-lsp --check on the same tree: {cli:.2f} s, {cli_count} findings; server / CLI = {elapsed / cli:.2f}")
    print(f"workspace/diagnostic pull: first {first:.2f} s; repeat with result ids {again:.2f} s ({unchanged} of {reports} reports unchanged; repeat / first = {again / first:.2f})")


if __name__ == "__main__":
    main()
