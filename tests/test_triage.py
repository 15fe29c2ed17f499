"""The second prefilter (``contract_lsp.rules.triage``): which mentions spare a file its
parse, and that sparing it never changes its findings.

The property tests compare ``check_source`` as the front ends call it (prefilter and
triage) with ``check_source`` on a tree parsed here, which skips both: any file the triage
wrongly spares shows up as a missing finding.
"""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import pytest

from contract_lsp.engine import SourceError, check_source
from contract_lsp.project import open_project
from contract_lsp.rules.triage import may_have_findings
from workspace_helpers import write_workspace

CONTRACTS = """
version: 1
contracts:
  - name: remove_tree
    kind: callable
    target: pkg.ops.remove_tree
    parameters:
      - {name: path, required: true}
      - {name: ignore_errors, default: "False"}
      - {name: onexc, default: None, deprecated_names: [onerror]}
  - name: Service.send
    kind: callable
    target: pkg.svc.Service.send
    parameters:
      - {name: message, required: true}
      - {name: retries, kind: keyword_only, default: "0"}
  - name: split
    kind: callable
    target: pkg.text.split
    match: name
    parameters:
      - {name: pattern, required: true}
      - {name: string, required: true}
  - name: Sender
    kind: protocol
    target: pkg.proto.Sender
    methods:
      - {name: send, parameters: [message]}
"""

