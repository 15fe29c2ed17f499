"""A small real workspace on disk and the real CLI in a subprocess, for the command-line
convention tests (SPEC §4)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from workspace_helpers import cli  # noqa: F401  (the suite's one CLI runner)

CONTRACTS = """
version: 1
contracts:
  - name: make_ctx
    kind: callable
    target: app.ctx.make_ctx
    parameters:
      - {name: user_id, required: true}
      - {name: websocket_client_id, deprecated_names: [websocket_connection_id]}
"""

FILES = {
    "contracts/c.yaml": CONTRACTS,
    "app/__init__.py": "",
    "app/ctx.py": "def make_ctx(user_id, websocket_client_id=None):\n    return user_id\n",
    "app/clean.py": 'from app.ctx import make_ctx\n\nmake_ctx("u", websocket_client_id="c")\n',
}

#: a deprecated keyword (CL002, a safe fix) and, below it, a missing required one (CL004, no fix)
DIRTY = 'from app.ctx import make_ctx\n\nmake_ctx("u", websocket_connection_id="c")\nmake_ctx(websocket_client_id="c")\n'


def write(root: Path, files: dict[str, str]) -> Path:
    """``files`` (relative path -> text) under ``root``, with a pyproject.toml."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "ws"\n')
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


