"""CL001–CL006 (SPEC §3.1) on real sources in real workspaces."""

from __future__ import annotations

import ast

import pytest

from contract_lsp.fixes import apply_edits
from contract_lsp.noqa import noqa_edit, string_literal_test

from workspace_helpers import check_workspace, codes_at, line_of, write_workspace

#: every rule test runs with the fast paths on and off (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("fast_path")

CONTRACTS = """
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: app.context.UserExecutionContext
    doc: Per-request context.
    parameters:
      - {name: user_id, required: true, type: str}
      - {name: run_id, required: true}
      - name: websocket_client_id
        deprecated_names: [websocket_connection_id]
        removed_names: [connection_id]
      - {name: db_session}
  - name: send_to_user
    kind: callable
    target: app.manager.Manager.send_to_user
    parameters:
      - {name: user_id, required: true}
      - {name: message, required: true}
  - name: create_context
    kind: callable
    target: app.factory.create_context
    var_keyword: true
    forwards_to: UserExecutionContext
    parameters:
      - {name: request, required: true}
  - name: emit
    kind: callable
    target: app.events.emit
    match: name
    parameters:
      - {name: event, required: true}
      - {name: payload_data, deprecated_names: [payload]}
"""

PACKAGE = {
    "contracts/app.yaml": CONTRACTS,
    "app/__init__.py": "from .context import UserExecutionContext\n",
    "app/context.py": """
        class UserExecutionContext:
            def __init__(self, user_id, run_id, websocket_client_id=None, db_session=None):
                self.user_id = user_id
    """,
    "app/manager.py": """
        class Manager:
            def send_to_user(self, user_id, message):
                return None

            def broadcast(self, message):
                self.send_to_user(message=message)
    """,
    "app/factory.py": """
        from app.context import UserExecutionContext

        def create_context(request, **kwargs):
            return UserExecutionContext(request.user, request.run, **kwargs)
    """,
    "app/events.py": """
        def emit(event, payload_data=None):
            return (event, payload_data)
    """,
}


@pytest.fixture
def workspace(tmp_path):
    return write_workspace(tmp_path, PACKAGE)


