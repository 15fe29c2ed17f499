"""CL101–CL103: protocol conformance (SPEC §3.2), and the static half of ``attributes`` (§7).

A class implements a protocol contract when it subclasses the target (directly or through
workspace base classes) or is listed in ``implementations``. Its methods include those
inherited from workspace bases other than the protocol. A base outside the workspace may
supply any method, so CL101 is not reported for a class that has one (we cannot know).

A required attribute a protocol contract lists (not `optional`: that one may be absent) is provided by a class (or a workspace base other
than an interface) that assigns it at class level, annotates it in its body, defines it as
a property or method, or assigns ``self.<name>`` (``cls.<name>``, ``setattr(self, "<name>",
...)``) in any of its methods; otherwise CL101 lists it after the missing methods. The
messages are :mod:`.messages`', shared with the runtime checks.
"""

from __future__ import annotations

import ast
import builtins
from functools import lru_cache

from ..findings import Fix, TextEdit, make_range
from ..index.facts import ClassFacts, FunctionFacts
from ..index.workspace import Resolved
from ..registry.model import Method, ProtocolContract
from ..stubs import stub_edits
from .context import CheckContext
from .messages import async_mismatch, incompatible_parameters, missing_members, signature_problems

__all__ = ["check_protocols", "implemented_protocols", "parameter_problems"]

#: Bases that add no methods a protocol could ask for; ``typing.Protocol`` & co. mark a class
#: as an interface, not an implementation.
_MARKER_BASES = {"typing.Protocol", "typing_extensions.Protocol", "abc.ABC", "typing.Generic", "builtins.object"}
_INTERFACE_BASES = {"typing.Protocol", "typing_extensions.Protocol"}


def implemented_protocols(ctx: CheckContext, cls: ClassFacts) -> list[ProtocolContract]:
    """Protocol contracts that ``cls`` must conform to, by subclassing or by listing."""
    table = ctx.table
    found: list[ProtocolContract] = list(table.implementations.get(cls.qualname, ()))
    if cls.qualname in table.protocols:
        return found  # the protocol's own definition is not an implementation of itself
    direct = ctx.index.base_classes(cls)
    if any(b.qualname in _INTERFACE_BASES for b in direct):
        return found  # an extending protocol, not an implementation
    if _declared_abstract(cls, direct):
        return found  # an intermediate base: its concrete subclasses are checked instead
    for base, _depth in ctx.index.ancestors(cls):
        for contract in table.protocols.get(base.qualname, ()):
            if contract not in found:
                found.append(contract)
    return found


def _declared_abstract(cls: ClassFacts, direct: list[Resolved]) -> bool:
    """True for a class its author marked abstract: it declares abstract methods of its own,
    or names ``abc.ABC`` / ``metaclass=ABCMeta`` itself (``class BaseManager(Proto, ABC)``).
    Python refuses to instantiate such a class, so a method it leaves out is no bug; a
    subclass that never marks itself abstract is the implementation that must be complete."""
    return cls.declares_abstract_methods or cls.has_abc_metaclass or any(b.qualname == "abc.ABC" for b in direct)


def _available_methods(ctx: CheckContext, cls: ClassFacts, protocol_targets: set[str]) -> tuple[dict[str, FunctionFacts | None], bool]:
    """Methods ``cls`` has (own first, then inherited from workspace bases, nearest first);
    None for names bound otherwise (class attributes). An interface base (a protocol
    target, or a ``typing.Protocol`` class) provides only the methods it implements: not
    its abstract ones, not its stubs (``...``), not its annotations; its concrete mixin
    methods (``Sequence.__iter__``) are inherited like any other. The flag says whether
    some base lies outside the workspace, so that its methods are unknown."""
    methods: dict[str, FunctionFacts | None] = dict(cls.methods)
    for attr in cls.attributes:
        methods.setdefault(attr, None)
    unknown = False
    for base, _depth in ctx.index.ancestors(cls):
        if base.qualname in _MARKER_BASES:
            continue
        if base.kind == "class" and isinstance(base.facts, ClassFacts):
            interface = base.qualname in protocol_targets or any(
                b.qualname in _INTERFACE_BASES for b in ctx.index.base_classes(base.facts)
            )
            for name, fn in base.facts.methods.items():
                if fn.is_abstract or (interface and fn.is_stub):
                    continue  # provides nothing
                methods.setdefault(name, fn)
            if not interface:
                for attr in base.facts.attributes:
                    methods.setdefault(attr, None)
        elif base.qualname.startswith("builtins."):
            obj = getattr(builtins, base.qualname.split(".", 1)[1], None)
            for name in dir(obj) if obj is not None else ():
                methods.setdefault(name, None)
    # Unknown methods come from the implementation's side only: the protocol's own bases
    # outside the workspace are the protocol's business.
    for base, _depth in ctx.index.ancestors(cls, stop=protocol_targets):
        if base.qualname in protocol_targets or base.qualname in _MARKER_BASES or base.qualname.startswith("builtins."):
            continue
        if base.kind in ("external", "missing"):
            unknown = True
    return methods, unknown


def check_protocols(ctx: CheckContext) -> None:
    """Report CL101–CL103 for every class of ``ctx``'s module that implements a protocol."""
    if not ctx.table.protocols:
        return
    for cls in ctx.facts.classes.values():
        contracts = implemented_protocols(ctx, cls)
        if not contracts:
            continue
        ctx.implementations.add(cls.name)
        targets = {ctx.table.resolved[c.name].qualname for c in contracts}
        methods, unknown_bases = _available_methods(ctx, cls, targets)
        for contract in contracts:
            _check_class(ctx, cls, contract, methods, unknown_bases)


