"""``--impact NAME``: every call site and implementation of a contract, and whether each is
valid now (has no finding of that contract)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Literal

from ..engine import SourceError, check_source, make_context, parse_source
from ..findings import Range
from ..project import Project
from ..registry.model import CallableContract
from ..rules.calls import contracted_calls
from ..rules.protocols import implemented_protocols


@dataclass(frozen=True)
class Site:
    """A call site or implementation. ``range`` is 0-based, columns in code points."""

    path: str
    range: Range
    kind: Literal["call", "implementation"]
    valid: bool
    codes: tuple[str, ...]
    messages: tuple[str, ...] = ()


def find_impact(project: Project, name: str, paths: Iterable[str] | None = None) -> list[Site]:
    """Sites of contract ``name`` in ``paths`` (default: every file of the workspace),
    sorted by path and position. Raises KeyError for an unknown contract name."""
    contract = project.registry.get(name)
    if contract is None:
        raise KeyError(name)
    table = project.table
    mentions = project.mentions
    sites: list[Site] = []
    for path in sorted(set(paths if paths is not None else project.index.all_paths())):
        try:
            text = project.index.source_of(path)  # an open editor's text, else the file
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
        if not mentions(text):
            continue
        try:
            tree = parse_source(text, path)
            findings = check_source(text, path, table, tree=tree, mentions=mentions)
        except (SourceError, RecursionError):
            continue
        ctx = make_context(text, path, table, tree)
        mine = [f for f in findings if f.contract is not None and f.contract.name == name]
        if isinstance(contract, CallableContract):
            for call, contracts, _ in contracted_calls(ctx, mentions):
                if contract not in contracts:
                    continue
                span = ctx.node_span(call)
                here = [f for f in mine if span.start <= f.range.start <= span.end]
                codes = tuple(sorted({f.code for f in here}))
                sites.append(Site(os.path.abspath(path), ctx.node_span(call.func), "call", not codes, codes, tuple(f.message for f in here)))
        else:
            for cls in ctx.facts.classes.values():
                if contract in implemented_protocols(ctx, cls):
                    span = ctx.name_span(cls.name_line, cls.name_col, cls.name)
                    end_line = cls.end_line - 1
                    here = [f for f in mine if span.start.line <= f.range.start.line <= end_line]
                    codes = tuple(sorted({f.code for f in here}))
                    sites.append(Site(os.path.abspath(path), span, "implementation", not codes, codes, tuple(f.message for f in here)))
    return sites
