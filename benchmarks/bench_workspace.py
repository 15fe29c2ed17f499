"""``diagnosticMode = "workspace"`` on a big tree: how long the server takes to push the
findings of every file, against ``contract-lsp --check`` on the same tree in the same run.

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


async def run_server(tree: Path) -> tuple[float, int, int]:
    client = LanguageClient("bench-workspace", "1")
    published: dict[str, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.uri] = len(params.diagnostics)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params):
        return None

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_progress(params):
        return None

    await client.start_io(sys.executable, "-m", "contract_lsp")
    start = time.perf_counter()
    await client.initialize_async(
        types.InitializeParams(
            capabilities=client_capabilities("emacs"),
            root_uri=tree.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tree.as_uri(), name="tree")],
            initialization_options={"contractLsp": {"contracts": [str(CONTRACTS)], "diagnosticMode": "workspace"}},
        )
    )
    client.initialized(types.InitializedParams())
    # The server handles messages in order and pushes the workspace's diagnostics while
    # handling ``initialized``: a request sent now is answered once they are all out.
    await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=(tree / "os.py").as_uri()), position=types.Position(line=0, character=0))
    )
    elapsed = time.perf_counter() - start
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return elapsed, len(published), sum(published.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_path("stdlib"))
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    elapsed, files, diagnostics = asyncio.run(run_server(tree))
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
    print(f"contract-lsp --check on the same tree: {cli:.2f} s, {cli_count} findings; server / CLI = {elapsed / cli:.2f}")


if __name__ == "__main__":
    main()
