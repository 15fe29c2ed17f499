"""CL001–CL006: calls to callable contracts (SPEC §3.1).

Each call's callee is resolved through the bindings of the scopes around it (function-local
imports included), then through the workspace index (re-exports), and compared with the
contracts' resolved targets. The arguments are then bound to the contract's parameters the
way Python would, and every mismatch becomes a finding on the keyword's name (CL001–003,
CL006) or on the callee (CL004, CL005).
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass

from .. import fast_path
from ..findings import Fix, TextEdit
from ..index.bindings import Binding, ScopeBindings, collect_scope, dotted_name
from ..index.facts import FunctionFacts
from ..index.mentions import Mentions
from ..index.workspace import Resolved
from ..registry.model import CallableContract, Parameter
from .context import CheckContext


class _Scope:
    """One scope of the chain. A function's bindings are collected only when a look-up
    reaches it: most functions contain no contracted call."""

    def __init__(self, kind: str, qualname: str, bindings: ScopeBindings | None = None, *, node: ast.AST | None = None, ctx: CheckContext | None = None, receiver: tuple[str, str, bool] | None = None) -> None:
        self.kind = kind  # "module" | "class" | "function"
        self.qualname = qualname
        self._bindings = bindings
        self._node = node
        self._ctx = ctx
        #: for a method: (name of its first parameter, qualified name of its class, whether
        #: that parameter is the class: a class method's ``cls``)
        self.receiver = receiver

    @property
    def bindings(self) -> ScopeBindings:
        if self._bindings is None:
            node, ctx = self._node, self._ctx
            assert node is not None and ctx is not None
            args = node.args if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
            self._bindings = collect_scope(node.body, ctx.module, ctx.facts.is_package, self.qualname + ".", args)  # type: ignore[attr-defined]
        return self._bindings


#: Methods that take their class first without a ``@classmethod`` (``__new__`` is a static
#: method called with the class).
IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


@dataclass(frozen=True)
class _Callee:
    qualname: str | None  # dotted path to resolve through the index, when known
    last: str  # last name of the callee expression
    bound_elsewhere: bool  # the name is a local/other value: never matches (SPEC §3.1)
    unbound_method: bool = False  # ``Class.method(obj, ...)``: first positional is ``self``
    #: ``Table().method``: the workspace method it reaches, for the ``match: name`` guard
    #: only (the triage matches no qualified contract through a call's result)
    seen_as: str | None = None


#: For compound statements: the fields holding expressions evaluated in the current scope
#: (their bodies are statements, walked on their own).
_HEADER_FIELDS = {
    ast.If: ("test",),
    ast.While: ("test",),
    ast.For: ("target", "iter"),
    ast.AsyncFor: ("target", "iter"),
    ast.With: ("items",),
    ast.AsyncWith: ("items",),
    ast.Try: (),
    ast.Match: ("subject",),
}
if hasattr(ast, "TryStar"):
    _HEADER_FIELDS[ast.TryStar] = ()


class CallChecker:
    """Walks one module, keeping the scope chain, and checks every contracted call.

    Only what can hold a contracted call is looked at: statements are walked, but the
    expressions of a statement only when its lines mention one of ``words`` (the callee of
    a contracted call always names the target's last name or an alias of it), and only
    calls whose callee ends with such a word are resolved. Both cut the work on a typical
    file by an order of magnitude.
    """

    def __init__(self, ctx: CheckContext, words: frozenset[str], lines: set[int]) -> None:
        self.ctx = ctx
        self.table = ctx.table
        self.words = words
        self.lines = lines  # 1-based lines that mention a word
        self.scopes: list[_Scope] = [_Scope("module", ctx.module, ctx.facts.bindings)]

    def run(self) -> None:
        self._statements(self.ctx.tree.body)

    def _mentions(self, node: ast.AST) -> bool:
        start = node.lineno  # type: ignore[attr-defined]
        end = node.end_lineno or start  # type: ignore[attr-defined]
        if end - start < 8:
            return any(line in self.lines for line in range(start, end + 1))
        return any(start <= line <= end for line in self.lines)

    def _statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if not self._mentions(stmt):
                continue
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._visit_function(stmt)
            elif isinstance(stmt, ast.ClassDef):
                self._visit_class(stmt)
            elif type(stmt) in _HEADER_FIELDS:
                for name in _HEADER_FIELDS[type(stmt)]:
                    value = getattr(stmt, name)
                    self._expressions(value if isinstance(value, list) else [value])
                for name in ("body", "orelse", "finalbody"):
                    self._statements(getattr(stmt, name, []))
                for handler in getattr(stmt, "handlers", []):
                    if handler.type is not None:
                        self._expressions([handler.type])
                    self._statements(handler.body)
                for case in getattr(stmt, "cases", []):
                    if case.guard is not None:
                        self._expressions([case.guard])
                    self._statements(case.body)
            else:
                self._expressions([stmt])

    def _expressions(self, nodes: list[ast.AST]) -> None:
        """Check the calls among ``nodes`` and their descendants (iteratively, so deep
        expressions do not exhaust the stack)."""
        stack = [n for n in nodes if n is not None]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Call):
                self._visit_call(node)
            stack.extend(ast.iter_child_nodes(node))

    # -- scopes ----------------------------------------------------------------------
    def _visit_class(self, node: ast.ClassDef) -> None:
        self._expressions([*node.decorator_list, *node.bases, *node.keywords])
        qual = f"{self.scopes[-1].qualname}.{node.name}"
        self.scopes.append(_Scope("class", qual, node=node, ctx=self.ctx))
        self._statements(node.body)
        self.scopes.pop()

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._expressions([d for d in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults) if d is not None])
        outer = self.scopes[-1]
        receiver = None
        positional = [*node.args.posonlyargs, *node.args.args]
        decorators = {(dotted_name(d) or "").rsplit(".", 1)[-1] for d in node.decorator_list}
        if outer.kind == "class" and positional and "staticmethod" not in decorators:
            # a class method's first parameter is the class: ``cls.method(obj, ...)`` on an
            # instance method passes ``self`` explicitly, as ``Class.method(obj, ...)`` does
            is_class = "classmethod" in decorators or node.name in IMPLICIT_CLASS_METHODS
            receiver = (positional[0].arg, outer.qualname, is_class)
        qual = f"{outer.qualname}.{node.name}"
        self.scopes.append(_Scope("function", qual, node=node, ctx=self.ctx, receiver=receiver))
        self._statements(node.body)
        self.scopes.pop()

    def lookup(self, name: str, line: int) -> tuple[Binding | None, _Scope | None]:
        """The binding of ``name`` as seen at ``line`` from the innermost scope (class bodies
        are skipped from inside their methods, as Python does)."""
        innermost = self.scopes[-1]
        for scope in reversed(self.scopes):
            if scope.kind == "class" and scope is not innermost:
                continue
            binding = scope.bindings.lookup(name, line if scope is innermost else None)
            if binding is not None:
                return binding, scope
        return None, None

    # -- callees ---------------------------------------------------------------------
    def callee(self, func: ast.expr) -> _Callee | None:
        if isinstance(func, ast.Name):
            binding, _ = self.lookup(func.id, func.lineno)
            if binding is None:
                return _Callee(None, func.id, False)
            if binding.kind in ("import", "def", "class"):
                return _Callee(binding.target, func.id, False)
            return _Callee(None, func.id, True)
        if not isinstance(func, ast.Attribute):
            return None
        dotted = dotted_name(func)
        if dotted is None:
            # ``Table().method(...)`` on a workspace class: that class's method (so a
            # ``match: name`` contract sees the workspace's own definition, SPEC §3.1);
            # ``make().method(...)``: the receiver's type is unknown
            inner = dotted_name(func.value.func) if isinstance(func.value, ast.Call) else None
            if inner is not None:
                head, _, rest = inner.partition(".")
                binding, _ = self.lookup(head, func.lineno)
                if binding is not None and binding.kind in ("import", "class") and binding.target:
                    found = self.ctx.index.resolve(f"{binding.target}.{rest}" if rest else binding.target)
                    if found.kind == "class":
                        return _Callee(None, func.attr, False, seen_as=f"{found.qualname}.{func.attr}")
            return _Callee(None, func.attr, False)
        head, _, rest = dotted.partition(".")
        binding, scope = self.lookup(head, func.lineno)
        if binding is None:
            return _Callee(None, func.attr, False)
        if binding.kind in ("import", "def", "class"):
            owner = f"{binding.target}.{rest.rsplit('.', 1)[0]}" if "." in rest else binding.target
            unbound = self._is_class(owner or "")
            return _Callee(f"{binding.target}.{rest}", func.attr, False, unbound)
        if "." in rest:
            return _Callee(None, func.attr, False)
        # ``self.method()`` / ``cls.method()`` inside a class, or ``x.method()`` on a typed local
        if scope is not None and scope.receiver and scope.receiver[0] == head and binding.line == 0:
            return _Callee(f"{scope.receiver[1]}.{rest}", func.attr, False, scope.receiver[2])
        if binding.kind == "instance" and binding.target:
            cls = self._class_of(binding.target, func.lineno)
            if cls is not None:
                return _Callee(f"{cls}.{rest}", func.attr, False)
        return _Callee(None, func.attr, False)

    def _class_of(self, dotted: str, line: int) -> str | None:
        """Qualified name of the class written ``dotted`` in the current scope, if a class."""
        head, _, rest = dotted.partition(".")
        binding, _ = self.lookup(head, line)
        if binding is None or binding.kind not in ("import", "class") or not binding.target:
            return None
        full = f"{binding.target}.{rest}" if rest else binding.target
        found = self.ctx.index.resolve(full)
        return found.qualname if found.kind in ("class", "external") else None

    def _is_class(self, dotted: str) -> bool:
        return self.ctx.index.resolve(dotted).kind == "class"

    def contracts_for(self, callee: _Callee) -> list[CallableContract]:
        """The contracts a call with ``callee`` matches (SPEC §3.1): those whose target or
        an alias the callee resolves to, then ``match: name`` contracts of its last name
        unless the callee resolves to something else (see :meth:`_elsewhere`)."""
        found: list[CallableContract] = []
        resolved = None
        if callee.qualname:
            resolved = self.ctx.index.resolve(callee.qualname)
            found.extend(self.table.callables.get(resolved.qualname, ()))
        elif callee.seen_as:
            resolved = self.ctx.index.resolve(callee.seen_as)
        if not callee.bound_elsewhere:
            for contract in self.table.by_name.get(callee.last, ()):
                if contract not in found and not (resolved is not None and self._elsewhere(resolved, contract)):
                    found.append(contract)
        return found

    def _elsewhere(self, resolved: Resolved, contract: CallableContract) -> bool:
        """Whether a callee that resolves to ``resolved`` (not the contract's target) is
        something else than ``contract``'s target (SPEC §3.1 ``match: name``): a definition
        of the workspace, a name a workspace module lacks, or, for a contract with a
        ``package``, a module outside the top-level packages of its target and aliases
        (another distribution's: ``spss_converter.to_csv`` is not pandas')."""
        if resolved.kind in ("function", "class", "module"):
            return True
        if resolved.kind == "missing":
            # a method no workspace class of the receiver defines may be inherited from
            # the library; a module-level name a workspace module lacks is the workspace's
            owner = resolved.qualname.rpartition(".")[0]
            return self.ctx.index.resolve(owner).kind == "module"
        if contract.package is None:
            return False
        roots = {path.split(".", 1)[0] for path in contract.paths}
        return resolved.qualname.split(".", 1)[0] not in roots

    # -- calls -----------------------------------------------------------------------
    def _visit_call(self, node: ast.Call) -> None:
        func = node.func
        last = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if last is None or last not in self.words:
            return
        callee = self.callee(func)
        if callee is None:
            return
        contracts = self.contracts_for(callee)
        if contracts:
            self.on_contracted_call(node, contracts, callee.unbound_method and self._takes_self(callee))

    def on_contracted_call(self, node: ast.Call, contracts: list[CallableContract], skip_first: bool) -> None:
        """Called for every call that matches contracts; checks its arguments, keeping one
        finding per code and place however many contracts match (SPEC §3.1: the first
        contract's, exact matches before ``match: name`` ones). Subclasses (hover,
        completion, impact) override it to collect calls instead."""
        findings = self.ctx.findings
        start = len(findings)
        for contract in contracts:
            check_arguments(self.ctx, node, contract, skip_first=skip_first)
        if len(contracts) > 1:
            seen: set[tuple[str, object]] = set()
            kept = []
            for finding in findings[start:]:
                key = (finding.code, finding.range)
                if key not in seen:
                    seen.add(key)
                    kept.append(finding)
            findings[start:] = kept

    def _takes_self(self, callee: _Callee) -> bool:
        """For ``Class.method(obj, ...)``: does the first argument fill ``self``? Not for
        constructors of nested classes, static methods or class methods."""
        found = self.ctx.index.resolve(callee.qualname or "")
        if found.kind != "function" or not isinstance(found.facts, FunctionFacts):
            return False
        return not any(d.rsplit(".", 1)[-1] in ("staticmethod", "classmethod") for d in found.facts.decorators)


def _closest(name: str, candidates: list[str]) -> str | None:
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _retired(param: Parameter) -> str | None:
    """``"removed"`` / ``"deprecated"`` for a parameter listed with ``removed_in`` /
    ``deprecated_in`` and no old names: the parameter itself is gone (or going) with no
    keyword to rename it to (a pack's removal, or a change that is no 1:1 rename). None for
    every other parameter."""
    if param.deprecated_names or param.removed_names:
        return None
    if param.removed_in is not None:
        return "removed"
    if param.deprecated_in is not None:
        return "deprecated"
    return None


def _release(contract: CallableContract, version: str | None) -> str:
    """`` in scikit-learn 1.4`` (or `` in 1.4`` with no package), or nothing."""
    if version is None:
        return ""
    return f" in {contract.package} {version}" if contract.package else f" in {version}"


def _first_sentence(doc: str | None) -> str | None:
    if not doc:
        return None
    text = " ".join(doc.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def check_arguments(ctx: CheckContext, call: ast.Call, contract: CallableContract, skip_first: bool = False) -> None:
    """Bind ``call``'s arguments to ``contract``'s parameters and report CL001–CL006
    (SPEC §3.1). A ``partial`` contract knows only its listed parameters: positional
    arguments are not bound (their order is unknown), and there is no CL001, CL004 or
    CL005. A rename fix to a parameter with ``since`` is withheld, with the reason in the
    message, unless the project's declared minimum allows (:meth:`ContractTable.fix_withheld`)."""
    params = ctx.table.accepted_parameters(contract)
    own = list(contract.parameters)
    partial = contract.partial
    by_name: dict[str, tuple[Parameter, str]] = {}
    for param in params:
        for old_kind, names in (("canonical", (param.name,)), ("deprecated", param.deprecated_names), ("removed", param.removed_names)):
            for name in names:
                by_name.setdefault(name, (param, old_kind))

    args = list(call.args)
    if skip_first and args and not isinstance(args[0], ast.Starred):
        args = args[1:]
    star_at = next((i for i, a in enumerate(args) if isinstance(a, ast.Starred)), None)
    has_star = star_at is not None
    has_double_star = any(kw.arg is None for kw in call.keywords)
    plain_positional = [a for a in args if not isinstance(a, ast.Starred)]
    positional_params = [] if partial else [p for p in own if p.positional]

    callee_span = ctx.node_span(call.func)
    if not partial and len(plain_positional) > len(positional_params) and not contract.var_positional:
        ctx.report(
            "CL005",
            callee_span,
            f"{contract.name} takes at most {len(positional_params)} positional "
            f"argument{'s' if len(positional_params) != 1 else ''} but {len(plain_positional)} were given",
            contract,
        )

    # Positional arguments before any ``*args`` bind deterministically.
    bound: dict[str, list[str]] = {}
    for param, _arg in zip(positional_params, args[: star_at if has_star else len(args)]):
        bound.setdefault(param.name, []).append("<positional>")
    seen = {name: 1 for name in bound}  # bindings so far, to spot a parameter passed twice

    keyword_hits: list[tuple[ast.keyword, Parameter, str]] = []
    unknown: list[ast.keyword] = []
    for kw in call.keywords:
        if kw.arg is None:
            continue
        hit = by_name.get(kw.arg)
        if hit is None or not hit[0].keyword:
            if not contract.var_keyword and not partial:
                unknown.append(kw)
            continue
        param, how = hit
        bound.setdefault(param.name, []).append(kw.arg)
        keyword_hits.append((kw, param, how))
    passed = set(bound)  # once every binding is known: a suggestion may be passed already
    for kw in unknown:
        _report_unknown_keyword(ctx, kw, contract, params, passed)

    for kw, param, how in keyword_hits:
        passed = bound[param.name]
        span = ctx.name_span(kw.lineno, kw.col_offset, kw.arg or "")
        if seen.get(param.name, 0) >= 1:
            shown = " and ".join("positionally" if p == "<positional>" else f"as '{p}'" for p in passed)
            ctx.report(
                "CL006",
                span,
                f"Parameter '{param.name}' of {contract.name} is passed more than once ({shown})",
                contract,
            )
        seen[param.name] = seen.get(param.name, 0) + 1
        if how == "canonical":
            retired = _retired(param)
            if retired is not None:
                _report_retired(ctx, kw, span, param, contract, retired)
            continue
        rename = None
        withheld = ctx.table.fix_withheld(contract, param)
        if len(passed) == 1 and withheld is None:  # renaming would duplicate a keyword otherwise (SPEC §3.1 CL006)
            rename = Fix(
                f"Rename '{kw.arg}' to '{param.name}'",
                (TextEdit(span, param.name),),
                safe=True,
            )
        why = f" ({withheld}, so no fix is offered)" if withheld is not None else ""
        if how == "deprecated":
            ctx.report(
                "CL002",
                span,
                f"Keyword '{kw.arg}' of {contract.name} is deprecated{_release(contract, param.deprecated_in)}; use '{param.name}'{why}",
                contract,
                rename,
                deprecated=True,
            )
        else:
            ctx.report(
                "CL003",
                span,
                f"Keyword '{kw.arg}' of {contract.name} was removed{_release(contract, param.removed_in)}; use '{param.name}'{why}",
                contract,
                rename,
            )

    if not has_star and not has_double_star and not partial:
        missing = [p.name for p in own if p.required and p.name not in bound and _retired(p) is None]
        if missing:
            names = ", ".join(f"'{m}'" for m in missing)
            ctx.report(
                "CL004",
                callee_span,
                f"Missing required argument{'s' if len(missing) > 1 else ''} {names} for {contract.name}",
                contract,
            )


def _report_retired(ctx: CheckContext, kw: ast.keyword, span: object, param: Parameter, contract: CallableContract, retired: str) -> None:
    """CL003 (removed) or CL002 (deprecated) for a keyword whose parameter is gone with
    no replacement keyword; never a fix. The parameter's ``doc`` says what to do instead."""
    advice = _first_sentence(param.doc)
    tail = f": {advice}" if advice else ""
    if retired == "removed":
        ctx.report("CL003", span, f"Keyword '{kw.arg}' of {contract.name} was removed{_release(contract, param.removed_in)}{tail}", contract)  # type: ignore[arg-type]
    else:
        ctx.report("CL002", span, f"Keyword '{kw.arg}' of {contract.name} is deprecated{_release(contract, param.deprecated_in)}{tail}", contract, deprecated=True)  # type: ignore[arg-type]


def _report_unknown_keyword(ctx: CheckContext, kw: ast.keyword, contract: CallableContract, params: list[Parameter], passed: set[str]) -> None:
    """CL001 for ``kw``, suggesting the closest accepted name (not a retired one); the
    rename fix is offered only when that parameter is not ``passed`` already (by any of its
    names or by position), since it would repeat a keyword (SPEC §3.1: CL006), and not when
    the suggestion's ``since`` is newer than the project allows (the message says so)."""
    name = kw.arg or ""
    span = ctx.name_span(kw.lineno, kw.col_offset, name)
    keyword_params = [p for p in params if p.keyword and _retired(p) is None]
    accepted = [p.name for p in keyword_params]
    suggestion = _closest(name, accepted)
    fix = None
    if suggestion and suggestion in passed:
        message = f"Unexpected keyword '{name}' for {contract.name}; did you mean '{suggestion}'? It is passed already"
    elif suggestion:
        message = f"Unexpected keyword '{name}' for {contract.name}; did you mean '{suggestion}'?"
        withheld = ctx.table.fix_withheld(contract, next(p for p in keyword_params if p.name == suggestion))
        if withheld is None:
            fix = Fix(f"Rename '{name}' to '{suggestion}'", (TextEdit(span, suggestion),), safe=False)
        else:
            message += f" ({withheld}, so no fix is offered)"
    else:
        shown = ", ".join(accepted) if accepted else "none"
        message = f"Unexpected keyword '{name}' for {contract.name} (accepted: {shown})"
    ctx.report("CL001", span, message, contract, fix)


def check_calls(ctx: CheckContext, mentions: Mentions) -> None:
    """Entry point: report CL001–CL006 for every contracted call in ``ctx``'s module.
    ``mentions`` is the prefilter: a contracted call's callee ends with one of its words."""
    if not (ctx.table.callables or ctx.table.by_name):
        return
    lines = mentions.lines(ctx.source)
    if lines:
        CallChecker(ctx, fast_path.words(mentions.words), lines).run()


class _CallCollector(CallChecker):
    def __init__(self, ctx: CheckContext, words: frozenset[str], lines: set[int]) -> None:
        super().__init__(ctx, words, lines)
        self.found: list[tuple[ast.Call, list[CallableContract], bool]] = []

    def on_contracted_call(self, node: ast.Call, contracts: list[CallableContract], skip_first: bool) -> None:
        self.found.append((node, contracts, skip_first))


def contracted_calls(ctx: CheckContext, mentions: Mentions) -> list[tuple[ast.Call, list[CallableContract], bool]]:
    """Every call of ``ctx``'s module that matches callable contracts: (call node, its
    contracts, whether its first positional argument fills ``self``). Used by hover,
    completion and impact, so they resolve callees exactly as the rules do."""
    lines = mentions.lines(ctx.source)
    if not lines:
        return []
    collector = _CallCollector(ctx, fast_path.words(mentions.words), lines)
    collector.run()
    return collector.found
