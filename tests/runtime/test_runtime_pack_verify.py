"""``--verify --pack NAME`` (SPEC §4, §7) against fake releases of the pack's distribution,
built here from the pack itself: a release that has every name (clean) and an older one
without the names that have ``since`` (each one flagged, with the release that introduced
it and the one installed). The same builder runs on a pack-shaped file of our own, so it is
tested even where no pack is bundled."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import pytest

from contract_lsp.registry.loader import load_registry
from contract_lsp.registry.model import CallableContract, ProtocolContract

PACK_SHAPED = """
version: 1
contracts:
  - name: Encoder
    kind: callable
    target: fakelearn.preprocessing.Encoder
    aliases: [fakelearn.preprocessing._encoders.Encoder]
    package: fake-learn
    partial: true
    parameters:
      - {name: sparse_output, since: "1.2", removed_names: [sparse], removed_in: "1.4"}
      - {name: handle_unknown}
  - name: Frame.to_csv
    kind: callable
    target: fakelearn.frame.Frame.to_csv
    match: name
    package: fake-learn
    partial: true
    parameters:
      - {name: lineterminator, since: "1.5", deprecated_names: [line_terminator]}
  - name: fit
    kind: callable
    target: fakelearn.fit
    package: fake-learn
    parameters: [{name: X, required: true}, {name: y}]
  - name: Estimator
    kind: protocol
    target: fakelearn.base.Estimator
    package: fake-learn
    methods:
      - {name: fit, parameters: [X, y]}
      - {name: predict, parameters: [X]}
"""


def _params(parameters, with_since: bool) -> list[str]:
    names = []
    for p in parameters:
        if getattr(p, "since", None) is None or with_since:
            names.append(p.name)
        else:  # the older release spells it the old way
            names.extend([*p.removed_names, *p.deprecated_names])
    return names


def _split(dotted: str) -> tuple[str, str | None, str]:
    """(module, class or None, name) of a dotted path: the first segment whose first letter
    (after underscores) is a capital is a class (``_PLS`` too)."""
    parts = dotted.split(".")
    for i, part in enumerate(parts[1:], 1):
        if part.lstrip("_")[:1].isupper():
            return ".".join(parts[:i]), part, ".".join(parts[i + 1:]) or "__init__"
    return ".".join(parts[:-1]), None, parts[-1]


def fake_release(site: Path, contracts, distribution: str, version: str, with_since: bool) -> Path:
    """Modules defining every target and alias of ``contracts`` with exactly the listed
    parameters (all with defaults; without the ``since`` names unless ``with_since``), and
    the ``.dist-info`` of ``distribution`` at ``version``. Each alias is a definition of its
    own with the same parameters (as an inherited method or a re-export behaves)."""
    classes: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    functions: dict[str, list[str]] = defaultdict(list)

    def signature(names: list[str]) -> str:
        return ", ".join(["self", *(f"{n}=None" for n in names)])

    for contract in contracts:
        for path in (contract.target, *getattr(contract, "aliases", ())):
            if isinstance(contract, CallableContract):
                module, cls, name = _split(path)
                names = _params(contract.parameters, with_since)
                if cls is None:
                    functions[module].append(f"def {name}({', '.join(f'{n}=None' for n in names)}):\n    return None\n")
                else:
                    classes[(module, cls)][name] = f"    def {name}({signature(names)}):\n        return None\n"
            else:
                assert isinstance(contract, ProtocolContract)
                module, cls = path.rsplit(".", 1)
                classes[(module, cls)].setdefault("__doc__", "")
                for method in contract.methods:
                    keyword = "async def" if method.is_async else "def"
                    classes[(module, cls)][method.name] = f"    {keyword} {method.name}({signature(_params(method.parameters, with_since))}):\n        return None\n"
    texts: dict[str, list[str]] = defaultdict(list)
    for module, defs in functions.items():
        texts[module].extend(defs)
    for (module, cls), methods in classes.items():
        body = [m for k, m in methods.items() if k != "__doc__"] or ["    pass\n"]
        texts[module].append(f"class {cls}:\n" + "".join(body))
    for module in list(texts):
        parts = module.split(".")
        for i in range(1, len(parts)):
            texts.setdefault(".".join(parts[:i]), [])
    for module, chunks in texts.items():
        path = site.joinpath(*module.split("."), "__init__.py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n\n".join(chunks))
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    return site


def run_verify(project: Path, site: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-m", "contract_lsp", "--verify", *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)


def since_names(contracts) -> list[tuple[str, str, str]]:
    """(contract, parameter, since) of every callable parameter with ``since``."""
    return [(c.name, p.name, p.since) for c in contracts if isinstance(c, CallableContract) for p in c.parameters if getattr(p, "since", None)]


def check_pack(tmp_path: Path, contracts, distribution: str, args: list[str]) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "uses-it"\n')
    if args and args[0] == "--contracts":
        (project / "pack.yaml").write_text(textwrap.dedent(PACK_SHAPED))
    newest = fake_release(tmp_path / "newest", contracts, distribution, "99.0", with_since=True)
    proc = run_verify(project, newest, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines() == [f"{len(contracts)} contracts kept, 0 broken."]

    oldest = fake_release(tmp_path / "oldest", contracts, distribution, "0.0.1", with_since=False)
    proc = run_verify(project, oldest, *args)
    flagged = since_names(contracts)
    broken = len({name for name, _, _ in flagged})
    assert proc.returncode == (1 if flagged else 0), proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[-1] == f"{len(contracts) - broken} contracts kept, {broken} broken."
    for _contract, parameter, since in flagged:
        wanted = f"lacks parameter '{parameter}' (new in {distribution} {since}; installed: 0.0.1)"
        assert any(wanted in line for line in lines), (wanted, lines)
    assert all(" CL201 " in line for line in lines[:-1]), lines


def test_pack_shaped_contracts_on_two_releases(tmp_path):
    (tmp_path / "pack.yaml").write_text(textwrap.dedent(PACK_SHAPED))
    registry = load_registry([tmp_path / "pack.yaml"])
    assert not registry.errors, registry.errors
    check_pack(tmp_path, registry.contracts, "fake-learn", ["--contracts", "pack.yaml"])


def test_verify_pack_scikit_learn_on_two_releases(tmp_path):
    from contract_lsp.packs import bundled

    pack = bundled().get("scikit-learn")
    if pack is None:
        pytest.skip("no scikit-learn pack bundled yet")
    registry = load_registry([pack])
    assert not registry.errors, registry.errors
    check_pack(tmp_path, registry.contracts, "scikit-learn", ["--pack", "scikit-learn"])
