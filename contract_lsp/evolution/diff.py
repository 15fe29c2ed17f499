"""``--diff-contracts REV``: the registry at a git revision against the working tree, each
change classified as breaking or compatible.

Breaking: a contract removed; a parameter removed or renamed with no old name kept, or kept
only in ``removed_names`` (migratable: callers get CL003 with a safe fix); a parameter that
became required; a new required parameter; positional order changed; a parameter made
keyword-only or positional-only; ``*args`` / ``**kwargs`` dropped; a protocol method added
(each implementation lacking it is listed) or its ``async`` changed.
Compatible: a rename kept in ``deprecated_names``; a new optional parameter; a parameter
made optional; a protocol method removed; docs, types, defaults.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..registry.loader import cross_file_errors, parse_contract_text
from ..registry.model import CallableContract, Contract, ContractFileError, Parameter, ProtocolContract, Registry


class DiffError(Exception):
    """git failed (not a repository, unknown revision), or the old registry is invalid."""


@dataclass(frozen=True)
class Change:
    contract: str
    breaking: bool
    message: str
    migratable: bool = False
    details: tuple[str, ...] = field(default=())


def _git(root: Path, *args: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiffError(f"git failed: {exc}") from None
    if proc.returncode != 0:
        raise DiffError(proc.stderr.strip() or f"git {' '.join(args)} failed")
    return proc.stdout


def registry_at(root: Path, rev: str, contract_paths: list[Path]) -> Registry:
    """The registry as it was at git revision ``rev`` (contract paths relative to the
    repository). Raises DiffError."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    contracts: list[Contract] = []
    errors: list[ContractFileError] = []
    files: list[str] = []
    for base in contract_paths:
        try:
            rel = base.resolve().relative_to(top.resolve())
        except ValueError:
            continue
        listing = _git(top, "ls-tree", "-r", "--name-only", rev, "--", str(rel) or ".")
        for name in listing.splitlines():
            if not name.endswith((".yaml", ".yml")):
                continue
            text = _git(top, "show", f"{rev}:{name}")
            found, file_errors = parse_contract_text(text, f"{rev}:{name}")
            contracts.extend(found)
            errors.extend(file_errors)
            files.append(name)
    errors.extend(cross_file_errors(contracts))
    return Registry(contracts, errors, files)


def _by_any_name(params: tuple[Parameter, ...]) -> dict[str, tuple[Parameter, str]]:
    out: dict[str, tuple[Parameter, str]] = {}
    for p in params:
        out.setdefault(p.name, (p, "canonical"))
        for n in p.deprecated_names:
            out.setdefault(n, (p, "deprecated"))
        for n in p.removed_names:
            out.setdefault(n, (p, "removed"))
    return out


