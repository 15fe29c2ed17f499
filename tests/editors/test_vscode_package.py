"""The VS Code extension builds into a .vsix with `npm ci && npm run package`, carrying the
settings SPEC §6 names and the package's own JSON Schema for contract files."""

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

pytestmark = pytest.mark.skipif(NPM is None, reason="npm not found (Node 20 + npm build the VS Code extension)")


def test_vsix_builds_with_settings_and_schema():
    for step in (["ci", "--no-audit", "--no-fund"], ["run", "package"]):
        proc = subprocess.run([NPM, *step], cwd=EXT, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    with zipfile.ZipFile(EXT / "contract-lsp.vsix") as vsix:
        manifest = json.loads(vsix.read("extension/package.json"))
        schema = json.loads(vsix.read("extension/schema/contracts.schema.json"))
        names = vsix.namelist()
    settings = manifest["contributes"]["configuration"]["properties"]
    assert set(settings) == {
        "contractLsp.serverCommand", "contractLsp.contracts", "contractLsp.select",
        "contractLsp.ignore", "contractLsp.trace.server",
    }
    assert settings["contractLsp.serverCommand"]["default"] == ["contract-lsp"]
    assert manifest["contributes"]["commands"][0]["command"] == "contractLsp.restart"
    assert manifest["contributes"]["yamlValidation"][0]["fileMatch"] == ["contracts/**/*.yaml", "contracts/**/*.yml"]
    assert schema == json.loads((REPO / "contract_lsp" / "schema" / "contracts.schema.json").read_text())
    assert "extension/dist/extension.js" in names
