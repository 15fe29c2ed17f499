"""What a file's import statements bind, read without parsing the file
(``contract_lsp.index.import_scan``), as the triage uses it."""

from __future__ import annotations

from contract_lsp.index.import_scan import ImportScan

SOURCE = b'''import os, re as regex
from . import sibling
from .pkg import (a,  # a note (with parentheses)
    c as d)
import a.b.c
def later():
    from x.y import z
try: import maybe
except ImportError: pass
s = "import nothing"
class Line: pass
x = 1; import late, \\
    later2
'''


def test_import_statements_are_read_one_by_one():
    scan = ImportScan(SOURCE, "app.mod", False)
    assert scan.import_targets("os") == {"os"}
    assert scan.import_targets("regex") == {"re"}
    assert scan.import_targets("re") == set()  # bound as ``regex`` only
    assert scan.import_targets("sibling") == {"app.sibling"}
    assert scan.import_targets("a") == {"app.pkg.a", "a"}  # both statements
    assert scan.import_targets("d") == {"app.pkg.c"}  # past a comment holding ")"
    assert scan.import_targets("z") == {"x.y.z"}  # inside a function
    assert scan.import_targets("late") == {"late"} and scan.import_targets("later2") == {"later2"}
    assert scan.import_targets("nothing") == set()  # a string that reads as an import binds nothing


def test_what_cannot_be_read_alone_is_unknown():
    scan = ImportScan(SOURCE, "app.mod", False)
    assert scan.import_targets("maybe") is None  # ``try: import maybe`` does not parse alone
    star = ImportScan(b"from helpers import *\n", "app.mod", False)
    assert star.import_targets("anything") is None


def test_definitions_by_def_and_class():
    scan = ImportScan(SOURCE, "app.mod", False)
    assert scan.defines("Line") and scan.defines("later")
    assert not scan.defines("line") and not scan.defines("os")
