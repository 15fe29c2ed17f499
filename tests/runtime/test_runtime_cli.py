"""``contract-lsp --verify`` (SPEC §4, §7), ``pytest --contracts`` and the runtime package's
import hygiene, each run for real in a subprocess: the CLI on the example service and on
small fake distributions built here (an installed release with and without a ``since``
name), pytest on a sample project."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]


def env_with(pythonpath: list[Path] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CONTRACT_LSP_TRACEBACK")}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    return env


def verify(cwd: Path, *args: str, pythonpath: list[Path] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "contract_lsp", "--verify", *args],
        cwd=cwd, env=env_with(pythonpath), capture_output=True, text=True, timeout=120,
    )


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def test_runtime_imports_no_server_libraries():
    code = 'import contract_lsp.runtime, sys; bad = sorted(m for m in sys.modules if m.split(".")[0] in {"pygls", "lsprotocol", "libcst"}); assert not bad, bad'
    proc = subprocess.run([sys.executable, "-c", code], env=env_with(), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_verify_the_example_service():
    proc = verify(REPO)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == "2 contracts kept, 1 broken."
    unified = (REPO / "examples/chat_service/ws/unified.py").read_text().splitlines()
    line = next(i for i, text in enumerate(unified, 1) if text.startswith("class UnifiedWebSocketManager"))
    assert lines[:-1] == [
        f"examples/chat_service/ws/unified.py:{line}:7: CL101 UnifiedWebSocketManager does not implement 2 methods "
        "of WebSocketManagerProtocol: 'get_connection_id_by_websocket', 'update_connection_thread'"
    ]


def test_verify_usage_and_registry_errors(tmp_path):
    write(tmp_path, {"pyproject.toml": '[project]\nname = "p"\n', "contracts/bad.yaml": "version: 1\ncontracts:\n  - name: x\n    kind: nope\n    target: a.b\n"})
    proc = verify(tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("contracts/bad.yaml:4:") and "CL900" in proc.stderr
    empty = tmp_path / "empty"
    write(empty, {"pyproject.toml": '[project]\nname = "e"\n'})
    proc = verify(empty)
    assert proc.returncode == 2 and "no contracts found" in proc.stderr
    proc = verify(empty, "--contracts", str(tmp_path / "missing"))
    assert proc.returncode == 2 and "CL900" in proc.stderr


# -- fake installed distributions ----------------------------------------------------------------


def fake_distribution(site: Path, dist: str, version: str, modules: dict[str, str]) -> Path:
    """A distribution installed in ``site`` (on ``PYTHONPATH``): its modules, and the
    ``.dist-info`` that ``importlib.metadata`` reads its version from."""
    write(site, modules)
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    return site


FAKELIB_CONTRACTS = """
version: 1
contracts:
  - name: encode
    kind: callable
    target: fakelib.encode
    aliases: [fakelib._encoders.encode]
    package: fakelib
    partial: true
    parameters:
      - name: sparse_output
        since: "1.2"
        removed_names: [sparse]
  - name: Decoder
    kind: callable
    target: fakelib.Decoder
    package: fakelib
    partial: true
    parameters:
      - {name: strict}
  - name: gone
    kind: callable
    target: fakelib.experimental.gone
    package: fakelib
    partial: true
