"""The bundled packs on real public code (issue 12, "Real code"; docs/corpus.md).

Runs benchmarks/corpus/corpus.py, which re-creates each recipe tree from a local git mirror
and runs the real contract-lsp CLI on it. The mirrors are not in this repository (nothing
fetched is committed), so without them every test here is skipped, not passed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "corpus" / "corpus.py"
RECIPE = json.loads(
    (ROOT / "benchmarks" / "corpus" / "recipe.json").read_text(encoding="utf-8")
)
MIRRORS = Path(os.environ.get("CONTRACT_LSP_CORPUS_MIRRORS", "/work/.mirror"))


def _mirror(repo: str) -> Path:
    return MIRRORS / repo.replace("/", "+") / "repo"


AVAILABLE = [e["repo"] for e in RECIPE["repos"] if _mirror(e["repo"]).is_dir()]
pytestmark = pytest.mark.skipif(
    not AVAILABLE, reason=f"no corpus mirrors under {MIRRORS}"
)


def _run(command: str, out: Path) -> list[dict]:
    proc = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            command,
            "--mirrors",
            str(MIRRORS),
            "--out",
            str(out),
            *AVAILABLE,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_recipe_oracle_is_well_formed():
    """Every oracle site names a path, 1-based line/column and a CL002/CL003 code; the
    corpus has at least 8 repositories with at least one site each but the negative control."""
    with_sites = [e for e in RECIPE["repos"] if e["oracle"]]
    assert len(with_sites) >= 8
    for entry in RECIPE["repos"]:
        assert len(entry["commit"]) == 40
        for site in entry["oracle"]:
            assert site["code"] in {"CL002", "CL003"}
            assert site["line"] >= 1 and site["column"] >= 1


def test_packs_find_every_oracle_site_and_nothing_else(tmp_path):
    """With the bundled packs alone: no false finding anywhere, no miss but the recipe's
    known misses (each with its reason)."""
    results = _run("check", tmp_path)
    assert {r["repo"] for r in results} == set(AVAILABLE)
    for result in results:
        assert "error" not in result, result
        assert result["false"] == [], result["repo"]
        assert result["unexpected_missed"] == [], result["repo"]


def test_fix_gives_the_maintainers_edit(tmp_path):
    """Where the maintainers renamed the keyword later, --fix (with the floor their rename
    needs declared) writes their line byte for byte, edits nothing else, and leaves notebook
    outputs and metadata alone."""
    results = [r for r in _run("fixcmp", tmp_path) if r.get("fix_kind") == "rename"]
    assert results, "no rename fix in the available corpus"
    for result in results:
        assert result["all_match"], (result["repo"], result["lines"])
        assert result["our_extra_edits"] == {}, result["repo"]
        assert all(result["notebooks_intact"].values()), result["repo"]
