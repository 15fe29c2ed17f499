"""``contract-lsp --list-packs``: the bundled packs (SPEC §2.1, §4)."""

from __future__ import annotations

import argparse
import sys


def run_list_packs(args: argparse.Namespace) -> int:
    """Print one line per bundled pack: its distribution (the name ``--pack`` takes), the
    releases its entries cover (oldest to newest ``since`` / ``deprecated_in`` /
    ``removed_in``) and its contract count; exit 0, or 2 if a pack does not load."""
    from ..packs import bundled, describe

    rows = []
    for name, path in bundled().items():
        try:
            info = describe(path)
        except ValueError as exc:
            print(f"contract-lsp: {exc}", file=sys.stderr)
            return 2
        releases = f"{info.oldest} to {info.newest}" if info.oldest and info.oldest != info.newest else (info.oldest or "-")
        rows.append((name, info.distribution, releases, info.contracts))
    if not rows:
        print("No bundled packs.")
        return 0
    header = ("pack", "distribution", "releases", "contracts")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(3)]
    for row in [header, *rows]:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")
    total = sum(r[3] for r in rows)
    print(f"{len(rows)} packs, {total} contracts. Select with --pack NAME or packs = [\"NAME\", ...] (\"auto\": every declared dependency).")
    return 0
