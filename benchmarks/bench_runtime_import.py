"""What importing ``contract_lsp.runtime`` costs beyond importing ``yaml`` (SPEC §7, issue 13:
at most 50 ms more).

    python benchmarks/bench_runtime_import.py [--runs 15] [--budget-ms 50]

Each measurement is a fresh interpreter (``python -c``) timing its own import with
``time.perf_counter`` around it, so interpreter start-up is left out and nothing is cached
in the process; runs alternate between the two imports so that the machine's noise falls on
both alike. Prints the medians and the excess, and exits 1 when the excess is over the
budget. ``import contract_lsp.runtime`` is timed together with the public names a caller
takes from it (``load``, ``check_conformance`` ...), so lazy tricks would not hide a cost.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

TIMED = "import time; t = time.perf_counter(); {stmt}; print((time.perf_counter() - t) * 1000)"
RUNTIME = "from contract_lsp.runtime import load, check_conformance, require_conformance, check_signature, verify_registry, ContractViolation"
YAML = "import yaml"


def once(stmt: str) -> float:
    """Milliseconds one fresh interpreter takes to run ``stmt``."""
    out = subprocess.run([sys.executable, "-c", TIMED.format(stmt=stmt)], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget-ms", type=float, default=50.0)
    args = parser.parse_args()
    once(RUNTIME)  # warm the file system cache and the .pyc files
    once(YAML)
    runtime, yaml = [], []
    for _ in range(args.runs):
        runtime.append(once(RUNTIME))
        yaml.append(once(YAML))
    r, y = statistics.median(runtime), statistics.median(yaml)
    excess = r - y
    print(f"import contract_lsp.runtime: median {r:.1f} ms over {args.runs} fresh interpreters")
    print(f"import yaml:                 median {y:.1f} ms")
    print(f"excess: {excess:+.1f} ms (budget {args.budget_ms:.0f} ms): {'ok' if excess <= args.budget_ms else 'OVER BUDGET'}")
    return 0 if excess <= args.budget_ms else 1


if __name__ == "__main__":
    sys.exit(main())
