"""The second prefilter: can a file that mentions a contracted name have a finding at all?

The bytes-first prefilter (:mod:`contract_lsp.index.mentions`) lets through every file that
names a word; on the standard library that is 250 files, and analysing them was ~70% of a
``--check`` run. Most of those mentions are harmless: a call whose arguments every contract
of that name accepts (``threading.Thread(target=f, daemon=True)``), a callable passed as a
value (``addCleanup(shutil.rmtree, d)``), an import, a comment. This module reads each
mention in place and answers "a parse could find something" only when one is not provably
harmless; on the standard library 52 of the 250 files remain. The engine still checks a
spared file's syntax (:func:`contract_lsp.engine.check_syntax`), so one that does not parse
is named as before (SPEC §4).

The argument for each shortcut is the rules' own (SPEC §3):

- A call finding (CL001–CL006) needs an ``ast.Call`` whose callee's last name is a word
  (:class:`~contract_lsp.rules.calls.CallChecker` ignores every other call), and its
  arguments must disagree with a contract of that name. The arguments are read from the
  ``(`` after the word and parsed alone; if every candidate contract accepts them, however
  the callee resolves (also as ``Class.method(obj, ...)`` where that is possible), the call
  cannot be a finding. Where the text after the word is unclear (a line break, a comment,
  ``\\``), the file is parsed.
- A line without quotes before the mention is code as written, or the inside of a
  multi-line string: a ``#`` there means a comment, ``import``/``from ... import`` an import
  statement; neither is ever a finding.
- A word that is only a callable contract's name matters nowhere else: not as a value, not
  in a string, not as a base class (a subclass's calls name the subclass).
- Protocol conformance (CL101–CL103) needs a class whose bases name a protocol, one of its
  implementations or a derived implementation class; such a word is harmless only in a
  call, a comment or an import statement. An alias of a contracted name (or a name an
  import binds to another one) only in a comment or an import statement, since which
  contract it stands for is only known after a parse.
- Drift (CL201) and listed implementations are reported in the module that defines the
  target or the class: that module is always parsed.

Everything here is a shortcut to ``[]``: when in doubt the answer is "parse".
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import weakref
from typing import Any, Iterable, NamedTuple

from ..index.mentions import _IDENT_BYTES, _IMPORT, Mentions
from ..registry.model import CallableContract
from .calls import check_arguments
from .context import ContractTable

#: How far past the ``(`` a call's arguments are looked for: most calls close within the
#: first window; one whose arguments run past the last is not worth reading in place.
_CALL_WINDOWS = (1_000, 20_000)
_SPACE = b" \t"
#: ``a.b.`` ending a line's text before a word: the dotted receiver of a method call
_RECEIVER = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*[ \t]*\.[ \t]*$")
_STAR_IMPORT = re.compile(rb"\bimport[ \t]+\*")
_IDENTIFIER = re.compile(rb"[A-Za-z_]\w*")


def may_have_findings(data: bytes, module: str, table: ContractTable, mentions: Mentions) -> bool:
    """False only when ``data`` (a file's source bytes, which ``mentions`` let through) is
    proven to have no finding of SPEC §3 in module ``module`` ("" when not in the
    workspace), without parsing it; True otherwise."""
    plan = _plan_for(table)
    if module in plan.defining_modules or mentions.refers_to_class(data):
        return True
    for word in mentions.words:
        if word in mentions.rebound or word not in plan.known:
            kind: _Kind = _ALIAS
        else:
            kind = _Kind(plan.callables.get(word, ()), word in plan.structural)
        for offset in mentions.offsets(data, word):
            if not _harmless(data, offset, len(word), kind, table):
                return True
    return False


class _Kind(NamedTuple):
    """How a word's mentions can lead to findings."""

    callables: tuple[CallableContract, ...]  # contracts a call of that name may match
    structural: bool  # names a protocol or an implementation: bases matter
    alias: bool = False  # stands for a contracted name: only a parse knows which


_ALIAS = _Kind((), True, True)


def _harmless(data: bytes, offset: int, size: int, kind: _Kind, table: ContractTable) -> bool:
    """Whether the mention at byte ``offset`` provably leads to no finding."""
    line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    before = data[line_start:offset]
    if b"'" not in before and b'"' not in before:
        # No string starts or ends on this line before the mention: either it is inside a
        # multi-line string (no code), or what precedes it is code as written.
        if b"#" in before:
            return True  # a comment
        if _import_line(before):
            return True  # an import binds names; it is never a finding itself
    if kind.alias:
        return False
    after = offset + size
    while after < len(data) and data[after] in _SPACE:
        after += 1
    nxt = data[after : after + 1]
    if nxt == b"(":
        if _keyword_before(before):
            return False  # ``def name(`` / ``class Name(``: a definition, not a call
        call = _read_call(data, after)
        callables = kind.callables
        if _computed_receiver(before):
            # ``"a,b".split(",")``, ``parts[0].split()``: a callee that is no dotted name
            # resolves to nothing, so only contracts matched by name apply
            callables = tuple(c for c in callables if c.match == "name")
        if call is None:
            return False
        unbound = any(c.name in _plan_for(table).unbound for c in callables) and _may_be_unbound(data, before)
        return _accepted(call, callables, table, unbound)
    if nxt in (b"", b"\n", b"\r", b"#", b"\\"):
        return False  # the call's ``(`` could follow on another line
    return not kind.structural  # a callable's name as a value, in a string, an annotation


def _computed_receiver(before: bytes) -> bool:
    """``before`` (the line up to the word) ends with ``<expr>.`` where ``<expr>`` is no
    dotted name: a subscript or a string. (Not ``)``: ``(re).split`` is a dotted name.)"""
    stripped = before.rstrip(b" \t")
    if not stripped.endswith(b"."):
        return False
    receiver = stripped[:-1].rstrip(b" \t")
    return receiver.endswith((b"]", b"'", b'"'))


def _keyword_before(before: bytes) -> bool:
    stripped = before.rstrip()
    for keyword in (b"def", b"class"):
        start = len(stripped) - len(keyword)
        if stripped.endswith(keyword) and (start == 0 or stripped[start - 1] not in _IDENT_BYTES):
            return True
    return False


def _import_line(before: bytes) -> bool:
    """The mention's line starts an import statement (or a string's continuation line that
    looks like one, equally harmless)."""
    head = before.lstrip(b" \t")
    if b";" in head:
        return False  # ``import os; Handler(...)``: another statement may follow
    return head.startswith(b"import ") or (head.startswith(b"from ") and b" import " in head)


def _read_call(data: bytes, open_at: int) -> ast.Call | None:
    """The call whose argument list opens at byte ``open_at``, parsed on its own; None when
    its text cannot be read that way (the file is then parsed whole)."""
    for limit in _CALL_WINDOWS:
        chunk = data[open_at : open_at + limit].decode("utf-8", errors="replace")
        text = _balanced(chunk)
        if text is not None:
            break
        if open_at + limit >= len(data):
            return None
    else:
        return None
    try:
        node = ast.parse("_" + text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return node if isinstance(node, ast.Call) else None


def _balanced(chunk: str) -> str | None:
    """``chunk`` up to the bracket that closes its first one, read with Python's own
    tokenizer (strings and comments may hold brackets); None when it does not close."""
    lines = io.StringIO(chunk).readlines()
    depth = 0
    try:
        for token in tokenize.generate_tokens(iter(lines).__next__):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
                if depth == 0:
                    row, col = token.end
                    return "".join(lines[: row - 1]) + lines[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError, StopIteration):
        return None
    return None


class _Verdict:
    """Stands in for a :class:`~contract_lsp.rules.context.CheckContext`: it only records
    whether :func:`check_arguments` reported anything."""

    def __init__(self, table: ContractTable) -> None:
        self.table = table
        self.reported = False

    def node_span(self, node: Any) -> None:
        return None

    def name_span(self, *args: Any) -> None:
        return None

    def report(self, *args: Any, **kwargs: Any) -> None:
        self.reported = True


def _accepted(call: ast.Call, callables: Iterable[CallableContract], table: ContractTable, unbound: bool) -> bool:
    """Every contract accepts ``call``'s arguments; with ``unbound``, also as
    ``Class.method(obj, ...)`` (``obj`` fills ``self``) where the contract is a method."""
    verdict = _Verdict(table)
    methods = _plan_for(table).unbound if unbound else set()
    for contract in callables:
        for skip_first in (False, True) if contract.name in methods else (False,):
            check_arguments(verdict, call, contract, skip_first=skip_first)  # type: ignore[arg-type]
            if verdict.reported:
                return False
    return True


def _may_be_unbound(data: bytes, before: bytes) -> bool:
    """Could the callee ending at ``before`` be ``Class.method`` (see
    ``CallChecker.callee``)? Only when it is a dotted name whose first name some import, class
    or def of the file binds (or a star import might)."""
    receiver = _RECEIVER.search(before)
    if receiver is None:
        # a plain name, a subscript or string, or a dotted name begun on an earlier line
        return before.rstrip(b" \t").endswith(b".") and not _computed_receiver(before)
    head = receiver.group(1)
    if _STAR_IMPORT.search(data) or re.search(rb"\b(?:class|def|as)[ \t]+" + head + rb"\b", data):
        return True
    return any(head in _IDENTIFIER.findall(statement.group(1)) for statement in _IMPORT.finditer(data))


class _Plan:
    """What the triage needs of a contract table, computed once per table."""

    def __init__(self, table: ContractTable) -> None:
        callables: dict[str, list[CallableContract]] = {}
        self.structural: set[str] = set()
        for contract in table.registry.contracts:
            # a call may name the target as the contract writes it or where it is defined
            names = {contract.last_name, table.resolved[contract.name].qualname.rsplit(".", 1)[-1]}
            if isinstance(contract, CallableContract):
                for name in names:
                    callables.setdefault(name, []).append(contract)
            else:
                self.structural |= names
                self.structural.update(impl.rsplit(".", 1)[-1] for impl in contract.implementations)
        self.structural.update(impl.rsplit(".", 1)[-1] for impl in table.implementations)
        self.callables = {name: tuple(found) for name, found in callables.items()}
        # contracts a call may match as ``Class.method(obj, ...)`` (see CallChecker.callee):
        # any, when matched by name; else those whose target is a method
        self.unbound: set[str] = set()
        for contract in table.registry.contracts:
            if isinstance(contract, CallableContract):
                target = table.resolved[contract.name]
                owner = target.qualname.rpartition(".")[0]
                if contract.match == "name" or (target.kind == "function" and table.index.resolve(owner).kind == "class"):
                    self.unbound.add(contract.name)
        self.known = set(self.callables) | self.structural
        # modules where a target or a listed implementation is defined (and their packages,
        # since a qualified name's module is one of its prefixes): CL201 and listed
        # implementations are reported there
        defined = [r.qualname for r in table.resolved.values() if r.kind in ("class", "function")]
        defined += list(table.implementations)
        self.defining_modules: set[str] = set()
        for qualname in defined:
            parts = qualname.split(".")
            self.defining_modules.update(".".join(parts[:i]) for i in range(1, len(parts)))


_PLANS: "weakref.WeakKeyDictionary[ContractTable, _Plan]" = weakref.WeakKeyDictionary()


def _plan_for(table: ContractTable) -> _Plan:
    plan = _PLANS.get(table)
    if plan is None:
        plan = _PLANS[table] = _Plan(table)
    return plan
