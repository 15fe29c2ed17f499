"""The ``--check`` cache (SPEC §4), through the real CLI in a subprocess on real files.

Whether a run re-read a file is observed the way a user could: a file changed "behind the
cache's back" (same size, same inode, mtime put back) keeps its old findings while the
cache trusts its stat, and shows its new ones once the run has a reason to read it. All
sources get an old mtime first, so that none is "racy" (changed too close to the run).
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OLD = 1_600_000_000_000_000_000  # 2020: long before any run of these tests

CONTRACT = """\
version: 1
contracts:
  - name: make
    kind: callable
    target: lib.core.make
    parameters:
      - {name: user_id, required: true, deprecated_names: [uid]}
      - {name: mode}
  - name: Sender
    kind: protocol
    target: lib.proto.Sender
    methods:
      - {name: send, parameters: [message]}
"""

FILES = {
    "lib/__init__.py": "from .core import make\n",
    "lib/core.py": "def make(user_id, mode=None):\n    return user_id\n",
    "lib/proto.py": "from typing import Protocol\n\nclass Sender(Protocol):\n    def send(self, message): ...\n",
    "lib/base.py": "from lib.proto import Sender\n\nclass Base(Sender):\n    def send(self, message):\n        pass\n",
    "app/__init__.py": "",
    "app/a.py": "from lib import make\n\nmake(uid=1)\n",
    "app/b.py": "from lib import make\n\nmake(uid=2)\n",
    "app/impl.py": "from lib.base import Base\n\nclass Impl(Base):\n    pass\n",
    "app/clean.py": "import os\nprint(os.sep)\n",
}


def write(root: Path, files: dict[str, str], contract: str = CONTRACT) -> None:
    (root / "pyproject.toml").write_text('[tool.contract-lsp]\ncontracts = ["contracts"]\n')
    (root / "contracts").mkdir(exist_ok=True)
    (root / "contracts" / "c.yaml").write_text(contract)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    age(root)


def age(root: Path) -> None:
    """Every source and contract file an old mtime (not "racy" for the cache)."""
    for path in [*root.rglob("*.py"), *root.rglob("*.yaml"), root / "pyproject.toml"]:
        os.utime(path, ns=(OLD, OLD))


def cli(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "contract_lsp", "--check", *args, "--format", "json", "--no-progress"],
        cwd=root, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}, timeout=120,
    )


def found(proc: subprocess.CompletedProcess) -> list[tuple[str, int, str]]:
    assert proc.returncode in (0, 1), proc.stderr
    return sorted((Path(f["path"]).name, f["line"], f["code"]) for f in json.loads(proc.stdout))


def sneak(path: Path, text: str) -> None:
    """Change ``path``'s content keeping its size, inode and mtime: only a read can tell."""
    stat = path.stat()
    assert len(text.encode()) == stat.st_size
    with open(path, "r+b") as handle:
        handle.write(text.encode())
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_ino == stat.st_ino


def edit(path: Path, text: str) -> None:
    """A real edit: new content and a new mtime."""
    path.write_text(text)
    os.utime(path, ns=(OLD + 10**9 * 3600, OLD + 10**9 * 3600))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    write(tmp_path, FILES)
    return tmp_path


def cache_files(root: Path) -> list[Path]:
    return sorted((root / ".contract-lsp-cache").glob("*.cache"))


# -- same findings with and without the cache ---------------------------------------------


