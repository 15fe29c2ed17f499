"""The VS Code extension builds into a .vsix with `npm ci && npm run package`, carrying the
settings SPEC §6 names, the package's own JSON Schema for contract files, and the server
with its dependencies for this platform (bundled/: the launcher, libs/common, libs/cpXY)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
EXT = REPO / "editors" / "vscode"
NPM = shutil.which("npm")

pytestmark = pytest.mark.skipif(NPM is None, reason="npm not found (Node 20 + npm build the VS Code extension; pip and PyPI bundle its server)")


def test_vsix_builds_with_settings_and_schema():
    for step in (["ci", "--no-audit", "--no-fund"], ["run", "package"]):
        proc = subprocess.run([NPM, *step], cwd=EXT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    with zipfile.ZipFile(EXT / "contract-lsp.vsix") as vsix:
        manifest = json.loads(vsix.read("extension/package.json"))
        schema = json.loads(vsix.read("extension/schema/contracts.schema.json"))
        names = vsix.namelist()
        server = json.loads(vsix.read("extension/bundled/server.json"))
        vsixmanifest = vsix.read("extension.vsixmanifest").decode()
        bundled_version = vsix.read("extension/bundled/libs/common/contract_lsp/__init__.py").decode()
    settings = manifest["contributes"]["configuration"]["properties"]
    assert set(settings) == {
        "contractLsp.serverCommand", "contractLsp.contracts", "contractLsp.select",
        "contractLsp.ignore", "contractLsp.trace.server",
    }
    assert settings["contractLsp.serverCommand"]["default"] == []  # empty: the bundled server
    assert manifest["contributes"]["commands"][0]["command"] == "contractLsp.restart"
    assert manifest["contributes"]["yamlValidation"][0]["fileMatch"] == ["contracts/**/*.yaml", "contracts/**/*.yml"]
    assert schema == json.loads((REPO / "contract_lsp" / "schema" / "contracts.schema.json").read_text())
    assert "extension/dist/extension.js" in names
    # the server and its dependencies: pure Python once, compiled libraries per Python version
    from contract_lsp import __version__

    assert 'TargetPlatform="linux-x64"' in vsixmanifest and server["target"] == "linux-x64"
    assert f'__version__ = "{__version__}"' in bundled_version
    assert server["requires_python"] == ">=3.11" and server["minimum"] == [3, 11]
    assert "extension/bundled/launch.py" in names
    assert "extension/bundled/libs/common/contract_lsp/schema/contracts.schema.json" in names
    assert "extension/bundled/libs/common/contract_lsp/docs/rules.md" in names
    for package in ("pygls", "lsprotocol", "jsonschema", "pathspec", "tqdm", "attrs", "cattrs"):
        assert f"extension/bundled/libs/common/{package}/__init__.py" in names, package
    for version in server["pythons"]:
        tag = "cp" + version.replace(".", "")
        for compiled in ("libcst/native", "rpds/rpds", "yaml/_yaml"):
            assert any(n.startswith(f"extension/bundled/libs/{tag}/{compiled}.cpython-{tag[2:]}") and n.endswith(".so") for n in names), (tag, compiled)
    assert not any("__pycache__" in n or "/bin/" in n for n in names)
