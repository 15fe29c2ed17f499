"""Nothing waits behind long work (SPEC §5): hover, completion and didChange -> diagnostics
answered while a code lens, references and a workspace pull run over the standard library.

    python benchmarks/bench_background.py [--runs 7]

The workspace is a copy of this interpreter's standard library with
``benchmarks/stdlib/contracts`` as its ``contracts/`` folder. Each request's own cost is
its median with the server idle; then the same requests are sent while the three
whole-workspace requests are running, and their medians compared (target: within 0.1 s of
their own cost). Last, a code lens is cancelled: it must answer RequestCancelled.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pytest_lsp import client_capabilities

CONTRACTS = Path(__file__).resolve().parent / "stdlib" / "contracts" / "stdlib.yaml"
DOC = "import shutil\n\n\ndef clean(path):\n    shutil.rmtree(path, onerror=print)\n" + "".join(f"\n\ndef f{i}(x):\n    return x + {i}\n" for i in range(300))


def make_tree() -> Path:
    root = Path(tempfile.mkdtemp(prefix="bench-background-"))
    tree = root / "stdlib"
    shutil.copytree(sysconfig.get_paths()["stdlib"], tree, ignore=shutil.ignore_patterns("site-packages", "__pycache__"), symlinks=True)
    (tree / "pyproject.toml").write_text('[project]\nname = "stdlib"\n')
    (tree / "contracts").mkdir(exist_ok=True)
    shutil.copy(CONTRACTS, tree / "contracts" / "stdlib.yaml")
    return tree


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tree = make_tree()
    client = LanguageClient("bench-background", "1")
    arrivals: dict[int, float] = {}
    indexed = asyncio.Event()
    doc = tree / "_bench_doc.py"
    contracts = tree / "contracts" / "stdlib.yaml"

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == doc.as_uri() and params.version is not None:
            arrivals[params.version] = time.perf_counter()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        if "contract-lsp: indexed" in params.message:
            indexed.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params):
        return None

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_progress(params):
        return None

    try:
        await client.start_io(sys.executable, "-m", "contract_lsp")
        await client.initialize_async(types.InitializeParams(
            capabilities=client_capabilities("emacs"), root_uri=tree.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tree.as_uri(), name="stdlib")]))
        client.initialized(types.InitializedParams())
        await asyncio.wait_for(indexed.wait(), 120)
        ident = types.TextDocumentIdentifier(uri=doc.as_uri())
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=doc.as_uri(), language_id="python", version=1, text=DOC)))
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=contracts.as_uri(), language_id="yaml", version=1, text=contracts.read_text())))
        while 1 not in arrivals:
            await asyncio.sleep(0.01)
        version = [1]

        async def hover() -> float:
            start = time.perf_counter()
            await client.text_document_hover_async(types.HoverParams(text_document=ident, position=types.Position(line=4, character=12)))
            return time.perf_counter() - start

        async def completion() -> float:
            start = time.perf_counter()
            await client.text_document_completion_async(types.CompletionParams(text_document=ident, position=types.Position(line=4, character=23)))
            return time.perf_counter() - start

        async def change() -> float:
            version[0] += 1
            v = version[0]
            text = DOC.replace("return x + 0", f"return x + {v * 7}")
            start = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.as_uri(), version=v),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
            while v not in arrivals:
                await asyncio.sleep(0.002)
            return arrivals[v] - start

        probes = {"hover": hover, "completion": completion, "didChange -> diagnostics": change}
        idle = {name: statistics.median([await probe() for _ in range(args.runs)]) for name, probe in probes.items()}

        def long_work():
            return [
                asyncio.ensure_future(client.text_document_code_lens_async(types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=contracts.as_uri())))),
                asyncio.ensure_future(client.text_document_references_async(types.ReferenceParams(
                    text_document=types.TextDocumentIdentifier(uri=contracts.as_uri()), position=types.Position(line=5, character=10),
                    context=types.ReferenceContext(include_declaration=False)))),
                asyncio.ensure_future(client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))),
            ]

        busy: dict[str, list[float]] = {name: [] for name in probes}
        start = time.perf_counter()
        running = long_work()
        while not all(f.done() for f in running) and min(len(v) for v in busy.values()) < args.runs:
            for name, probe in probes.items():
                if not all(f.done() for f in running):
                    busy[name].append(await probe())
        await asyncio.gather(*running)
        long_time = time.perf_counter() - start
        lens, refs, pull = (f.result() for f in running)
        print(f"whole-workspace work: code lens ({lens[0].command.title if lens else '-'}), {len(refs or [])} references, "
              f"workspace pull of {len(pull.items)} files: {long_time:.1f} s")
        for name in probes:
            samples = busy[name]
            if not samples:
                print(f"{name}: no sample while busy")
                continue
            during = statistics.median(samples)
            print(f"{name}: idle {idle[name] * 1000:.0f} ms; during the long work {during * 1000:.0f} ms "
                  f"(median of {len(samples)}, max {max(samples) * 1000:.0f} ms); excess {(during - idle[name]) * 1000:+.0f} ms (target <= 100 ms)")

        future = client.protocol.send_request_async(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=contracts.as_uri())), msg_id="bench-cancel")
        await asyncio.sleep(0.3)  # (pygls's client sends requests from its loop: let it go first)
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="bench-cancel"))
        try:
            await future
            print("cancelled code lens: answered with a result (it finished before the cancel arrived)")
        except Exception as exc:  # pygls raises the error response
            print(f"cancelled code lens: {type(exc).__name__}: {exc}")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    finally:
        shutil.rmtree(tree.parent, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