def test_findings_are_byte_identical_with_and_without_the_cache(ws):
    uncached = cli(ws, "--no-cache")
    assert not (ws / ".contract-lsp-cache").exists()
    cold, warm = cli(ws), cli(ws)
    assert found(uncached) == [("a.py", 3, "CL002"), ("b.py", 3, "CL002")]
    for proc in (cold, warm):
        assert (proc.stdout, proc.stderr, proc.returncode) == (uncached.stdout, uncached.stderr, uncached.returncode)
    assert (ws / ".contract-lsp-cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_examples_are_byte_identical_with_and_without_the_cache(tmp_path):
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    shutil.copytree(REPO / "contracts", tmp_path / "contracts")
    (tmp_path / "pyproject.toml").write_text("[tool.contract-lsp]\n")
    age(tmp_path)
    runs = [cli(tmp_path, "--no-cache"), cli(tmp_path), cli(tmp_path), cli(tmp_path, "examples/chat_service/routes.py")]
    assert json.loads(runs[0].stdout), runs[0].stderr  # the examples have findings
    for proc in runs[1:3]:
        assert (proc.stdout, proc.stderr, proc.returncode) == (runs[0].stdout, runs[0].stderr, runs[0].returncode)
    one = cli(tmp_path, "--no-cache", "examples/chat_service/routes.py")
    assert (runs[3].stdout, runs[3].stderr) == (one.stdout, one.stderr)


def test_a_generated_tree_is_byte_identical_with_and_without_the_cache(tmp_path):
    files = dict(FILES)
    for i in range(60):  # enough files for worker processes, with re-exports and aliases between them
        files[f"gen/m{i}.py"] = textwrap.dedent(f"""\
            from lib import make as mk{i}
            from lib.base import Base
            from gen.m{(i + 1) % 60} import Local{(i + 1) % 60}

            class Local{i}(Base):
                def send(self, message, extra):
                    pass

            def go():
                mk{i}(uid={i}, mode=None)
                mk{i}(user_id={i}, bogus=1)
                return Local{(i + 1) % 60}
            """)
    files["gen/__init__.py"] = ""
    files["gen/broken.py"] = "from lib import make\nmake(nope=1)\ndef (:\n"
    write(tmp_path, files)
    uncached = cli(tmp_path, "--no-cache")
    assert len(json.loads(uncached.stdout)) > 100 and "broken.py: skipped" in uncached.stderr
    for proc in (cli(tmp_path), cli(tmp_path), cli(tmp_path, "--jobs", "1")):
        assert (proc.stdout, proc.stderr, proc.returncode) == (uncached.stdout, uncached.stderr, uncached.returncode)


# -- invalidation: what must be re-checked, and nothing more ------------------------------


def test_an_unchanged_stat_is_trusted_and_a_changed_file_is_read_again(ws):
    first = found(cli(ws))
    assert ("b.py", 3, "CL002") in first
    sneak(ws / "app/b.py", "from lib import make\n\nmake(u=222)\n")  # CL001 now, for a reader
    assert found(cli(ws)) == first  # not read: its stat says unchanged
    edit(ws / "app/a.py", "from lib import make\n\nmake(user_id=1)\n")
    after = found(cli(ws))
    assert ("a.py", 3, "CL002") not in after  # re-checked
    assert ("b.py", 3, "CL002") in after  # and nothing more
    assert after == found(cli(ws, "--no-cache", "app/a.py")) + [f for f in after if f[0] != "a.py"]


def test_a_file_whose_imported_module_changed_is_checked_again(ws):
    before = found(cli(ws))
    assert ("impl.py", 3, "CL101") not in before  # Base implements send
    sneak(ws / "app/b.py", "from lib import make\n\nmake(u=222)\n")
    # Base loses its method: Impl(Base), in a file that did not change, now misses it
    edit(ws / "lib/base.py", "from lib.proto import Sender\n\nclass Base(Sender):\n    pass\n")
    after = found(cli(ws))
    assert ("impl.py", 3, "CL101") in after, after
    assert ("b.py", 3, "CL002") in after  # b.py does not read lib/base.py: not re-checked
    # a re-export that changes what ``make`` is: both callers read lib/__init__.py
    edit(ws / "lib/__init__.py", "def make(**anything):\n    pass\n")
    after = found(cli(ws))
    assert not [f for f in after if f[0] in ("a.py", "b.py")], after


def test_editing_the_registry_or_the_settings_checks_everything_again(ws):
    found(cli(ws))
    sneak(ws / "app/b.py", "from lib import make\n\nmake(u=222)\n")
    assert ("b.py", 3, "CL002") in found(cli(ws))
    (ws / "contracts/c.yaml").write_text(CONTRACT.replace("[uid]", "[uid, u]"))
    assert ("b.py", 3, "CL002") in found(cli(ws))  # ``u`` is now a deprecated name too: re-checked
    sneak(ws / "app/b.py", "from lib import make\n\nmake(x=222)\n")
    assert ("b.py", 3, "CL002") in found(cli(ws))  # trusted again
    (ws / "pyproject.toml").write_text('[tool.contract-lsp]\ncontracts = ["contracts"]\nignore = ["CL101"]\n')
    assert ("b.py", 3, "CL001") in found(cli(ws))  # the settings changed: re-read


def test_a_new_file_is_checked(ws):
    found(cli(ws))
    (ws / "app/new.py").write_text("from lib import make\nmake(uid=3)\n")
    assert ("new.py", 2, "CL002") in found(cli(ws))


def test_checking_one_file_warm_gives_what_checking_it_cold_does(ws):
    found(cli(ws))
    edit(ws / "app/a.py", "from lib import make\n\nmake(usr_id=1)\n")
    one = cli(ws, "app/a.py")
    assert (one.stdout, one.stderr) == (cli(ws, "--no-cache", "app/a.py").stdout, "")
    assert ("a.py", 3, "CL001") in found(one) and {f[0] for f in found(one)} == {"a.py"}


# -- a damaged or foreign cache changes nothing --------------------------------------------


def damage(ws: Path, how: str) -> None:
    file = cache_files(ws)[0]
    data = file.read_bytes()
    if how == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif how == "corrupt":
        file.write_bytes(data[:40] + bytes(b ^ 0x5A for b in data[40:200]) + data[200:])
    elif how == "empty":
        file.write_bytes(b"")
    elif how == "garbage":
        file.write_bytes(os.urandom(5000))
    elif how == "foreign-version":
        loaded = pickle.loads(data)
        file.write_bytes(pickle.dumps((999, *loaded[1:])))
    elif how == "wrong-shape":
        file.write_bytes(pickle.dumps({"entries": "nope"}))


@pytest.mark.parametrize("how", ["truncated", "corrupt", "empty", "garbage", "foreign-version", "wrong-shape"])
def test_a_damaged_cache_changes_nothing(ws, how):
    uncached = cli(ws, "--no-cache")
    cli(ws)
    # the cache says "unchanged" for a.py: with a damaged cache, its new content must show
    sneak(ws / "app/a.py", "from lib import make\n\nmake(q=111)\n")
    uncached = cli(ws, "--no-cache")
    damage(ws, how)
    for _ in range(2):  # the damaged run, then the one after it
        proc = cli(ws)
        assert (proc.stdout, proc.stderr, proc.returncode) == (uncached.stdout, uncached.stderr, uncached.returncode)


def test_a_cache_file_cannot_run_code(ws):
    cli(ws)
    marker = ws / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    file = cache_files(ws)[0]
    loaded = pickle.loads(file.read_bytes())
    file.write_bytes(pickle.dumps((loaded[0], loaded[1], {"x": Evil()}, {})))
    proc = cli(ws)
    assert proc.returncode == 1 and not marker.exists()


def test_leftovers_of_an_interrupted_write_change_nothing(ws):
    expected = cli(ws, "--no-cache")
    cli(ws)
    folder = ws / ".contract-lsp-cache"
    (folder / f".{cache_files(ws)[0].name}.abc.tmp").write_bytes(b"\x80\x05half a pickle")
    proc = cli(ws)
    assert (proc.stdout, proc.stderr) == (expected.stdout, expected.stderr)


def test_two_runs_at_once(ws):
    expected = cli(ws, "--no-cache")
    for _ in range(3):
        procs = [
            subprocess.Popen([sys.executable, "-m", "contract_lsp", "--check", "--format", "json", "--no-progress"], cwd=ws, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        for proc in procs:
            out, err = proc.communicate(timeout=120)
            assert (out, err) == (expected.stdout, expected.stderr)
        edit(ws / "app/clean.py", f"import os\nprint(os.sep, {_})\n")
    proc = cli(ws)
    assert (proc.stdout, proc.stderr) == (expected.stdout, expected.stderr)
    assert len(cache_files(ws)) == 1


# -- where the cache lives ----------------------------------------------------------------


def test_cache_dir_flag_env_and_setting(ws, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    cli(ws, "--cache-dir", str(elsewhere / "flag"))
    assert list((elsewhere / "flag").glob("*.cache")) and (elsewhere / "flag/.gitignore").exists()
    cli(ws, env={"CONTRACT_LSP_CACHE_DIR": str(elsewhere / "env")})
    assert list((elsewhere / "env").glob("*.cache"))
    (ws / "pyproject.toml").write_text('[tool.contract-lsp]\ncontracts = ["contracts"]\ncache-dir = "build/cl-cache"\n')
    cli(ws)
    assert list((ws / "build/cl-cache").glob("*.cache"))
    assert not (ws / ".contract-lsp-cache").exists()
    proc = cli(ws, "--no-cache")
    assert proc.returncode == 1
    bad = subprocess.run([sys.executable, "-m", "contract_lsp", "--cache-dir", "x"], cwd=ws, capture_output=True, text=True, check=False)
    assert bad.returncode == 2  # the cache is --check's only


def test_a_cache_folder_that_cannot_be_written_is_no_error(ws):
    (ws / "a-file").write_text("not a folder")  # so nothing can be created below it, even by root
    expected = cli(ws, "--no-cache")
    for _ in range(2):
        proc = cli(ws, "--cache-dir", str(ws / "a-file" / "sub"))
        assert (proc.stdout, proc.stderr, proc.returncode) == (expected.stdout, expected.stderr, expected.returncode)


def test_diff_fix_and_strict_from_a_warm_cache(ws):
    cli(ws)
    for flags in (["--diff"], ["--strict"], ["--statistics"]):
        warm = cli(ws, *flags)
        cold = cli(ws, "--no-cache", *flags)
        assert (warm.stdout, warm.stderr, warm.returncode) == (cold.stdout, cold.stderr, cold.returncode), flags
    assert "+make(user_id=1)" in cli(ws, "--diff").stdout
    fixed = cli(ws, "--fix")
    assert fixed.returncode == 0 and json.loads(fixed.stdout) == []
    assert (ws / "app/a.py").read_text() == "from lib import make\n\nmake(user_id=1)\n"
    assert found(cli(ws)) == found(cli(ws, "--no-cache")) == []


def test_checking_some_files_uses_the_whole_runs_cache(ws):
    found(cli(ws))
    sneak(ws / "app/b.py", "from lib import make\n\nmake(u=222)\n")
    # the stale answer shows the cache of the whole-workspace run was used, not a new one
    assert found(cli(ws, "app/b.py")) == [("b.py", 3, "CL002")]
    assert len(cache_files(ws)) == 1


def test_a_new_alias_in_one_file_reaches_a_file_that_did_not_change(ws):
    (ws / "app/x.py").write_text("from lib import make\n")
    (ws / "app/y.py").write_text("from app.x import mk\n\nmk(uid=1)\n")
    age(ws)
    assert not [f for f in found(cli(ws)) if f[0] == "y.py"]
    edit(ws / "app/x.py", "from lib import make as mk\n")  # ``mk`` now stands for ``make``
    after = cli(ws)
    assert ("y.py", 3, "CL002") in found(after)
    assert after.stdout == cli(ws, "--no-cache").stdout
    edit(ws / "app/x.py", "from lib import make\n")  # and no longer
    assert not [f for f in found(cli(ws)) if f[0] == "y.py"]
