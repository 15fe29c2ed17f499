"""Notebooks as users have them: nbformat 4 JSON, written the way Jupyter writes it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

#: A workspace library with a contracted function: no third-party package needed.
CONTRACTS = """
version: 1
contracts:
  - name: read_table
    kind: callable
    target: lib.io.read_table
    parameters:
      - {name: path, required: true}
      - name: on_bad_lines
        removed_names: [error_bad_lines]
      - name: lineterminator
        deprecated_names: [line_terminator]
"""

LIB = """
def read_table(path, on_bad_lines=None, lineterminator=None):
    return path
"""


def cell(kind: str, source, outputs=None, count=None) -> dict:
    """A cell as Jupyter writes it (``source`` a list of lines or one string)."""
    if kind != "code":
        return {"cell_type": kind, "metadata": {}, "source": source}
    return {"cell_type": "code", "execution_count": count, "metadata": {}, "outputs": outputs or [], "source": source}


def lines(text: str) -> list[str]:
    """``text`` as nbformat stores a source: one string per line, each but the last ending in \\n."""
    return textwrap.dedent(text).strip("\n").splitlines(keepends=True)


def notebook(cells: list[dict], language: str = "python") -> dict:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.4"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(doc: dict, indent: int = 1) -> bytes:
    """Bytes as Jupyter writes them (nbformat: ``indent=1``, no ASCII escaping, final newline)."""
    return (json.dumps(doc, indent=indent, ensure_ascii=False) + "\n").encode("utf-8")


def write_workspace(root: Path, files: dict[str, str | bytes]) -> Path:
    base = {"pyproject.toml": '[project]\nname = "ws"\n', "contracts/lib.yaml": CONTRACTS, "lib/__init__.py": "", "lib/io.py": LIB}
    for rel, data in {**base, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


from workspace_helpers import cli as run_cli  # noqa: E402,F401  (the suite's one CLI runner)
