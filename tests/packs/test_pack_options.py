"""Selecting packs (SPEC §1 ``packs``, §4 ``--pack`` / ``--list-packs``) through the real CLI."""

from __future__ import annotations

import json

from packs_support import cli, write_workspace

SOURCE = """
from sklearn.preprocessing import OneHotEncoder
import pandas as pd

enc = OneHotEncoder(sparse=False)
pd.read_csv("x.csv", error_bad_lines=False)
"""


def project(tmp_path, pyproject: str = '[project]\nname = "ws"\n', **files: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    root = write_workspace(tmp_path, {"app/__init__.py": "", "app/use.py": SOURCE, **files})
    (root / "pyproject.toml").write_text(pyproject)
    return root


def codes(done) -> list[tuple[int, str]]:
    return sorted((f["line"], f["code"]) for f in json.loads(done.stdout))


def test_pack_on_the_command_line_needs_no_registry(tmp_path):
    root = project(tmp_path)
    done = cli(root, "--check", "--pack", "scikit-learn", "--format", "json")
    assert done.returncode == 1, done.stderr
    assert codes(done) == [(4, "CL003")]
    done = cli(root, "--check", "--pack", "scikit-learn", "--pack", "Pandas", "--format", "json")
    assert codes(done) == [(4, "CL003"), (5, "CL003")]


def test_without_packs_an_empty_registry_is_still_an_error(tmp_path):
    done = cli(project(tmp_path), "--check")
    assert done.returncode == 2 and "no contracts found" in done.stderr


def test_packs_in_pyproject_and_auto_from_declared_dependencies(tmp_path):
    root = project(tmp_path / "a", '[project]\nname = "ws"\n[tool.contract-lsp]\npacks = ["pandas"]\n')
    assert codes(cli(root, "--check", "--format", "json")) == [(5, "CL003")]
    root = project(tmp_path / "b", '[project]\nname = "ws"\ndependencies = ["scikit-learn>=1.2"]\n[tool.contract-lsp]\npacks = ["auto"]\n', **{"requirements.txt": "pandas>=1.3\n"})
    done = cli(root, "--check", "--format", "json")
    assert codes(done) == [(4, "CL003"), (5, "CL003")]
    fix = next(f["fix"] for f in json.loads(done.stdout) if f["line"] == 4)
    assert fix["safe"] is True  # scikit-learn>=1.2: sparse_output exists from 1.2
    # --fix applies it and leaves the removal without a replacement alone
    done = cli(root, "--check", "--fix")
    assert "OneHotEncoder(sparse_output=False)" in (root / "app/use.py").read_text()
    assert "error_bad_lines=False" in (root / "app/use.py").read_text()
    assert done.returncode == 1


def test_fix_withheld_below_since_says_why(tmp_path):
    root = project(tmp_path, '[project]\nname = "ws"\ndependencies = ["scikit-learn>=1.0,<1.3"]\n')
    done = cli(root, "--check", "--pack", "scikit-learn")
    assert done.returncode == 1
    assert "`sparse_output` needs scikit-learn >= 1.2; this project allows 1.0, so no fix is offered" in done.stdout
    cli(root, "--check", "--pack", "scikit-learn", "--fix")
    assert "OneHotEncoder(sparse=False)" in (root / "app/use.py").read_text()


def test_unknown_pack_is_a_usage_error(tmp_path):
    root = project(tmp_path)
    done = cli(root, "--check", "--pack", "scikit_lern")
    assert done.returncode == 2
    assert "unknown pack 'scikit_lern' (did you mean 'scikit-learn'?)" in done.stderr
    root = project(tmp_path / "b", '[project]\nname = "ws"\n[tool.contract-lsp]\npacks = ["nosuch"]\n')
    done = cli(root, "--check")
    assert done.returncode == 2 and "'packs' has an unknown pack 'nosuch'" in done.stderr


def test_list_packs(tmp_path):
    done = cli(tmp_path, "--list-packs")
    assert done.returncode == 0
    header, *rows, summary = done.stdout.splitlines()
    assert header.split() == ["pack", "distribution", "releases", "contracts"]
    assert {row.split()[0] for row in rows} >= {"scikit-learn", "pandas", "numpy", "matplotlib", "scipy", "urllib3", "django", "pydantic"}
    assert summary.startswith(f"{len(rows)} packs, ")


def test_strict_reports_no_cl202_for_pack_targets_and_examples_get_no_new_findings(tmp_path):
    from pathlib import Path

    root = project(tmp_path)
    done = cli(root, "--check", "--strict", "--pack", "pandas", "--pack", "scikit-learn", "--format", "json")
    assert "CL202" not in {f["code"] for f in json.loads(done.stdout)}
    repo = Path(__file__).resolve().parents[2]
    every = [arg for pack in ("scikit-learn", "pandas", "numpy", "matplotlib", "scipy", "urllib3", "django", "pydantic") for arg in ("--pack", pack)]
    plain = cli(repo, "--check", "--format", "json", "examples")
    packed = cli(repo, "--check", "--format", "json", *every, "examples")
    assert plain.returncode == packed.returncode == 1
    assert json.loads(packed.stdout) == json.loads(plain.stdout)  # the packs add nothing there


def test_auto_takes_urllib3_for_a_project_that_declares_requests(tmp_path):
    """requests re-exports urllib3's Retry: a project that declares only requests calls it."""
    source = "from requests.adapters import Retry\n\nRetry(total=3, method_whitelist=['GET'])\n"
    root = project(tmp_path, '[project]\nname = "ws"\ndependencies = ["requests>=2.28"]\n[tool.contract-lsp]\npacks = ["auto"]\n', **{"app/use.py": source})
    done = cli(root, "--check", "--format", "json")
    assert codes(done) == [(3, "CL003")], done.stderr
    # the fix waits for a declared urllib3 floor: requests does not say which urllib3 it gets
    assert json.loads(done.stdout)[0]["fix"] is None
