"""The server the .vsix carries (SPEC §6), run as the extension runs it: its launcher
(``extension/bundled/launch.py``) with a Python that has nothing of ours installed (a fresh
virtualenv of each CPython found on this machine). Python 3.11+ checks a workspace (YAML,
JSON Schema, libcst stubs: every compiled library) and answers LSP ``initialize`` over
stdio; an older Python gets one clear reason, from ``--probe`` and from the launcher itself.

This tests the launcher's Python side; the extension's use of it (the message a user sees
in VS Code when there is no Python) is tested in code-server by test_vscode_e2e.py.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
VSIX = REPO / "editors" / "vscode" / "contract-lsp.vsix"

pytestmark = pytest.mark.skipif(
    not VSIX.exists(), reason="the extension is not built (cd editors/vscode && npm ci && npm run package; .ci/run does)"
)


def _pythons() -> dict[str, str]:
    """X.Y -> an executable of each CPython version on this machine (PATH, pyenv, /usr/bin)."""
    candidates = [shutil.which(f"python3.{minor}") for minor in range(6, 16)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3")))
    candidates += sorted(glob.glob("/usr/bin/python3.*[0-9]")) + [sys.executable]
    found: dict[str, str] = {}
    for exe in filter(None, candidates):
        proc = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            found.setdefault(proc.stdout.strip(), exe)
    return found


PYTHONS = _pythons()
SUPPORTED = sorted((v for v in PYTHONS if tuple(map(int, v.split("."))) >= (3, 11)), key=lambda v: tuple(map(int, v.split("."))))
TOO_OLD = sorted((v for v in PYTHONS if tuple(map(int, v.split("."))) < (3, 11)), key=lambda v: tuple(map(int, v.split("."))))


@pytest.fixture(scope="module")
def extension(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(VSIX) as vsix:
        vsix.extractall(target)
    return target / "extension"


def fresh_python(base: str, where: Path) -> str:
    """A new virtualenv of ``base`` without pip: nothing of ours, nothing of pygls."""
    subprocess.run([base, "-m", "venv", "--without-pip", str(where)], check=True)
    python = str(where / "bin" / "python")
    for module in ("contract_lsp", "pygls"):
        proc = subprocess.run([python, "-c", f"import {module}"], cwd=where, capture_output=True, text=True, check=False)
        assert proc.returncode != 0, f"the fresh Python sees an installed {module}"
    return python


WORKSPACE = {
    "pyproject.toml": '[project]\nname = "ws"\n',
    "contracts/c.yaml": """
        version: 1
        contracts:
          - name: make_ctx
            kind: callable
            target: app.ctx.make_ctx
            parameters:
              - {name: websocket_client_id, deprecated_names: [websocket_connection_id]}
          - name: Store
            kind: protocol
            target: app.store.Store
            methods:
              - name: get
                parameters: [{name: key}]
    """,
    "app/__init__.py": "",
    "app/ctx.py": "def make_ctx(websocket_client_id=None):\n    return websocket_client_id\n",
    "app/store.py": "from typing import Protocol\n\n\nclass Store(Protocol):\n    def get(self, key): ...\n",
    "app/impl.py": "from app.store import Store\n\n\nclass Memory(Store):\n    pass\n",
    "app/use.py": 'from app.ctx import make_ctx\n\nmake_ctx(websocket_connection_id="c")\n',
}


def write_workspace(root: Path) -> Path:
    for rel, text in WORKSPACE.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def _message(body: dict) -> bytes:
    data = json.dumps(body).encode()
    return f"Content-Length: {len(data)}\r\n\r\n".encode() + data


def _responses(raw: bytes) -> list[dict]:
    out = []
    while raw:
        header, _, rest = raw.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in header.split(b"\r\n") if line.lower().startswith(b"content-length")))
        out.append(json.loads(rest[:length]))
        raw = rest[length:]
    return out


@pytest.mark.skipif(not SUPPORTED, reason="no CPython 3.11+ found on this machine")
@pytest.mark.parametrize("version", SUPPORTED)
def test_the_bundled_server_runs_on_a_bare_python(extension, tmp_path, version):
    python = fresh_python(PYTHONS[version], tmp_path / "venv")
    launcher = extension / "bundled" / "launch.py"
    ws = write_workspace(tmp_path / "ws")

    probe = json.loads(subprocess.run([python, str(launcher), "--probe"], capture_output=True, text=True, check=True).stdout)
    assert probe["ok"] is True and probe["version"].startswith(version + "."), probe

    # a check and the protocol stubs' diff: YAML, the schema (rpds) and libcst all load
    proc = subprocess.run([python, str(launcher), "--check", "--diff", "--unsafe-fixes"], cwd=ws, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert '+make_ctx(websocket_client_id="c")' in proc.stdout
    assert "+    def get(self, key)" in proc.stdout, proc.stdout

    # the language server itself (pygls, lsprotocol) over stdio
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": ws.as_uri(), "capabilities": {}}}
    shutdown = {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}
    exit_ = {"jsonrpc": "2.0", "method": "exit", "params": None}
    proc = subprocess.run(
        [python, str(launcher), "--stdio"], cwd=ws, input=_message(init) + _message(shutdown) + _message(exit_),
        capture_output=True, timeout=120,
    )
    responses = {r.get("id"): r for r in _responses(proc.stdout)}
    assert responses[1]["result"]["serverInfo"]["name"] == "contract-lsp", responses
    assert "codeActionProvider" in responses[1]["result"]["capabilities"]
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]


@pytest.mark.skipif(not TOO_OLD, reason="no Python older than 3.11 found on this machine")
@pytest.mark.parametrize("version", TOO_OLD)
def test_a_too_old_python_gets_one_clear_reason(extension, tmp_path, version):
    python = PYTHONS[version]
    launcher = extension / "bundled" / "launch.py"
    probe = json.loads(subprocess.run([python, str(launcher), "--probe"], capture_output=True, text=True, check=True).stdout)
    assert probe["ok"] is False
    assert probe["reason"].startswith(f"Python {version}.") and "too old: contract-lsp needs Python >=3.11" in probe["reason"]
    proc = subprocess.run([python, str(launcher), "--stdio"], capture_output=True, text=True, timeout=60, input="")
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [f"contract-lsp: {probe['reason']} ({probe['executable']})"]
