"""The declared dependency floor (contract_lsp.dependencies; SPEC §1 ``packs``, §3.1): every
source it reads, on real files."""

from __future__ import annotations

import textwrap

import pytest

from contract_lsp.dependencies import (
    allows_only_from,
    canonical_name,
    fingerprint,
    read_declared,
)


def declared(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return read_declared(tmp_path)


def shown(d, name):
    floor = d.floor(name)
    return (floor.declared, floor.shown)


def test_pyproject_project_dependencies(tmp_path):
    d = declared(tmp_path, {"pyproject.toml": """
        [project]
        name = "x"
        dependencies = ["pandas>=1.3,<3", "Scikit_Learn==1.2.2", "numpy", "scipy~=1.11", "urllib3 @ https://x/u.whl", "not a requirement!"]
        [project.optional-dependencies]
        plot = ["matplotlib>=3.5"]
    """})
    assert d.names == {"pandas", "scikit-learn", "numpy", "scipy"}
    assert shown(d, "pandas") == (True, "1.3")
    assert shown(d, "scikit-learn") == (True, "1.2.2")  # an exact pin is its own minimum
    assert shown(d, "numpy") == (True, None)  # no lower bound
    assert shown(d, "scipy") == (True, "1.11")
    assert shown(d, "matplotlib") == (False, None)  # optional dependencies are not read


def test_requirements_files_with_includes_comments_and_options(tmp_path):
    (tmp_path / "reqs").mkdir()
    d = declared(tmp_path, {
        "requirements.txt": "# pins\n-r reqs/base.txt\n--index-url https://example.invalid\n-e .\npandas==1.5.3 \\\n    --hash=sha256:abc\n",
        "reqs/base.txt": "matplotlib>=3.4  # plots\n",
        "requirements-dev.txt": "pytest\nnumpy>=1.22; python_version>'3.8'\nnumpy>=1.21; python_version<='3.8'\n",
    })
    assert shown(d, "pandas") == (True, "1.5.3")
    assert shown(d, "matplotlib") == (True, "3.4")
    assert shown(d, "numpy") == (True, "1.21")  # the lowest of its declarations


def test_setup_cfg_install_requires(tmp_path):
    d = declared(tmp_path, {"setup.cfg": """
        [metadata]
        name = x
        [options]
        install_requires =
            urllib3>=1.26,<2  # retries
            Django>=5.1
    """})
    assert shown(d, "urllib3") == (True, "1.26")
    assert shown(d, "django") == (True, "5.1")


def test_setup_py_literal_install_requires_never_executed(tmp_path):
    d = declared(tmp_path, {"setup.py": """
        import sys
        from setuptools import setup
        REQUIRES = ["scikit-learn>=0.24,<0.25", "scipy>=1.7"]
        open("/nonexistent/should-not-run", "w") if False else None
        setup(name="x", install_requires=REQUIRES)
        setuptools_setup = setup
    """})
    assert shown(d, "scikit-learn") == (True, "0.24")
    assert shown(d, "scipy") == (True, "1.7")
    d2 = declared(tmp_path, {"setup.py": "from setuptools import setup\nsetup(install_requires=['pydantic>=2'] + extra())\n"})
    assert d2.names == set()  # not a literal: nothing declared


def test_malformed_files_declare_nothing(tmp_path):
    d = declared(tmp_path, {"pyproject.toml": "[project\n", "setup.cfg": "no section\n", "setup.py": "def (:\n"})
    assert d.names == set()


@pytest.mark.parametrize(
    "line, since, allowed",
    [("x>=1.5", "1.5", True), ("x>1.4", "1.4", True), ("x>=1.4", "1.5", False), ("x==1.5.*", "1.5", True), ("x===1.6", "1.5", True), ("x!=1.0", "1.0", False), ("x>=1.10", "1.9", True)],
)
def test_allows_only_from(tmp_path, line, since, allowed):
    d = declared(tmp_path, {"requirements.txt": line + "\n"})
    assert allows_only_from(d.floor("x"), since) is allowed


def test_names_are_canonical_and_the_fingerprint_follows_the_files(tmp_path):
    assert canonical_name("Scikit_Learn") == "scikit-learn" and canonical_name("zope.interface") == "zope-interface"
    (tmp_path / "requirements.txt").write_text("pandas>=1.3\n")
    before = fingerprint(tmp_path)
    (tmp_path / "requirements.txt").write_text("pandas>=1.5\n")
    assert fingerprint(tmp_path) != before
    assert read_declared(tmp_path).floor("pandas").shown == "1.5"
