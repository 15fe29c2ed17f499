"""Put the contract-lsp server and its dependencies into the extension (SPEC §6):
``bundled/libs/common`` holds the package and every pure-Python dependency, and
``bundled/libs/cpXY`` the compiled ones (libcst, rpds-py, pyyaml) built for CPython X.Y on
the target platform, one folder per Python version the .vsix supports (compiled wheels
are per version and per platform: hence one .vsix per platform, as ruff's extension ships).
``bundled/server.json`` tells the launcher (``bundled/launch.py``) what it carries.

Usage: python3 scripts/bundle_server.py --target linux-x64 [--pythons 3.11,3.12,3.13,3.14]
Needs pip and PyPI (``pip install --target --platform``); run by ``npm run package``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTENSION = HERE.parent
REPO = EXTENSION.parent.parent
BUNDLED = EXTENSION / "bundled"
LIBS = BUNDLED / "libs"

#: VS Code's platform targets -> pip's platform tags (the oldest glibc/macOS first)
PLATFORMS = {
    "linux-x64": ["manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64"],
    "linux-arm64": ["manylinux2014_aarch64", "manylinux_2_17_aarch64", "manylinux_2_28_aarch64"],
    "darwin-x64": ["macosx_10_12_x86_64", "macosx_10_13_x86_64", "macosx_10_15_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
}
DEFAULT_PYTHONS = ["3.11", "3.12", "3.13", "3.14"]


def _pip(*args: str) -> None:
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]
    subprocess.run(cmd, check=True, env={**os.environ, "PIP_ROOT_USER_ACTION": "ignore"})


def _tree_hash(path: Path) -> str:
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        digest.update(str(file.relative_to(path.parent)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def _clean(folder: Path) -> None:
    """No console scripts (they name the build machine's interpreter) and no byte code."""
    shutil.rmtree(folder / "bin", ignore_errors=True)
    for cache in list(folder.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)
    for tests in list(folder.glob("libcst/**/tests")):  # libcst's own test suite: 2 MB a version
        shutil.rmtree(tests, ignore_errors=True)


def bundle(target: str, pythons: list[str]) -> dict:
    """Fill ``bundled/libs`` for ``target`` and ``pythons``; returns what server.json says."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    shutil.rmtree(LIBS, ignore_errors=True)
    staging = {version: LIBS / f"cp{version.replace('.', '')}" for version in pythons}
    platform_args = [arg for tag in PLATFORMS[target] for arg in ("--platform", tag)]
    for version, folder in staging.items():
        _pip(
            "install", "--no-compile", "--target", str(folder), "--only-binary=:all:",
            "--implementation", "cp", "--python-version", version, *platform_args,
            *project["dependencies"],
        )
        _clean(folder)
    # what every version got alike (pure Python) goes once into common/
    common = LIBS / "common"
    common.mkdir(parents=True)
    first, *rest = staging.values()
    for entry in sorted(first.iterdir()):
        digest = _tree_hash(entry)
        if all((other / entry.name).exists() and _tree_hash(other / entry.name) == digest for other in rest):
            shutil.move(str(entry), common / entry.name)
            for other in rest:
                shutil.rmtree(other / entry.name) if (other / entry.name).is_dir() else (other / entry.name).unlink()
    # the server itself: this repository's package, as pip builds it (package data included)
    _pip("install", "--no-compile", "--no-deps", "--target", str(common), str(REPO))
    _clean(common)
    minimum = project["requires-python"].removeprefix(">=").strip()
    info = {
        "name": project["name"],
        "version": project["version"],
        "requires_python": project["requires-python"],
        "minimum": [int(part) for part in minimum.split(".")],
        "pythons": pythons,
        "target": target,
    }
    (BUNDLED / "server.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=os.environ.get("CONTRACT_LSP_VSIX_TARGET", "linux-x64"), choices=sorted(PLATFORMS))
    parser.add_argument("--pythons", default=",".join(DEFAULT_PYTHONS), help="comma-separated X.Y versions")
    args = parser.parse_args()
    info = bundle(args.target, [v.strip() for v in args.pythons.split(",") if v.strip()])
    size = sum(p.stat().st_size for p in LIBS.rglob("*") if p.is_file())
    print(f"bundled {info['name']} {info['version']} for {info['target']}, Python {', '.join(info['pythons'])}: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