def compare_parameters(owner: str, old: tuple[Parameter, ...], new: tuple[Parameter, ...]) -> list[Change]:
    """Changes between two parameter lists of the same callable or method."""
    changes: list[Change] = []
    new_names = _by_any_name(new)
    old_positional = [p.name for p in old if p.kind != "keyword_only"]
    new_positional = [p.name for p in new if p.kind != "keyword_only"]
    for p in old:
        hit = new_names.get(p.name)
        if hit is None:
            changes.append(Change(owner, True, f"parameter '{p.name}' removed (no old name kept)"))
            continue
        q, how = hit
        for old_name in p.deprecated_names:
            now = new_names.get(old_name)
            if now is None:
                changes.append(Change(owner, True, f"old name '{old_name}' of '{p.name}' is no longer accepted, and no fix is offered"))
            elif now[1] == "removed":
                changes.append(Change(owner, True, f"old name '{old_name}' of '{now[0].name}' moved from deprecated to removed", migratable=True,
                                      details=(f"callers get CL003 with a safe fix: contract-lsp --check --fix renames '{old_name}' to '{now[0].name}'",)))
        if how == "deprecated":
            changes.append(Change(owner, False, f"parameter '{p.name}' renamed to '{q.name}'; the old name is still accepted (deprecated)"))
        elif how == "removed":
            changes.append(Change(owner, True, f"parameter '{p.name}' renamed to '{q.name}'; the old name is no longer accepted", migratable=True,
                                  details=(f"callers get CL003 with a safe fix: contract-lsp --check --fix renames '{p.name}' to '{q.name}'",)))
        if q.required and not p.required:
            changes.append(Change(owner, True, f"parameter '{q.name}' became required"))
        elif p.required and not q.required:
            changes.append(Change(owner, False, f"parameter '{q.name}' became optional"))
        if p.kind != q.kind:
            loosened = (p.kind, q.kind) in {("keyword_only", "positional_or_keyword"), ("positional_only", "positional_or_keyword")}
            changes.append(Change(owner, not loosened, f"parameter '{q.name}' changed from {p.kind} to {q.kind}"))
    old_all = {n for p in old for n in p.all_names}
    for q in new:
        if q.name not in old_all and not (set(q.deprecated_names) | set(q.removed_names)) & old_all:
            if q.required:
                changes.append(Change(owner, True, f"new required parameter '{q.name}'"))
            else:
                changes.append(Change(owner, False, f"new optional parameter '{q.name}'"))
    # positional order: compare the order of the parameters both lists pass positionally
    mapped = []
    for name in old_positional:
        hit = new_names.get(name)
        if hit is not None and hit[0].name in new_positional:
            mapped.append(new_positional.index(hit[0].name))
    if mapped != list(range(len(mapped))):
        # a positional caller's argument would land in another parameter
        changes.append(Change(owner, True, "positional order of parameters changed"))
    return changes


def compare(old: Registry, new: Registry, implementations_lacking=None) -> list[Change]:
    """Every change from ``old`` to ``new``. ``implementations_lacking(contract, method)``
    lists the implementations missing a newly required protocol method."""
    changes: list[Change] = []
    new_by_name = {c.name: c for c in new.contracts}
    old_by_name = {c.name: c for c in old.contracts}
    for name, before in old_by_name.items():
        after = new_by_name.get(name)
        if after is None:
            changes.append(Change(name, True, "contract removed"))
            continue
        if before.kind != after.kind:
            changes.append(Change(name, True, f"kind changed from {before.kind} to {after.kind}"))
            continue
        if before.target != after.target:
            changes.append(Change(name, True, f"target changed from {before.target} to {after.target}"))
        if isinstance(before, CallableContract) and isinstance(after, CallableContract):
            changes.extend(compare_parameters(name, before.parameters, after.parameters))
            if before.var_positional and not after.var_positional:
                changes.append(Change(name, True, "no longer accepts *args"))
            if before.var_keyword and not after.var_keyword:
                changes.append(Change(name, True, "no longer accepts **kwargs"))
            if before.doc != after.doc:
                changes.append(Change(name, False, "doc changed"))
        elif isinstance(before, ProtocolContract) and isinstance(after, ProtocolContract):
            old_methods = {m.name: m for m in before.methods}
            for m in after.methods:
                previous = old_methods.get(m.name)
                if previous is None:
                    lacking = tuple(implementations_lacking(after, m.name)) if implementations_lacking else ()
                    changes.append(Change(name, True, f"method '{m.name}' added", details=tuple(f"{site} lacks it" for site in lacking)))
                    continue
                if previous.is_async != m.is_async:
                    changes.append(Change(name, True, f"method '{m.name}' is now {'async' if m.is_async else 'sync'}"))
                changes.extend(compare_parameters(f"{name}.{m.name}", previous.parameters, m.parameters))
            for m in before.methods:
                if m.name not in {x.name for x in after.methods}:
                    changes.append(Change(name, False, f"method '{m.name}' no longer required"))
    for name in new_by_name:
        if name not in old_by_name:
            changes.append(Change(name, False, "contract added"))
    return changes
