"""CL201 against a live definition (SPEC §3.3, §7): the target's signature, as
``inspect.signature`` reads it, disagrees with its contract.

A callable contract is compared with what calling the object accepts (a class: its
constructor, generated ones included) by the static rule's own comparison
(:func:`contract_lsp.rules.messages.callable_drift`); a parameter with ``since`` that the
installed release lacks says which release introduced it and which one is installed. A
protocol contract is compared with its target class: each method present (stubs count:
the target declares them), of the right ``async``, accepting the contract's parameters.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding
from ..registry.model import CallableContract, Contract, Parameter, ProtocolContract, Registry
from ..rules import messages
from .objects import NoSignature, callable_signature, definition_of, find_member, is_async, is_callable_member, member_signature, qualified_name
from .report import at_location
from .workspace import contract_named, default_registry


def check_signature(obj: Any, contract_name: str, registry: Registry | None = None) -> list[Finding]:
    """CL201 findings of ``obj`` against the contract ``contract_name`` (SPEC §3.3, §7):
    at most one finding, listing every disagreement, placed at ``obj``'s definition
    (0-based) where ``inspect`` finds it, else at the contract's target line. A callable
    whose signature ``inspect`` cannot read (a builtin, a C extension) gives one ``info``
    finding marked unverifiable. ``registry`` defaults to the current workspace's (loaded
    once). Raises :class:`~.workspace.UnknownContract` for an unknown name."""
    contract = contract_named(registry if registry is not None else default_registry(), contract_name)
    return signature_findings(obj, contract)


def signature_findings(obj: Any, contract: Contract) -> list[Finding]:
    """:func:`check_signature` for a contract already looked up."""
    owner = getattr(obj, "__name__", None) or type(obj).__name__
    subject = qualified_name(obj)
    where = definition_of(obj)
    fallback = contract.target_mark or contract.mark
    if isinstance(contract, CallableContract):
        try:
            sig = callable_signature(obj)
        except NoSignature:
            return [at_location("CL201", messages.unverifiable(owner, None), contract, where, fallback, subject=subject, unverifiable=True)]
        problems = messages.callable_drift(contract, sig, lambda p: _lacking(p, contract))
    else:
        problems, unverifiable = _protocol_drift(obj, contract)
        if unverifiable and not problems:
            return [at_location("CL201", messages.unverifiable(owner, unverifiable[0], "the parameters of " + ", ".join(unverifiable)), contract, where, fallback, subject=subject, unverifiable=True)]
    if not problems:
        return []
    return [at_location("CL201", messages.drift(owner, contract.name, problems), contract, where, fallback, subject=subject)]


def _lacking(param: Parameter, contract: CallableContract) -> str:
    """How a parameter the live definition lacks is worded: with ``since``, the release
    that introduced it and the installed release of the contract's ``package``."""
    since = getattr(param, "since", None)
    if since is None:
        return messages.lacks_parameter(param.name)
    package = getattr(contract, "package", None)
    return messages.lacks_parameter(param.name, since, package, installed_version(package) if package else None)


def installed_version(distribution: str) -> str | None:
    """The installed release of ``distribution`` (``importlib.metadata``), or None."""
    from importlib import metadata  # ~10-40 ms: only when a `since` name is missing

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - broken metadata: no version to show
        return None


def _protocol_drift(cls: Any, contract: ProtocolContract) -> tuple[list[str], list[str]]:
    """The static ``protocol_drift`` problems of a live target class, and the methods whose
    signature could not be read."""
    problems: list[str] = []
    unverifiable: list[str] = []
    for method in contract.methods:
        member = find_member(cls, method.name, include_stubs=True)
        if member is None or not (is_callable_member(member) or member.kind == "property"):
            problems.append(messages.lacks_method(method.name))
            continue
        if member.kind == "property":
            continue
        if is_async(member.raw) != method.is_async:
            problems.append(messages.async_differs(method.name, not method.is_async, method.is_async))
        try:
            sig = member_signature(member)
        except NoSignature:
            unverifiable.append(method.name)
            continue
        problems.extend(messages.method_problem(method.name, p) for p in messages.signature_problems(method, sig))
    return problems, unverifiable
