"""``contract-lsp --extract`` on a package shaped like real ones (issue 5): re-exports,
aliases, dataclasses with inheritance, NamedTuples, overloads, Protocols with properties
and overloads, ABCs. The round trip: the extracted YAML, used as the registry, checks the
code with no finding; and it is not vacuous: a wrong call is then reported."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from workspace_helpers import cli, write_workspace

PACKAGE = {
    "billing/__init__.py": """
        from .models import Invoice, LineItem
        from .service import charge_card as charge_card, BillingService
        from .ports import PaymentGateway, Ledger
    """,
    "billing/models.py": """
        from __future__ import annotations

        from dataclasses import KW_ONLY, dataclass, field
        from typing import ClassVar, NamedTuple, Optional


        @dataclass
        class Document:
            doc_id: str
            created_by: Optional[str] = None


        @dataclass
        class Invoice(Document):
            \"\"\"An invoice sent to a customer.

            Amounts are in cents.
            \"\"\"

            lines: list = field(default_factory=list)
            currency: str = "EUR"
            _: KW_ONLY
            paid: bool = False
            registry: ClassVar[dict] = {}


        class LineItem(NamedTuple):
            sku: str
            quantity: int = 1
    """,
    "billing/service.py": """
        from typing import Any, overload

        from .models import Invoice


        @overload
        def charge_card(invoice: Invoice) -> str: ...
        @overload
        def charge_card(invoice: Invoice, amount: int) -> str: ...
        def charge_card(invoice, amount=None, /, *, idempotency_key: str | None = None, **metadata: Any) -> str:
            \"\"\"Charge the customer's card for ``invoice``.\"\"\"
            return invoice.doc_id


        class BillingService:
            def __init__(self, gateway, *, retries: int = 3, **options):
                self.gateway = gateway

            def send(self, invoice: Invoice, email: str, cc=()) -> None:
                \"\"\"Email the invoice.\"\"\"
                self.notify(invoice, email=email)

            def notify(self, invoice, *, email):
                pass
    """,
    "billing/ports.py": """
        from __future__ import annotations

        import abc
        from typing import Protocol, TypeVar, overload

        T = TypeVar("T")


        class PaymentGateway(Protocol[T]):
            \"\"\"What every payment provider offers.\"\"\"

            async def authorize(self, invoice_id: str, amount: int, *, currency: str = "EUR") -> T: ...

            @overload
            def refund(self, charge_id: str) -> None: ...
            @overload
            def refund(self, charge_id: str, amount: int) -> None: ...

            @property
            def name(self) -> str: ...

            @name.setter
            def name(self, value: str) -> None: ...

            def describe(self) -> str:
                return f"gateway {self.name}"


        class Ledger(abc.ABC):
            @abc.abstractmethod
            def record(self, entry_id: str, amount: int) -> None:
                \"\"\"Record an entry.\"\"\"

            @property
            @abc.abstractmethod
            def balance(self) -> int: ...

            def close(self):
                return None
    """,
    "billing/stripe.py": """
        from billing import Ledger, PaymentGateway


        class StripeGateway(PaymentGateway[str]):
            name: str = "stripe"

            async def authorize(self, invoice_id, amount, *, currency="EUR"):
                return "auth"

            def refund(self, charge_id, amount=None):
                return None


        class SqlLedger(Ledger):
            balance = 0

            def record(self, entry_id, amount):
                pass
    """,
    "app/__init__.py": "",
    "app/checkout.py": """
        from billing import Invoice as Inv, LineItem, charge_card
        from billing.service import BillingService
        import billing.models


        def checkout(customer, gateway):
            invoice = Inv("inv-1", customer, lines=[LineItem("sku-1", quantity=2)], currency="USD", paid=False)
            again = billing.models.Invoice(doc_id="inv-2")
            service = BillingService(gateway, retries=1, timeout=3)
            service.send(invoice, "a@example.com", cc=["b@example.com"])
            return charge_card(invoice, 100, idempotency_key="k", source="web"), again
    """,
}

NAMES = [
    "billing.Invoice",
    "billing.models.LineItem",
    "billing.charge_card",
    "billing.service.BillingService",
    "billing.service.BillingService.send",
    "billing.ports.PaymentGateway",
    "billing.Ledger",
]




def extracted(ws: Path, *names: str) -> tuple[str, dict]:
    proc = cli(ws, "--extract", *names)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, {c["name"]: c for c in yaml.safe_load(proc.stdout)["contracts"]}


def test_extracted_contracts_describe_the_definitions(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    text, contracts = extracted(ws, *NAMES)
    assert text.startswith("# Generated by contract-lsp --extract billing.Invoice")
    assert list(contracts) == ["Invoice", "LineItem", "charge_card", "BillingService", "send", "PaymentGateway", "Ledger"]

    invoice = contracts["Invoice"]
    assert invoice["target"] == "billing.Invoice"  # as asked: the public, re-exported path
    assert invoice["doc"] == "An invoice sent to a customer.\n\nAmounts are in cents."
    assert "doc: |" in text  # multi-line docs as a block, as people write them
    # inherited dataclass fields first; ClassVar is no field; KW_ONLY makes the rest keyword-only
    assert invoice["parameters"] == [
        {"name": "doc_id", "required": True, "type": "str"},
        {"name": "created_by", "type": "Optional[str]", "default": "None"},
        {"name": "lines", "type": "list"},
        {"name": "currency", "type": "str", "default": "'EUR'"},
        {"name": "paid", "type": "bool", "default": "False", "kind": "keyword_only"},
    ]
    assert contracts["LineItem"]["parameters"] == [
        {"name": "sku", "required": True, "type": "str"},
        {"name": "quantity", "type": "int", "default": "1"},
    ]
    # the implementation's signature, not the first @overload's
    charge = contracts["charge_card"]
    assert charge["doc"] == "Charge the customer's card for ``invoice``."
    assert charge["parameters"] == [
        {"name": "invoice", "required": True, "kind": "positional_only"},
        {"name": "amount", "default": "None", "kind": "positional_only"},
        {"name": "idempotency_key", "type": "str | None", "default": "None", "kind": "keyword_only"},
    ]
    assert charge["var_keyword"] is True and "var_positional" not in charge
    assert contracts["BillingService"]["var_keyword"] is True
    assert [p["name"] for p in contracts["send"]["parameters"]] == ["invoice", "email", "cc"]  # no self
    assert contracts["send"]["target"] == "billing.service.BillingService.send"

    gateway = contracts["PaymentGateway"]
    assert gateway["kind"] == "protocol" and gateway["doc"] == "What every payment provider offers."
    methods = {m["name"]: m for m in gateway["methods"]}
    # a method with a body (describe) is inherited by implementations: not required
    assert list(methods) == ["authorize", "refund", "name"]
    assert methods["authorize"]["async"] is True
    assert methods["authorize"]["parameters"][2] == {"name": "currency", "type": "str", "default": "'EUR'", "kind": "keyword_only"}
    # overloads with no implementation: every parameter of any, required when all require it
    assert methods["refund"]["parameters"] == [
        {"name": "charge_id", "required": True, "type": "str"},
        {"name": "amount", "type": "int"},
    ]
    assert "parameters" not in methods["name"]  # a property; its setter adds no 'value'
    ledger = {m["name"]: m for m in contracts["Ledger"]["methods"]}
    assert list(ledger) == ["record", "balance"]  # abstract ones only
    assert ledger["record"]["doc"] == "Record an entry."


def test_round_trip_checks_clean_then_catches_a_wrong_call(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    text, _ = extracted(ws, *NAMES)
    (ws / "contracts").mkdir()
    (ws / "contracts" / "extracted.yaml").write_text(text, encoding="utf-8")

    proc = cli(ws, "--check", "--strict", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []

    checkout = ws / "app" / "checkout.py"
    source = checkout.read_text()
    checkout.write_text(source.replace("currency=\"USD\"", "currncy=\"USD\"").replace('"a@example.com", cc=', '"a@example.com", bcc='))
    broken = ws / "billing" / "paypal.py"
    broken.write_text("from billing.ports import PaymentGateway\n\n\nclass PayPal(PaymentGateway):\n    def authorize(self, invoice_id, amount, *, currency='EUR'):\n        pass\n")
    proc = cli(ws, "--check")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert any(line.startswith("app/checkout.py:7:") and "CL001" in line and "did you mean 'currency'" in line for line in lines), proc.stdout
    assert any(line.startswith("app/checkout.py:10:") and "CL001" in line and "'bcc'" in line for line in lines), proc.stdout
    assert any(line.startswith("billing/paypal.py:4:7: CL101") and "'refund', 'name'" in line for line in lines), proc.stdout
    assert any(line.startswith("billing/paypal.py:5:9: CL102") for line in lines), proc.stdout


def test_same_simple_name_twice_gets_qualified_names(tmp_path):
    ws = write_workspace(
        tmp_path,
        {
            "svc/__init__.py": "",
            "svc/a.py": "def build(x):\n    return x\n",
            "svc/b.py": "def build(y, *, z=1):\n    return y\n\n\nbuild(1, z=2)\n",
        },
    )
    text, contracts = extracted(ws, "svc.a.build", "svc.b.build")
    assert list(contracts) == ["svc.a.build", "svc.b.build"]
    (ws / "contracts").mkdir()
    (ws / "contracts" / "x.yaml").write_text(text)
    proc = cli(ws, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_constructor_from_a_base_outside_the_workspace_accepts_anything(tmp_path):
    ws = write_workspace(
        tmp_path,
        {
            "web/__init__.py": "",
            "web/errors.py": "class NotFound(LookupError):\n    \"\"\"404.\"\"\"\n\n\nclass Plain:\n    pass\n",
        },
    )
    _, contracts = extracted(ws, "web.errors.NotFound", "web.errors.Plain")
    assert contracts["NotFound"]["var_positional"] is True and contracts["NotFound"]["var_keyword"] is True
    assert contracts["Plain"]["parameters"] == [] and "var_keyword" not in contracts["Plain"]


def test_names_that_are_not_definitions_are_usage_errors(tmp_path):
    ws = write_workspace(tmp_path, PACKAGE)
    proc = cli(ws, "--extract", "billing.Invoice", "billing.nothing.Here")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "billing.nothing.Here" in proc.stderr
    proc = cli(ws, "--extract", "billing.models")
    assert proc.returncode == 2 and "is a module" in proc.stderr
