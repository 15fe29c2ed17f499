"""The bundled packs (SPEC §2.1): one contract file per third-party distribution, shipped in
this folder as ``<distribution>.yaml`` (the PEP 503 name: ``scikit-learn.yaml``).

``packs = [...]`` / ``--pack NAME`` select them by distribution name in any spelling
(``Django``, ``scikit_learn``); ``auto`` selects one for each distribution the project
declares (:mod:`contract_lsp.dependencies`). Selected packs join the registry like any
contract file. Nothing here imports YAML: :func:`describe` reads the loaded contracts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..dependencies import canonical_name, read_declared

PACKS_DIR = Path(__file__).resolve().parent
AUTO = "auto"
#: distributions whose users call another's API through them: requests depends on urllib3
#: and re-exports it (``requests.adapters.Retry``, ``requests.packages.urllib3``), so a
#: project that declares only requests still passes urllib3's keywords (4 of the 42 call
#: sites of the real-code corpus, docs/corpus.md)
CARRIES = {"requests": ("urllib3",)}


def bundled() -> dict[str, Path]:
    """Canonical distribution name -> its pack file, for every bundled pack."""
    return {canonical_name(p.stem): p for p in sorted(PACKS_DIR.glob("*.yaml"))}


def unknown_packs(names: list[str]) -> list[str]:
    """The entries of ``names`` that are neither ``auto`` nor a bundled pack, as given."""
    known = bundled()
    return [n for n in names if n.lower() != AUTO and canonical_name(n) not in known]


def unknown_pack_message(name: str) -> str:
    """What is wrong with ``name``, one of :func:`unknown_packs`."""
    import difflib

    known = sorted(bundled())
    close = difflib.get_close_matches(canonical_name(name), known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown pack {name!r}{hint}; bundled packs: auto, {', '.join(known)}"


def pack_paths(names: list[str], root: Path) -> list[Path]:
    """The pack files ``names`` select for the workspace at ``root`` (SPEC §1 ``packs``),
    each once, in the order named; ``auto`` adds a pack for every distribution the project
    declares as a dependency, sorted (and those a declared one carries: :data:`CARRIES`). Unknown names are skipped (the configuration
    reports them: :func:`unknown_packs`)."""
    known = bundled()
    chosen: dict[str, Path] = {}
    for name in names:
        if name.lower() == AUTO:
            names_declared = set(read_declared(root).names)
            for declared in list(names_declared):
                names_declared.update(CARRIES.get(declared, ()))
            for declared in sorted(names_declared):
                if declared in known:
                    chosen.setdefault(declared, known[declared])
        elif canonical_name(name) in known:
            chosen.setdefault(canonical_name(name), known[canonical_name(name)])
    return list(chosen.values())


@dataclass(frozen=True)
class PackInfo:
    """One pack as ``--list-packs`` shows it: its distribution, the oldest and newest
    release its entries name (``since`` / ``deprecated_in`` / ``removed_in``), and how many
    contracts it holds."""

    distribution: str
    path: Path
    oldest: str | None
    newest: str | None
    contracts: int


def describe(path: Path) -> PackInfo:
    """Load the pack at ``path`` and summarise it. Raises ValueError when the pack does not
    load (a bug in the package: the tests load every pack)."""
    from packaging.version import Version

    from ..registry.loader import load_registry
    from ..registry.model import CallableContract

    registry = load_registry([path])
    if registry.errors:
        raise ValueError(f"bundled pack {path.name} does not load: {registry.errors[0]}")
    releases: set[str] = set()
    distributions: set[str] = set()
    for contract in registry.contracts:
        if contract.package:
            distributions.add(contract.package)
        if isinstance(contract, CallableContract):
            for param in contract.parameters:
                releases.update(v for v in (param.since, param.deprecated_in, param.removed_in) if v)
    ordered = sorted(releases, key=Version)
    distribution = min(distributions) if len(distributions) == 1 else path.stem
    return PackInfo(distribution, path, ordered[0] if ordered else None, ordered[-1] if ordered else None, len(registry.contracts))
