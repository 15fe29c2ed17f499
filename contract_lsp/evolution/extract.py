"""``--extract QUALNAME``: contracts generated from the code's current definitions.

A class gives a callable contract of its constructor (``__init__``, or dataclass /
NamedTuple fields), or a protocol contract when it is a ``typing.Protocol`` or an ABC; a
function gives a callable contract. Docs come from docstrings; each contract is named
after the definition's simple name. Checking the code against its extracted contract
reports nothing (the round trip the tests check).
"""

from __future__ import annotations

from ..discover import interface_kind, interface_methods
from ..index.facts import ClassFacts, FunctionFacts, ParamFact, Signature
from ..index.workspace import WorkspaceIndex
from ..rules.drift import constructor_signature


class ExtractError(Exception):
    """A qualified name that is not a class or function of the workspace."""


def _param(p: ParamFact) -> dict:
    entry: dict = {"name": p.name}
    if not p.has_default:
        entry["required"] = True
    if p.annotation:
        entry["type"] = p.annotation
    if p.default is not None:
        entry["default"] = p.default
    if p.kind != "positional_or_keyword":
        entry["kind"] = p.kind
    return entry


def _callable(name: str, target: str, sig: Signature, doc: str | None) -> dict:
    contract: dict = {"name": name, "kind": "callable", "target": target}
    if doc:
        contract["doc"] = doc
    contract["parameters"] = [_param(p) for p in sig.params]
    if sig.vararg:
        contract["var_positional"] = True
    if sig.kwarg:
        contract["var_keyword"] = True
    return contract


def _method(m) -> dict:
    entry: dict = {"name": m.name}
    if m.parameters:
        entry["parameters"] = [
            {k: v for k, v in {"name": p.name, "required": p.required or None, "type": p.type, "default": p.default,
                               "kind": p.kind if p.kind != "positional_or_keyword" else None}.items() if v is not None}
            for p in m.parameters
        ]
    if m.is_async:
        entry["async"] = True
    if m.doc:
        entry["doc"] = m.doc
    return entry


def extract_contract(index: WorkspaceIndex, qualname: str) -> dict:
    """One contract (plain data, ready for YAML) for the definition at ``qualname``.
    Raises ExtractError when it is not a workspace class or function."""
    found = index.resolve(qualname)
    facts = found.facts
    if found.kind == "class" and isinstance(facts, ClassFacts):
        kind = interface_kind(index, facts)
        if kind is not None:
            contract: dict = {"name": facts.name, "kind": "protocol", "target": qualname}
            if facts.docstring:
                contract["doc"] = facts.docstring
            contract["methods"] = [_method(m) for m in interface_methods(facts, kind, facts.module)]
            return contract
        sig = constructor_signature(index, facts)
        if sig is None:
            sig = Signature()
        return _callable(facts.name, qualname, sig, facts.docstring)
    if found.kind == "function" and isinstance(facts, FunctionFacts):
        return _callable(facts.name, qualname, facts.signature, facts.docstring)
    raise ExtractError(f"{qualname}: no class or function of that name in the workspace")


def extract_yaml(index: WorkspaceIndex, qualnames: list[str]) -> str:
    """A contract file (version 1) with one contract per qualified name."""
    import yaml

    contracts = [extract_contract(index, q) for q in qualnames]
    return yaml.safe_dump({"version": 1, "contracts": contracts}, sort_keys=False, allow_unicode=True, width=100)
