"""The words of CL101–CL104, CL201 and CL202 (SPEC §3.2, §3.3, §7), shared by the static
rules (:mod:`.protocols`, :mod:`.drift`) and the runtime checks (:mod:`contract_lsp.runtime`),
so that a finding reads the same whether ``--check`` or ``--verify`` found it.

Nothing here knows ``ast`` or ``inspect``: a signature is anything shaped like
:class:`contract_lsp.index.facts.Signature` (``params`` with ``name``, ``kind`` and
``has_default``; ``vararg``; ``kwarg``; ``named(name)``). Kept import-free so that
``contract_lsp.runtime`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..registry.model import CallableContract, Method, Parameter


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


# -- CL101 -----------------------------------------------------------------------------


def missing_members(owner: str, contract: str, methods: list[str], attributes: list[str] = ()) -> str:  # type: ignore[assignment]
    """CL101 (SPEC §3.2, §7): ``owner`` lacks ``methods`` and/or ``attributes`` of the
    protocol contract ``contract``; one message lists them all, methods first. Without
    attributes the text is the historical one (``X does not implement 2 methods of P: 'a', 'b'``)."""
    attributes = list(attributes)
    parts = []
    if methods:
        parts.append(f"{owner} does not implement {_plural(len(methods), 'method')} of {contract}: {_quoted(methods)}")
    if attributes:
        lead = "; nor does it provide" if methods else f"{owner} does not provide"
        what = _plural(len(attributes), "attribute")
        parts.append(f"{lead} {what}{'' if methods else ' of ' + contract}: {_quoted(attributes)}")
    return "".join(parts)


# -- CL102 / CL103 ---------------------------------------------------------------------


def async_mismatch(owner: str, member: str, is_async: bool, contract: str) -> str:
    """CL102 (SPEC §3.2): ``owner.member`` is async (or sync) where ``contract`` says the other."""
    want = "sync" if is_async else "async"
    return f"{owner}.{member} is {'async' if is_async else 'sync'} but {contract} declares it {want}"


def incompatible_parameters(owner: str, member: str, contract: str, method: str, problems: list[str]) -> str:
    """CL103 (SPEC §3.2): ``owner.member`` cannot accept ``contract.method``'s parameters."""
    return f"{owner}.{member} cannot accept the parameters of {contract}.{method}: " + "; ".join(problems)


def signature_problems(method: Method, sig: Any) -> list[str]:
    """Why a callable with signature ``sig`` (``self`` dropped) cannot accept the parameters
    ``method`` declares (empty when it can): a contract parameter missing, renamed or moved
    to another position, or an extra required parameter (SPEC §3.2). A positional-only
    contract parameter may have any name here. (``required`` is not compared: it defaults
    to false, and ``parameters: [key, value]`` would make every implementation's required
    parameters a finding.)"""
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


# -- CL104 (runtime only, SPEC §7) -----------------------------------------------------


def attribute_absent(owner: str, name: str, contract: str) -> str:
    """CL104: the attribute ``name`` that ``contract`` lists is not there."""
    return f"{owner} has no attribute '{name}', which {contract} requires"


def attribute_none(owner: str, name: str, contract: str) -> str:
    """CL104: the attribute is None and ``contract`` does not mark it optional."""
    return f"{owner}.{name} is None, which {contract} does not allow (not optional)"


def attribute_raised(owner: str, name: str, contract: str, error: str) -> str:
    """CL104: reading the attribute (a property) raised ``error``."""
    return f"{owner}.{name}, which {contract} requires, raised {error} when read"


def attribute_wrong_type(owner: str, name: str, contract: str, expected: str, actual: str) -> str:
    """CL104: the attribute's value is not an instance of the contract's ``type``."""
    return f"{owner}.{name} is of type {actual}, not {expected} as {contract} requires"


# -- CL201 -----------------------------------------------------------------------------


def drift(owner: str, contract: str, problems: list[str]) -> str:
    """CL201 (SPEC §3.3): ``owner``, the target's definition, disagrees with ``contract``."""
    return f"{owner} disagrees with its contract {contract}: " + "; ".join(problems)


def callable_drift(contract: CallableContract, sig: Any, lacking: Callable[[Parameter], str] | None = None) -> list[str]:
    """Disagreements between a callable contract and the signature of its definition: a
    contract parameter it lacks (worded by ``lacking`` when given, else
    :func:`lacks_parameter`), a required parameter the contract lacks (not reported for a
    ``partial`` contract, which knows only the parameters it lists)."""
    problems = []
    for param in contract.parameters:
        if sig.named(param.name) is None and sig.kwarg is None:
            problems.append(lacking(param) if lacking is not None else lacks_parameter(param.name))
    if getattr(contract, "partial", False):
        return problems
    declared = {n for p in contract.parameters for n in p.all_names}
    for own in sig.params:
        if not own.has_default and own.name not in declared:
            problems.append(f"requires '{own.name}', which the contract does not list")
    return problems


def lacks_parameter(name: str, since: str | None = None, package: str | None = None, installed: str | None = None) -> str:
    """A CL201 problem: the definition has no parameter ``name``; for a name with ``since``,
    which release introduced it and which one is installed (SPEC §4 ``--verify``)."""
    if since is None:
        return f"lacks parameter '{name}'"
    dist = package or "the package"
    have = f"; installed: {installed}" if installed else ""
    return f"lacks parameter '{name}' (new in {dist} {since}{have})"


def lacks_method(name: str) -> str:
    """A CL201 problem of a protocol target: no method ``name``."""
    return f"lacks method '{name}'"


def async_differs(name: str, is_async: bool, contract_async: bool) -> str:
    """A CL201 problem of a protocol target: method ``name``'s ``async`` differs."""
    return f"'{name}' is {'async' if is_async else 'sync'} where the contract says {'async' if contract_async else 'sync'}"


def method_problem(name: str, problem: str) -> str:
    """A CL201 problem of a protocol target: one of :func:`signature_problems` for ``name``."""
    return f"'{name}': {problem}"


def alias_differs(alias: str, target: str) -> str:
    """A CL201 problem found at runtime: an alias that is another object than the target."""
    return f"alias '{alias}' is not the same object as '{target}'"


# -- CL202 -----------------------------------------------------------------------------


def not_found(role: str, dotted: str, contract: str, reason: str = "is not defined in the workspace") -> str:
    """CL202 (SPEC §3.3, §7): the ``role`` (target, implementation, alias) ``dotted`` of
    ``contract`` was not found; ``reason`` says where it was looked for (statically: the
    workspace; at runtime: why the import failed)."""
    return f"{role} '{dotted}' of {contract} {reason}"


def not_importable(error: str) -> str:
    """The CL202 reason at runtime: the import failed with ``error``."""
    return f"cannot be imported: {error}"


# -- unverifiable (runtime) ------------------------------------------------------------


def unverifiable(owner: str, member: str | None, what: str = "its parameters") -> str:
    """An info finding at runtime: ``owner.member`` has no signature ``inspect`` can read (a
    builtin or C callable), so ``what`` cannot be checked."""
    name = f"{owner}.{member}" if member else owner
    return f"{name} has no signature inspect can read (a builtin or C extension?): {what} cannot be verified"
