"""``pytest --contracts``: one test item per contract, verified against the live code (SPEC §7).

Registered through the ``pytest11`` entry point. Without ``--contracts`` it only adds its
options: nothing is imported or collected, so it costs other test suites nothing. With it,
the registry of pytest's root directory's workspace (SPEC §1; ``--contracts-path`` and
``--contracts-pack`` as ``--contracts`` / ``--pack`` of the command line) is loaded and each
contract becomes an item ``contract-lsp::<name>`` that imports its target, aliases and
implementations and fails with the findings that break it (as ``--verify`` prints them).
An invalid registry is a collection error naming every CL900 problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract-lsp")
    group.addoption("--contracts", action="store_true", default=False, help="add one test per contract of the registry (contract-lsp)")
    group.addoption("--contracts-path", action="append", default=None, metavar="PATH", help="registry location for --contracts (repeatable; default: as contract-lsp --check finds it)")
    group.addoption("--contracts-pack", action="append", default=None, metavar="NAME", help="add a bundled pack for --contracts (repeatable)")


@pytest.hookimpl(tryfirst=True)  # before -k / -m / deselection, which then apply to our items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("contracts"):
        return
    # an explicit node id: under the session it would be "::contract-lsp"
    collector = ContractsCollector.from_parent(session, name="contract-lsp", nodeid="contract-lsp")
    items.extend(collector.collect())


class ContractsCollector(pytest.Collector):
    """The registry: one :class:`ContractItem` per contract, in registry order."""

    def collect(self) -> list[pytest.Item]:
        from .runtime import RegistryError, load
        from .runtime.workspace import add_import_roots

        config = self.config
        paths = config.getoption("contracts_path")
        packs = config.getoption("contracts_pack")
        root = config.rootpath
        try:
            registry = load(root, contracts=[(Path(config.invocation_params.dir) / p) for p in paths] if paths else None, packs=packs)
        except RegistryError as exc:
            raise self.CollectError(f"contract-lsp: {exc}") from None
        add_import_roots(getattr(registry, "root", root))
        return [ContractItem.from_parent(self, name=c.name, contract=c) for c in registry.contracts if not getattr(c, "discovered", False)]


class ContractBroken(Exception):
    """The findings that break one contract."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class ContractItem(pytest.Item):
    """One contract, verified when run (see :func:`contract_lsp.runtime.verify.verify_contract`)."""

    def __init__(self, *, contract, **kwargs) -> None:
        super().__init__(**kwargs)
        self.contract = contract
        # no fixtures; other plugins' hooks (pytest-lsp's) read ``funcargs`` of every item
        self.funcargs: dict = {}

    def runtest(self) -> None:
        from .runtime.report import breaking, format_finding
        from .runtime.verify import verify_contract

        result = verify_contract(self.contract)
        failing = breaking(result.findings)
        if failing:
            raise ContractBroken([format_finding(f, str(self.config.invocation_params.dir)) for f in failing])

    def repr_failure(self, excinfo, style=None):  # noqa: ANN001 - pytest's signature
        if isinstance(excinfo.value, ContractBroken):
            return f"contract {self.contract.name} is broken:\n" + "\n".join(f"  {line}" for line in excinfo.value.lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):  # noqa: ANN201 - pytest's signature
        mark = self.contract.mark
        if mark is not None:
            return Path(mark.path), mark.line - 1, f"contract {self.contract.name}"
        return self.path, None, f"contract {self.contract.name}"
