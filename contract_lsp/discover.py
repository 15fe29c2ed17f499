"""``discover = ["protocols"]`` (SPEC §1): every ``typing.Protocol`` and every ABC of the
workspace becomes a protocol contract, with no YAML.

What an implementation (an explicit subclass) must define:

- of a Protocol, the methods of its body that are public or dunder and have no body of
  their own (a docstring, ``...``, ``pass``, ``raise NotImplementedError``) or are
  abstract: a method with a real body is inherited by every explicit subclass, and a dunder
  that ``object`` already has (``__eq__``, ``__hash__``, ``__init__`` ...) is always there;
- of an ABC (``abc.ABC`` among its ancestors, or ``metaclass=ABCMeta``), its abstract methods.

A property is a member without parameters (its setter does not add ``value``); a member
with ``@overload``-s and no implementation takes every parameter of any overload, required
when all require it. Files are searched by bytes first: only those that may define either
(:func:`may_define_interface`) are parsed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Literal

from .index.facts import ClassFacts, FunctionFacts, ParamFact
from .index.mentions import refers_to_classes
from .index.workspace import WorkspaceIndex
from .registry.model import Method, Parameter, ProtocolContract, Registry, SourceMark

InterfaceKind = Literal["protocol", "abc"]

PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
_ABC_BASES = frozenset({"abc.ABC"})
#: Members every class has: a Protocol asking for them asks for nothing.
_OBJECT_MEMBERS = frozenset(dir(object))


def member_parameters(fn: FunctionFacts) -> tuple[ParamFact, ...]:
    """What an implementation of the member ``fn`` must accept: nothing for a property;
    for ``@overload``-s with no implementation, every parameter of any overload, required
    only when every overload requires it; else ``fn``'s parameters."""
    if fn.is_property:
        return ()
    if not fn.overloads:
        return fn.signature.params
    merged: dict[str, ParamFact] = {}
    for sig in fn.overloads:
        for p in sig.params:
            first = merged.get(p.name)
            if first is None:
                merged[p.name] = p
            elif first.kind != p.kind or first.annotation != p.annotation:
                merged[p.name] = ParamFact(p.name, "positional_or_keyword" if first.kind != p.kind else p.kind, first.has_default, None, first.default)
    everywhere = set.intersection(*({p.name for p in sig.params if not p.has_default} for sig in fn.overloads))
    return tuple(replace(p, has_default=p.name not in everywhere) for p in merged.values())


def method_contract(fn: FunctionFacts, path: str) -> Method:
    """The protocol-method entry for a definition: its parameters with their kinds (see
    :func:`member_parameters`), ``async``, doc; ``mark`` points at the ``def`` (1-based)."""
    params = tuple(
        Parameter(name=p.name, required=not p.has_default, type=p.annotation, default=p.default, kind=p.kind)
        for p in member_parameters(fn)
    )
    return Method(fn.name, params, is_async=fn.is_async, doc=fn.docstring, mark=SourceMark(path, fn.line))


def _abstract_library_class(qualname: str) -> bool:
    """``collections.abc.Mapping``, ``numbers.Number``, ``importlib.abc.Loader``: ABCs
    outside the workspace (their metaclass is ABCMeta)."""
    module = qualname.rpartition(".")[0]
    return module in ("abc", "numbers") or module.endswith(".abc")


def interface_kind(index: WorkspaceIndex, cls: ClassFacts) -> InterfaceKind | None:
    """``"protocol"`` for a class with ``typing.Protocol`` among its direct bases,
    ``"abc"`` for an ABC (``abc.ABC`` or a library ABC such as ``collections.abc.Mapping``
    among its ancestors, or ``ABCMeta`` as its or an ancestor's metaclass) that declares
    abstract methods itself, else None."""
    if any(b.qualname in PROTOCOL_BASES for b in index.base_classes(cls)):
        return "protocol"
    if not cls.declares_abstract_methods:
        return None
    if cls.has_abc_metaclass:
        return "abc"
    for base, _depth in index.ancestors(cls):
        if base.qualname in _ABC_BASES or _abstract_library_class(base.qualname):
            return "abc"
        if base.kind == "class" and isinstance(base.facts, ClassFacts) and base.facts.has_abc_metaclass:
            return "abc"
    return None


