"""Packaging (SPEC §6, issue 14): the wheel that pip builds from this tree declares its
license as an SPDX expression and carries the LICENSE file; there is a changelog."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_has_an_spdx_license_and_the_license_file(tmp_path):
    # pip builds in an isolated environment with the build-system's setuptools (>= 77)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("contract_lsp-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        metadata = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        headers = zf.read(metadata).decode().split("\n\n", 1)[0].splitlines()
        licenses = [n for n in zf.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert licenses and zf.read(licenses[0]).decode() == (REPO / "LICENSE").read_text()
    assert "License-Expression: MIT" in headers
    assert "License-File: LICENSE" in headers
    assert not any(h.startswith("License: ") for h in headers)  # the deprecated table form


def test_license_and_changelog():
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
    changelog = (REPO / "CHANGELOG.md").read_text()
    from contract_lsp import __version__

    assert f"## [{__version__}]" in changelog and "## [Unreleased]" in changelog
