"""CL101–CL104 against a live object (SPEC §3.2, §7): does this manager, this app state,
this class provide what its protocol contract lists?

The rules are the static ones (:mod:`contract_lsp.rules.protocols`) applied to what
``inspect`` sees: a method is missing when nothing but a Protocol's stub or an abstract
method provides it (or what provides it cannot be called); ``async`` is compared through
``functools.wraps`` wrappers; parameters are compared by the same function the static
CL103 uses. ``attributes``: on an instance (or module) each must be present, not None
unless ``optional``, and an instance of ``type`` when that names an importable class
(CL104); on a class, as statically, each required one declared (class attribute,
annotation, property, dataclass / attrs / pydantic field, ``__slots__``, or ``self.<name>``
assigned in a method of its source) or else listed in CL101; an ``optional`` one may be
absent either way.
"""

from __future__ import annotations

import types
from typing import Any

from ..findings import Finding
from ..registry.model import CallableContract, Method, ProtocolContract, Registry
from ..rules import messages
from .objects import (
    ImportFailure,
    Member,
    NoSignature,
    definition_of,
    find_member,
    import_class,
    import_dotted,
    is_async,
    is_callable_member,
    member_signature,
    qualified_name,
)
from .report import ContractViolation, at_location, breaking
from .workspace import contract_named, default_registry


def _protocol(registry: Registry | None, name: str) -> ProtocolContract:
    contract = contract_named(registry if registry is not None else default_registry(), name)
    if isinstance(contract, CallableContract):
        raise TypeError(f"{name!r} is a callable contract: check it with check_signature, not check_conformance")
    return contract


def interfaces_of(contract: ProtocolContract) -> tuple[type, ...]:
    """The contract's target (and aliases) as classes, where they import: what an
    implementation inherits from them is declaration, not implementation."""
    found = []
    for dotted in (contract.target, *getattr(contract, "aliases", ())):
        try:
            obj = import_dotted(dotted)
        except ImportFailure:
            continue
        if isinstance(obj, type):
            found.append(obj)
    return tuple(found)


def check_conformance(obj: Any, contract_name: str, registry: Registry | None = None) -> list[Finding]:
    """Findings of ``obj`` (an instance, a class or a module) against the protocol contract
    ``contract_name`` (SPEC §7): one CL101 listing every missing method (and, for a class,
    every undeclared attribute), CL102 per ``async`` mismatch, CL103 per method whose
    parameters cannot accept the contract's, CL104 per attribute of an instance that is
    absent, None (not ``optional``) or of the wrong type. Methods whose signature ``inspect``
    cannot read give an ``info`` finding marked unverifiable instead of CL103.

    ``registry`` defaults to the current directory's workspace registry (loaded once).
    Findings are placed at the definition (0-based) where ``inspect`` finds it, else at the
    contract's line in its contract file. Raises :class:`~.workspace.UnknownContract` for
    an unknown name, ``TypeError`` for a callable contract; never for what ``obj`` holds.
    """
    return conformance_findings(obj, _protocol(registry, contract_name))


def require_conformance(obj: Any, contract_name: str, registry: Registry | None = None) -> Any:
    """Like :func:`check_conformance`, but raises :class:`ContractViolation` listing every
    finding that breaks the contract (unverifiable ones do not); returns ``obj`` when it
    conforms, so ``manager = require_conformance(build_manager(), "ManagerProtocol")`` reads."""
    contract = _protocol(registry, contract_name)
    failing = breaking(conformance_findings(obj, contract))
    if failing:
        raise ContractViolation(contract.name, failing)
    return obj


def conformance_findings(obj: Any, contract: ProtocolContract, interfaces: tuple[type, ...] | None = None) -> list[Finding]:
    """:func:`check_conformance` for a contract already looked up (``interfaces``: see
    :func:`interfaces_of`, computed when None)."""
    if interfaces is None:
        interfaces = interfaces_of(contract)
    cls = obj if isinstance(obj, type) else type(obj)
    owner = getattr(obj, "__name__", None) if isinstance(obj, type) or _is_module(obj) else cls.__name__
    owner = owner or cls.__name__
    subject = obj.__name__ if _is_module(obj) else qualified_name(cls)
    here = definition_of(obj) if not _is_module(obj) else None
    fallback = contract.target_mark or contract.mark
    findings: list[Finding] = []
    missing: list[str] = []
    present: list[tuple[Method, Member]] = []
    for method in contract.methods:
        member = find_member(obj, method.name, interfaces)
        if member is None or not (is_callable_member(member) or member.kind == "property"):
            missing.append(method.name)
        elif member.kind != "property":  # a property's value is not called to look
            present.append((method, member))
    undeclared = _undeclared_attributes(cls, contract, interfaces) if isinstance(obj, type) else []
    if missing or undeclared:
        findings.append(at_location("CL101", messages.missing_members(owner, contract.name, missing, undeclared), contract, here, fallback, subject=subject))
    for method, member in present:
        findings.extend(_method_findings(owner, subject, contract, method, member, here, fallback))
    if not isinstance(obj, type):
        findings.extend(_attribute_findings(obj, owner, subject, contract, here, fallback))
    return findings


