"""List every call that *might* pass an old keyword covered by a bundled pack.

This is the starting point for a hand-built oracle, not the oracle itself: it matches on
the callee's last name only (plus `import ... as` renames), so it over-reports (a project's
own ``to_csv``) and a human classifies each line as the library's call or not.

Input: one or more directories. Output (stdout): one line per candidate,
``path:line:col  callee  keyword  pack`` (1-based line, 1-based column of the keyword).
Reads ``.py`` files and the code cells of ``.ipynb`` notebooks (line = line within the
cell, printed as ``path#cellN:line``). Independent of contract_lsp's own resolver on purpose.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import yaml

PACK_DIR = Path(__file__).resolve().parents[2] / "contract_lsp" / "packs"


def _old_keywords() -> dict[str, dict[str, str]]:
    """Map a callable's last name to {old keyword: pack} over every bundled pack."""
    table: dict[str, dict[str, str]] = {}
    for pack in sorted(PACK_DIR.glob("*.yaml")):
        for contract in yaml.safe_load(pack.read_text())["contracts"]:
            names = [contract["target"], *contract.get("aliases", [])]
            for param in contract.get("parameters", []):
                olds = param.get("removed_names", []) + param.get(
                    "deprecated_names", []
                )
                if not olds and (param.get("removed_in") or param.get("deprecated_in")):
                    olds = [
                        param["name"]
                    ]  # a removal: the parameter itself is the old keyword
                for name in names:
                    for old in olds:
                        table.setdefault(name.rsplit(".", 1)[-1], {})[old] = pack.stem
    return table


def _renames(tree: ast.AST) -> dict[str, str]:
    """`from x import A as B` / `import x as B`: local name B -> imported last name A."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.asname:
                    out[alias.asname] = alias.name.rsplit(".", 1)[-1]
    return out


def _scan(source: str, label: str, table: dict[str, dict[str, str]]) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [f"{label}: SYNTAX ERROR (not scanned)"]
    renames = _renames(tree)
    rows = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        last = (
            func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        )
        if last is None:
            continue
        last = renames.get(last, last)
        olds = table.get(last, {})
        for kw in node.keywords:
            if kw.arg in olds:
                rows.append(
                    f"{label}:{kw.lineno}:{kw.col_offset + 1}  {ast.unparse(func)}  {kw.arg}  {olds[kw.arg]}"
                )
    return rows


def main(argv: list[str]) -> int:
    table = _old_keywords()
    for root in map(Path, argv):
        for path in sorted(root.rglob("*.py")) + sorted(root.rglob("*.ipynb")):
            rel = path.relative_to(root)
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".py":
                for row in _scan(text, str(rel), table):
                    print(row)
                continue
            try:
                cells = json.loads(text).get("cells", [])
            except (ValueError, AttributeError):
                continue
            for i, cell in enumerate(c for c in cells if c.get("cell_type") == "code"):
                src = cell.get("source", "")
                src = "".join(src) if isinstance(src, list) else src
                if src.lstrip().startswith("%%"):
                    continue  # a cell magic (%%bash, %%writefile): the cell is not Python
                # Line magics and shell lines are not Python: make them `pass`, keep line numbers.
                src = "\n".join(
                    l[: len(l) - len(l.lstrip())] + "pass"
                    if l.lstrip().startswith(("%", "!"))
                    else l
                    for l in src.split("\n")
                )
                for row in _scan(src, f"{rel}#cell{i}", table):
                    print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