FILES = {
    "contracts/c.yaml": CONTRACTS,
    "pkg/__init__.py": "",
    "pkg/ops.py": "def remove_tree(path, ignore_errors=False, onexc=None):\n    pass\n",
    "pkg/svc.py": "class Service:\n    def send(self, message, *, retries=0):\n        pass\n",
    "pkg/text.py": "def split(pattern, string):\n    pass\n",
    "pkg/proto.py": "from typing import Protocol\n\nclass Sender(Protocol):\n    def send(self, message): ...\n",
    "app/__init__.py": "",
    "app/user.py": "",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_workspace(tmp_path_factory.mktemp("triage"), FILES)
    files = [str(p) for p in root.rglob("*.py")]
    project = open_project(root, files)
    assert not project.registry.errors
    project.expand_words({p: Path(p).read_bytes() for p in files})
    project.user_path = str(root / "app" / "user.py")  # type: ignore[attr-defined]
    return project


def spared(project, source: str, module: str = "app.user") -> bool:
    return not may_have_findings(source.encode(), module, project.table, project.mentions)


@pytest.mark.parametrize(
    "source",
    [
        "from pkg.ops import remove_tree\nremove_tree(p)\n",
        "import pkg.ops\npkg.ops.remove_tree(\n    p,\n    ignore_errors=True,  # (onerror=h)\n)\n",
        "cleanups.append(remove_tree)\nx = [remove_tree]  # remove_tree(p, onerror=h)\n",
        "def f(tree: remove_tree) -> None:\n    pass\n",
        "# remove_tree(p, onerror=h)\n",
        "from pkg.proto import Sender\n",
        "svc.send('hi', retries=1)\nself.send(message='hi')\n",
        "'a,b'.split(',', 'a,b')\nparts[0].split(pattern, string)\n",
        "helpers.remove_tree(p, onerror=h)\nremove_tree(p, onerror=h)\n",
        "import os\nos.path.remove_tree(p, onerror=h)\n",
        "def remove_tree(p, onerror=None):\n    pass\nclass Sender:\n    pass\n",
        "from pkg.proto import Sender\nif isinstance(x, Sender):\n    '''Sender'''\n",
        "doc.strip().remove_tree(p, onerror=h)\n(doc).lower().remove_tree(p, onerror=h)\n",
    ],
    ids=["accepted call", "multi-line call", "values and a comment", "annotation", "comment",
         "import", "method calls", "by-name contract on a computed receiver",
         "names no import binds", "an import that leads elsewhere", "definitions of the same names",
         "a protocol outside base lists", "calls on a call's result"],
)
def test_harmless_mentions_spare_the_parse(project, source):
    assert spared(project, source)
    assert check_source(source, project.user_path, project.table, mentions=project.mentions, tree=ast.parse(source)) == []


@pytest.mark.parametrize(
    "source",
    [
        "from pkg.ops import remove_tree\nremove_tree(p, onerror=h)\n",
        "from pkg.ops import remove_tree\nremove_tree()\n",
        "import os; from pkg.ops import remove_tree; remove_tree(p, onerror=h)\n",  # not an import line
        "from pkg.ops import remove_tree\ns = '#'; remove_tree(p, onerror=h)\n",  # a '#' in a string
        "from pkg.ops import remove_tree\nx = '''\nend # ''' + str(remove_tree(p, onerror=h))\n",
        "import pkg\npkg.ops.remove_tree(p, onerror=h)\n",
        "try:\n    from pkg.ops import remove_tree\nexcept ImportError:\n    remove_tree = None\nremove_tree(p, onerror=h)\n",
        "from pkg.ops import (  # the ops (all of them)\n    remove_tree,\n)\nremove_tree(p, onerror=h)\n",
        "x = (remove_tree\n     (p, onerror=h))\n",  # the call's '(' on the next line
        "class Mine(\n    Base,  # (not Sender)\n    Sender,\n):\n    pass\n",
        "class Mine(Sender):\n    pass\n",
        "svc.send('hi', tries=1)\n",
        "'a,b'.split(',')\n",  # matched by name, whatever the receiver
        "from pkg.svc import Service\nService.send(svc)\n",  # unbound: svc fills self, message missing
    ],
)
def test_mentions_that_may_be_findings_are_parsed(project, source):
    assert not spared(project, source)


def test_the_module_defining_a_target_is_always_parsed(project):
    # CL201 is reported at the definition, whatever its text says
    assert not spared(project, "def remove_tree(path):\n    pass\n# remove_tree\n", module="pkg.ops")
    assert spared(project, "# remove_tree\n", module="app.user")


def test_an_alias_that_rebinds_another_contracted_name_is_parsed(tmp_path):
    root = write_workspace(tmp_path, {
        **FILES,
        "pkg/__init__.py": "from pkg.ops import remove_tree as split\n",
    })
    files = [str(p) for p in root.rglob("*.py")]
    project = open_project(root, files)
    project.expand_words({p: Path(p).read_bytes() for p in files})
    assert "split" in project.mentions.rebound
    source = "from pkg import split\nsplit(p, onerror=h)\n"
    assert not spared(project, source)
    findings = check_source(source, str(root / "app/user.py"), project.table, mentions=project.mentions)
    # the call resolves to remove_tree (CL002), and the by-name contract applies as well
    assert "CL002" in [f.code for f in findings]


def test_a_spared_file_is_not_parsed_unless_asked(project):
    """SPEC §4: a file the triage proves harmless is neither parsed nor named; a caller that
    must know it parses (``--fix`` re-checking its own output) asks for the syntax check."""
    source = "from pkg.ops import remove_tree\ndef broken(:\n"
    assert spared(project, source)
    assert check_source(source, project.user_path, project.table, mentions=project.mentions) == []
    with pytest.raises(SourceError, match="syntax error"):
        check_source(source, project.user_path, project.table, mentions=project.mentions, check_spared_syntax=True)


# -- the property: triage never changes findings ---------------------------------------------

# Each fragment brings its own imports, so that it has its findings on its own; pairs then
# put a harmless mention next to a finding and a finding next to a shadowing definition.
_FRAGMENTS = [
    "from pkg.ops import remove_tree\nremove_tree(p)",
    "from pkg.ops import remove_tree\nremove_tree(p, onerror=h)",
    "from pkg.ops import remove_tree\nremove_tree(p, True, None, 4)",
    "from pkg.ops import remove_tree as rt\nrt(p, onerror=h)",
    "import pkg.ops\npkg.ops.remove_tree(path=p, onexc=h)",
    "import pkg.ops\npkg.ops.remove_tree(p, onerror=h, onexc=h)",
    "import pkg.ops\nx = pkg.ops.remove_tree",
    "remove_tree = make()\nremove_tree(p, onerror=h)",
    "from pkg.ops import remove_tree\ns = 'remove_tree(p, onerror=h)'",
    "# remove_tree(p, onerror=h)",
    "from pkg.svc import Service\nService().send('hi')",
    "from pkg.svc import Service\nService.send(svc, 'hi')",
    "from pkg.svc import Service\nService.send(svc)",
    "from pkg.svc import Service\nsvc = Service()\nsvc.send(tries=2)",
    "'a'.split(',')",
    "split('a', 'b')",
    "from pkg.proto import Sender\nclass Mine(Sender):\n    def send(self, message): pass",
    "from pkg.proto import Sender\nclass Other(Sender):\n    async def send(self, message): pass",
    "from pkg.proto import Sender\nclass Third(Sender):\n    pass",
    "import pkg.proto as p\nclass Fourth(p.Sender):\n    pass",
    "from pkg.ops import remove_tree\ndef helper(remove_tree):\n    remove_tree(p, onerror=h)",
    "def later():\n    from pkg.ops import remove_tree\n    return remove_tree(p, onerror=h)",
    "from pkg.ops import remove_tree\nx = (remove_tree\n     (p, onerror=h))",
    "from pkg.ops import remove_tree\ny = \'\'\'\nremove_tree(p, onerror=h)\n\'\'\'",
    "remove_tree(p, onerror=h)",
    "helpers.remove_tree(p, onerror=h)",
    "import pkg\npkg.ops.remove_tree(p, onerror=h)",
    "import pkg.ops as o\no.remove_tree(p, onerror=h)",
    "from pkg import ops\nops.remove_tree(p, onerror=h)",
    "from pkg.ops import *\nremove_tree(p, onerror=h)",
    "def remove_tree(p, onerror=None): pass\nremove_tree(p, onerror=h)",
    "try:\n    from pkg.ops import remove_tree\nexcept ImportError:\n    remove_tree = None\nremove_tree(p, onerror=h)",
    "from pkg.ops import (  # the ops (all of them)\n    remove_tree,\n)\nremove_tree(p, onerror=h)",
    "import os\nos.path.remove_tree(p, onerror=h)",
    "from pkg.proto import Sender\nclass Fifth(\n    object,\n    Sender,\n):\n    pass",
    "from pkg.proto import Sender\nok = isinstance(y, Sender)",
    "import pkg\n(pkg.ops).remove_tree(p, onerror=h)",
    "import pkg\nx = (pkg.ops.remove_tree)(p, onerror=h)",
    # a class method's ``cls.method(obj, ...)`` passes ``self`` explicitly
    "class Cfg:\n    def split(self, pattern, string): pass\n    @classmethod\n    def load(cls, obj):\n        return cls.split(obj, 'a')",
    "class Cfg:\n    def split(self, pattern, string): pass\n    @classmethod\n    def load(cls, obj):\n        return cls.split(obj, 'a', 'b')",
    "class Cfg:\n    @staticmethod\n    def load(cls, obj):\n        return cls.split(obj, 'a', 'b')",
]


def _same_findings(project, source: str) -> None:
    key = lambda findings: sorted((f.code, f.range.start.line, f.range.start.character) for f in findings)  # noqa: E731
    fast = check_source(source, project.user_path, project.table, mentions=project.mentions)
    full = check_source(source, project.user_path, project.table, mentions=project.mentions, tree=ast.parse(source))
    assert key(fast) == key(full), source


def test_triage_never_changes_findings(project):
    """Every fragment alone and every ordered pair (a fragment's names may be shadowed by
    the next one's): the same findings with the triage as with a parse."""
    for first in _FRAGMENTS:
        _same_findings(project, first + "\n")
        for second in _FRAGMENTS:
            _same_findings(project, first + "\n" + second + "\n")


def test_triage_never_changes_findings_on_the_standard_library(tmp_path):
    """Every stdlib file that mentions a word of the stdlib contracts (~250 files), checked
    both ways; most are spared, none may differ."""
    stdlib = Path(sysconfig.get_path("stdlib"))
    contracts = Path(__file__).resolve().parent.parent / "benchmarks" / "stdlib" / "contracts"
    (tmp_path / "pyproject.toml").write_text(f'[tool.contract-lsp]\ncontracts = ["{contracts}"]\n')
    files = [str(p) for p in stdlib.rglob("*.py") if "site-packages" not in p.parts]
    project = open_project(tmp_path, files)
    mentions = project.mentions
    compared = spared_count = 0
    for path in files:
        data = Path(path).read_bytes()
        if not mentions(data):
            continue
        try:
            text = data.decode("utf-8")
            tree = ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
            continue
        compared += 1
        module = project.index.module_map.module_of(path) or ""
        spared_count += not may_have_findings(data, module, project.table, mentions)
        fast = check_source(text, path, project.table, mentions=mentions)
        full = check_source(text, path, project.table, mentions=mentions, tree=tree)
        assert [(f.code, f.range) for f in fast] == [(f.code, f.range) for f in full], path
    assert compared > 100 and spared_count > compared // 2, (compared, spared_count)
