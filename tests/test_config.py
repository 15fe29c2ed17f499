"""Configuration and workspace discovery (SPEC §1), on real folders in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from contract_lsp.config import (
    ConfigError,
    PathFilter,
    Settings,
    find_workspace_root,
    load_settings,
    walk_python_files,
)


def write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the workspace root ------------------------------------------------------------------


def test_root_is_nearest_folder_with_pyproject_or_git(tmp_path):
    write(tmp_path / "outer/pyproject.toml")
    (tmp_path / "outer/inner/.git").mkdir(parents=True)
    deep = tmp_path / "outer/inner/pkg/sub"
    deep.mkdir(parents=True)
    assert find_workspace_root(deep) == (tmp_path / "outer/inner").resolve()
    assert find_workspace_root(tmp_path / "outer") == (tmp_path / "outer").resolve()
    other = tmp_path / "outer/other"
    other.mkdir()
    assert find_workspace_root(other) == (tmp_path / "outer").resolve()


def test_root_from_a_file_starts_at_its_folder(tmp_path):
    write(tmp_path / "pyproject.toml")
    file = write(tmp_path / "a/b.py")
    assert find_workspace_root(file) == tmp_path.resolve()


def test_root_defaults_to_start(tmp_path):
    if any((p / "pyproject.toml").exists() or (p / ".git").exists() for p in tmp_path.resolve().parents):
        pytest.skip("a marker above tmp_path")
    start = tmp_path / "nothing/here"
    start.mkdir(parents=True)
    assert find_workspace_root(start) == start.resolve()


# -- where contracts come from -----------------------------------------------------------


def test_no_contracts_configured(tmp_path):
    assert load_settings(tmp_path).contract_paths == []


def test_contracts_folder_at_root_is_the_fallback(tmp_path):
    (tmp_path / "contracts").mkdir()
    assert load_settings(tmp_path).contract_paths == [tmp_path.resolve() / "contracts"]


def test_pyproject_beats_the_contracts_folder_and_is_relative_to_it(tmp_path):
    (tmp_path / "contracts").mkdir()
    write(tmp_path / "pyproject.toml", '[tool.contract-lsp]\ncontracts = ["spec/api.yaml", "more"]\n')
    settings = load_settings(tmp_path)
    root = tmp_path.resolve()
    assert settings.contract_paths == [root / "spec/api.yaml", root / "more"]


def test_cli_contracts_beat_everything(tmp_path, monkeypatch):
    (tmp_path / "contracts").mkdir()
    write(tmp_path / "pyproject.toml", '[tool.contract-lsp]\ncontracts = ["spec"]\n')
    monkeypatch.chdir(tmp_path / "contracts")  # --contracts is relative to the current directory
    settings = load_settings(tmp_path, cli_contracts=[Path("x.yaml")], overrides={"contracts": ["client"]})
    assert settings.contract_paths == [tmp_path.resolve() / "contracts/x.yaml"]


def test_client_settings_override_pyproject_relative_to_root(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.contract-lsp]\ncontracts = ["spec"]\nselect = ["CL0"]\n')
    settings = load_settings(tmp_path, overrides={"contracts": ["client/c.yaml"], "diagnosticMode": "workspace"})
    assert settings.contract_paths == [tmp_path.resolve() / "client/c.yaml"]
    assert settings.select == ["CL0"]
    assert settings.diagnostic_mode == "workspace"
    assert load_settings(tmp_path, overrides={"diagnostic_mode": "workspace"}).diagnostic_mode == "workspace"


def test_empty_client_values_mean_unset_and_unknown_client_keys_are_ignored(tmp_path):
    # editors send their defaults ([]) and their own keys (serverCommand, trace)
    write(tmp_path / "pyproject.toml", '[tool.contract-lsp]\ncontracts = ["spec"]\nselect = ["CL0"]\n')
    overrides = {"contracts": [], "select": [], "severity": {}, "serverCommand": ["contract-lsp"], "trace": {"server": "off"}, "ignore": None}
    settings = load_settings(tmp_path, overrides=overrides)
    assert settings.contract_paths == [tmp_path.resolve() / "spec"]
    assert settings.select == ["CL0"]


def test_all_pyproject_keys(tmp_path):
    write(
        tmp_path / "pyproject.toml",
        """
