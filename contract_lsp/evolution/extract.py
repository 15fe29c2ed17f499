"""``--extract QUALNAME``: contracts generated from the code's current definitions.

A class gives a callable contract of its constructor (its ``__init__``, or the fields of a
dataclass / NamedTuple / TypedDict, inherited ones included), or a protocol contract when
it is a ``typing.Protocol`` or an ABC (the methods :mod:`contract_lsp.discover` would
require, with ``async``); a function or method gives a callable contract. Docs come from
docstrings; each contract is named after the definition's simple name (its qualified name
when two extracted definitions share one). Checking the code against its extracted
contract reports nothing: the round trip the tests check.
"""

from __future__ import annotations

from ..discover import interface_kind, member_parameters, required_members
from ..index.facts import ClassFacts, FunctionFacts, ParamFact, Signature
from ..index.workspace import WorkspaceIndex
from ..rules.drift import constructor_signature


class ExtractError(Exception):
    """A qualified name that is not a class or function of the workspace."""


def parameter_entry(p: ParamFact) -> dict:
    """A contract-file parameter entry (SPEC §2) for a definition's parameter: ``required``
    when it has no default, ``type`` and ``default`` as written, ``kind`` unless the usual."""
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
    contract["parameters"] = [parameter_entry(p) for p in sig.params]
    if sig.vararg:
        contract["var_positional"] = True
    if sig.kwarg:
        contract["var_keyword"] = True
    return contract


def _method(fn: FunctionFacts) -> dict:
    entry: dict = {"name": fn.name}
    params = member_parameters(fn)
    if params:
        entry["parameters"] = [parameter_entry(p) for p in params]
    if fn.is_async:
        entry["async"] = True
    if fn.docstring:
        entry["doc"] = fn.docstring
    return entry


def _constructor(index: WorkspaceIndex, cls: ClassFacts) -> Signature:
    sig = constructor_signature(index, cls)
    if sig is not None:
        return sig
    # No ``__init__`` in the workspace: ``object``'s (no arguments) unless a base outside
    # the workspace may define one, which we cannot see: then accept anything.
    external = any(
        base.kind in ("external", "missing") and base.qualname != "builtins.object" for base, _ in index.ancestors(cls)
    )
    return Signature((), "args", "kwargs") if external else Signature()


def extract_contract(index: WorkspaceIndex, qualname: str, name: str | None = None) -> dict:
    """One contract, as plain data ready for YAML, for the definition ``qualname`` reaches
    (re-exports followed; the contract's ``target`` is ``qualname`` as given). ``name``
    overrides the simple name. Raises :class:`ExtractError` when ``qualname`` is not a
    class or function of the workspace."""
    found = index.resolve(qualname)
    facts = found.facts
    if found.kind == "class" and isinstance(facts, ClassFacts):
        kind = interface_kind(index, facts)
        if kind is not None:
            contract: dict = {"name": name or facts.name, "kind": "protocol", "target": qualname}
            if facts.docstring:
                contract["doc"] = facts.docstring
            contract["methods"] = [_method(fn) for fn in required_members(facts, kind)]
            return contract
        return _callable(name or facts.name, qualname, _constructor(index, facts), facts.docstring)
    if found.kind == "function" and isinstance(facts, FunctionFacts):
        return _callable(name or facts.name, qualname, facts.signature, facts.docstring)
    if found.kind == "module":
        raise ExtractError(f"{qualname}: is a module; name a class or function in it")
    raise ExtractError(f"{qualname}: no class or function of that name in the workspace")


def extract_contracts(index: WorkspaceIndex, qualnames: list[str]) -> list[dict]:
    """:func:`extract_contract` for each name, in order; names made unique (a simple name
    two definitions share becomes each one's qualified name). Raises ExtractError for the
    first name that is not a workspace definition."""
    qualnames = list(dict.fromkeys(qualnames))
    simple = []
    for qualname in qualnames:
        found = index.resolve(qualname)
        if found.kind not in ("class", "function"):
            extract_contract(index, qualname)  # raises the right error
        simple.append(found.qualname.rsplit(".", 1)[-1])
    counts = {s: simple.count(s) for s in simple}
    return [
        extract_contract(index, q, None if counts[s] == 1 else q)
        for q, s in zip(qualnames, simple)
    ]


def extract_yaml(index: WorkspaceIndex, qualnames: list[str]) -> str:
    """A contract file (version 1) with one contract per qualified name, with a comment
    saying where it came from. Raises ExtractError."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        """``safe_dump`` with multi-line docs as ``|`` blocks, as people write them."""

    def _str(dumper: yaml.SafeDumper, value: str):
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    contracts = extract_contracts(index, qualnames)
    body = yaml.dump(
        {"version": 1, "contracts": contracts},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )
    return f"# Generated by contract-lsp --extract {' '.join(qualnames)}\n{body}"
