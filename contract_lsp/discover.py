"""``discover = ["protocols"]`` (SPEC §1): every ``typing.Protocol`` and every ABC of the
workspace becomes a protocol contract, with no YAML.

A Protocol's methods are those defined in its body, public or dunder; an ABC's are its
abstract methods. Files are searched by bytes first: only those mentioning ``Protocol``,
``ABC`` or ``abstractmethod`` are parsed.
"""

from __future__ import annotations

from .index.facts import ClassFacts, FunctionFacts
from .index.workspace import WorkspaceIndex
from .registry.model import Method, Parameter, ProtocolContract, Registry, SourceMark

_PROTOCOL_BASES = {"typing.Protocol", "typing_extensions.Protocol"}
_ABC_BASES = {"abc.ABC"}
_NEEDLES = (b"Protocol", b"ABC", b"abstractmethod")


def method_contract(fn: FunctionFacts, path: str) -> Method:
    """The protocol-method entry for a definition (its parameters, ``async``, doc)."""
    params = tuple(
        Parameter(
            name=p.name,
            required=not p.has_default,
            type=p.annotation,
            default=p.default,
            kind=p.kind,
        )
        for p in fn.signature.params
    )
    return Method(fn.name, params, is_async=fn.is_async, doc=fn.docstring, mark=SourceMark(path, fn.line))


def interface_kind(index: WorkspaceIndex, cls: ClassFacts) -> str | None:
    """"protocol" for a typing.Protocol class, "abc" for an ABC with abstract methods."""
    bases = {b.qualname for b in index.base_classes(cls)}
    if bases & _PROTOCOL_BASES:
        return "protocol"
    is_abc = bool(bases & _ABC_BASES) or cls.keywords.get("metaclass", "").rsplit(".", 1)[-1] == "ABCMeta"
    if is_abc and any(fn.is_abstract for fn in cls.methods.values()):
        return "abc"
    return None


def interface_methods(cls: ClassFacts, kind: str, path: str) -> tuple[Method, ...]:
    """The methods an implementation of ``cls`` must define (SPEC §1 ``discover``)."""
    chosen = []
    for name, fn in cls.methods.items():
        if kind == "abc" and not fn.is_abstract:
            continue
        if kind == "protocol" and name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
            continue
        chosen.append(method_contract(fn, path))
    return tuple(chosen)


def discovered_protocols(index: WorkspaceIndex, registry: Registry) -> list[ProtocolContract]:
    """Protocol contracts for the workspace's Protocols and ABCs that the registry does not
    already cover (a YAML contract for the same target wins)."""
    covered = {index.resolve(c.target).qualname for c in registry.protocols}
    found: list[ProtocolContract] = []
    for path in sorted(index.module_map.paths()):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if not any(n in data for n in _NEEDLES):
            continue
        facts = index.facts_for_path(path)
        if facts is None:
            continue
        for cls in facts.classes.values():
            if cls.qualname in covered:
                continue
            kind = interface_kind(index, cls)
            if kind is None:
                continue
            methods = interface_methods(cls, kind, path)
            if not methods:
                continue
            found.append(
                ProtocolContract(
                    name=cls.qualname,
                    target=cls.qualname,
                    methods=methods,
                    doc=cls.docstring,
                    mark=SourceMark(path, cls.line),
                    target_mark=SourceMark(path, cls.line),
                    discovered=True,
                )
            )
    return found
