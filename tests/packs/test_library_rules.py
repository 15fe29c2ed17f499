"""The keys for contracts on code outside the workspace, in the call rules (SPEC §3.1):
``aliases``, ``partial``, the ``match: name`` guard, one finding per keyword and code, parameters
removed or deprecated with no replacement, and rename fixes gated by the declared versions.
Real workspaces on disk; every file is also checked against a full parse (triage)."""

from __future__ import annotations

import pytest
from packs_support import check_files, codes_at, write_workspace

#: every rule test runs with the fast paths on and off (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("fast_path")

LIBRARY = """
version: 1
contracts:
  - name: Encoder
    kind: callable
    target: lib.pre.Encoder
    aliases: [lib.pre._enc.Encoder]
    package: lib-dist
    partial: true
    parameters:
      - {name: sparse_output, since: "1.2", removed_names: [sparse], removed_in: "1.4"}
      - {name: squeeze, removed_in: "2.0", doc: "Append .squeeze() to the result. Or not."}
      - {name: verbose, deprecated_in: "2.2"}
      - {name: max_iter, since: "1.3", deprecated_names: [n_iter], deprecated_in: "1.3"}
  - name: Frame.to_csv
    kind: callable
    target: lib.Frame.to_csv
    aliases: [lib.Series.to_csv]
    package: lib-dist
    match: name
    partial: true
    parameters:
      - {name: lineterminator, since: "1.5", removed_names: [line_terminator], removed_in: "2.0"}
  - name: NDFrame.to_csv
    kind: callable
    target: lib.generic.NDFrame.to_csv
    package: lib-dist
    match: name
    partial: true
    parameters:
      - {name: lineterminator, since: "1.5", removed_names: [line_terminator], removed_in: "2.0"}
"""


def workspace(tmp_path, files: dict[str, str], dependencies: str = '["lib-dist>=1.5"]'):
    root = write_workspace(tmp_path, {"contracts/lib.yaml": LIBRARY, "app/__init__.py": "", **files})
    (root / "pyproject.toml").write_text(f'[project]\nname = "ws"\ndependencies = {dependencies}\n')
    return root


def findings_of(tmp_path, source: str, dependencies: str = '["lib-dist>=1.5"]', extra: dict | None = None):
    root = workspace(tmp_path, {"app/use.py": source, **(extra or {})}, dependencies)
    return root, check_files(root, only="app/use.py")["app/use.py"]


def test_an_alias_matches_like_the_target(tmp_path):
    root, found = findings_of(tmp_path, """
        from lib.pre._enc import Encoder
        import lib.pre as pre
        import lib.pre._enc
        Encoder(sparse=True)
        pre.Encoder(sparse=True)
        lib.pre._enc.Encoder(sparse=True)
    """)
    assert [c for _, _, c in codes_at(found)] == ["CL003"] * 3
    assert [f.range.start.line + 1 for f in found] == [4, 5, 6]
    assert found[0].message == "Keyword 'sparse' of Encoder was removed in lib-dist 1.4; use 'sparse_output'"
    assert found[0].fix is not None and found[0].fix.safe


def test_a_partial_contract_knows_only_its_parameters(tmp_path):
    # no CL001 for unlisted keywords, no CL004/CL005, and positional arguments are not
    # bound (their order is unknown): no CL006 for `True, sparse_output=...`
    _, found = findings_of(tmp_path, """
        from lib.pre import Encoder
        Encoder(1, 2, 3, 4, 5, 6, handle_unknown="ignore")
        Encoder(True, sparse_output=False)
        Encoder()
    """)
    assert found == []


def test_old_and_new_name_together_is_cl006_without_a_fix(tmp_path):
    _, found = findings_of(tmp_path, "from lib.pre import Encoder\nEncoder(sparse=True, sparse_output=True)\n")
    assert sorted(f.code for f in found) == ["CL003", "CL006"]
    assert all(f.fix is None for f in found)


def test_a_parameter_removed_with_no_replacement_is_cl003_without_a_fix(tmp_path):
    _, found = findings_of(tmp_path, "from lib.pre import Encoder\nEncoder(squeeze=True)\nEncoder(verbose=1)\n")
    removed, deprecated = found
    assert (removed.code, removed.fix) == ("CL003", None)
    assert removed.message == "Keyword 'squeeze' of Encoder was removed in lib-dist 2.0: Append .squeeze() to the result."
    assert (deprecated.code, deprecated.fix, deprecated.deprecated) == ("CL002", None, True)
    assert deprecated.message == "Keyword 'verbose' of Encoder is deprecated in lib-dist 2.2"


