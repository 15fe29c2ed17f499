"""The analysis engine: one Python source in, findings out (SPEC §3).

Both front ends call :func:`check_source`: the ``--check`` CLI for every file it walks, the
language server for every open document as it changes. It knows nothing of LSP or of
output formats. The rules live in :mod:`contract_lsp.rules`.
"""

from __future__ import annotations

import ast
import os
import symtable
import warnings
from typing import Iterable, Protocol

from .findings import Finding
from .index.facts import build_module_facts
from .index.mentions import Mentions
from .noqa import filter_suppressed
from .rules.calls import check_calls
from .rules.context import CheckContext, ContractTable
from .rules.drift import check_drift
from .rules.protocols import check_protocols
from .rules.triage import may_have_findings
from .text import split_lines


class Selection(Protocol):
    """What the engine needs of the settings: which codes to report, at what severity."""

    def is_selected(self, code: str) -> bool: ...

    def severity_for(self, code: str, default: str) -> str: ...


class SourceError(Exception):
    """A Python file that cannot be analysed: unreadable, undecodable, or not parseable.
    ``reason`` is a short human-readable explanation; ``line`` is 1-based when known."""

    def __init__(self, path: str, reason: str, line: int | None = None, newer_grammar_possible: bool = False) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line
        #: a plain SyntaxError that newer Python grammar might explain (see newer_grammar)
        self.newer_grammar_possible = newer_grammar_possible


def may_mention(text: str | bytes, words: Iterable[str] | Mentions) -> bool:
    """True when ``text`` mentions one of ``words`` as an identifier (the bytes-first
    prefilter: a file that mentions no contracted name cannot have a finding, so it is
    never parsed)."""
    mentions = words if isinstance(words, Mentions) else Mentions(words)
    return mentions(text)


def parse_source(source: str, path: str) -> ast.Module:
    """``ast.parse`` with every failure turned into :class:`SourceError`."""
    try:
        return ast.parse(source, filename=path)
    except SyntaxError as exc:
        plain = type(exc) is SyntaxError and "too many nested parentheses" not in (exc.msg or "")
        raise SourceError(path, f"syntax error: {exc.msg}", exc.lineno, newer_grammar_possible=plain) from None
    except (RecursionError, MemoryError):
        raise SourceError(path, "expression too deeply nested to parse") from None
    except ValueError as exc:  # null bytes
        raise SourceError(path, str(exc)) from None


def check_syntax(source: str, path: str) -> None:
    """Raise :class:`SourceError` exactly when :func:`parse_source` would, at ~55% of its
    cost: a file the triage spares from analysis is still named when it does not parse
    (SPEC §4). ``symtable`` parses in C without building Python objects; it also rejects a
    few things ``ast.parse`` accepts (``nonlocal`` at module level), so its errors are
    confirmed by a real parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are the compiler's, not ours
            symtable.symtable(source, path, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        parse_source(source, path)


def make_context(source: str, path: str, table: ContractTable, tree: ast.Module) -> CheckContext:
    """The rules' view of one parsed file (module facts built from ``tree``)."""
    index = table.index
    abspath = os.path.abspath(path)
    module = index.module_map.module_of(abspath) or ""
    facts = build_module_facts(tree, module, abspath, os.path.basename(path) == "__init__.py", split_lines(source))
    # resolution within this module reuses this parse; the facts are filed under this exact
    # text, so a text that is not the file's current one (a completion's) leaves no trace
    index.put_facts(facts, source)
    return CheckContext(path, source, tree, module, facts, table)


def check_source(
    source: str,
    path: str,
    table: ContractTable,
    *,
    selection: Selection | None = None,
    tree: ast.Module | None = None,
    mentions: Mentions | None = None,
    observed: set[str] | None = None,
    check_spared_syntax: bool = False,
) -> list[Finding]:
    """All findings of SPEC §3.1–3.3 in one Python file, after ``# noqa`` (§3.4) and the
    ``selection`` (select / ignore / severity). Ranges are 0-based, columns in code points.

    ``path`` names the file (absolute or as the caller wants it printed in findings); its
    module name comes from the workspace index. ``tree`` may pass an already parsed module.
    ``mentions`` is the prefilter (by default the contracts' own names, ``table.mentions``;
    the front ends pass the project's, which adds aliases and indirect implementations).
    A file that passes it is parsed only when one of its mentions could lead to a finding
    (:mod:`contract_lsp.rules.triage`); passing ``tree`` skips both.
    ``observed``, when given, receives the names of the file's classes that implement a
    protocol contract (the CLI grows its prefilter with them).
    Raises :class:`SourceError` when the source cannot be parsed; a file the triage spares
    is not parsed, so it raises only with ``check_spared_syntax`` (SPEC §4: files whose
    every mention the triage proves harmless are neither parsed nor named).
    """
    mentions = mentions or table.mentions
    if tree is None:
        data = source.encode("utf-8", errors="surrogatepass")
        if not mentions(data):
            return []
        module = table.index.module_map.module_of(os.path.abspath(path)) or ""
        if not may_have_findings(data, module, table, mentions):
            if check_spared_syntax:
                check_syntax(source, path)
            return []
        tree = parse_source(source, path)
    ctx = make_context(source, path, table, tree)
    check_calls(ctx, mentions)
    check_protocols(ctx)
    check_drift(ctx)
    if observed is not None:
        observed.update(ctx.implementations)
    findings = filter_suppressed(ctx.findings, ctx.lines.lines, ctx.tree)
    if selection is not None:
        findings = [
            f.with_severity(selection.severity_for(f.code, f.severity))  # type: ignore[arg-type]
            for f in findings
            if selection.is_selected(f.code)
        ]
    findings.sort(key=lambda f: (f.range.start, f.code))
    return findings
