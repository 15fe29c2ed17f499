"""``--check`` cold, warm, and one changed file, as ratios to ruff measured in the same run.

    python benchmarks/bench_cache.py [--runs N] [--big DIR] [--file REL]

Two trees: this interpreter's standard library with ``benchmarks/stdlib/contracts`` (as
bench_check.py), and a large real tree (``--big``, default ``/tmp/bigtree``; make it with
``sh benchmarks/make_bigtree.sh``) with ``benchmarks/bigtree/contracts``. For each, in
rounds (so that load on the machine hits every command alike), medians of:

- ruff: ``ruff check --select F --no-cache`` on the whole tree (the baseline);
- no cache: ``contract-lsp --check --no-cache``;
- cold: the same with the cache, its folder emptied first (the cost of writing it included);
- warm: the same again, nothing changed;
- one file (big tree only, which is then the workspace: a ``pyproject.toml`` at its top for
  the run): a real edit to ``--file`` (a comment line appended, a new one each round, so its
  content and mtime change), then ``contract-lsp --check FILE`` with the warm cache, against
  ruff's whole-tree time (what pre-commit runs on a commit).

The JSON findings of every contract-lsp run of a tree must be identical (the script exits 1
otherwise); the edited file is restored at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def bench_tree(name: str, tree: Path, contracts: Path, runs: int, ruff: str, edit: Path | None) -> bool:
    """With ``edit``, ``tree`` is the workspace (a ``pyproject.toml`` is written at its top,
    so that checking one file resolves through the whole tree, as in a project); else the
    tree is checked from a workspace of its own (the stdlib is not ours to write to)."""
    with tempfile.TemporaryDirectory() as tmp:
        work = tree if edit is not None else Path(tmp)
        config = f"[tool.contract-lsp]\ncontracts = {json.dumps([str(contracts)])}\n"
        pyproject = work / "pyproject.toml"
        kept = pyproject.read_bytes() if edit is not None and pyproject.exists() else None
        pyproject.write_text(config)
        cache = Path(tmp) / "cache"
        ours = [sys.executable, "-m", "contract_lsp", "--check", "--format", "json", "--exit-zero", "--no-progress"]
        times: dict[str, list[float]] = {k: [] for k in ("ruff", "no cache", "cold", "warm", "one file")}
        outputs: dict[str, str] = {}
        one_file: dict[str, str] = {}
        original = edit.read_bytes() if edit is not None else None
        try:
            for round_ in range(runs):
                seconds, _ = timed([ruff, "check", "--select", "F", "--no-cache", "--exit-zero", "--quiet", str(tree)], work)
                times["ruff"].append(seconds)
                seconds, proc = timed([*ours, "--no-cache", str(tree)], work)
                times["no cache"].append(seconds)
                outputs[f"no cache {round_}"] = proc.stdout
                shutil.rmtree(cache, ignore_errors=True)
                for kind in ("cold", "warm"):
                    seconds, proc = timed([*ours, "--cache-dir", str(cache), str(tree)], work)
                    times[kind].append(seconds)
                    outputs[f"{kind} {round_}"] = proc.stdout
                    if proc.returncode != 0:
                        print(proc.stderr, file=sys.stderr)
                        return False
                if edit is not None and original is not None:
                    edit.write_bytes(original + f"# bench_cache round {round_}\n".encode())
                    seconds, proc = timed([*ours, "--cache-dir", str(cache), str(edit)], work)
                    times["one file"].append(seconds)
                    one_file[f"cached {round_}"] = proc.stdout
                    _, proc = timed([*ours, "--no-cache", str(edit)], work)
                    one_file[f"uncached {round_}"] = proc.stdout
                    edit.write_bytes(original)
        finally:
            if edit is not None and original is not None:
                edit.write_bytes(original)
            if edit is not None:
                if kept is None:
                    pyproject.unlink()
                else:
                    pyproject.write_bytes(kept)
    same = len(set(outputs.values())) == 1 and len(set(one_file.values())) <= 1
    ruff_median = statistics.median(times["ruff"])
    findings = json.loads(next(iter(outputs.values())) or "[]")
    print(f"{name}: {tree} ({len(findings)} findings; identical with and without the cache: {same})")
    for kind, values in times.items():
        if not values:
            continue
        median = statistics.median(values)
        ratio = "" if kind == "ruff" else f"  ratio {median / ruff_median:.2f}"
        print(f"  {kind:>9}: median {median:.3f} s ({', '.join(f'{v:.2f}' for v in values)}){ratio}")
    if edit is not None:
        print(f"  (one file: {edit})")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stdlib", default=sysconfig.get_path("stdlib"), help="the standard library to check (default: this interpreter's)")
    parser.add_argument("--big", default="/tmp/bigtree", help="the large tree ('' to skip it)")
    parser.add_argument("--file", default="pandas/pandas/core/frame.py", help="the file edited in the big tree (relative to it)")
    args = parser.parse_args()
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        print("bench_cache: ruff, the baseline, is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    ok = bench_tree("stdlib", Path(args.stdlib), HERE / "stdlib" / "contracts", args.runs, ruff, None)
    big = Path(args.big) if args.big else None
    if big is None:
        pass
    elif big.is_dir():
        ok = bench_tree("big tree", big, HERE / "bigtree" / "contracts", args.runs, ruff, big / args.file) and ok
    else:
        print(f"bench_cache: no big tree at {big}: sh benchmarks/make_bigtree.sh {big}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