def run(workspace, rel, source):
    (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
    (workspace / rel).write_text(source, encoding="utf-8")
    return check_workspace(workspace, only=rel)[rel]


def test_removed_keyword_through_function_local_import_is_cl003_with_safe_fix(workspace):
    src = (
        "def get_supervisor(ctx):\n"
        "    from app.context import UserExecutionContext\n"
        "    return UserExecutionContext(user_id=ctx.user, run_id=ctx.run, connection_id=ctx.conn)\n"
    )
    findings = run(workspace, "app/supervisor.py", src)
    assert codes_at(findings) == [(3, 67, "CL003")]
    fix = findings[0].fix
    assert fix is not None and fix.safe
    (edit,) = fix.edits
    assert edit.new_text == "websocket_client_id"
    assert (edit.range.start.character, edit.range.end.character) == (66, 66 + len("connection_id"))
    assert findings[0].contract.name == "UserExecutionContext"
    assert findings[0].contract.path.endswith("app.yaml") and findings[0].contract.line == 3


def test_deprecated_keyword_through_alias_and_reexport_is_cl002_tagged_deprecated(workspace):
    src = "from app import UserExecutionContext as Ctx\n\nCtx('u', 'r', websocket_connection_id='c')\n"
    findings = run(workspace, "app/handler.py", src)
    assert codes_at(findings) == [(3, 15, "CL002")]
    assert findings[0].severity == "warning" and findings[0].deprecated
    assert findings[0].fix.safe and findings[0].fix.edits[0].new_text == "websocket_client_id"


def test_module_attribute_access_and_relative_import(workspace):
    src = (
        "import app.context\n"
        "from . import context as ctxmod\n"
        "from .context import UserExecutionContext as UEC\n"
        "app.context.UserExecutionContext('u', 'r', connection_id=1)\n"
        "ctxmod.UserExecutionContext('u', 'r', connection_id=1)\n"
        "UEC('u', 'r', connection_id=1)\n"
    )
    findings = run(workspace, "app/routes.py", src)
    assert [(line, code) for line, _, code in codes_at(findings)] == [(4, "CL003"), (5, "CL003"), (6, "CL003")]


def test_unknown_keyword_is_cl001_with_unsafe_suggestion(workspace):
    findings = run(workspace, "app/x.py", "from app.context import UserExecutionContext\nUserExecutionContext(user_idd='u', run_id=1)\n")
    codes = [f.code for f in findings]
    assert "CL001" in codes
    cl001 = next(f for f in findings if f.code == "CL001")
    assert "did you mean 'user_id'" in cl001.message
    assert cl001.fix is not None and not cl001.fix.safe and cl001.fix.edits[0].new_text == "user_id"
    # user_id is then missing: CL004 on the callee
    cl004 = next(f for f in findings if f.code == "CL004")
    assert "'user_id'" in cl004.message and cl004.range.start.character == 0


def test_no_rename_to_a_suggestion_that_is_passed_already(workspace):
    """Renaming ``user_idd`` to ``user_id`` next to ``user_id=`` (or to a parameter passed by
    position, or by an old name) would repeat it: the suggestion stays, the fix goes."""
    src = (
        "from app.context import UserExecutionContext\n"
        "UserExecutionContext(user_id='u', user_idd='v', run_id=1)\n"
        "UserExecutionContext('u', 'r', run_idd=1)\n"
        "UserExecutionContext('u', 'r', connection_id=1, websocket_client_idd=2)\n"
        "UserExecutionContext('u', 'r', db_sesion=1)\n"
    )
    cl001 = [f for f in run(workspace, "app/x.py", src) if f.code == "CL001"]
    assert [(f.range.start.line + 1, f.fix is None) for f in cl001] == [(2, True), (3, True), (4, True), (5, False)]
    assert "did you mean 'user_id'? It is passed already" in cl001[0].message
    assert cl001[3].fix is not None and cl001[3].fix.edits[0].new_text == "db_session"


def test_cls_calls_an_instance_method_unbound_in_a_class_method(workspace):
    """In a ``@classmethod``, ``cls.send_to_user(obj, ...)`` passes ``self`` explicitly, as
    ``Manager.send_to_user(obj, ...)`` does; a class method's own callee stays bound."""
    src = (
        "from app.manager import Manager\n"
        "class Sub(Manager):\n"
        "    @classmethod\n"
        "    def notify(cls, manager):\n"
        "        cls.send_to_user(manager, 'u', 'hi')\n"  # fine: manager fills self
        "        cls.send_to_user(manager, 'u')\n"  # CL004: message missing
        "    def again(self):\n"
        "        self.send_to_user('u', 'hi')\n"  # fine: bound
    )
    findings = run(workspace, "app/sub.py", src)
    assert [(f.range.start.line + 1, f.code) for f in findings] == [(6, "CL004")]


def test_unknown_keyword_without_close_match_has_no_fix(workspace):
    findings = run(workspace, "app/x.py", "from app.context import UserExecutionContext\nUserExecutionContext('u', 'r', zzz=1)\n")
    (finding,) = findings
    assert finding.code == "CL001" and finding.fix is None


def test_missing_required_and_too_many_positional(workspace):
    src = "from app.context import UserExecutionContext\nUserExecutionContext()\nUserExecutionContext(1, 2, 3, 4, 5)\n"
    findings = run(workspace, "app/x.py", src)
    assert codes_at(findings) == [(2, 1, "CL004"), (3, 1, "CL005")]
    assert "'user_id', 'run_id'" in findings[0].message
    assert "at most 4 positional" in findings[1].message
    assert findings[1].range.end.character == len("UserExecutionContext")


def test_parameter_passed_twice_is_cl006_and_disables_rename(workspace):
    src = (
        "from app.context import UserExecutionContext\n"
        "UserExecutionContext('u', 'r', websocket_client_id=1, websocket_connection_id=2)\n"
        "UserExecutionContext('u', 'r', user_id='again')\n"
    )
    findings = run(workspace, "app/x.py", src)
    by_code = {(f.range.start.line + 1, f.code): f for f in findings}
    assert set(by_code) == {(2, "CL002"), (2, "CL006"), (3, "CL006")}
    assert by_code[(2, "CL002")].fix is None  # renaming would duplicate websocket_client_id
    assert "positionally" in by_code[(3, "CL006")].message


def test_splats_are_checked_only_for_what_can_be_known(workspace):
    src = (
        "from app.context import UserExecutionContext\n"
        "def f(*a, **kw):\n"
        "    UserExecutionContext(**kw)\n"
        "    UserExecutionContext(*a)\n"
        "    UserExecutionContext(*a, connection_id=1)\n"
    )
    findings = run(workspace, "app/x.py", src)
    assert codes_at(findings) == [(5, 30, "CL003")]


def test_same_named_class_and_local_variables_never_match(workspace):
    src = (
        "class UserExecutionContext:\n"
        "    def __init__(self, **kw):\n"
        "        pass\n"
        "UserExecutionContext(anything=1)\n"
        "def g(UserExecutionContext):\n"
        "    return UserExecutionContext(foo=1)\n"
        "def h():\n"
        "    from app.context import UserExecutionContext\n"
        "    UserExecutionContext = dict\n"
        "    return UserExecutionContext(bar=1)\n"
    )
    assert run(workspace, "app/legacy.py", src) == []


def test_try_import_with_fallback_resolves_to_the_import(workspace):
    src = (
        "try:\n"
        "    from app.context import UserExecutionContext\n"
        "except ImportError:\n"
        "    UserExecutionContext = None\n"
        "UserExecutionContext('u', 'r', connection_id=1)\n"
    )
    findings = run(workspace, "app/x.py", src)
    assert [f.code for f in findings] == ["CL003"]


def test_method_targets_match_self_annotated_and_assigned_receivers(workspace):
    findings = check_workspace(workspace, only="app/manager.py")["app/manager.py"]
    assert codes_at(findings) == [(line_of(workspace, "app/manager.py", "self.send_to_user"), 9, "CL004")]
    src = (
        "from app.manager import Manager\n"
        "def a(m: Manager):\n"
        "    m.send_to_user('u')\n"
        "def b():\n"
        "    m = Manager()\n"
        "    m.send_to_user('u', 'x', 'extra')\n"
        "def c(m):\n"
        "    m.send_to_user('u')  # untyped receiver: match is qualified, so no finding\n"
        "Manager.send_to_user(Manager(), 'u', 'm')\n"
    )
    findings = run(workspace, "app/y.py", src)
    assert [(f.range.start.line + 1, f.code) for f in findings] == [(3, "CL004"), (6, "CL005")]


def test_match_name_matches_untyped_receivers_but_not_other_bindings(workspace):
    src = (
        "def f(bus):\n"
        "    bus.emit('start', payload={'a': 1})\n"
        "def g():\n"
        "    emit = print\n"
        "    emit('x', payload=1)\n"
    )
    findings = run(workspace, "app/z.py", src)
    assert codes_at(findings) == [(2, 23, "CL002")]


def test_forwards_to_accepts_and_checks_forwarded_keywords(workspace):
    src = (
        "from app.factory import create_context\n"
        "create_context(req, user_id='u', websocket_connection_id='c', whatever=1)\n"
        "create_context()\n"
    )
    findings = run(workspace, "app/z.py", src)
    assert [(f.range.start.line + 1, f.code) for f in findings] == [(2, "CL002"), (3, "CL004")]


def test_columns_are_code_points_after_non_ascii(workspace):
    src = "from app.context import UserExecutionContext\nUserExecutionContext(user_id='é🙂', run_id=1, connection_id=2)\n"
    (finding,) = run(workspace, "app/z.py", src)
    line = src.splitlines()[1]
    assert finding.range.start.character == line.index("connection_id")


def test_noqa_suppresses_named_codes_only(workspace):
    src = (
        "from app.context import UserExecutionContext\n"
        "UserExecutionContext('u', 'r', connection_id=1)  # noqa: CL003\n"
        "UserExecutionContext('u', 'r', connection_id=1)  # noqa: CL002\n"
        "UserExecutionContext('u', 'r', connection_id=1)  # noqa\n"
    )
    findings = run(workspace, "app/z.py", src)
    assert [(f.range.start.line + 1, f.code) for f in findings] == [(3, "CL003")]


def test_noqa_inside_a_string_literal_suppresses_nothing(workspace):
    src = (
        "from app.context import UserExecutionContext\n"
        "s = '# noqa'; UserExecutionContext('u', 'r', connection_id=1)\n"
        "UserExecutionContext('u', 'r', connection_id=1, note=f'é # noqa: CL003')\n"
        "UserExecutionContext('u', 'r', connection_id=1, note='# noqa: CL001')  # noqa: CL003\n"
    )
    findings = run(workspace, "app/z.py", src)
    # line 4: the comment after the string counts, the string's text does not
    assert [(f.range.start.line + 1, f.code) for f in findings] == [(2, "CL003"), (3, "CL003"), (3, "CL001"), (4, "CL001")]


def test_disable_for_this_line_leaves_a_noqa_in_a_string_alone():
    """The quick fix's edit finds the ``# noqa`` comment as suppression does: text in a
    string literal is not one, so a new comment is appended (or the real one extended)."""
    src = "s = '# noqa: CL001'; f(connection_id=1)\nt = '# noqa'; f(connection_id=1)  # noqa: CL001\n"
    tree = ast.parse(src)
    lines = src.splitlines()
    edits = [noqa_edit(line, i, "CL003", string_literal_test(tree, i, line)) for i, line in enumerate(lines)]
    fixed = apply_edits(src, edits)
    assert fixed == "s = '# noqa: CL001'; f(connection_id=1)  # noqa: CL003\nt = '# noqa'; f(connection_id=1)  # noqa: CL001, CL003\n"


def test_files_without_contracted_names_are_not_even_parsed(workspace, fast_path):
    # A syntax error would raise if the file were parsed; the prefilter skips it.
    if not fast_path:
        pytest.skip("what the prefilter saves: with the fast paths off every file is parsed")
    assert run(workspace, "app/broken.py", "def (:\n") == []


def test_a_target_reexported_under_another_name_is_checked_under_both(tmp_path):
    """``target: pkg.Ctx`` where ``pkg`` re-exports ``UserExecutionContext as Ctx``: calls
    by the defining name resolve to the same target, and drift is reported at the
    definition, whose file never says ``Ctx``."""
    root = write_workspace(tmp_path, {
        "contracts/c.yaml": """
            version: 1
            contracts:
              - name: Ctx
                kind: callable
                target: pkg.Ctx
                parameters:
                  - {name: user_id, required: true}
                  - {name: request_id}
        """,
        "pkg/__init__.py": "from .context import UserExecutionContext as Ctx\n",
        "pkg/context.py": "class UserExecutionContext:\n    def __init__(self, user_id):\n        pass\n",
        "app/use.py": (
            "from pkg.context import UserExecutionContext\n"
            "UserExecutionContext(user_id=1, bogus=2)\n"
            "from pkg import Ctx\n"
            "Ctx(user_id=1, bogus=3)\n"
        ),
    })
    found = check_workspace(root)
    assert codes_at(found["app/use.py"]) == [(2, 33, "CL001"), (4, 16, "CL001")]
    assert codes_at(found["pkg/context.py"]) == [(1, 7, "CL201")]


def test_a_function_defined_under_match_is_a_target(tmp_path):
    """Bindings, facts and calls walk the same statements (index/statements.py): a function
    defined in a ``match`` case has facts, so it resolves as a definition."""
    import ast

    from contract_lsp.index.facts import build_module_facts
    from contract_lsp.index.workspace import build_index

    source = "import sys\nmatch sys.platform:\n    case 'linux':\n        def target(a, b):\n            pass\n    case _:\n        def target(a):\n            pass\n"
    facts = build_module_facts(ast.parse(source), "mod", str(tmp_path / "mod.py"), False, source.splitlines(True))
    assert "target" in facts.functions
    (tmp_path / "mod.py").write_text(source)
    index = build_index([tmp_path / "mod.py"])
    assert index.resolve("mod.target").kind == "function"
