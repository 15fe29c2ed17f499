"""``--impact NAME``: every call site and implementation of a contract, and whether each is
valid now (has no finding of that contract).

Calls are found by the rules' own walk (:func:`contract_lsp.rules.calls.contracted_calls`),
so a call is a site exactly when ``--check`` would check it; implementations by
:func:`contract_lsp.rules.protocols.implemented_protocols`. Validity is the findings
``--check`` reports (``# noqa`` and select / ignore applied). Files are screened by bytes
first: one that does not mention the contract's names (or a derived alias / subclass name)
is never parsed.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..engine import SourceError, check_source, make_context, parse_source
from ..findings import Finding, Range
from ..index.mentions import Mentions
from ..project import Project
from ..registry.model import CallableContract, Contract, ProtocolContract
from ..rules.calls import contracted_calls
from ..rules.context import CheckContext
from ..rules.protocols import _available_methods, implemented_protocols


@dataclass(frozen=True)
class Site:
    """A call site or implementation of a contract.

    ``path`` is absolute; ``range`` (0-based lines, code-point columns) covers the callee of
    a call or the name of an implementing class. ``valid`` when ``codes`` (the codes of
    this contract's findings there, sorted) is empty; ``findings`` are those findings.
    ``name`` is the callee as written, or the class's qualified name; ``missing`` the
    contract methods an implementation lacks (empty when a base outside the workspace may
    supply them).
    """

    path: str
    range: Range
    kind: Literal["call", "implementation"]
    valid: bool
    codes: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    name: str = ""
    missing: tuple[str, ...] = ()

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.findings)


def contract_for(project: Project, name: str) -> Contract | None:
    """The contract called ``name``, else the one whose target is ``name`` (followed
    through re-exports), else None."""
    found = project.registry.get(name)
    if found is not None:
        return found
    wanted = project.index.resolve(name).qualname
    table = project.table
    return next((c for c in project.registry.contracts if table.resolved[c.name].qualname == wanted), None)


def _screen(project: Project, contract: Contract) -> Mentions:
    """Words a file must mention to hold a site of ``contract``: its target's last name,
    its listed implementations', and the aliases and subclass names the project derived."""
    words = {contract.last_name, *project.derived_words}
    if isinstance(contract, ProtocolContract):
        words.update(impl.rsplit(".", 1)[-1] for impl in contract.implementations)
    return Mentions(words, project.derived_classes)


def _innermost(spans: list[tuple[int, Range]], where: Range) -> int | None:
    """Index of the smallest span holding ``where``'s start (nested calls: the inner one)."""
    best = None
    for i, span in spans:
        inside = span.start <= where.start <= span.end
        if inside and (best is None or (spans[best][1].start <= span.start and span.end <= spans[best][1].end)):
            best = i
    return best


def _assign(spans, findings: list[Finding]) -> dict[int, list[Finding]]:
    """Each finding to the innermost of ``spans`` ((index, Range) pairs) holding it."""
    owned: dict[int, list[Finding]] = {}
    for finding in findings:
        at = _innermost(spans, finding.range)
        if at is not None:
            owned.setdefault(at, []).append(finding)
    return owned


def _call_sites(ctx: CheckContext, project: Project, contract: CallableContract, mine: list[Finding]) -> list[Site]:
    calls: list[ast.Call] = [call for call, contracts, _ in contracted_calls(ctx, project.mentions) if contract in contracts]
    owned = _assign([(i, ctx.node_span(call)) for i, call in enumerate(calls)], mine)
    sites = []
    for i, call in enumerate(calls):
        here = owned.get(i, [])
        codes = tuple(sorted({f.code for f in here}))
        sites.append(
            Site(os.path.abspath(ctx.path), ctx.node_span(call.func), "call", not codes, codes, tuple(here), ast.unparse(call.func))
        )
    return sites


def _implementation_sites(ctx: CheckContext, contract: ProtocolContract, mine: list[Finding]) -> list[Site]:
    table = ctx.table
    classes = [cls for cls in ctx.facts.classes.values() if contract in implemented_protocols(ctx, cls)]
    # a class's span runs from its name to its last line; findings go to the innermost class
    spans = [
        (i, ctx.span(cls.name_line, cls.name_col, cls.end_line, len(ctx.lines.line(cls.end_line - 1).encode("utf-8"))))
        for i, cls in enumerate(classes)
    ]
    owned = _assign(spans, mine)
    sites = []
    for i, cls in enumerate(classes):
        here = owned.get(i, [])
        codes = tuple(sorted({f.code for f in here}))
        targets = {table.resolved[c.name].qualname for c in implemented_protocols(ctx, cls)}
        methods, unknown = _available_methods(ctx, cls, targets)
        missing = () if unknown else tuple(m.name for m in contract.methods if m.name not in methods)
        span = ctx.name_span(cls.name_line, cls.name_col, cls.name)
        sites.append(
            Site(os.path.abspath(ctx.path), span, "implementation", not codes, codes, tuple(here), cls.qualname, missing)
        )
    return sites


def find_impact(
    project: Project, name: str, paths: Iterable[str] | None = None, *, checkpoint: Callable[[], None] | None = None
) -> list[Site]:
    """Every site of the contract ``name`` (a contract name, or its target's dotted path) in
    ``paths`` (default: every file of the workspace index), sorted by path and position.

    For a callable contract the sites are its calls; for a protocol contract its
    implementations. Open documents' unsaved text is used (the index's overlays). Import
    aliases and indirect subclasses are found when the project's prefilter knows them:
    call :meth:`Project.expand_words` first, as ``--check`` and the server do. Files that
    cannot be read or parsed are skipped. Raises KeyError when no contract matches ``name``.
    ``checkpoint`` is called before each file (the server's background jobs raise from it
    when their request is cancelled).
    """
    contract = contract_for(project, name)
    if contract is None:
        raise KeyError(name)
    table = project.table
    screen = _screen(project, contract)
    chosen = paths if paths is not None else project.index.all_paths()
    sites: list[Site] = []
    for path in sorted({os.path.abspath(p) for p in chosen}):
        if checkpoint is not None:
            checkpoint()
        try:
            text = project.index.source_of(path)
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
        if not screen(text):
            continue
        try:
            tree = parse_source(text, path)
            findings = check_source(text, path, table, selection=project.settings, tree=tree, mentions=project.mentions)
        except (SourceError, RecursionError):
            continue
        mine = [f for f in findings if f.contract is not None and f.contract.name == contract.name]
        ctx = make_context(text, path, table, tree)
        if isinstance(contract, CallableContract):
            sites.extend(_call_sites(ctx, project, contract, mine))
        else:
            sites.extend(_implementation_sites(ctx, contract, mine))
    sites.sort(key=lambda s: (s.path, s.range.start))
    return sites
