"""CL201 and CL202: contracts that drifted from, or lost, their definitions (SPEC §3.3).

CL201 compares a target's own definition in the workspace with its contract and is
reported at the definition. CL202 reports contract-file lines whose target, implementation
or ``forwards_to`` target cannot be found in the workspace.
"""

from __future__ import annotations

from ..findings import RULES, ContractRef, Finding, make_range
from ..index.facts import ClassFacts, FunctionFacts, ParamFact, Signature
from ..index.workspace import WorkspaceIndex
from ..registry.model import CallableContract, Contract, ProtocolContract, SourceMark
from .context import CheckContext, ContractTable
from .messages import async_differs, callable_drift, drift, lacks_method, method_problem, not_found
from .protocols import parameter_problems

__all__ = ["callable_drift", "check_drift", "constructor_signature", "missing_targets", "protocol_drift", "signature_of"]


def constructor_signature(index: WorkspaceIndex, cls: ClassFacts) -> Signature | None:
    """What calling the class accepts: the first class of its workspace MRO that defines
    ``__init__`` or has one generated (dataclass, NamedTuple, TypedDict fields); None when
    unknown."""
    owners = [cls] + [b.facts for b, _ in index.ancestors(cls) if b.kind == "class" and isinstance(b.facts, ClassFacts)]
    for owner in owners:
        if "__init__" in owner.methods:
            return owner.methods["__init__"].signature
        if owner.is_dataclass:  # a generated ``__init__`` replaces any inherited one
            return Signature(_dataclass_fields(index, owner))
        if owner.fields:
            return Signature(owner.fields)
    return None


def _dataclass_fields(index: WorkspaceIndex, cls: ClassFacts) -> tuple[ParamFact, ...]:
    """A dataclass's ``__init__`` parameters: the fields of its dataclass bases (farthest
    first, as ``dataclasses`` walks the MRO in reverse), then its own; a field redefined
    keeps its first place and takes its new definition."""
    chain: list[ClassFacts] = []
    for base, _depth in index.ancestors(cls):
        if base.kind == "class" and isinstance(base.facts, ClassFacts) and base.facts.is_dataclass:
            chain.append(base.facts)
    fields: dict[str, ParamFact] = {}
    for owner in [*reversed(chain), cls]:
        for f in owner.fields:
            fields[f.name] = f
    return tuple(fields.values())


def signature_of(index: WorkspaceIndex, facts: ClassFacts | FunctionFacts) -> Signature | None:
    """The signature a callable contract's target definition offers callers."""
    if isinstance(facts, ClassFacts):
        return constructor_signature(index, facts)
    return facts.signature


def protocol_drift(index: WorkspaceIndex, contract: ProtocolContract, cls: ClassFacts) -> list[str]:
    """Disagreements between a protocol contract and its target class: a method it lacks,
    one whose ``async`` differs, or whose parameters cannot accept the contract's (the
    same test as CL102 and CL103 apply to implementations, SPEC §3.2)."""
    problems = []
    for method in contract.methods:
        fn = index.find_method(cls, method.name)[1]
        if fn is None:
            problems.append(lacks_method(method.name))
            continue
        if fn.is_async != method.is_async:
            problems.append(async_differs(method.name, fn.is_async, method.is_async))
        problems.extend(method_problem(method.name, problem) for problem in parameter_problems(method, fn))
    return problems


def check_drift(ctx: CheckContext) -> None:
    """Report CL201 at each definition in ``ctx``'s module that disagrees with its contract."""
    table = ctx.table
    for contract in table.registry.contracts:
        resolved = table.resolved.get(contract.name)
        if resolved is None or resolved.kind not in ("class", "function"):
            continue
        facts = resolved.facts
        if not isinstance(facts, (ClassFacts, FunctionFacts)) or not _defined_here(ctx, facts):
            continue
        if isinstance(contract, CallableContract):
            sig = signature_of(ctx.index, facts)
            problems = callable_drift(contract, sig) if sig is not None else []
        elif isinstance(facts, ClassFacts):
            problems = protocol_drift(ctx.index, contract, facts)
        else:
            problems = []
        if problems:
            ctx.report(
                "CL201",
                ctx.name_span(facts.name_line, facts.name_col, facts.name),
                drift(facts.name, contract.name, problems),
                contract,
            )


def _defined_here(ctx: CheckContext, facts: ClassFacts | FunctionFacts) -> bool:
    local = facts.qualname[len(ctx.module) + 1 :] if ctx.module else facts.qualname
    if not facts.qualname.startswith(ctx.module + "."):
        return False
    if isinstance(facts, ClassFacts):
        return ctx.facts.classes.get(local) is not None and ctx.facts.classes[local].line == facts.line
    owner = local.split(".")
    if len(owner) == 1:
        fn = ctx.facts.functions.get(local)
        return fn is not None and fn.line == facts.line
    cls = ctx.facts.classes.get(".".join(owner[:-1]))
    return cls is not None and owner[-1] in cls.methods and cls.methods[owner[-1]].line == facts.line


def missing_targets(table: ContractTable) -> list[Finding]:
    """CL202 findings, located in the contract files (0-based lines), for targets and
    implementations the workspace does not define."""
    findings: list[Finding] = []
    for contract in table.registry.contracts:
        if (isinstance(contract, ProtocolContract) and contract.discovered) or contract.package:
            continue  # a contract with a package describes a library: never in the workspace
        if table.resolved[contract.name].kind not in ("class", "function"):
            findings.append(_at_mark(contract, contract.target_mark or contract.mark, not_found("target", contract.target, contract.name)))
        if isinstance(contract, ProtocolContract):
            for impl, mark in zip(contract.implementations, contract.implementation_marks or (None,) * len(contract.implementations)):
                if table.index.resolve(impl).kind != "class":
                    findings.append(_at_mark(contract, mark or contract.mark, not_found("implementation", impl, contract.name)))
        elif contract.forwards_to:
            forwarded = table.registry.get(contract.forwards_to)
            if forwarded is not None and table.resolved[forwarded.name].kind not in ("class", "function"):
                findings.append(_at_mark(contract, contract.forwards_to_mark or contract.mark, not_found("forwards_to", contract.forwards_to, contract.name, "names a contract whose target is not in the workspace")))
    return findings


def _at_mark(contract: Contract, mark: SourceMark | None, message: str) -> Finding:
    line = (mark.line - 1) if mark else 0
    col = (mark.column - 1) if mark else 0
    path = mark.path if mark else ""
    ref = ContractRef(contract.name, contract.mark.path if contract.mark else None, contract.mark.line if contract.mark else None)
    return Finding(path, make_range(line, col, line, col + 1), "CL202", message, RULES["CL202"][0], ref)
