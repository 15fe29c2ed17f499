"""What every rule needs: the contract table (contracts keyed by their resolved targets) and
the per-file check context, with helpers that turn ``ast`` positions into findings."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..findings import RULES, ContractRef, Finding, Fix, Range, make_range
from ..index.facts import ModuleFacts
from ..index.mentions import Mentions
from ..index.workspace import Resolved, WorkspaceIndex
from ..registry.model import (
    CallableContract,
    Contract,
    Parameter,
    ProtocolContract,
    Registry,
)

if TYPE_CHECKING:
    from ..dependencies import Declared
from ..text import LineIndex


class ContractTable:
    """The registry seen through the workspace index: each contract under the canonical
    qualified name of its target and of each alias (re-exports followed), plus the words
    whose presence in a file's bytes is necessary for that file to have any finding.

    ``declared`` is what the project declares it depends on (:mod:`contract_lsp.dependencies`;
    None: nothing), which gates rename fixes to parameters with ``since`` (SPEC §3.1).
    Build one per (registry, index generation); building resolves each target once.
    """

    def __init__(self, registry: Registry, index: WorkspaceIndex, declared: Declared | None = None) -> None:
        self.registry = registry
        self.index = index
        self.declared = declared
        self.generation = index.generation
        self.callables: dict[str, list[CallableContract]] = {}
        self.by_name: dict[str, list[CallableContract]] = {}
        self.protocols: dict[str, list[ProtocolContract]] = {}
        self.implementations: dict[str, list[ProtocolContract]] = {}
        self.resolved: dict[str, Resolved] = {}
        #: contract name -> canonical qualified names of its target and aliases
        self.canonical: dict[str, frozenset[str]] = {}
        #: contract name -> the names a call of it may end with (target, aliases, and where
        #: each is defined)
        self.call_names: dict[str, frozenset[str]] = {}
        words: set[str] = set()
        for contract in registry.contracts:
            target = index.resolve(contract.target)
            self.resolved[contract.name] = target
            found = [target, *(index.resolve(alias) for alias in contract.aliases)]
            canonical = frozenset(r.qualname for r in found)
            self.canonical[contract.name] = canonical
            # the name as the contract writes it and as it is defined: a target re-exported
            # under another name (``from .context import Ctx as Context``) is called, and
            # defined (CL201), under its own
            names = frozenset({p.rsplit(".", 1)[-1] for p in contract.paths} | {q.rsplit(".", 1)[-1] for q in canonical})
            self.call_names[contract.name] = names
            words |= names
            if isinstance(contract, CallableContract):
                for qualname in canonical:
                    self.callables.setdefault(qualname, []).append(contract)
                if contract.match == "name":
                    for name in {p.rsplit(".", 1)[-1] for p in contract.paths}:
                        self.by_name.setdefault(name, []).append(contract)
            else:
                for qualname in canonical:
                    self.protocols.setdefault(qualname, []).append(contract)
                for impl in contract.implementations:
                    canonical = index.resolve(impl).qualname
                    words.update((impl.rsplit(".", 1)[-1], canonical.rsplit(".", 1)[-1]))
                    self.implementations.setdefault(canonical, []).append(contract)
        self.words: frozenset[str] = frozenset(words)
        self._mentions: Mentions | None = None

    @property
    def mentions(self) -> Mentions:
        """The prefilter for the contracts' own names."""
        if self._mentions is None:
            self._mentions = Mentions(self.words)
        return self._mentions

    @property
    def protocol_targets(self) -> set[str]:
        return set(self.protocols)

    def callable_named(self, name: str | None) -> CallableContract | None:
        contract = self.registry.get(name) if name else None
        return contract if isinstance(contract, CallableContract) else None

    def fix_withheld(self, contract: CallableContract, param: Parameter) -> str | None:
        """Why a rename fix to ``param`` must not be offered (SPEC §3.1), or None when it
        may: a parameter with ``since`` needs the project's declared minimum of the
        contract's ``package`` to be at least ``since``. The reason reads
        "`lineterminator` needs pandas >= 1.5; this project allows 1.3"."""
        if param.since is None:
            return None
        from ..dependencies import Floor, allows_only_from

        package = contract.package
        if package is None:
            return f"`{param.name}` needs release {param.since} or later of its library, and the contract names no package"
        floor = self.declared.floor(package) if self.declared is not None else Floor(False)
        if allows_only_from(floor, param.since):
            return None
        needs = f"`{param.name}` needs {package} >= {param.since}"
        if not floor.declared:
            return f"{needs}; this project does not declare {package} as a dependency"
        if floor.minimum is None:
            return f"{needs}; this project allows any release"
        return f"{needs}; this project allows {floor.shown}"

    def accepted_parameters(self, contract: CallableContract) -> list[Parameter]:
        """The contract's parameters, then those of the chain of ``forwards_to`` contracts
        (a factory forwarding ``**kwargs`` accepts its target's keywords too)."""
        params = list(contract.parameters)
        seen = {contract.name}
        nxt = self.callable_named(contract.forwards_to)
        while nxt is not None and nxt.name not in seen:
            seen.add(nxt.name)
            own = {p.name for p in params}
            params.extend(p for p in nxt.parameters if p.name not in own and p.keyword)
            nxt = self.callable_named(nxt.forwards_to)
        return params


@dataclass
class CheckContext:
    """One file being checked. ``path`` is as the caller gave it; lines 1-based in ``ast``."""

    path: str
    source: str
    tree: ast.Module
    module: str
    facts: ModuleFacts
    table: ContractTable
    lines: LineIndex = field(init=False)
    findings: list[Finding] = field(default_factory=list)
    #: names of this module's classes that implement a protocol contract (for the prefilter)
    implementations: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.lines = LineIndex(self.source)

    @property
    def index(self) -> WorkspaceIndex:
        return self.table.index

    def span(self, line: int, byte_col: int, end_line: int, end_byte_col: int) -> Range:
        """A :class:`Range` from ``ast`` coordinates (1-based lines, byte columns)."""
        return make_range(
            line - 1,
            self.lines.char_column(line, byte_col),
            end_line - 1,
            self.lines.char_column(end_line, end_byte_col),
        )

    def node_span(self, node: ast.AST) -> Range:
        return self.span(node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)  # type: ignore[attr-defined]

    def name_span(self, line: int, byte_col: int, name: str) -> Range:
        """The span of identifier ``name`` starting at byte column ``byte_col``."""
        return self.span(line, byte_col, line, byte_col + len(name.encode("utf-8")))

    def report(
        self,
        code: str,
        where: Range,
        message: str,
        contract: Contract | None,
        fix: Fix | None = None,
        deprecated: bool = False,
    ) -> None:
        """Record a finding with the code's default severity (SPEC §3 tables)."""
        ref = None
        if contract is not None:
            mark = contract.mark
            ref = ContractRef(contract.name, mark.path if mark else None, mark.line if mark else None)
        self.findings.append(
            Finding(self.path, where, code, message, RULES[code][0], ref, fix, deprecated)
        )
