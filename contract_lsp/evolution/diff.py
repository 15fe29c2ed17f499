"""``--diff-contracts REV``: the registry at a git revision against the working tree, each
change classified as breaking or compatible (issue 5).

For callers of a callable contract (and of a protocol's methods):

- compatible: a rename whose old name is kept in ``deprecated_names`` (callers get CL002,
  a warning with a safe fix); a new optional parameter; a parameter made optional or
  loosened (keyword-only to positional-or-keyword); ``*args`` / ``**kwargs`` /
  ``forwards_to`` added; docs, types, defaults, ``returns``; a contract added or renamed.
- breaking but migratable: a rename whose old name is kept only in ``removed_names``, or an
  old name moved from deprecated to removed: callers get CL003, an error whose safe fix
  ``contract-lsp --check --fix`` applies.
- breaking: a parameter removed, or renamed with no old name kept; a parameter that became
  required, or a new required one; positional order changed; a parameter made keyword-only
  or positional-only; ``*args`` / ``**kwargs`` / ``forwards_to`` dropped; target or kind
  changed; a contract removed.

For implementations of a protocol contract: a method added (each implementation lacking it
is listed), a method's ``async`` changed (each implementation still the old way is
listed), a method's parameters changed so that an implementation no longer accepts them
(a new parameter, any rename; the implementations that now fail CL103 are listed).

Nothing here prints; :mod:`contract_lsp.cli.evolution` renders.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..registry.loader import cross_file_errors, parse_contract_text
from ..registry.model import (
    CallableContract,
    Contract,
    ContractFileError,
    Parameter,
    ProtocolContract,
    Registry,
)


class DiffError(Exception):
    """git failed (not a repository, unknown revision, git missing)."""


@dataclass(frozen=True)
class Affected:
    """A place in the workspace a change reaches: ``path`` absolute, ``line`` and
    ``column`` 1-based, ``name`` the class or callee there, ``problem`` what it meets."""

    path: str
    line: int
    column: int
    name: str
    problem: str


@dataclass(frozen=True)
class Change:
    """One change of one contract. ``migratable``: breaking, but callers get a finding with
    a safe fix (CL003). ``details`` explain; ``affected`` lists sites of the workspace.
    ``signals``: the findings, as (code, parameter name or None), by which a call site
    shows that this change reaches it (CL004 naming 'thread_id' for "became required")."""

    contract: str
    breaking: bool
    message: str
    migratable: bool = False
    details: tuple[str, ...] = ()
    affected: tuple[Affected, ...] = field(default=())
    signals: tuple[tuple[str, str | None], ...] = field(default=(), compare=False)

    @property
    def label(self) -> str:
        """``breaking``, ``breaking (migratable)`` or ``compatible``."""
        if not self.breaking:
            return "compatible"
        return "breaking (migratable)" if self.migratable else "breaking"


# -- the registry at a revision --------------------------------------------------------


def _git(cwd: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120, check=False)
    except FileNotFoundError:
        raise DiffError("git is not installed (needed for --diff-contracts)") from None
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DiffError(f"git failed: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(message[0] if message else f"git {' '.join(args)} failed")
    return proc.stdout


def registry_at(root: Path, rev: str, contract_paths: list[Path]) -> Registry:
    """The registry as it was at git revision ``rev``: every ``*.yaml`` / ``*.yml`` under
    ``contract_paths`` (today's configured paths, files or folders, inside the repository
    holding ``root``), read with ``git ls-tree`` / ``git show`` and parsed like the working
    tree's. Files are named ``REV:path`` in marks and errors. A path that did not exist at
    ``rev`` contributes nothing. Raises DiffError when git fails or ``rev`` is unknown."""
    top = Path(_git(root, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    contracts: list[Contract] = []
    errors: list[ContractFileError] = []
    files: list[str] = []
    for base in contract_paths:
        try:
            rel = base.resolve().relative_to(top).as_posix()
        except ValueError:
            errors.append(ContractFileError(str(base), 1, 1, f"contract path is outside the git repository at {top}"))
            continue
        listing = _git(top, "ls-tree", "-r", "-z", "--name-only", "--full-tree", rev, "--", rel if rel != "." else ".")
        for raw in listing.split(b"\0"):
            name = raw.decode("utf-8", "surrogateescape")
            if not name.endswith((".yaml", ".yml")) or name in files:
                continue
            shown = f"{rev}:{name}"
            data = _git(top, "show", f"{rev}:{name}")
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                errors.append(ContractFileError(shown, 1, 1, "contract file is not UTF-8 text"))
                continue
            found, file_errors = parse_contract_text(text, shown)
            contracts.extend(found)
            errors.extend(file_errors)
            files.append(name)
    errors.extend(cross_file_errors(contracts))
    return Registry(contracts, errors, files)


# -- parameters ------------------------------------------------------------------------


def _by_any_name(params: tuple[Parameter, ...]) -> dict[str, tuple[Parameter, str]]:
    out: dict[str, tuple[Parameter, str]] = {}
    for p in params:
        out.setdefault(p.name, (p, "canonical"))
        for n in p.deprecated_names:
            out.setdefault(n, (p, "deprecated"))
        for n in p.removed_names:
            out.setdefault(n, (p, "removed"))
    return out


_TIGHTER = {
    ("positional_or_keyword", "keyword_only"),
    ("positional_or_keyword", "positional_only"),
    ("keyword_only", "positional_only"),
    ("positional_only", "keyword_only"),
}


def _cl003(old: str, new: str) -> tuple[str, ...]:
    return (f"callers get CL003 with a safe fix: contract-lsp --check --fix renames '{old}' to '{new}'",)


def compare_parameters(
    owner: str,
    old: tuple[Parameter, ...],
    new: tuple[Parameter, ...],
    *,
    method: bool = False,
    accepts_any_keyword: bool = False,
) -> list[Change]:
    """Changes between two parameter lists of one callable contract (``method=False``:
    the callers' view) or one protocol method (``method=True``: the callers' and the
    implementations' view, where any new parameter and any rename is breaking).
    ``accepts_any_keyword``: the new contract takes ``**kwargs`` (a removed keyword is
    still accepted). Messages name parameters by their canonical names."""
    changes: list[Change] = []
    new_names = _by_any_name(new)
    for p in old:
        hit = new_names.get(p.name)
        if hit is None:
            if accepts_any_keyword and not method:
                changes.append(Change(owner, False, f"parameter '{p.name}' removed; still accepted through **kwargs"))
            else:
                changes.append(Change(owner, True, f"parameter '{p.name}' removed (no old name kept)", signals=(("CL001", p.name),)))
            continue
        q, how = hit
        if how == "deprecated":
            if method:
                changes.append(Change(owner, True, f"parameter '{p.name}' renamed to '{q.name}'; implementations must rename it (CL103)"))
            else:
                changes.append(Change(owner, False, f"parameter '{p.name}' renamed to '{q.name}'; the old name is still accepted (deprecated)",
                                      details=(f"callers get CL002 (a warning) with a safe fix renaming '{p.name}' to '{q.name}'",), signals=(("CL002", p.name),)))
        elif how == "removed":
            if method:
                changes.append(Change(owner, True, f"parameter '{p.name}' renamed to '{q.name}'; the old name is no longer accepted; implementations must rename it (CL103)"))
            else:
                changes.append(Change(owner, True, f"parameter '{p.name}' renamed to '{q.name}'; the old name is no longer accepted", migratable=True, details=_cl003(p.name, q.name), signals=(("CL003", p.name),)))
        for old_name in p.deprecated_names:
            now = new_names.get(old_name)
            if now is None:
                changes.append(Change(owner, True, f"old name '{old_name}' of '{p.name}' is no longer accepted, and no fix is offered (CL001)", signals=(("CL001", old_name),)))
            elif now is not None and now[1] == "removed":
                changes.append(Change(owner, True, f"old name '{old_name}' of '{now[0].name}' moved from deprecated to removed", migratable=True, details=_cl003(old_name, now[0].name), signals=(("CL003", old_name),)))
        for old_name in p.removed_names:
            now = new_names.get(old_name)
            if now is None:
                changes.append(Change(owner, False, f"removed name '{old_name}' of '{p.name}' dropped; callers still using it get CL001 instead of CL003", signals=(("CL001", old_name),)))
            elif now is not None and now[1] == "deprecated":
                changes.append(Change(owner, False, f"old name '{old_name}' of '{now[0].name}' moved from removed back to deprecated"))
        if q.required and not p.required:
            changes.append(Change(owner, True, f"parameter '{q.name}' became required (callers not passing it get CL004)", signals=(("CL004", q.name),)))
        elif p.required and not q.required:
            changes.append(Change(owner, False, f"parameter '{q.name}' became optional"))
        if p.kind != q.kind:
            tighter = (p.kind, q.kind) in _TIGHTER
            # an implementation declaring it keyword-only no longer accepts it positionally
            breaking = tighter or (method and p.kind == "keyword_only")
            signal = ("CL005", None) if q.kind == "keyword_only" else ("CL001", q.name)
            changes.append(Change(owner, breaking, f"parameter '{q.name}' changed from {p.kind} to {q.kind}", signals=(signal,) if tighter else ()))
        for attribute in ("type", "default", "doc"):
            before, after = getattr(p, attribute), getattr(q, attribute)
            if before != after:
                shown = "" if attribute == "doc" else f" from {_text(before)} to {_text(after)}"
                changes.append(Change(owner, False, f"{attribute} of '{q.name}' changed{shown}"))
    old_all = {n for p in old for n in p.all_names}
    for q in new:
        if q.name in old_all or set(q.deprecated_names + q.removed_names) & old_all:
            continue
        if q.required:
            changes.append(Change(owner, True, f"new required parameter '{q.name}' (callers not passing it get CL004)", signals=(("CL004", q.name),)))
        elif method:
            changes.append(Change(owner, True, f"new parameter '{q.name}'; implementations must accept it (CL103)"))
        else:
            changes.append(Change(owner, False, f"new optional parameter '{q.name}'"))
    moved = _moved_positionals(old, new, new_names)
    if moved:
        changes.append(Change(owner, True, "positional order changed: " + ", ".join(moved) + " (positional callers' arguments land in other parameters)"))
    return changes


def _text(value: str | None) -> str:
    return "(unset)" if value is None else value


def _moved_positionals(old: tuple[Parameter, ...], new: tuple[Parameter, ...], new_names: dict) -> list[str]:
    """Parameters that a positional argument reached at position ``i`` before and that are
    at another position (or no longer positional) now."""
    old_positional = [p for p in old if p.positional]
    new_positional = [p.name for p in new if p.positional]
    moved = []
    for i, p in enumerate(old_positional):
        hit = new_names.get(p.name)
        if hit is None or hit[0].name not in new_positional:
            continue  # removed or made keyword-only: reported on its own
        j = new_positional.index(hit[0].name)
        if j != i:
            moved.append(f"'{hit[0].name}' from position {i + 1} to {j + 1}")
    return moved


# -- contracts -------------------------------------------------------------------------


class Workspace:
    """What the comparison may ask of the working tree: the sites of a contract of the
    new registry (``contract_lsp.evolution.impact.find_impact``) and the index."""

    def __init__(self, project) -> None:
        self.project = project
        self._sites: dict[str, list] = {}

    def sites(self, name: str) -> list:
        from .impact import find_impact

        if name not in self._sites:
            try:
                self._sites[name] = find_impact(self.project, name)
            except KeyError:
                self._sites[name] = []
        return self._sites[name]

    def implementations(self, contract: ProtocolContract):
        """(site, class facts) of every implementation of ``contract`` in the workspace."""
        out = []
        for site in self.sites(contract.name):
            if site.kind == "implementation":
                cls = self.project.index.class_facts(site.name)
                if cls is not None:
                    out.append((site, cls))
        return out


def _at(site, problem: str) -> Affected:
    """An :class:`Affected` for an impact site (a class by its simple name)."""
    name = site.name.rsplit(".", 1)[-1] if site.kind == "implementation" else site.name
    return Affected(site.path, site.range.start.line + 1, site.range.start.character + 1, name, problem)


def _compare_callable(name: str, before: CallableContract, after: CallableContract, ws: Workspace | None) -> list[Change]:
    changes = compare_parameters(name, before.parameters, after.parameters, accepts_any_keyword=after.var_keyword)
    if before.var_positional and not after.var_positional:
        changes.append(Change(name, True, "no longer accepts *args (extra positional arguments get CL005)", signals=(("CL005", None),)))
    elif after.var_positional and not before.var_positional:
        changes.append(Change(name, False, "now accepts *args"))
    if before.var_keyword and not after.var_keyword:
        changes.append(Change(name, True, "no longer accepts **kwargs (unknown keywords get CL001)", signals=(("CL001", None),)))
    elif after.var_keyword and not before.var_keyword:
        changes.append(Change(name, False, "now accepts **kwargs"))
    if before.forwards_to != after.forwards_to:
        if before.forwards_to and not after.var_keyword:
            changes.append(Change(name, True, f"no longer forwards to {before.forwards_to}" + (f" (now {after.forwards_to})" if after.forwards_to else "") + "; keywords only it accepted get CL001", signals=(("CL001", None),)))
        else:
            changes.append(Change(name, False, f"now forwards to {after.forwards_to}"))
    if before.match != after.match:
        changes.append(Change(name, False, f"match changed from {before.match} to {after.match} (which calls are checked)"))
    if before.doc != after.doc:
        changes.append(Change(name, False, "doc changed"))
    if ws is not None and any(c.signals for c in changes):
        sites = ws.sites(name)
        changes = [replace(c, affected=_reached(sites, c.signals)) if c.signals else c for c in changes]
    return changes


def _reached(sites: list, signals: tuple[tuple[str, str | None], ...]) -> tuple[Affected, ...]:
    """The call sites with a finding matching one of ``signals`` (code, and the parameter
    name quoted in the message when given): where the change shows now."""
    out = []
    for site in sites:
        codes = sorted(
            {f.code for f in site.findings for code, name in signals if f.code == code and (name is None or f"'{name}'" in f.message)}
        )
        if codes:
            out.append(_at(site, ", ".join(codes)))
    return tuple(out)


def _compare_protocol(name: str, before: ProtocolContract, after: ProtocolContract, ws: Workspace | None) -> list[Change]:
    from ..rules.protocols import parameter_problems

    changes: list[Change] = []
    implementations = ws.implementations(after) if ws is not None else []
    old_methods = {m.name: m for m in before.methods}
    for m in after.methods:
        previous = old_methods.get(m.name)
        if previous is None:
            lacking = tuple(_at(site, "lacks it") for site, _ in implementations if m.name in site.missing)
            note = () if lacking or ws is None else ("every implementation in the workspace has it",)
            changes.append(Change(name, True, f"method '{m.name}' added", details=note, affected=lacking))
            continue
        if previous.is_async != m.is_async:
            still = tuple(
                _at(site, f"{m.name} is still {'async' if previous.is_async else 'sync'}")
                for site, cls in implementations
                if (fn := ws.project.index.find_method(cls, m.name)[1]) is not None and fn.is_async == previous.is_async  # type: ignore[union-attr]
            )
            changes.append(Change(name, True, f"method '{m.name}' is now {'async' if m.is_async else 'sync'}", affected=still))
        method_changes = compare_parameters(name, previous.parameters, m.parameters, method=True)
        if previous.returns != m.returns:
            method_changes.append(Change(name, False, f"returns changed from {_text(previous.returns)} to {_text(m.returns)}"))
        if previous.doc != m.doc:
            method_changes.append(Change(name, False, "doc changed"))
        changes.extend(replace(c, message=f"method '{m.name}': {c.message}") for c in method_changes)
        if ws is not None and any(c.breaking for c in method_changes):
            broken = []
            for site, cls in implementations:
                fn = ws.project.index.find_method(cls, m.name)[1]
                if fn is None:
                    continue
                fresh = [p for p in parameter_problems(m, fn) if p not in parameter_problems(previous, fn)]
                if fresh:
                    broken.append(_at(site, f"{m.name}: " + "; ".join(fresh)))
            if broken:
                count = f"{len(broken)} implementation{' no longer accepts' if len(broken) == 1 else 's no longer accept'}"
                changes.append(Change(name, True, f"method '{m.name}': {count} its parameters (CL103)", affected=tuple(broken)))
    for m in before.methods:
        if m.name not in {x.name for x in after.methods}:
            changes.append(Change(name, False, f"method '{m.name}' no longer required"))
    for impl in after.implementations:
        if impl not in before.implementations:
            changes.append(Change(name, False, f"'{impl}' now listed as an implementation"))
    for impl in before.implementations:
        if impl not in after.implementations:
            changes.append(Change(name, False, f"'{impl}' no longer listed as an implementation"))
    if before.doc != after.doc:
        changes.append(Change(name, False, "doc changed"))
    return changes


def _pair_renamed(old: dict[str, Contract], new: dict[str, Contract]) -> dict[str, str]:
    """Old name -> new name for contracts renamed with the same kind and target."""
    gone = [c for n, c in old.items() if n not in new]
    fresh = [c for n, c in new.items() if n not in old]
    pairs: dict[str, str] = {}
    for before in gone:
        match = next((c for c in fresh if c.kind == before.kind and c.target == before.target and c.name not in pairs.values()), None)
        if match is not None:
            pairs[before.name] = match.name
    return pairs


def compare(old: Registry, new: Registry, project=None) -> list[Change]:
    """Every change from ``old`` to ``new`` (discovered protocols of ``new`` ignored: they
    have no YAML to diff), in the order of ``old``'s contracts, then the added ones.
    With ``project`` (the working tree's :class:`~contract_lsp.project.Project`), protocol
    changes list the implementations they reach and breaking callable changes the call
    sites invalid now."""
    ws = Workspace(project) if project is not None else None
    old_by_name = {c.name: c for c in old.contracts}
    new_by_name = {c.name: c for c in new.contracts if not (isinstance(c, ProtocolContract) and c.discovered)}
    renamed = _pair_renamed(old_by_name, new_by_name)
    changes: list[Change] = []
    for name, before in old_by_name.items():
        after = new_by_name.get(renamed.get(name, name))
        if after is None:
            changes.append(Change(name, True, "contract removed (its calls and implementations are no longer checked)"))
            continue
        if after.name != name:
            changes.append(Change(after.name, False, f"contract renamed from {name}"))
        if before.kind != after.kind:
            changes.append(Change(after.name, True, f"kind changed from {before.kind} to {after.kind}"))
            continue
        if before.target != after.target:
            changes.append(Change(after.name, True, f"target changed from {before.target} to {after.target}"))
        if isinstance(before, CallableContract) and isinstance(after, CallableContract):
            changes.extend(_compare_callable(after.name, before, after, ws))
        elif isinstance(before, ProtocolContract) and isinstance(after, ProtocolContract):
            changes.extend(_compare_protocol(after.name, before, after, ws))
    for name in new_by_name:
        if name not in old_by_name and name not in renamed.values():
            changes.append(Change(name, False, "contract added"))
    return changes


def summary(changes: Iterable[Change]) -> tuple[int, int, int]:
    """(breaking, of which migratable, compatible) counts."""
    changes = list(changes)
    breaking = [c for c in changes if c.breaking]
    return len(breaking), sum(1 for c in breaking if c.migratable), len(changes) - len(breaking)


__all__ = ["Affected", "Change", "DiffError", "compare", "compare_parameters", "registry_at", "summary"]
