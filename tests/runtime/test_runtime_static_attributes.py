"""The static half of protocol ``attributes`` (SPEC §7): an implementation class provides a
required attribute by assigning or annotating it in its body, assigning ``self.<name>`` in a
method, or a property; otherwise CL101 lists it after the missing methods."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from contract_lsp.engine import check_source
from contract_lsp.project import open_project

CONTRACTS = """
version: 1
contracts:
  - name: AppState
    kind: protocol
    target: app.state.AppStateProtocol
    methods:
      - {name: ready}
    attributes:
      - {name: bridge, type: app.bridge.Bridge}
      - {name: factory}
      - {name: pool, optional: true}
"""

FILES = {
    "contracts/app.yaml": CONTRACTS,
    "app/__init__.py": "",
    "app/state.py": """
        from typing import Protocol

        class AppStateProtocol(Protocol):
            bridge: object      # a protocol's annotation promises; it provides nothing
            factory: object
            def ready(self) -> bool: ...

        class Assigned(AppStateProtocol):
            def __init__(self):
                self.bridge = None
            def configure(self, factory):
                self.factory = factory       # any method, as startup phases do
            def ready(self):
                return True

        class Declared(AppStateProtocol):
            bridge: object
            factory = None
            def ready(self):
                return True

        class ByProperty(AppStateProtocol):
            @property
            def bridge(self):
                return 1
            def __init__(self):
                setattr(self, "factory", 2)
            def ready(self):
                return True

        class Missing(AppStateProtocol):
            def __init__(self):
                self.pool = None             # optional: not needed anyway
                other = self
                other.bridge = 1             # not the first parameter: does not count
            def ready(self):
                return True

        class MissingBoth(AppStateProtocol):
            def __init__(self):
                self.factory = 1

        class Base:
            def __init__(self):
                self.bridge = None
                self.factory = None
    """,
    "app/derived.py": """
        from app.state import AppStateProtocol, Base

        class Derived(Base, AppStateProtocol):   # attributes assigned in another module's base
            def ready(self):
                return True
    """,
}


def write(root: Path) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "ws"\n')
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def findings_of(root: Path) -> list[tuple[str, int, str, str]]:
    files = sorted(str(p) for p in root.rglob("*.py"))
    project = open_project(root, files)
    assert not project.registry.errors, project.registry.errors
    project.expand_words({p: Path(p).read_bytes() for p in files})
    out = []
    for path in files:
        text = Path(path).read_text(encoding="utf-8")
        for f in check_source(text, path, project.table, selection=project.settings, mentions=project.mentions):
            out.append((os.path.relpath(path, root), f.range.start.line + 1, f.code, f.message))
    return out


def test_attributes_missing_from_implementations_are_listed_in_cl101(tmp_path):
    write(tmp_path)
    found = findings_of(tmp_path)
    state = (tmp_path / "app/state.py").read_text().splitlines()
    line = {name: next(i for i, text in enumerate(state, 1) if text.startswith(f"class {name}(")) for name in ("Missing", "MissingBoth")}
    assert found == [
        ("app/state.py", line["Missing"], "CL101", "Missing does not provide 2 attributes of AppState: 'bridge', 'factory'"),
        ("app/state.py", line["MissingBoth"], "CL101", "MissingBoth does not implement 1 method of AppState: 'ready'; nor does it provide 1 attribute: 'bridge'"),
    ]


def test_missing_attributes_get_no_stubs(tmp_path):
    write(tmp_path)
    files = sorted(str(p) for p in tmp_path.rglob("*.py"))
    project = open_project(tmp_path, files)
    path = str(tmp_path / "app/state.py")
    findings = check_source(Path(path).read_text(), path, project.table, selection=project.settings)
    fixes = {f.message.split(" ")[0]: f.fix for f in findings}
    assert fixes["Missing"] is None  # attributes only: nothing to stub
    assert fixes["MissingBoth"] is not None and fixes["MissingBoth"].title == "Add stubs for 'ready'"
    assert "bridge" not in fixes["MissingBoth"].edits[0].new_text