def _check_class(ctx: CheckContext, cls: ClassFacts, contract: ProtocolContract, methods: dict[str, FunctionFacts | None], unknown_bases: bool) -> None:
    missing = [m for m in contract.methods if m.name not in methods]
    # an optional attribute may be absent (SPEC §7): only the required ones must be provided
    wanted = [a.name for a in getattr(contract, "attributes", ()) if not a.optional and a.name not in methods]
    absent = [a for a in wanted if a not in _instance_attributes(ctx, cls, methods)] if wanted and not unknown_bases else []
    if (missing or absent) and not unknown_bases:
        fix = None
        if missing:  # attributes get no stubs: an annotation would only silence the error
            names = ", ".join(f"'{m.name}'" for m in missing)
            # (reliability) after the class's last line, in its indentation and line ends; a
            # one-line body moved to a line of its own; None when the result would not parse
            edits = stub_edits(ctx.source, ctx.lines, ctx.tree, cls.line, cls.name, missing)
            fix = Fix(f"Add stubs for {names}", edits, safe=False) if edits else None
        ctx.report(
            "CL101",
            ctx.name_span(cls.name_line, cls.name_col, cls.name),
            missing_members(cls.name, contract.name, [m.name for m in missing], absent),
            contract,
            fix,
        )
    for method in contract.methods:
        fn = cls.methods.get(method.name)  # only the class's own definitions are reported here
        if fn is None:
            continue
        if fn.is_async != method.is_async:
            _report_async(ctx, cls, fn, method, contract)
        problems = parameter_problems(method, fn)
        if problems:
            ctx.report(
                "CL103",
                ctx.name_span(fn.name_line, fn.name_col, fn.name),
                incompatible_parameters(cls.name, fn.name, contract.name, method.name, problems),
                contract,
            )


def parameter_problems(method: Method, fn: FunctionFacts) -> list[str]:
    """Why ``fn`` cannot accept the parameters ``method`` declares (empty when it can):
    :func:`.messages.signature_problems` of ``fn``'s signature (SPEC §3.2)."""
    return signature_problems(method, fn.signature)


def _report_async(ctx: CheckContext, cls: ClassFacts, fn: FunctionFacts, method: Method, contract: ProtocolContract) -> None:
    line0 = fn.line - 1
    col = ctx.lines.char_column(fn.line, fn.def_col)
    text = ctx.lines.line(line0)
    if fn.is_async:
        # remove ``async`` and the white space after it
        rest = text[col + len("async"):]
        gap = len(rest) - len(rest.lstrip(" \t"))
        edit = TextEdit(make_range(line0, col, line0, col + len("async") + gap), "")
        title = "Make it a plain def"
    else:
        edit = TextEdit(make_range(line0, col, line0, col), "async ")
        title = "Make it async def"
    ctx.report(
        "CL102",
        ctx.name_span(fn.name_line, fn.name_col, fn.name),
        async_mismatch(cls.name, fn.name, fn.is_async, contract.name),
        contract,
        Fix(title, (edit,), safe=False),
    )


# -- attributes assigned in methods (SPEC §7) ------------------------------------------


def _instance_attributes(ctx: CheckContext, cls: ClassFacts, methods: dict[str, FunctionFacts | None]) -> set[str]:
    """Names ``cls`` or one of its workspace bases (not an interface: a Protocol's
    annotations promise, they do not provide) assigns on ``self`` / ``cls`` in a method.
    The class facts keep no method bodies, so each class's own module is parsed again
    (the current one's tree is at hand; other modules' text comes from the index, cached
    by text)."""
    names: set[str] = set()
    owners = [cls]
    for base, _depth in ctx.index.ancestors(cls):
        if base.kind == "class" and isinstance(base.facts, ClassFacts) and base.qualname not in _MARKER_BASES:
            if any(b.qualname in _INTERFACE_BASES for b in ctx.index.base_classes(base.facts)):
                continue
            if base.qualname in ctx.table.protocols:
                continue
            owners.append(base.facts)
    for owner in owners:
        if owner is cls or owner.module == ctx.module:
            tree: ast.Module | None = ctx.tree
        else:
            module = ctx.index.facts_for_module(owner.module)
            try:
                tree = _parsed(ctx.index.source_of(module.path)) if module is not None else None
            except (OSError, UnicodeDecodeError, ValueError):
                tree = None
        node = _class_node(tree, owner.line, owner.name) if tree is not None else None
        if node is not None:
            names |= assigned_in_methods(node)
    return names


@lru_cache(maxsize=16)
def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _class_node(tree: ast.Module, line: int, name: str) -> ast.ClassDef | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.lineno == line and node.name == name:
            return node
    return None


def assigned_in_methods(node: ast.ClassDef) -> set[str]:
    """``x`` for each ``<first parameter>.x`` a method of the class body stores to (any
    assignment, augmented or annotated, ``for`` / ``with`` targets), or passes as a literal
    name to ``setattr(<first parameter>, "x", ...)``; nested classes are not looked into."""
    names: set[str] = set()
    for stmt in node.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = [*stmt.args.posonlyargs, *stmt.args.args]
        if not args:
            continue
        first = args[0].arg
        stack: list[ast.AST] = list(stmt.body)
        while stack:
            sub = stack.pop()
            if isinstance(sub, ast.ClassDef):
                continue
            if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store) and isinstance(sub.value, ast.Name) and sub.value.id == first:
                names.add(sub.attr)
            elif (
                isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "setattr" and len(sub.args) >= 2
                and isinstance(sub.args[0], ast.Name) and sub.args[0].id == first
                and isinstance(sub.args[1], ast.Constant) and isinstance(sub.args[1].value, str)
            ):
                names.add(sub.args[1].value)
            stack.extend(ast.iter_child_nodes(sub))
    return names
