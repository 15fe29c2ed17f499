"""Speed of ``contract-lsp --check --fix`` at scale, as a ratio to ``ast.parse`` of the same
sources in the same run (issue 15: both must be at most 10x).

    python benchmarks/bench_fix.py [--runs N] [--calls 200000] [--files 2000] [--per-file 10]

Two generated workspaces, each with one callable contract whose keyword ``old_name`` is
deprecated (a safe CL002 fix per call):

- one file with ``--calls`` fixable calls (default 200,000);
- ``--files`` files (default 2,000) with ``--per-file`` fixable calls each (default 10).

Each run writes the sources afresh, times the real CLI in a subprocess (``--fix``, no
cache, no progress bar; interpreter start-up included), checks that every call was fixed,
and times ``ast.parse`` of the same sources in this process. The machines here are shared
and noisy: the figure that matters is the ratio of medians measured in the same run.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONTRACTS = """version: 1
contracts:
  - name: fn
    kind: callable
    target: app.lib.fn
    parameters:
      - name: new_name
        deprecated_names: [old_name]
"""


def _source(calls: int, offset: int = 0) -> str:
    return "from app.lib import fn\n\n" + "".join(f"fn(old_name={offset + i})\n" for i in range(calls))


def _workspace(root: Path) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "bench-fix"\n')
    (root / "contracts").mkdir()
    (root / "contracts/app.yaml").write_text(CONTRACTS)
    (root / "app").mkdir()
    (root / "app/__init__.py").write_text("")
    (root / "app/lib.py").write_text("def fn(new_name=None):\n    return new_name\n")


def _write(root: Path, sources: dict[str, str]) -> None:
    for rel, text in sources.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _parse_seconds(sources: dict[str, str]) -> float:
    start = time.perf_counter()
    for rel, text in sources.items():
        ast.parse(text, filename=rel)
    return time.perf_counter() - start


def _fix_seconds(root: Path, sources: dict[str, str]) -> float:
    _write(root, sources)
    cmd = [sys.executable, "-m", "contract_lsp", "--check", "--fix", "--no-progress", "--exit-zero"]
    help_text = subprocess.run([sys.executable, "-m", "contract_lsp", "--help"], capture_output=True, text=True, check=False).stdout
    if "--no-cache" in help_text:
        cmd.append("--no-cache")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench_fix: --fix failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    for rel in sources:
        if "old_name" in (root / rel).read_text():
            raise SystemExit(f"bench_fix: {rel} was not fully fixed")
    return seconds


def _case(name: str, sources: dict[str, str], runs: int) -> float:
    fixes = sum(text.count("old_name") for text in sources.values())
    size = sum(len(text) for text in sources.values())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _workspace(root)
        ours, parse = [], []
        for _ in range(runs):  # interleaved, so load on the machine hits both alike
            ours.append(_fix_seconds(root, sources))
            parse.append(_parse_seconds(sources))
    ratio = statistics.median(ours) / statistics.median(parse)
    print(
        f"{name}: {len(sources)} file(s), {fixes:,} fixes, {size / 1e6:.1f} MB; "
        f"--fix {statistics.median(ours):.2f} s, ast.parse {statistics.median(parse):.3f} s: {ratio:.1f}x"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=2_000)
    parser.add_argument("--per-file", type=int, default=10)
    args = parser.parse_args()
    one = _case("one file", {"app/many.py": _source(args.calls)}, args.runs)
    many = _case(
        "many files",
        {f"app/pkg{i // 100}/m{i}.py": _source(args.per_file, i * args.per_file) for i in range(args.files)},
        args.runs,
    )
    ok = one <= 10 and many <= 10
    print("within 10x: " + ("yes" if ok else "NO"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
