"""The whole registry against the installed code (SPEC §4 ``--verify``, §7 ``verify_registry``).

Every contract's target, aliases and implementations are imported in the running Python
environment. A path that cannot be imported is a CL202 finding at its line of the contract
file (with the import's error), never an exception; what imports is checked as
:func:`~.signatures.check_signature` (CL201, the target and any alias that is another
object) and :func:`~.conformance.check_conformance` (CL101–CL103, each implementation
class) check it. A contract is *kept* when nothing breaks it (unverifiable notes do not),
*broken* otherwise; the report ends, in import-linter's manner, with
``N contracts kept, M broken.``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..findings import Finding
from ..registry.model import Contract, ProtocolContract, Registry, SourceMark
from ..rules import messages
from .conformance import conformance_findings
from .objects import ImportFailure, import_dotted
from .report import at_location, breaking, format_finding
from .signatures import signature_findings
from .workspace import add_import_roots, load

if TYPE_CHECKING:
    from pathlib import Path


@dataclass
class ContractResult:
    """One contract's verification: its findings (breaking or unverifiable notes)."""

    contract: Contract
    findings: list[Finding] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return not breaking(self.findings)


@dataclass
class VerifyReport:
    """What :func:`verify_registry` found, contract by contract, in registry order."""

    results: list[ContractResult] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def kept(self) -> int:
        return sum(1 for r in self.results if r.kept)

    @property
    def broken(self) -> int:
        return len(self.results) - self.kept

    @property
    def ok(self) -> bool:
        """True when no contract is broken."""
        return self.broken == 0

    @property
    def summary(self) -> str:
        """``N contracts kept, M broken.`` (SPEC §7)."""
        return f"{self.kept} contracts kept, {self.broken} broken."

    def lines(self, cwd: str | None = None) -> list[str]:
        """Each finding as ``path:line:col: CODE message`` (1-based), then the summary."""
        return [format_finding(f, cwd) for f in self.findings] + [self.summary]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def verify_registry(registry: Registry | None = None, *, root: Path | str | None = None) -> VerifyReport:
    """Verify every contract of ``registry`` (default: :func:`~.workspace.load` of ``root``,
    or of the current directory's workspace) against the installed code (SPEC §7).

    The workspace's import roots (``src``, else the folders its modules are named from,
    SPEC §1) are appended to ``sys.path`` when ``root`` is given or the registry came from
    :func:`~.workspace.load`, so that its own modules import. Importing runs the imported
    modules' code. Discovered protocols (no YAML) are skipped. Never raises for what the
    imports do; :class:`~.workspace.RegistryError` when the registry must be loaded and
    cannot be."""
    if registry is None:
        registry = load(root)
    where = root if root is not None else getattr(registry, "root", None)
    if where is not None:
        add_import_roots(where)
    report = VerifyReport()
    for contract in registry.contracts:
        if isinstance(contract, ProtocolContract) and contract.discovered:
            continue
        report.results.append(verify_contract(contract))
    return report


def _mark(marks: tuple[SourceMark, ...] | None, index: int, contract: Contract) -> SourceMark | None:
    marks = marks or ()
    return marks[index] if index < len(marks) else contract.mark


def verify_contract(contract: Contract) -> ContractResult:
    """One contract against the installed code (see the module docstring)."""
    result = ContractResult(contract)
    findings = result.findings
    target = _import(contract, "target", contract.target, contract.target_mark or contract.mark, findings)
    if target is not _FAILED:
        findings.extend(signature_findings(target, contract))
    for i, alias in enumerate(getattr(contract, "aliases", ()) or ()):
        obj = _import(contract, "alias", alias, _mark(getattr(contract, "alias_marks", None), i, contract), findings)
        if obj is not _FAILED and obj is not target:
            findings.extend(signature_findings(obj, contract))
    if isinstance(contract, ProtocolContract):
        for i, dotted in enumerate(contract.implementations):
            cls = _import(contract, "implementation", dotted, _mark(contract.implementation_marks, i, contract), findings)
            if cls is not _FAILED:
                findings.extend(conformance_findings(cls, contract))
    return result


_FAILED = object()


def _import(contract: Contract, role: str, dotted: str, mark: SourceMark | None, findings: list[Finding]) -> object:
    try:
        return import_dotted(dotted)
    except ImportFailure as exc:
        message = messages.not_found(role, dotted, contract.name, messages.not_importable(str(exc)))
        findings.append(at_location("CL202", message, contract, None, mark, subject=dotted))
        return _FAILED
