"""CL101–CL103: protocol conformance (SPEC §3.2).

A class implements a protocol contract when it subclasses the target (directly or through
workspace base classes) or is listed in ``implementations``. Its methods include those
inherited from workspace bases other than the protocol. A base outside the workspace may
supply any method, so CL101 is not reported for a class that has one (we cannot know).
"""

from __future__ import annotations

import builtins

from ..findings import Fix, TextEdit, make_range
from ..index.facts import ClassFacts, FunctionFacts
from ..index.workspace import Resolved
from ..registry.model import Method, ProtocolContract
from ..stubs import method_stubs
from .context import CheckContext

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
    if missing and not unknown_bases:
        names = ", ".join(f"'{m.name}'" for m in missing)
        stub_text = method_stubs(missing, indent=" " * _indent(ctx, cls))
        # Insert after the last line of the class body, a blank line before each stub.
        end_char = len(ctx.lines.line(cls.end_line - 1))
        where = make_range(cls.end_line - 1, end_char, cls.end_line - 1, end_char)
        edit = TextEdit(where, "\n\n" + stub_text.rstrip("\n"))
        ctx.report(
            "CL101",
            ctx.name_span(cls.name_line, cls.name_col, cls.name),
            f"{cls.name} does not implement {len(missing)} method{'s' if len(missing) > 1 else ''} "
            f"of {contract.name}: {names}",
            contract,
            Fix(f"Add stubs for {names}", (edit,), safe=False),
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
                f"{cls.name}.{fn.name} cannot accept the parameters of {contract.name}.{method.name}: "
                + "; ".join(problems),
                contract,
            )


def _indent(ctx: CheckContext, cls: ClassFacts) -> int:
    return ctx.lines.char_column(cls.end_line, cls.body_col) if cls.body_col else 4


def _report_async(ctx: CheckContext, cls: ClassFacts, fn: FunctionFacts, method: Method, contract: ProtocolContract) -> None:
    line0 = fn.line - 1
    col = ctx.lines.char_column(fn.line, fn.def_col)
    text = ctx.lines.line(line0)
    if fn.is_async:
        # remove ``async`` and the white space after it
        rest = text[col + len("async"):]
        gap = len(rest) - len(rest.lstrip(" \t"))
        edit = TextEdit(make_range(line0, col, line0, col + len("async") + gap), "")
        want, title = "sync", "Make it a plain def"
    else:
        edit = TextEdit(make_range(line0, col, line0, col), "async ")
        want, title = "async", "Make it async def"
    ctx.report(
        "CL102",
        ctx.name_span(fn.name_line, fn.name_col, fn.name),
        f"{cls.name}.{fn.name} is {'async' if fn.is_async else 'sync'} but {contract.name} "
        f"declares it {want}",
        contract,
        Fix(title, (edit,), safe=False),
    )


def parameter_problems(method: Method, fn: FunctionFacts) -> list[str]:
    """Why ``fn`` cannot accept the parameters ``method`` declares (empty when it can):
    a contract parameter missing, renamed or moved to another position, or an extra required
    parameter (SPEC §3.2). A positional-only contract parameter may have any name here.
    (``required`` is not compared: it defaults to false, and ``parameters: [key, value]``
    would make every implementation's required parameters a finding.)"""
    sig = fn.signature
    problems: list[str] = []
    positional = [p for p in sig.params if p.kind != "keyword_only"]
    # Python calls dunder methods positionally (``m[k] = v``): their names are free.
    dunder = method.name.startswith("__") and method.name.endswith("__")
    contract_names = {n for p in method.parameters for n in p.all_names}
    free = [i for i, p in enumerate(method.parameters) if dunder or p.kind == "positional_only"]
    contract_names |= {positional[i].name for i in free if i < len(positional)}
    for i, param in enumerate(method.parameters):
        if i in free:
            if i >= len(positional) and sig.vararg is None:
                problems.append(f"no positional parameter for '{param.name}'")
            continue
        own = sig.named(param.name)
        if own is None or own.kind == "positional_only":
            if sig.kwarg is not None and (param.kind == "keyword_only" or sig.vararg is not None):
                continue
            if i < len(positional) and positional[i].name not in contract_names:
                problems.append(f"'{param.name}' is named '{positional[i].name}'")
            else:
                problems.append(f"'{param.name}' is missing")
            continue
        if param.kind == "positional_or_keyword" and own.kind == "keyword_only":
            problems.append(f"'{param.name}' is keyword-only")
        elif param.kind == "positional_or_keyword" and positional.index(own) != i:
            problems.append(f"'{param.name}' is at position {positional.index(own) + 1} where the contract has it at {i + 1}")
    for own in sig.params:
        if not own.has_default and own.name not in contract_names:
            if any(f"is named '{own.name}'" in p for p in problems):
                continue
            problems.append(f"extra required parameter '{own.name}'")
    return problems
