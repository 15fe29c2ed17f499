"""Speed of ``contract-lsp --check`` on a large real tree, as a ratio to ruff in the same run.

    python benchmarks/bench_check.py [TREE] [--runs N]

TREE defaults to this interpreter's standard library; the registry is
``benchmarks/stdlib/contracts`` (real stdlib APIs with their real deprecations). Both tools
skip ``site-packages`` (both do by default). The machines here are shared and noisy, so the figure
that matters is the ratio of medians measured in the same run, not the seconds.
Also prints the findings per code, for the issue notes.
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
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE / "stdlib" / "contracts"
GENERIC = HERE / "stdlib" / "generic"


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_path("stdlib"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generic", action="store_true", help="add the contracts on generic names (sub, split, run)")
    parser.add_argument("--discover", action="store_true", help='also discover = ["protocols"]: every Protocol and ABC of the tree is a contract')
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        print("bench_check: ruff, the baseline, is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # A workspace of its own, so the tree is checked with just the stdlib registry.
        registry = [str(CONTRACTS)] + ([str(GENERIC)] if args.generic else [])
        discover = 'discover = ["protocols"]\n' if args.discover else ""
        (work / "pyproject.toml").write_text(f"[tool.contract-lsp]\ncontracts = {json.dumps(registry)}\n{discover}")
        # --no-cache: this measures a cold run every time (bench_cache.py measures the cache)
        ours_cmd = [sys.executable, "-m", "contract_lsp", "--check", str(tree), "--format", "json", "--exit-zero", "--no-progress", "--no-cache"]
        ruff_cmd = [ruff, "check", "--select", "F", "--no-cache", "--exit-zero", "--quiet", "--output-format", "concise", str(tree)]
        ours, theirs = [], []
        last = None
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            seconds, last = timed(ours_cmd, work)
            ours.append(seconds)
            seconds, _ = timed(ruff_cmd, work)
            theirs.append(seconds)
        assert last is not None
        if last.returncode != 0:
            print(last.stderr, file=sys.stderr)
            return 1
        findings = json.loads(last.stdout or "[]")
        skipped = [line for line in last.stderr.splitlines() if "skipped" in line]
    ours_median, ruff_median = statistics.median(ours), statistics.median(theirs)
    print(f"tree: {tree}")
    print(f"contract-lsp --check: median {ours_median:.3f} s over {args.runs} runs ({', '.join(f'{s:.2f}' for s in ours)})")
    print(f"ruff check --select F --no-cache: median {ruff_median:.3f} s ({', '.join(f'{s:.2f}' for s in theirs)})")
    print(f"ratio contract-lsp / ruff: {ours_median / ruff_median:.2f}")
    print(f"findings: {len(findings)} " + ", ".join(f"{c}={n}" for c, n in sorted(Counter(f['code'] for f in findings).items())))
    print(f"files named on stderr as skipped: {len(skipped)}")
    for line in skipped[:20]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
