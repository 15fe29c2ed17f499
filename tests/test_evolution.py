"""--extract, discover, --diff-contracts and --impact on real workspaces (issue 5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from workspace_helpers import write_workspace

PACKAGE = {
    "shop/__init__.py": "from .orders import Order as Order, place_order\nfrom .ports import PaymentGateway\n",
    "shop/orders.py": """
        from dataclasses import dataclass, field
        from typing import ClassVar

        @dataclass
        class Order:
            \"\"\"A customer's order.\"\"\"
            order_id: str
            items: list = field(default_factory=list)
            currency: str = "EUR"
            registry: ClassVar[dict] = {}

        def place_order(order: Order, *, notify: bool = True, **options) -> str:
            \"\"\"Place an order and return its confirmation id.\"\"\"
            return order.order_id
    """,
    "shop/ports.py": """
        from abc import ABC, abstractmethod
        from typing import Protocol, overload

        class PaymentGateway(Protocol):
            \"\"\"What every payment provider offers.\"\"\"
            async def charge(self, order_id: str, amount: int) -> str: ...
            def refund(self, charge_id: str) -> None: ...
            @property
            def name(self) -> str: ...

        class Store(ABC):
            @abstractmethod
            def load(self, key): ...
            def helper(self):
                return 1
    """,
    "shop/stripe.py": """
        from shop import PaymentGateway
        from shop.ports import Store

        class Stripe(PaymentGateway):
            async def charge(self, order_id, amount):
                return "ch_1"

        class MemoryStore(Store):
            pass
    """,
    "shop/app.py": """
        from shop import Order as O, place_order

        def run():
            return place_order(O("1", currency="USD"), notify=False, retries=3)
    """,
}


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "contract_lsp", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_extract_round_trip_reports_nothing(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    proc = cli(ws, "--extract", "shop.orders.Order", "shop.place_order", "shop.ports.PaymentGateway")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "name: Order" in text and "doc: A customer's order." in text
    assert "name: registry" not in text  # ClassVar is not a field
    assert "kind: keyword_only" in text and "var_keyword: true" in text
    assert "async: true" in text
    (ws / "contracts").mkdir()
    (ws / "contracts/extracted.yaml").write_text(text)
    # stripe.py really lacks methods of the protocol; everything else agrees with itself
    proc = cli(ws, "--check", "--format", "json", "shop/orders.py", "shop/ports.py", "shop/app.py", "shop/__init__.py")
    assert json.loads(proc.stdout) == [] and proc.returncode == 0, proc.stdout + proc.stderr
    proc = cli(ws, "--check", "--format", "json", "shop/stripe.py")
    assert [d["code"] for d in json.loads(proc.stdout)] == ["CL101"]


def test_extract_unknown_name_is_a_usage_error(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    proc = cli(ws, "--extract", "shop.nothing.Here")
    assert proc.returncode == 2 and "shop.nothing.Here" in proc.stderr


def test_discover_makes_protocols_and_abcs_contracts(tmp_path):
    ws = write_workspace(tmp_path, {**PACKAGE, "pyproject.toml": '[tool.contract-lsp]\ndiscover = ["protocols"]\n'})
    (ws / "pyproject.toml").write_text('[tool.contract-lsp]\ndiscover = ["protocols"]\n')
    proc = cli(ws, "--check")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("shop/stripe.py:4:7: CL101") and "'refund', 'name'" in line for line in lines), proc.stdout
    assert any(line.startswith("shop/stripe.py:8:7: CL101") and "'load'" in line for line in lines), proc.stdout
    assert not any("helper" in line for line in lines)


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.invalid", "-c", "user.name=t", *args], cwd=cwd, check=True, capture_output=True)


def test_diff_contracts_classifies_changes_across_a_real_history(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    contracts = ws / "contracts"
    contracts.mkdir()
    (contracts / "c.yaml").write_text(
        "version: 1\ncontracts:\n"
        "  - name: place_order\n    kind: callable\n    target: shop.place_order\n    parameters:\n"
        "      - {name: order, required: true}\n      - {name: notify, kind: keyword_only}\n      - {name: old_flag}\n      - {name: legacy}\n"
        "  - name: PaymentGateway\n    kind: protocol\n    target: shop.ports.PaymentGateway\n    methods:\n      - {name: charge, async: true}\n"
    )
    git(ws, "init", "-q")
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "v1")
    (contracts / "c.yaml").write_text(
        "version: 1\ncontracts:\n"
        "  - name: place_order\n    kind: callable\n    target: shop.place_order\n    parameters:\n"
        "      - {name: order, required: true}\n      - {name: notify, kind: keyword_only}\n"
        "      - {name: new_flag, deprecated_names: [old_flag]}\n      - {name: modern, removed_names: [legacy]}\n      - {name: extra}\n"
        "  - name: PaymentGateway\n    kind: protocol\n    target: shop.ports.PaymentGateway\n    methods:\n      - {name: charge, async: true}\n      - {name: refund}\n"
    )
    proc = cli(ws, "--diff-contracts", "HEAD")
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "compatible: place_order: parameter 'old_flag' renamed to 'new_flag'; the old name is still accepted" in out
    assert "breaking (migratable): place_order: parameter 'legacy' renamed to 'modern'" in out
    assert "CL003 with a safe fix" in out
    assert "compatible: place_order: new optional parameter 'extra'" in out
    assert "breaking: PaymentGateway: method 'refund' added" in out
    assert "shop/stripe.py:4 lacks it" in out
    data = json.loads(cli(ws, "--diff-contracts", "HEAD", "--format", "json").stdout)
    assert {d["message"] for d in data if d["breaking"]} >= {"method 'refund' added"}
    git(ws, "add", "-A")
    git(ws, "commit", "-qm", "v2")
    proc = cli(ws, "--diff-contracts", "HEAD")
    assert proc.returncode == 0 and "0 breaking" in proc.stdout


def test_impact_lists_call_sites_and_implementations(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    (ws / "contracts").mkdir()
    (ws / "contracts/c.yaml").write_text(
        "version: 1\ncontracts:\n"
        "  - name: place_order\n    kind: callable\n    target: shop.orders.place_order\n    parameters:\n"
        "      - {name: order, required: true}\n      - {name: notify, kind: keyword_only}\n"
        "  - name: PaymentGateway\n    kind: protocol\n    target: shop.ports.PaymentGateway\n    methods:\n      - {name: charge, async: true}\n"
    )
    proc = cli(ws, "--impact", "place_order")
    assert proc.stdout.splitlines()[0] == "shop/app.py:4:12: call invalid (CL001)"
    assert "place_order: 1 call site, 0 implementations, 1 invalid." in proc.stdout
    data = json.loads(cli(ws, "--impact", "PaymentGateway", "--format", "json").stdout)
    # charge(self, order_id, amount) requires parameters the contract does not pass: CL103
    assert data == [{"path": "shop/stripe.py", "line": 4, "column": 7, "kind": "implementation", "valid": False, "codes": ["CL103"]}]
    assert cli(ws, "--impact", "Nope").returncode == 2