@pytest.mark.parametrize(
    "dependencies, offered, why",
    [
        ('["lib-dist>=1.5"]', True, None),
        ('["lib-dist==1.5.2"]', True, None),  # an exact pin is its own minimum
        ('["lib-dist~=1.5"]', True, None),
        ('["lib_dist>=1.5,<3"]', True, None),  # any spelling of the name
        ('["lib-dist>=1.3"]', False, "`lineterminator` needs lib-dist >= 1.5; this project allows 1.3"),
        ('["lib-dist"]', False, "`lineterminator` needs lib-dist >= 1.5; this project allows any release"),
        ('["lib-dist<3"]', False, "`lineterminator` needs lib-dist >= 1.5; this project allows any release"),
        ("[]", False, "`lineterminator` needs lib-dist >= 1.5; this project does not declare lib-dist as a dependency"),
        # declared twice (markers): the lowest floor is what the project allows
        ('["lib-dist>=1.5; python_version >= \'3.9\'", "lib-dist>=1.4; python_version < \'3.9\'"]', False, "this project allows 1.4"),
    ],
)
def test_a_rename_fix_is_offered_only_from_since(tmp_path, dependencies, offered, why):
    _, (finding,) = findings_of(tmp_path, "def f(df):\n    df.to_csv('x', line_terminator='\\n')\n", dependencies)
    assert finding.code == "CL003"
    assert (finding.fix is not None) is offered
    if offered:
        assert finding.fix.safe and finding.fix.edits[0].new_text == "lineterminator"
        assert finding.message == "Keyword 'line_terminator' of Frame.to_csv was removed in lib-dist 2.0; use 'lineterminator'"
    else:
        assert why in finding.message and finding.message.endswith(", so no fix is offered)")


def test_the_floor_comes_from_requirements_files_too(tmp_path):
    root = workspace(tmp_path, {"app/use.py": "def f(df):\n    df.to_csv(line_terminator='')\n"}, "[]")
    (root / "requirements.txt").write_text("-r requirements-base.txt\n")
    (root / "requirements-base.txt").write_text("lib-dist>=1.6  # floor\n")
    (finding,) = check_files(root, only="app/use.py")["app/use.py"]
    assert finding.fix is not None


def test_a_deprecated_rename_is_gated_too(tmp_path):
    _, (finding,) = findings_of(tmp_path, "from lib.pre import Encoder\nEncoder(n_iter=3)\n", '["lib-dist>=1.2"]')
    assert finding.code == "CL002" and finding.fix is None
    assert finding.message == "Keyword 'n_iter' of Encoder is deprecated in lib-dist 1.3; use 'max_iter' (`max_iter` needs lib-dist >= 1.3; this project allows 1.2, so no fix is offered)"


def test_match_name_guard_workspace_definitions_and_other_distributions(tmp_path):
    _, found = findings_of(
        tmp_path,
        """
        import spss_converter
        from app.own import to_csv
        from app.own import Table
        from lib import Frame

        def untyped(df):
            df.to_csv(line_terminator="")          # matches: the receiver is unknown

        to_csv(line_terminator="")                 # the workspace's own function
        spss_converter.to_csv(line_terminator="")  # another distribution's
        Table().to_csv(line_terminator="")         # a workspace class's method

        class Mine(Table):
            def save(self):
                self.to_csv(line_terminator="")     # defined by a workspace base

        class Sub(Frame):
            def save(self):
                self.to_csv(line_terminator="")     # inherited from the library: matches
        """,
        extra={"app/own.py": "def to_csv(path, line_terminator=None):\n    pass\n\nclass Table:\n    def to_csv(self, line_terminator=None):\n        pass\n"},
    )
    assert [(f.range.start.line + 1, f.code) for f in found] == [(7, "CL003"), (19, "CL003")]


def test_an_exact_alias_of_a_method_matches(tmp_path):
    _, found = findings_of(tmp_path, "import lib\nlib.Series.to_csv(s, line_terminator='')\n")
    assert [f.code for f in found] == ["CL003"]


def test_one_finding_per_keyword_and_code_when_several_contracts_match(tmp_path):
    # `df.to_csv` matches Frame.to_csv and NDFrame.to_csv by name: one CL003, the first's
    _, found = findings_of(tmp_path, "def f(df):\n    df.to_csv(line_terminator='', lineterminator='')\n")
    assert sorted(f.code for f in found) == ["CL003", "CL006"]
    assert {f.contract.name for f in found} == {"Frame.to_csv"}


def test_a_since_without_package_withholds_the_fix(tmp_path):
    contracts = """
        version: 1
        contracts:
          - name: g
            kind: callable
            target: app.g.g
            parameters:
              - {name: new, since: "2.0", removed_names: [old]}
    """
    root = write_workspace(tmp_path, {"contracts/c.yaml": contracts, "app/__init__.py": "", "app/g.py": "def g(new=None):\n    pass\n", "app/use.py": "from app.g import g\ng(old=1)\n"})
    (finding,) = check_files(root, only="app/use.py")["app/use.py"]
    assert finding.fix is None and "the contract names no package" in finding.message