def _is_module(obj: Any) -> bool:
    return isinstance(obj, types.ModuleType)


def _method_findings(owner: str, subject: str, contract: ProtocolContract, method: Method, member: Member, here, fallback) -> list[Finding]:
    findings = []
    where = definition_of(member.raw) or here
    if is_async(member.raw) != method.is_async:
        findings.append(at_location("CL102", messages.async_mismatch(owner, method.name, not method.is_async, contract.name), contract, where, fallback, subject=subject))
    try:
        sig = member_signature(member)
    except NoSignature:
        findings.append(at_location("CL103", messages.unverifiable(owner, method.name), contract, where, fallback, subject=subject, unverifiable=True))
        return findings
    problems = messages.signature_problems(method, sig)
    if problems:
        findings.append(at_location("CL103", messages.incompatible_parameters(owner, method.name, contract.name, method.name, problems), contract, where, fallback, subject=subject))
    return findings


# -- attributes ----------------------------------------------------------------------------


def _attribute_findings(obj: Any, owner: str, subject: str, contract: ProtocolContract, here, fallback) -> list[Finding]:
    """CL104 for each of the contract's attributes that the live ``obj`` lacks, holds None
    in (not ``optional``), or holds a value of the wrong type in (SPEC §7)."""
    findings = []
    for spec in getattr(contract, "attributes", ()):
        where_mark = getattr(spec, "mark", None) or fallback
        try:
            value = getattr(obj, spec.name)
        except AttributeError:
            if not spec.optional:
                findings.append(at_location("CL104", messages.attribute_absent(owner, spec.name, contract.name), contract, here, where_mark, subject=subject))
            continue
        except Exception as exc:  # noqa: BLE001 - a property that raised: the attribute is not usable
            findings.append(at_location("CL104", messages.attribute_raised(owner, spec.name, contract.name, f"{type(exc).__name__}: {exc}"), contract, here, where_mark, subject=subject))
            continue
        if value is None:
            if not spec.optional:
                findings.append(at_location("CL104", messages.attribute_none(owner, spec.name, contract.name), contract, here, where_mark, subject=subject))
            continue
        expected = import_class(spec.type)
        if expected is not None and not _isinstance(value, expected):
            findings.append(at_location("CL104", messages.attribute_wrong_type(owner, spec.name, contract.name, spec.type, qualified_name(value)), contract, here, where_mark, subject=subject))
    return findings


def _isinstance(value: Any, expected: type) -> bool:
    try:
        return isinstance(value, expected)
    except TypeError:  # a Protocol without @runtime_checkable, a generic alias: cannot say no
        return True


def _undeclared_attributes(cls: type, contract: ProtocolContract, interfaces: tuple[type, ...]) -> list[str]:
    """The contract's attributes a class does not declare (see the module docstring)."""
    wanted = [a.name for a in getattr(contract, "attributes", ()) if not a.optional]  # optional: may be absent
    if not wanted:
        return []
    declared: set[str] = set()
    assigned: set[str] | None = None
    missing = []
    for klass in cls.__mro__:
        if klass is object or klass in interfaces or getattr(klass, "_is_protocol", False):
            continue
        declared |= set(klass.__dict__)
        declared |= set(klass.__dict__.get("__annotations__", {}) or {})
        slots = klass.__dict__.get("__slots__", ())
        declared |= {slots} if isinstance(slots, str) else set(slots or ())
    declared |= {a.name for a in getattr(cls, "__attrs_attrs__", ())}
    declared |= set(getattr(cls, "model_fields", None) or {})  # pydantic 2
    declared |= set(getattr(cls, "__fields__", None) or {}) if isinstance(getattr(cls, "__fields__", None), dict) else set()
    for name in wanted:
        if name in declared:
            continue
        if assigned is None:
            assigned = _assigned_in_source(cls, interfaces)
        if name not in assigned:
            missing.append(name)
    return missing


def _assigned_in_source(cls: type, interfaces: tuple[type, ...]) -> set[str]:
    """``self.<name>`` assignments in the methods of ``cls`` and its bases (not interfaces),
    read from their source as the static check reads it; empty where there is no source."""
    import ast
    import inspect
    import textwrap

    from ..rules.protocols import assigned_in_methods

    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is object or klass in interfaces or getattr(klass, "_is_protocol", False):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
            node = ast.parse(source).body[0]
        except (OSError, TypeError, SyntaxError, IndexError):
            continue
        if isinstance(node, ast.ClassDef):
            names |= assigned_in_methods(node)
    return names
