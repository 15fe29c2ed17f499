"""Runtime findings: built like the static ones (same codes, severities and messages), placed
at the live object's definition, and printed as the CLI prints findings (SPEC §4).

A finding the runtime could not decide (a builtin or C callable whose signature ``inspect``
cannot read) is an ``info`` finding with ``extra["unverifiable"]``: it is reported, but it
breaks no contract and raises no :class:`ContractViolation`.
"""

from __future__ import annotations

import os

from ..findings import RULES, ContractRef, Finding, make_range
from ..registry.model import Contract, SourceMark
from .objects import Location

#: CL104 is checked at runtime only (SPEC §3.2, §7); the shared table may not list it yet.
_RUNTIME_RULES = {"CL104": ("error", "Attribute absent, None, or of the wrong type")}


def severity_of(code: str) -> str:
    """The default severity of ``code`` (SPEC §3 tables)."""
    return (RULES.get(code) or _RUNTIME_RULES[code])[0]


def contract_ref(contract: Contract) -> ContractRef:
    mark = contract.mark
    return ContractRef(contract.name, mark.path if mark else None, mark.line if mark else None)


def at_location(code: str, message: str, contract: Contract, where: Location | None, fallback: SourceMark | None = None, *, subject: str | None = None, unverifiable: bool = False) -> Finding:
    """A finding at ``where`` (0-based, on the definition's name), else at the contract file's
    ``fallback`` mark (1-based, converted), else with an empty path. ``subject`` names the
    live object (``module.QualName``) in ``extra``."""
    if where is not None:
        path, line, col, length = where.path, where.line, where.column, where.length
    elif fallback is not None:
        path, line, col, length = fallback.path, fallback.line - 1, fallback.column - 1, 1
    else:
        path, line, col, length = "", 0, 0, 0
    extra: dict = {}
    if subject:
        extra["object"] = subject
    if unverifiable:
        extra["unverifiable"] = True
    severity = "info" if unverifiable else severity_of(code)
    return Finding(path, make_range(line, col, line, col + length), code, message, severity, contract_ref(contract), extra=extra)  # type: ignore[arg-type]


def is_unverifiable(finding: Finding) -> bool:
    """True for a finding that says only "could not check" (see the module docstring)."""
    return bool(finding.extra.get("unverifiable"))


def breaking(findings: list[Finding]) -> list[Finding]:
    """The findings that break a contract: all but the unverifiable ones."""
    return [f for f in findings if not is_unverifiable(f)]


def display_path(path: str, cwd: str | None = None) -> str:
    """``path`` relative to ``cwd`` (default: the current directory) when under it (SPEC §4)."""
    if not path:
        return path
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(path)
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return path


def format_finding(finding: Finding, cwd: str | None = None) -> str:
    """``path:line:col: CODE message`` with 1-based line and column (SPEC §4); a finding with
    no place is ``<object>: CODE message``."""
    if finding.path:
        start = finding.range.start
        return f"{display_path(finding.path, cwd)}:{start.line + 1}:{start.character + 1}: {finding.code} {finding.message}"
    return f"{finding.extra.get('object', '<unknown>')}: {finding.code} {finding.message}"


class ContractViolation(Exception):
    """Raised by :func:`contract_lsp.runtime.require_conformance`: ``findings`` lists every
    finding that breaks the contract; ``str()`` names the contract and prints each one as
    ``path:line:col: CODE message``."""

    def __init__(self, contract: str, findings: list[Finding]) -> None:
        self.contract = contract
        self.findings = list(findings)
        count = len(self.findings)
        lines = [f"{contract}: {count} finding{'s' if count != 1 else ''}"]
        lines += [f"  {format_finding(f)}" for f in self.findings]
        super().__init__("\n".join(lines))
