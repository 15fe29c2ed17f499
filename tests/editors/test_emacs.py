"""Real Emacs (28, Debian's emacs-nox) with eglot (Debian's elpa-eglot) and
editors/emacs/contract-lsp.el: a Python file gets contract-lsp's diagnostic in flymake, the
hover renders the contract, and eglot applies the preferred quick fix."""

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
EMACS = shutil.which("emacs")


def _eglot_missing() -> str | None:
    if EMACS is None:
        return "Emacs not found (apt-get install emacs-nox elpa-eglot; scripts/editor-e2e/setup.sh does)"
    proc = subprocess.run([EMACS, "--batch", "-q", "--eval", "(require 'eglot)"], capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        return f"eglot not found in Emacs (apt-get install elpa-eglot): {proc.stderr.strip()[-200:]}"
    return None


MISSING = _eglot_missing()
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


def test_emacs_eglot_shows_diagnostic_hover_and_applies_quick_fix(tmp_path):
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
            doc: Builds the per-request context.
            parameters:
              - {name: user_id, required: true}
              - {name: websocket_client_id, deprecated_names: [websocket_connection_id]}
    """))
    (ws / "app/__init__.py").write_text("")
    (ws / "app/ctx.py").write_text("def make_ctx(user_id, websocket_client_id=None):\n    return user_id\n")
    mod = ws / "app/mod.py"
    mod.write_text('from app.ctx import make_ctx\n\nmake_ctx("u", websocket_connection_id="c")\n')
    # a git repository, as projects are: project.el finds its root there (the server's rootUri)
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    out = tmp_path / "out.json"
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        # contract-lsp from this test's environment, as a user's pip install puts it on PATH
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "CONTRACT_LSP_E2E_OUT": str(out),
        "CONTRACT_LSP_E2E_FILE": str(mod),
    }
    proc = subprocess.run(
        [EMACS, "--batch", "-q", "-l", str(REPO / "editors" / "emacs" / "contract-lsp.el"),
         "-l", str(REPO / "tests" / "editors" / "emacs_e2e.el")],
        cwd=ws, env=env, capture_output=True, text=True, timeout=180,
    )
    assert out.exists(), proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    assert result["error"] is None, (result, proc.stderr[-3000:])
    assert [(d["line"], d["code"], d["source"]) for d in result["diagnostics"]] == [(3, "CL002", "contract-lsp")]
    assert "deprecated" in result["diagnostics"][0]["text"]
    assert "make_ctx" in result["hover"] and "Builds the per-request context." in result["hover"], result["hover"]
    assert "websocket_client_id" in result["hover"]
    assert "contract-lsp (CL002): Rename 'websocket_connection_id' to 'websocket_client_id'" in result["actions"]
    assert "contract-lsp (CL002): Disable for this line" in result["actions"]
    assert result["applied"].startswith("contract-lsp (CL002): Rename")
    assert mod.read_text() == 'from app.ctx import make_ctx\n\nmake_ctx("u", websocket_client_id="c")\n'
    assert result["cleared"] is True