def required_members(cls: ClassFacts, kind: InterfaceKind) -> list[FunctionFacts]:
    """The definitions of ``cls`` an implementation must provide, in source order."""
    chosen = []
    for name, fn in cls.methods.items():
        if kind == "abc":
            if fn.is_abstract:
                chosen.append(fn)
            continue
        dunder = name.startswith("__") and name.endswith("__")
        if name.startswith("_") and not dunder:
            continue
        if dunder and name in _OBJECT_MEMBERS and not fn.is_abstract:
            continue
        if fn.is_abstract or fn.is_stub or fn.is_overload:
            chosen.append(fn)
    return chosen


def interface_methods(cls: ClassFacts, kind: InterfaceKind, path: str) -> tuple[Method, ...]:
    """The methods an implementation of ``cls`` must define (SPEC §1 ``discover``), as
    contract entries whose marks name ``path``."""
    return tuple(method_contract(fn, path) for fn in required_members(cls, kind))


_PROTOCOL = frozenset({"Protocol"})


def may_define_interface(data: bytes) -> bool:
    """Whether the source bytes ``data`` may define a Protocol or an ABC with abstract
    methods. An ABC is one only if it declares ``@abstractmethod`` or ``@abstractproperty``
    (see :func:`interface_kind`): the word "abstract" is in the file. A Protocol names
    ``typing.Protocol`` among its bases: "Protocol" in a class header, or in an import alias
    or an assignment that gives it another name. On the standard library this parses 99
    files of 5.7 MB where "Protocol", "ABC" or "abstractmethod" anywhere parsed 162 of 9 MB."""
    return b"abstract" in data or (b"Protocol" in data and refers_to_classes(data, _PROTOCOL))


def _candidates(index: WorkspaceIndex) -> list[tuple[str, ClassFacts, InterfaceKind]]:
    found = []
    for path in sorted(index.module_map.paths()):
        try:
            data = index.source_of(path).encode("utf-8", errors="surrogatepass")
        except (OSError, UnicodeDecodeError, SyntaxError, LookupError):
            continue
        if not may_define_interface(data):
            continue  # most files: never parsed
        facts = index.facts_for_path(path)
        if facts is None:
            continue
        for cls in facts.classes.values():
            kind = interface_kind(index, cls)
            if kind is not None:
                found.append((path, cls, kind))
    return found


def discovered_protocols(index: WorkspaceIndex, registry: Registry) -> list[ProtocolContract]:
    """Protocol contracts (``discovered=True``) for the workspace's Protocols and ABCs that
    declare at least one required method and that no contract of ``registry`` targets
    already (YAML wins). Each is named by the class's simple name when that is unique among
    them and unused in the registry, else by its qualified name. Never raises: unreadable
    or unparseable files are skipped."""
    covered = {index.resolve(c.target).qualname for c in registry.protocols}
    taken = {c.name for c in registry.contracts}
    interfaces = []
    for path, cls, kind in _candidates(index):
        if cls.qualname in covered:
            continue
        methods = interface_methods(cls, kind, path)
        if methods:
            interfaces.append((path, cls, methods))
    simple = Counter(cls.name for _, cls, _ in interfaces)
    contracts = []
    for path, cls, methods in interfaces:
        name = cls.name if simple[cls.name] == 1 and cls.name not in taken else cls.qualname
        contracts.append(
            ProtocolContract(
                name=name,
                target=cls.qualname,
                methods=methods,
                doc=cls.docstring,
                mark=SourceMark(path, cls.name_line),
                target_mark=SourceMark(path, cls.name_line),
                discovered=True,
            )
        )
    return contracts
