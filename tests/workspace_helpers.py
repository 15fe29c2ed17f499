"""Real workspaces on disk for engine tests: write files, open the project, check them."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from contract_lsp.engine import check_source
from contract_lsp.findings import Finding
from contract_lsp.project import open_project


def write_workspace(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text, dedented) under ``root``, with a pyproject."""
    (root / "pyproject.toml").write_text('[project]\nname = "ws"\n')
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check_workspace(root: Path, only: str | None = None) -> dict[str, list[Finding]]:
    """Findings per relative path for every Python file under ``root`` (or just ``only``)."""
    files = sorted(str(p) for p in root.rglob("*.py"))
    project = open_project(root, files)
    assert not project.registry.errors, project.registry.errors
    project.expand_words({p: Path(p).read_bytes() for p in files})
    out: dict[str, list[Finding]] = {}
    for path in files:
        rel = os.path.relpath(path, root)
        if only is not None and rel != only:
            continue
        text = Path(path).read_text(encoding="utf-8")
        out[rel] = check_source(text, path, project.table, selection=project.settings, mentions=project.mentions)
    return out


def codes_at(findings: list[Finding]) -> list[tuple[int, int, str]]:
    """(1-based line, 1-based column, code) of each finding, as the CLI prints them."""
    return [(f.range.start.line + 1, f.range.start.character + 1, f.code) for f in findings]


def line_of(root: Path, rel: str, needle: str) -> int:
    """1-based line of the first line of ``rel`` containing ``needle``."""
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def cli(cwd, *args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 300):
    """The real ``python -m contract_lsp ARGS`` in a subprocess in ``cwd`` (the one CLI
    runner of the suite): ``stdin`` text in (else an empty stdin, so that a run that wrongly
    starts the language server ends at once), ``env`` added to the environment; returns the
    ``subprocess.CompletedProcess`` with text ``stdout`` and ``stderr``."""
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "contract_lsp", *args],
        cwd=cwd, input=stdin if stdin is not None else "", capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})}, check=False,
    )