[project]
name = "x"

[tool.contract-lsp]
src = ["src", "lib"]
include = ["app/**/*.py"]
exclude = ["build/", "*_pb2.py"]
select = ["cl0", "CL1"]
ignore = ["CL002"]
severity = { CL002 = "Error", CL1 = "hint" }
discover = ["protocols"]
diagnostic-mode = "workspace"
""",
    )
    s = load_settings(tmp_path)
    root = tmp_path.resolve()
    assert s.root == root
    assert s.src == [root / "src", root / "lib"]
    assert s.include == ["app/**/*.py"] and s.exclude == ["build/", "*_pb2.py"]
    assert s.select == ["CL0", "CL1"] and s.ignore == ["CL002"]
    assert s.severity == {"CL002": "error", "CL1": "hint"}
    assert s.discover == ["protocols"]
    assert s.diagnostic_mode == "workspace"


def test_comma_separated_codes_from_the_command_line(tmp_path):
    s = load_settings(tmp_path, overrides={"select": "CL001, CL1", "ignore": "cl101"})
    assert s.select == ["CL001", "CL1"] and s.ignore == ["CL101"]


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ("contracts = 3", "'contracts' must be a list of strings"),
        ('select = ["CL0", 1]', "'select' must be a list of strings"),
        ('severity = { CL001 = "fatal" }', "severity of CL001 must be one of error, warning, info, hint, not 'fatal'"),
        ('severity = "error"', "'severity' must be a table"),
        ('discover = ["classes"]', "'discover' accepts only 'protocols', not 'classes'"),
        ('diagnosticMode = "all"', "'diagnosticMode' must be one of openFiles, workspace, not 'all'"),
        ('selcet = ["CL0"]', "unknown key 'selcet' in [tool.contract-lsp] (did you mean 'select'?)"),
    ],
)
def test_invalid_pyproject_names_the_file(tmp_path, table, fragment):
    pyproject = write(tmp_path / "pyproject.toml", f"[tool.contract-lsp]\n{table}\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert str(info.value).startswith(f"{pyproject.resolve()}: ")
    assert fragment in str(info.value)


def test_invalid_toml_and_bad_table(tmp_path):
    pyproject = write(tmp_path / "pyproject.toml", "[tool.contract-lsp\n")
    with pytest.raises(ConfigError, match="invalid TOML") as info:
        load_settings(tmp_path)
    assert str(pyproject.resolve()) in str(info.value)
    write(tmp_path / "pyproject.toml", '[tool]\ncontract-lsp = "yes"\n')
    with pytest.raises(ConfigError, match=r"\[tool.contract-lsp\] must be a table"):
        load_settings(tmp_path)


def test_invalid_client_settings(tmp_path):
    with pytest.raises(ConfigError, match=r"^client settings \(contractLsp\): severity of CL001"):
        load_settings(tmp_path, overrides={"severity": {"CL001": "loud"}})


def test_pyproject_without_our_table_is_fine(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n')
    assert load_settings(tmp_path) == Settings(root=tmp_path.resolve())


# -- select / ignore / severity ----------------------------------------------------------


@pytest.mark.parametrize(
    ("select", "ignore", "selected", "dropped"),
    [
        ([], [], ["CL001", "CL900"], []),
        (["CL0"], [], ["CL001", "CL006"], ["CL101", "CL201"]),
        (["CL001", "CL1"], [], ["CL001", "CL103"], ["CL002", "CL201"]),
        ([], ["CL002", "CL2"], ["CL001", "CL101"], ["CL002", "CL201", "CL202"]),
        (["CL0"], ["CL"], ["CL001"], ["CL101"]),  # the more specific select wins, as in ruff
        (["CL0"], ["CL001"], ["CL002"], ["CL001"]),  # the more specific ignore wins
        (["CL001"], ["CL0"], ["CL001"], ["CL002"]),  # a more specific select wins
        (["CL00"], ["CL00"], [], ["CL001"]),  # equal length: ignore wins
        (["ALL"], ["CL1"], ["CL001", "CL201"], ["CL101"]),
    ],
)
def test_is_selected(select, ignore, selected, dropped):
    settings = Settings(root=Path("/"), select=select, ignore=ignore)
    assert [c for c in selected + dropped if settings.is_selected(c)] == selected


def test_severity_for_longest_prefix():
    settings = Settings(root=Path("/"), severity={"CL0": "hint", "CL002": "error"})
    assert settings.severity_for("CL002", "warning") == "error"
    assert settings.severity_for("CL001", "error") == "hint"
    assert settings.severity_for("CL101", "error") == "error"


# -- which files are checked -------------------------------------------------------------


@pytest.fixture
def tree(tmp_path):
    for rel in [
        "app/main.py",
        "app/util.py",
        "app/data.txt",
        "app/gen/api_pb2.py",
        "app/__pycache__/main.cpython-311.py",
        "build/lib/app/main.py",
        "tests/test_main.py",
        ".git/hooks/x.py",
        ".venv/lib/site.py",
        "venv/lib/site.py",
        "node_modules/pkg/x.py",
        "env311/lib/python3.11/os.py",
        "env311/pyvenv.cfg",
        "scripts/run.py",
    ]:
        write(tmp_path / rel)
    return tmp_path


def rel_walk(root: Path, settings: Settings, paths=None) -> list[str]:
    found = walk_python_files(paths or [root], PathFilter(settings))
    return [os.path.relpath(p, root) for p in found]


def test_walk_skips_vcs_venvs_caches_and_node_modules(tree):
    assert rel_walk(tree, Settings(root=tree)) == [
        "app/main.py",
        "app/util.py",
        "app/gen/api_pb2.py",
        "build/lib/app/main.py",
        "scripts/run.py",
        "tests/test_main.py",
    ]


def test_walk_with_exclude_and_include(tree):
    settings = Settings(root=tree, exclude=["build/", "*_pb2.py", "/tests"])
    assert rel_walk(tree, settings) == ["app/main.py", "app/util.py", "scripts/run.py"]
    settings = Settings(root=tree, include=["/app/"], exclude=["gen/"])
    assert rel_walk(tree, settings) == ["app/main.py", "app/util.py"]
    # gitignore-style: a pattern without a leading slash matches at any depth
    settings = Settings(root=tree, include=["app/"])
    assert rel_walk(tree, settings) == ["app/main.py", "app/util.py", "app/gen/api_pb2.py", "build/lib/app/main.py"]


def test_walk_of_a_subfolder_keeps_root_relative_patterns(tree):
    settings = Settings(root=tree, exclude=["app/util.py"])
    assert rel_walk(tree, settings, [tree / "app"]) == ["app/main.py", "app/gen/api_pb2.py"]


def test_files_named_directly_are_always_walked(tree):
    settings = Settings(root=tree, exclude=["scripts/"])
    assert rel_walk(tree, settings, [tree / "scripts/run.py", tree / "venv/lib/site.py"]) == ["scripts/run.py", "venv/lib/site.py"]


def test_matches(tree):
    filt = PathFilter(Settings(root=tree, exclude=["*_pb2.py"]))
    assert filt.matches(tree / "app/main.py")
    assert filt.matches(str(tree / "app/main.py"))
    assert not filt.matches(tree / "app/gen/api_pb2.py")
    assert not filt.matches(tree / ".venv/lib/site.py")
    assert not filt.matches(tree / "app/__pycache__/main.cpython-311.py")
    assert not filt.matches(tree / "env311/lib/python3.11/os.py")  # pyvenv.cfg above it
    assert filt.matches(Path("/elsewhere/tool.py"))  # outside the root: only patterns apply
    assert not filt.matches(Path("/elsewhere/x_pb2.py"))


def test_walk_python_stdlib(tmp_path):
    # The whole stdlib: what the performance budget is about. site-packages is never walked.
    stdlib = Path(sysconfig.get_path("stdlib"))
    files = list(walk_python_files([stdlib], PathFilter(Settings(root=tmp_path))))
    assert len(files) > 1000
    assert str(stdlib / "os.py") in files
    assert not any(f"{os.sep}site-packages{os.sep}" in f or "__pycache__" in f for f in files)
    assert len(set(files)) == len(files)


def test_config_import_is_light():
    code = (
        "import sys, contract_lsp.config; "
        "print(sorted(m for m in ('pygls', 'lsprotocol', 'jsonschema', 'yaml', 'pathspec') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
