"""The registry checked against live objects, at startup and in tests (SPEC §7).

::

    from contract_lsp.runtime import load, check_conformance, require_conformance, check_signature, verify_registry

    registry = load()                                   # the workspace's registry, as --check finds it
    problems = check_conformance(manager, "WebSocketManagerProtocol", registry)   # CL101-CL104
    require_conformance(app.state, "AppState")          # raises ContractViolation listing them all
    check_signature(UserExecutionContext, "UserExecutionContext")                 # CL201
    print(verify_registry(registry))                    # ... N contracts kept, M broken.

Findings are :class:`contract_lsp.findings.Finding` with the static checks' codes and
messages, placed at the object's definition. Imports neither pygls, lsprotocol nor
libcst, and is cheap to import (``benchmarks/bench_runtime_import.py``).
"""

from __future__ import annotations

from .conformance import check_conformance, require_conformance
from .report import ContractViolation, format_finding, is_unverifiable
from .signatures import check_signature
from .verify import ContractResult, VerifyReport, verify_registry
from .workspace import RegistryError, UnknownContract, load

__all__ = [
    "ContractResult",
    "ContractViolation",
    "RegistryError",
    "UnknownContract",
    "VerifyReport",
    "check_conformance",
    "check_signature",
    "format_finding",
    "is_unverifiable",
    "load",
    "require_conformance",
    "verify_registry",
]