"""


def fakelib(site: Path, version: str, new_name: bool) -> Path:
    keyword = "sparse_output" if new_name else "sparse"
    return fake_distribution(site, "fakelib", version, {
        "fakelib/__init__.py": "from ._encoders import Decoder, encode\n",
        "fakelib/_encoders.py": f"""
            def encode(X, categories="auto", {keyword}=True):
                return X

            class Decoder:
                def __init__(self, strict=False):
                    self.strict = strict
        """,
    })


def test_verify_flags_a_since_name_the_installed_release_lacks(tmp_path):
    project = write(tmp_path / "project", {"pyproject.toml": '[project]\nname = "uses-fakelib"\n', "contracts/fakelib.yaml": FAKELIB_CONTRACTS})
    old = fakelib(tmp_path / "old", "1.1", new_name=False)
    new = fakelib(tmp_path / "new", "1.3", new_name=True)

    proc = verify(project, pythonpath=[old])
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    source = old / "fakelib" / "_encoders.py"
    assert lines == [
        f"{source}:1:5: CL201 encode disagrees with its contract encode: lacks parameter 'sparse_output' (new in fakelib 1.2; installed: 1.1)",
        "contracts/fakelib.yaml:22:13: CL202 target 'fakelib.experimental.gone' of gone cannot be imported: No module named 'fakelib.experimental'",
        "1 contracts kept, 2 broken.",
    ]

    proc = verify(project, pythonpath=[new])
    assert proc.stdout.splitlines() == [
        "contracts/fakelib.yaml:22:13: CL202 target 'fakelib.experimental.gone' of gone cannot be imported: No module named 'fakelib.experimental'",
        "2 contracts kept, 1 broken.",
    ]
    assert proc.returncode == 1


def test_verify_is_clean_on_a_release_that_has_every_name(tmp_path):
    contracts = FAKELIB_CONTRACTS.split("  - name: gone")[0]
    project = write(tmp_path / "project", {"pyproject.toml": '[project]\nname = "p"\n', "contracts/fakelib.yaml": contracts})
    new = fakelib(tmp_path / "new", "1.3", new_name=True)
    proc = verify(project, pythonpath=[new])
    assert (proc.returncode, proc.stdout) == (0, "2 contracts kept, 0 broken.\n"), proc.stderr


def test_verify_reports_an_import_that_raises_not_a_crash(tmp_path):
    project = write(tmp_path / "project", {
        "pyproject.toml": '[project]\nname = "p"\n',
        "contracts/c.yaml": "version: 1\ncontracts:\n  - name: boom\n    kind: callable\n    target: exploding.thing\n",
    })
    site = write(tmp_path / "site", {"exploding.py": "import not_installed_anywhere\n"})
    proc = verify(project, pythonpath=[site])
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "contracts/c.yaml:5:13: CL202 target 'exploding.thing' of boom cannot be imported: "
        "ModuleNotFoundError: No module named 'not_installed_anywhere' (while importing exploding)",
        "0 contracts kept, 1 broken.",
    ]


# -- pytest --contracts ----------------------------------------------------------------------------

SAMPLE = {
    "pyproject.toml": '[project]\nname = "sample"\n',
    "contracts/sample.yaml": """
        version: 1
        contracts:
          - name: Store
            kind: protocol
            target: sample.store.StoreProtocol
            implementations: [sample.store.MemoryStore]
            methods:
              - {name: get, parameters: [key]}
              - {name: put, async: true, parameters: [key, value]}
          - name: Cache
            kind: protocol
            target: sample.store.CacheProtocol
            implementations: [sample.store.BrokenCache]
            methods:
              - {name: get, parameters: [key]}
              - {name: evict, parameters: [key]}
          - name: make_store
            kind: callable
            target: sample.store.make_store
            parameters: [{name: url, required: true}]
    """,
    "src/sample/__init__.py": "",
    "src/sample/store.py": """
        from typing import Protocol

        class StoreProtocol(Protocol):
            def get(self, key): ...
            async def put(self, key, value): ...

        class CacheProtocol(Protocol):
            def get(self, key): ...
            def evict(self, key): ...

        class MemoryStore:
            def get(self, key):
                return None
            async def put(self, key, value):
                return None

        class BrokenCache:
            def get(self, key):
                return None

        def make_store(url):
            return MemoryStore()
    """,
    "tests/test_plain.py": "def test_plain():\n    assert True\n",
}


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *args],
        cwd=cwd, env=env_with(), capture_output=True, text=True, timeout=120,
    )


def test_pytest_contracts_fails_exactly_the_broken_contract(tmp_path):
    write(tmp_path, SAMPLE)
    proc = run_pytest(tmp_path, "--contracts")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "FAILED contract-lsp::Cache" in out
    assert "PASSED contract-lsp::Store" in out and "PASSED contract-lsp::make_store" in out
    assert "PASSED tests/test_plain.py::test_plain" in out
    assert "1 failed, 3 passed" in out
    assert "src/sample/store.py:17:7: CL101 BrokenCache does not implement 1 method of Cache: 'evict'" in out


def test_pytest_contracts_items_can_be_selected(tmp_path):
    write(tmp_path, SAMPLE)
    proc = run_pytest(tmp_path, "--contracts", "-k", "Store")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED contract-lsp::Store" in proc.stdout and "Cache" not in proc.stdout.split("short test summary")[-1]


def test_without_the_option_the_plugin_adds_nothing(tmp_path):
    write(tmp_path, SAMPLE)
    proc = run_pytest(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout and "contract-lsp::" not in proc.stdout


def test_pytest_contracts_with_an_invalid_registry_is_a_collection_error(tmp_path):
    write(tmp_path, {**SAMPLE, "contracts/broken.yaml": "version: 1\ncontracts: {}\n"})
    proc = run_pytest(tmp_path, "--contracts")
    assert proc.returncode != 0
    assert "CL900" in proc.stdout and "broken.yaml" in proc.stdout
