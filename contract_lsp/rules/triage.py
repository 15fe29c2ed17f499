"""The second prefilter: can a file that mentions a contracted name have a finding at all?

The bytes-first prefilter (:mod:`contract_lsp.index.mentions`) lets through every file that
names a word; on the standard library that is 250 files, and analysing them was ~70% of a
``--check`` run. Most of those mentions are harmless: a call whose arguments every contract
of that name accepts (``threading.Thread(target=f, daemon=True)``), a callable passed as a
value (``addCleanup(shutil.rmtree, d)``), an import, a comment. This module reads each
mention in place and answers "a parse could find something" only when one is not provably
harmless; on the standard library 23 of the 250 files remain. A spared file is neither
parsed nor named (SPEC §4: nothing in it could be reported); a caller that must know it
parses asks the engine for a syntax check (``check_spared_syntax``).

The argument for each shortcut is the rules' own (SPEC §3):

- A call finding (CL001–CL006) needs an ``ast.Call`` whose callee's last name is a word
  (:class:`~contract_lsp.rules.calls.CallChecker` ignores every other call) and resolves
  to a contract's target, and arguments that contract rejects. The callee is read from
  the text: one that is no dotted name (``doc.strip().split``) matches only ``match: name``
  contracts; a module's function or class is reached only through an import, ``def`` or
  ``class`` binding of the callee's first name (:mod:`contract_lsp.index.import_scan`
  reads the file's import statements alone), so ``line.split()`` is never ``re.split``.
  The arguments are read from the ``(`` and parsed alone; if every contract the call may
  match accepts them (also as ``Class.method(obj, ...)`` where that is possible), the
  call cannot be a finding. A ``(`` after a ``)`` or on a later line is not read: parse.
- A line without quotes before the mention is code as written, or the inside of a
  multi-line string: a ``#`` there means a comment, ``import``/``from ... import`` an import
  statement; neither is ever a finding. Nor is the name of a ``def`` or ``class``.
- Protocol conformance (CL101–CL103) depends on a class's bases: a protocol's name (or an
  implementation's) matters only between the parentheses of a ``class`` statement; a
  derived implementation class anywhere it could start a subclass (see ``Mentions``).
  An alias of a contracted name (or a name an import binds to another one) is harmless
  only in a comment or an import statement: which contract it stands for is only known
  after a parse.
- Drift (CL201) and listed implementations are reported in the module that defines the
  target or the class: that module is always parsed.

Everything here is a shortcut to ``[]``: when in doubt the answer is "parse".
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
import weakref
from typing import Any, Iterable, NamedTuple

from .. import fast_path
from ..index.import_scan import ImportScan
from ..index.mentions import _IDENT_BYTES, Mentions
from ..registry.model import CallableContract
from .calls import IMPLICIT_CLASS_METHODS, check_arguments
from .context import ContractTable

#: How far past the ``(`` a call's arguments are looked for: most calls close within the
#: first window; one whose arguments run past the last is not worth reading in place.
_CALL_WINDOWS = (1_000, 20_000)
#: ``a.b.`` ending a line's text before a word: the dotted receiver of a method call
_RECEIVER = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*[ \t]*\.[ \t]*$")


def may_have_findings(data: bytes, module: str, table: ContractTable, mentions: Mentions) -> bool:
    """False only when ``data`` (a file's source bytes, which ``mentions`` let through) is
    proven to have no finding of SPEC §3 in module ``module`` ("" when not in the
    workspace), without parsing it; True otherwise (always, with the fast paths off)."""
    if not fast_path.ENABLED:
        return True
    plan = _plan_for(table)
    if module in plan.defining_modules or mentions.refers_to_class(data):
        return True
    file = _File(data, module, table, plan)
    kinds: dict[str, _Kind] = {}
    for offset, word in mentions.occurrences(data):
        kind = kinds.get(word)
        if kind is None:
            if word in mentions.rebound or word not in plan.known:
                kind = _ALIAS
            else:
                kind = _Kind(plan.callables.get(word, ()), word in plan.structural)
            kinds[word] = kind
        if not file.harmless(offset, word, kind):
            return True
    return False


class _Kind(NamedTuple):
    """How a word's mentions can lead to findings."""

    callables: tuple[CallableContract, ...]  # contracts a call of that name may match
    structural: bool  # names a protocol or an implementation: bases matter
    alias: bool = False  # stands for a contracted name: only a parse knows which


_ALIAS = _Kind((), True, True)


class _File:
    """One file being triaged: its bytes, and what its import statements bind (read once,
    when a call needs it)."""

    def __init__(self, data: bytes, module: str, table: ContractTable, plan: "_Plan") -> None:
        self.data = data
        self.module = module
        self.table = table
        self.plan = plan
        self._scan: ImportScan | None = None
        self._class_headers: list[tuple[int, int]] | None = None
        self._class_receivers: bool | None = None

    @property
    def scan(self) -> ImportScan:
        if self._scan is None:
            is_package = self.table.index.module_map.is_package(self.module)
            self._scan = ImportScan(self.data, self.module, is_package)
        return self._scan

    def harmless(self, offset: int, word: str, kind: _Kind) -> bool:
        """Whether the mention of ``word`` at byte ``offset`` provably leads to no finding."""
        data = self.data
        line_start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
        before = data[line_start:offset]
        if b"'" not in before and b'"' not in before:
            # No string starts or ends on this line before the mention: either it is inside
            # a multi-line string (no code), or what precedes it is code as written.
            if b"#" in before:
                return True  # a comment
            if _import_line(before):
                return True  # an import binds names; it is never a finding itself
        if kind.alias:
            return False
        if _keyword_before(before):
            return True  # the name of a ``def`` or ``class`` (its module is not a target's)
        if kind.structural and self.in_class_header(offset):
            return False  # a base class: the class may implement a protocol
        after, closed, crossed = _skip_to_code(data, offset + len(word.encode("utf-8")))
        if data[after : after + 1] != b"(":
            return True  # no call: a name as a value, in a string or an annotation
        if closed or crossed:
            # ``(pkg.word)(...)``, or a ``(`` on a later line that may continue a bracket
            return not kind.callables
        callee = _callee_text(before, word)
        callables = self.candidates(kind.callables, callee)
        if not callables:
            return True
        call = _read_call(data, after)
        if call is None:
            return False
        unbound = any(c.name in self.plan.unbound for c in callables) and self.may_be_unbound(callee)
        return _accepted(call, callables, self.table, unbound)

    def in_class_header(self, offset: int) -> bool:
        """Whether byte ``offset`` lies between the parentheses of a ``class`` statement
        (a base, a keyword, or the text of one inside a string: either way, parse)."""
        if self._class_headers is None:
            self._class_headers = _class_headers(self.data)
        spans = self._class_headers
        i = bisect.bisect_right(spans, (offset, len(self.data) + 1)) - 1
        return i >= 0 and spans[i][0] < offset < spans[i][1]

    def candidates(self, callables: tuple[CallableContract, ...], callee: "_Callee") -> tuple[CallableContract, ...]:
        """The contracts a call with ``callee`` may match (see ``CallChecker.callee`` and
        ``contracts_for``): a callee that is no dotted name matches only by name; a
        module-level target only through an import, ``def`` or ``class`` binding of the
        callee's first name that leads to it."""
        if callee is _COMPUTED:
            return tuple(c for c in callables if c.match == "name")
        if callee is _UNKNOWN:
            return callables
        head, rest = callee
        return tuple(c for c in callables if c.match == "name" or c.name not in self.plan.module_level or self._may_lead_to(head, rest, c))

    def _may_lead_to(self, head: str, rest: str, contract: CallableContract) -> bool:
        if self.scan.defines(head):
            return True
        targets = self.scan.import_targets(head)
        if targets is None:
            return True
        resolve = self.table.index.resolve
        canonical = self.table.canonical[contract.name]  # the target's and its aliases'
        return any(resolve(target + rest).qualname in canonical for target in targets)

    def may_be_unbound(self, callee: "_Callee") -> bool:
        """Could the callee be ``Class.method`` (``CallChecker.callee``'s unbound method)?
        A dotted name whose first name an import, ``def`` or ``class`` may bind, or any
        dotted name in a file with class methods (the first name may be one's ``cls``,
        whatever that parameter is called)."""
        if callee is _COMPUTED:
            return False
        if callee is _UNKNOWN:
            return True
        head, rest = callee
        if not rest:
            return False
        if self.has_class_receivers:
            return True
        return self.scan.defines(head) or self.scan.import_targets(head) != set()

    @property
    def has_class_receivers(self) -> bool:
        """Whether a method here may take its class first (see ``CallChecker``: a
        ``@classmethod`` or one of ``IMPLICIT_CLASS_METHODS``)."""
        if self._class_receivers is None:
            self._class_receivers = any(name in self.data for name in _CLASS_RECEIVERS)
        return self._class_receivers


#: what a method that takes its class first says
_CLASS_RECEIVERS = (b"classmethod", *(name.encode("ascii") for name in sorted(IMPLICIT_CLASS_METHODS)))

#: a callee that is no dotted name (``parts[0].split``), or one begun on an earlier line
_COMPUTED: Any = object()
_UNKNOWN: Any = object()
#: (first name, the rest of the dotted callee after it: ".path.split" or "")
_Callee = Any


def _callee_text(before: bytes, word: str) -> _Callee:
    """The callee of a call of ``word`` whose line reads ``before`` up to the word."""
    stripped = before.rstrip(b" \t")
    if not stripped.endswith(b"."):
        return (word, "")  # a plain name
    if _computed_receiver(before):
        return _COMPUTED
    receiver = _RECEIVER.search(before)
    if receiver is None:
        return _UNKNOWN
    dotted = re.sub(rb"[ \t]", b"", receiver.group(0)).decode("ascii") + word
    head = receiver.group(1).decode("ascii")
    return (head, dotted[len(head):])


def _skip_to_code(data: bytes, at: int) -> tuple[int, bool, bool]:
    """From byte ``at``, past blanks, ``)``, comments and line breaks: (offset of the next
    other byte, whether a ``)`` was passed, whether a line break was)."""
    closed = crossed = False
    size = len(data)
    while at < size:
        char = data[at]
        if char in b" \t\f":
            at += 1
        elif char == 41:  # ")"
            closed = True
            at += 1
        elif char in b"\r\n":
            crossed = True
            at += 1
        elif char == 35:  # "#": a comment runs to the end of its line
            ends = [i for i in (data.find(b"\n", at), data.find(b"\r", at)) if i >= 0]
            at = min(ends) if ends else size
        elif char == 92 and data[at + 1 : at + 2] in (b"\n", b"\r"):  # "\\" joining lines
            crossed = True
            at += 2
        else:
            break
    return at, closed, crossed


def _computed_receiver(before: bytes) -> bool:
    """``before`` (the line up to the word) ends with ``<expr>.`` where ``<expr>`` is no
    dotted name: a subscript, a string, or a call (``doc.strip().split``; but ``(re).split``
    is a dotted name)."""
    stripped = before.rstrip(b" \t")
    if not stripped.endswith(b"."):
        return False
    receiver = stripped[:-1].rstrip(b" \t")
    if receiver.endswith((b"]", b"'", b'"')):
        return True
    if not receiver.endswith(b")"):
        return False
    depth = 0
    for i in range(len(receiver) - 1, -1, -1):
        char = receiver[i]
        if char in b"'\"":
            return False  # a string inside: its brackets are not to be counted
        if char == ord(")"):
            depth += 1
        elif char == ord("("):
            depth -= 1
            if depth == 0:
                callee_end = receiver[:i].rstrip(b" \t")
                # ``f(...)``, ``x[0](...)``, ``g()(...)``: a call; ``(...)`` alone may be a name
                return bool(callee_end) and (callee_end[-1] in _IDENT_BYTES or callee_end[-1] in b")]") and not _keyword_end(callee_end)
    return False


def _keyword_end(text: bytes) -> bool:
    """``text`` ends with a keyword after which ``(`` opens a parenthesized expression."""
    for keyword in (b"return", b"in", b"not", b"and", b"or", b"if", b"else", b"elif", b"await", b"yield", b"is", b"lambda", b"assert", b"del", b"print"):
        start = len(text) - len(keyword)
        if text.endswith(keyword) and (start == 0 or text[start - 1] not in _IDENT_BYTES):
            return True
    return False


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


_CLASS_OPEN = re.compile(rb"^[ \t]*class[ \t]+[^\s(:]+[ \t]*\(", re.M)


def _class_headers(data: bytes) -> list[tuple[int, int]]:
    """Byte spans (open paren, close paren) of the ``class`` statements' base lists, sorted;
    one that does not close runs to the end."""
    scan = data.replace(b"\r", b"\n") if b"\r" in data else data  # same length; ``^`` needs \n
    spans = []
    for match in _CLASS_OPEN.finditer(scan):
        open_at = match.end() - 1
        text = _balanced(scan[open_at : open_at + _CALL_WINDOWS[-1]].decode("utf-8", errors="replace"))
        close = open_at + len(text.encode("utf-8", errors="surrogatepass")) if text is not None else len(data)
        spans.append((open_at, close))
    return spans


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


class _Plan:
    """What the triage needs of a contract table, computed once per table."""

    def __init__(self, table: ContractTable) -> None:
        callables: dict[str, list[CallableContract]] = {}
        self.structural: set[str] = set()
        for contract in table.registry.contracts:
            # a call may name the target as the contract writes it or where it is defined
            names = set(table.call_names[contract.name])  # target's and aliases', as written and defined
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
        # contracts whose target a call can only reach through an import, def or class
        # binding (a module's function or class), not through ``self`` or a typed receiver
        self.module_level: set[str] = set()
        for contract in table.registry.contracts:
            target = table.resolved[contract.name]
            owner = target.qualname.rpartition(".")[0]
            if isinstance(contract, CallableContract) and target.kind in ("function", "class"):
                if table.index.resolve(owner).kind == "module":
                    self.module_level.add(contract.name)
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
