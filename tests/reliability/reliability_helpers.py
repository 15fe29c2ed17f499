"""Helpers of the reliability tests (issue 15): a small real workspace on disk and the real
CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CONTRACTS = """
version: 1
contracts:
  - name: fn
    kind: callable
    target: app.lib.fn
    parameters:
      - name: new_name
        deprecated_names: [old_name]
  - name: Proto
    kind: protocol
    target: app.lib.P
    methods:
      - name: run
        parameters:
          - name: x
      - name: stop
        async: true
"""

LIB = """
def fn(new_name=None):
    return new_name


class P:
    def run(self, x):
        raise NotImplementedError

    async def stop(self):
        raise NotImplementedError
"""


def write_workspace(root: Path, files: dict[str, str | bytes] | None = None, contracts: str = CONTRACTS) -> Path:
    """A workspace at ``root``: pyproject, ``contracts/app.yaml``, ``app/lib.py``, and
    ``files`` (relative path -> text, dedented, or bytes as they are)."""
    (root / "pyproject.toml").write_text('[project]\nname = "ws"\n')
    (root / "contracts").mkdir(parents=True, exist_ok=True)
    (root / "contracts/app.yaml").write_text(contracts)
    (root / "app").mkdir(exist_ok=True)
    (root / "app/__init__.py").write_text("")
    (root / "app/lib.py").write_text(LIB.lstrip("\n"))
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


#: Drops root's power to ignore file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH),
#: so chmod tricks deny root as they deny anyone; empty when not root (they work anyway).
def _unprivileged_prefix() -> list[str] | None:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


UNPRIVILEGED = _unprivileged_prefix()


def cli(cwd: Path, *args: str, unprivileged: bool = False, preexec=None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real CLI in ``cwd``; stdin closed (a run that wrongly starts the server ends at
    once); ``unprivileged``: with file permissions enforced even for root."""
    prefix: list[str] = []
    if unprivileged:
        if UNPRIVILEGED is None:
            pytest.skip("running as root without setpriv: permissions cannot be enforced")
        prefix = UNPRIVILEGED
    return subprocess.run(
        [*prefix, sys.executable, "-m", "contract_lsp", *args],
        cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, preexec_fn=preexec, check=False,
    )
