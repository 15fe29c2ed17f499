"""Every entry of every bundled pack (SPEC §2.1; issue 12 "tests per pack entry"), parametrised
from the YAML: the old name is flagged, the new one accepted, the rename fix offered only when
the project's declared minimum reaches ``since``, a removal or non-1:1 change never fixed, and
each alias resolves (a call written through the alias path matches, statically).

One real workspace per pack and floor, checked once (with the triage compared against full
parses, see ``packs_support.check_files``); the parametrised tests read its findings."""

from __future__ import annotations

import pytest
from packs_support import check_files, write_workspace

from contract_lsp.packs import bundled
from contract_lsp.registry.loader import load_registry
from contract_lsp.registry.model import CallableContract

PACKS = bundled()


def _entries():
    """(pack, contract, parameter, old name or None) for every parameter of every pack."""
    for pack, path in PACKS.items():
        registry = load_registry([path])
        assert registry.errors == [], registry.errors
        for contract in registry.contracts:
            assert isinstance(contract, CallableContract)
            for param in contract.parameters:
                olds = [*param.deprecated_names, *param.removed_names] or [None]
                for old in olds:
                    yield pack, contract, param, old


ENTRIES = list(_entries())


def _call(path: str, keyword: str) -> str:
    # through the dotted path itself: `import sklearn` then `sklearn.a.b.C(kw=1)`
    return f"{path}({keyword}=1)"


def _workspace_source(pack: str) -> tuple[str, dict]:
    """A module calling every entry of ``pack`` through its target and each alias, with the
    old name and with the new one; and line -> (contract, parameter, old, path, keyword)."""
    lines = []
    where: dict[int, tuple] = {}
    roots = set()
    for p, contract, param, old in ENTRIES:
        if p != pack:
            continue
        for path in contract.paths:
            roots.add(path.split(".", 1)[0])
            for keyword in ([old] if old else [param.name]) + ([param.name] if old else []):
                lines.append(_call(path, keyword))
                where[len(lines)] = (contract.name, param.name, old, path, keyword)
    header = [f"import {root}" for root in sorted(roots)]
    offset = len(header)
    return "\n".join(header + lines) + "\n", {line + offset: what for line, what in where.items()}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """pack -> floor ("low": >=0, "since": each entry's own since is met) -> line -> findings."""
    out: dict = {}
    for pack in PACKS:
        source, where = _workspace_source(pack)
        out[pack] = {"where": where}
        for floor in ("low", "high"):
            root = tmp_path_factory.mktemp(f"{pack}-{floor}")
            write_workspace(root, {"app/__init__.py": "", "app/use.py": source})
            version = "0" if floor == "low" else "999"
            (root / "pyproject.toml").write_text(f'[project]\nname = "ws"\ndependencies = ["{pack}>={version}"]\n')
            found = check_files(root, packs=[pack], only="app/use.py")["app/use.py"]
            by_line: dict[int, list] = {}
            for finding in found:
                by_line.setdefault(finding.range.start.line + 1, []).append(finding)
            out[pack][floor] = by_line
    return out


def _lines(results, pack, contract, param, old, keyword):
    return [line for line, what in results[pack]["where"].items() if what[0] == contract and what[1] == param and what[2] == old and what[4] == keyword]


@pytest.mark.parametrize("pack, contract, param, old", ENTRIES, ids=[f"{p}:{c.name}:{old or q.name}" for p, c, q, old in ENTRIES])
def test_old_name_flagged_through_target_and_every_alias(results, pack, contract, param, old):
    keyword = old or param.name  # a retired parameter is its own old name
    lines = _lines(results, pack, contract.name, param.name, old, keyword)
    assert len(lines) == len(contract.paths)  # one call per import path
    for line in lines:
        found = results[pack]["high"].get(line, [])
        path = results[pack]["where"][line][3]
        assert len(found) == 1, f"{path}({keyword}=...) gave {[(f.code, f.message) for f in found]}"
        (finding,) = found
        expected = "CL002" if (param.deprecated_names and old in param.deprecated_names) or (not old and param.removed_in is None) else "CL003"
        assert finding.code == expected
        assert finding.contract.name == contract.name


@pytest.mark.parametrize("pack, contract, param, old", [e for e in ENTRIES if e[3]], ids=[f"{p}:{c.name}:{o}" for p, c, q, o in ENTRIES if o])
def test_new_name_accepted(results, pack, contract, param, old):
    for line in _lines(results, pack, contract.name, param.name, old, param.name):
        assert results[pack]["high"].get(line, []) == [] and results[pack]["low"].get(line, []) == []


@pytest.mark.parametrize("pack, contract, param, old", ENTRIES, ids=[f"{p}:{c.name}:{old or q.name}" for p, c, q, old in ENTRIES])
def test_fix_offered_only_from_since(results, pack, contract, param, old):
    keyword = old or param.name
    for line in _lines(results, pack, contract.name, param.name, old, keyword):
        (high,) = results[pack]["high"][line]
        (low,) = results[pack]["low"][line]
        if old is None:  # removed or changed with no 1:1 replacement: never a fix
            assert high.fix is None and low.fix is None
            continue
        assert param.since is not None, "a pack rename names the release that introduced the new name"
        assert high.fix is not None and high.fix.safe and high.fix.edits[0].new_text == param.name
        assert low.fix is None
        assert f"`{param.name}` needs {contract.package} >= {param.since}; this project allows 0" in low.message


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_every_entry_cites_release_and_source(pack):
    """SPEC §2.1: a comment with the release and the file or note before each contract."""
    text = PACKS[pack].read_text(encoding="utf-8")
    blocks = text.split("\n  - name: ")[1:]
    previous = text.split("\n  - name: ")
    for i, block in enumerate(blocks):
        comment = previous[i].rstrip().splitlines()[-1].strip()
        assert comment.startswith("# #"), f"{pack}: no source comment before {block.splitlines()[0]}"
        assert any(ch.isdigit() for ch in comment) and (":" in comment)


def test_list_packs_names_every_pack(tmp_path):
    from packs_support import cli

    done = cli(tmp_path, "--list-packs")
    assert done.returncode == 0, done.stderr
    for pack in PACKS:
        assert any(line.split()[0] == pack for line in done.stdout.splitlines()[1:-1])
    assert "scikit-learn  scikit-learn  1.1 to 1.9" in done.stdout
