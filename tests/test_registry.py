"""The registry loader (SPEC §1, §2): contract files on disk -> contracts with 1-based marks,
and CL900 errors at the line and column of the offending node."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract_lsp.registry.loader import (
    MAX_BYTES,
    SCHEMA_PATH,
    find_contract_files,
    load_registry,
    parse_contract_text,
)
from contract_lsp.registry.model import (
    AttributeSpec,
    CallableContract,
    ContractFileError,
    ProtocolContract,
    SourceMark,
)

REPO = Path(__file__).resolve().parent.parent

SPEC_EXAMPLE = """\
version: 1
contracts:
  - name: UserExecutionContext
    kind: callable
    target: myapp.context.UserExecutionContext
    doc: |
      Per-request context.
    match: qualified
    parameters:
      - name: user_id
        required: true
        type: str
        default: None
      - run_id
      - name: websocket_client_id
        type: Optional[str]
        deprecated_names: [websocket_connection_id]
        removed_names: [connection_id]
        kind: keyword_only
    var_positional: false
    var_keyword: true
    forwards_to: null

  - name: make_context
    kind: callable
    target: myapp.factory.make_context
    forwards_to: UserExecutionContext

  - name: WebSocketManagerProtocol
    kind: protocol
    target: myapp.ws.protocols.WebSocketManagerProtocol
    doc: Interface every WebSocket manager implements.
    implementations:
      - myapp.ws.unified.UnifiedWebSocketManager
      - myapp.ws.isolated.IsolatedWebSocketManager
    methods:
      - name: get_connection_id_by_websocket
        parameters: [websocket]
        returns: Optional[str]
        async: false
      - name: send_to_user
        async: true
        parameters:
          - user_id
          - {name: message, required: true}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def only_error(text: str, name: str = "c.yaml") -> ContractFileError:
    contracts, errors = parse_contract_text(textwrap.dedent(text), name)
    assert contracts == []
    assert len(errors) == 1, errors
    return errors[0]


def at(error: ContractFileError) -> tuple[int, int]:
    return error.line, error.column


# -- a valid file ------------------------------------------------------------------------


def test_spec_example_loads_with_marks(tmp_path):
    path = write(tmp_path, "contracts/app.yaml", SPEC_EXAMPLE)
    registry = load_registry([tmp_path / "contracts"])
    assert registry.errors == []
    assert registry.files == [str(path)]
    ctx, factory, proto = registry.contracts
    p = str(path)

    assert isinstance(ctx, CallableContract)
    assert ctx.mark == SourceMark(p, 3, 5)  # the `- name:` item
    assert ctx.target_mark == SourceMark(p, 5, 13)
    assert ctx.doc == "Per-request context.\n"
    assert ctx.var_keyword is True and ctx.var_positional is False and ctx.forwards_to is None
    user_id, run_id, ws = ctx.parameters
    assert (user_id.name, user_id.required, user_id.type, user_id.default) == ("user_id", True, "str", "None")
    assert user_id.mark == SourceMark(p, 10, 9)
    assert run_id.name == "run_id" and run_id.required is False and run_id.mark == SourceMark(p, 14, 9)
    assert ws.deprecated_names == ("websocket_connection_id",) and ws.removed_names == ("connection_id",)
    assert ws.kind == "keyword_only" and ws.mark == SourceMark(p, 15, 9)

    assert factory.forwards_to == "UserExecutionContext"
    assert factory.forwards_to_mark == SourceMark(p, 27, 18)
    assert factory.parameters == () and factory.match == "qualified"

    assert isinstance(proto, ProtocolContract)
    assert proto.mark == SourceMark(p, 29, 5)
    assert proto.implementations == ("myapp.ws.unified.UnifiedWebSocketManager", "myapp.ws.isolated.IsolatedWebSocketManager")
    assert proto.implementation_marks == (SourceMark(p, 34, 9), SourceMark(p, 35, 9))
    get, send = proto.methods
    assert get.mark == SourceMark(p, 37, 9) and get.returns == "Optional[str]" and get.is_async is False
    assert [x.name for x in get.parameters] == ["websocket"]
    assert get.parameters[0].mark == SourceMark(p, 38, 22)
    assert send.is_async is True
    assert [(x.name, x.required) for x in send.parameters] == [("user_id", False), ("message", True)]
    assert send.parameters[1].mark == SourceMark(p, 45, 13)


@pytest.mark.parametrize("text", ["version: 1\ncontracts: []\n", "# header\nversion: 1\ncontracts: []  # none yet\n"])
def test_contracts_empty_list_yields_nothing(text):
    assert parse_contract_text(text, "c.yaml") == ([], [])


def test_defaults_and_scalar_defaults_as_text():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: f
            kind: callable
            target: m.f
            match: name
            parameters:
              - {name: a, default: 0}
              - {name: b, default: false}
              - {name: c, default: null}
              - {name: d, default: "'x'"}
        """),
        "c.yaml",
    )
    assert errors == []
    (f,) = contracts
    assert f.match == "name"
    assert [p.default for p in f.parameters] == ["0", "False", "None", "'x'"]
    assert all(p.kind == "positional_or_keyword" and p.required is False for p in f.parameters)


def test_repository_contracts_load_cleanly():
    registry = load_registry([REPO / "contracts"])
    assert registry.errors == []
    assert {c.name for c in registry.contracts} >= {"UserExecutionContext", "create_user_context"}


# -- CL900 in one file, each at its node -------------------------------------------------


def test_yaml_syntax_error_at_problem_mark():
    error = only_error("""\
        version: 1
        contracts:
          - name: X
            kind: [callable
        """)
    assert error.message.startswith("YAML syntax error")
    assert at(error) == (5, 1)


def test_yaml_bad_indentation():
    error = only_error("version: 1\ncontracts:\n  - name: X\n   kind: callable\n")
    assert error.message.startswith("YAML syntax error")
    assert at(error) == (4, 4)


def test_unknown_key_with_suggestion():
    error = only_error("""\
        version: 1
        contracts:
          - name: UserExecutionContext
            kind: callable
            target: a.b
            paramters: [x]
        """)
    assert error.message == "unknown key 'paramters' in contract 'UserExecutionContext' (did you mean 'parameters'?)"
    assert at(error) == (6, 5)


def test_unknown_key_inside_parameter_entry_and_top_level():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contract: []
        contracts:
          - name: X
            kind: callable
            target: a.b
            parameters:
              - name: user_id
                requird: true
        """),
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (2, 1, "unknown key 'contract' (did you mean 'contracts'?)"),
        (9, 9, "unknown key 'requird' in parameter 'user_id' of contract 'X' (did you mean 'required'?)"),
    ]


def test_unknown_key_in_method_parameter():
    error = only_error("""\
        version: 1
        contracts:
          - name: P
            kind: protocol
            target: a.P
            methods:
              - name: send
                parameters:
                  - {name: msg, tpye: str}
        """)
    assert error.message == "unknown key 'tpye' in parameter 'msg' of method 'send' of contract 'P' (did you mean 'type'?)"
    assert at(error) == (9, 25)


def test_key_of_the_other_kind():
    error = only_error("""\
        version: 1
        contracts:
          - name: X
            kind: callable
            target: a.b
            methods: []
        """)
    assert error.message == "key 'methods' is not allowed in callable contract 'X' (only in protocol contracts)"
    assert at(error) == (6, 5)
    error = only_error("""\
        version: 1
        contracts:
          - name: P
            kind: protocol
            target: a.P
            var_keyword: true
        """)
    assert error.message == "key 'var_keyword' is not allowed in protocol contract 'P' (only in callable contracts)"
    assert at(error) == (6, 5)


def test_wrong_types_at_their_values():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: X
            kind: callable
            target: a.b
            var_keyword: sometimes
            parameters:
              - name: a
                required: maybe
              - 3
              - name: b
                deprecated_names: old_b
        """),
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (6, 18, "'var_keyword' must be true or false in contract 'X' (got 'sometimes')"),
        (9, 19, "'required' must be true or false in parameter 'a' of contract 'X' (got 'maybe')"),
        (10, 9, "parameter entry 2 must be a parameter name or a mapping with 'name' in contract 'X' (got 3)"),
        (12, 27, "'deprecated_names' must be a list in parameter 'b' of contract 'X' (got 'old_b')"),
    ]


def test_file_that_is_not_a_mapping():
    error = only_error("- a\n- b\n")
    assert error.message == "a contract file is a mapping with 'version: 1' and 'contracts'"
    assert at(error) == (1, 1)


def test_contracts_must_be_a_list():
    error = only_error("version: 1\ncontracts:\n  name: X\n")
    assert error.message == "'contracts' must be a list (got a mapping)"
    assert at(error) == (3, 3)


@pytest.mark.parametrize(
    ("missing", "where"),
    [("name", (3, 5)), ("kind", (3, 5)), ("target", (3, 5))],
)
def test_missing_required_key(missing, where):
    lines = {"name": "name: X", "kind": "kind: callable", "target": "target: a.b"}
    body = "\n".join(f"    {v}" for k, v in lines.items() if k != missing).replace("    ", "  - ", 1)
    error = only_error(f"version: 1\ncontracts:\n{body}\n")
    assert error.message.startswith(f"missing required key '{missing}'")
    assert at(error) == where


def test_missing_method_name():
    error = only_error("""\
        version: 1
        contracts:
          - name: P
            kind: protocol
            target: a.P
            methods:
              - async: true
        """)
    assert error.message == "missing required key 'name' in method #1 of contract 'P'"
    assert at(error) == (7, 9)


def test_bad_enum_values():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: X
            kind: protocl
            target: a.b
          - name: Y
            kind: callable
            target: a.c
            match: fuzzy
            parameters:
              - {name: a, kind: keyword}
        """),
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (4, 11, "'kind' must be one of callable, protocol in contract 'X' (got 'protocl') (did you mean 'protocol'?)"),
        (9, 12, "'match' must be one of qualified, name in contract 'Y' (got 'fuzzy')"),
        (11, 25, "'kind' must be one of positional_only, positional_or_keyword, keyword_only in parameter 'a' of contract 'Y' (got 'keyword') (did you mean 'keyword_only'?)"),
    ]


def test_patterns_for_names_and_targets():
    _, errors = parse_contract_text(
        "version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a..b\n    parameters: [user-id]\n",
        "c.yaml",
    )
    assert [(e.line, e.column, e.message) for e in errors] == [
        (5, 13, "'target' must be a dotted Python path such as pkg.module.Name in contract 'X' (got 'a..b')"),
        (6, 18, "parameter entry 1 must be a Python identifier in contract 'X' (got 'user-id')"),
    ]


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("version: 2\ncontracts: []\n", "unsupported version 2 (must be 1)", (1, 10)),
        ("version: '1'\ncontracts: []\n", "unsupported version '1' (must be the integer 1)", (1, 10)),
        ("contracts: []\n", "missing required key 'version' (must be 1)", (1, 1)),
    ],
)
def test_version_must_be_1(text, message, where):
    error = only_error(text)
    assert error.message == message
    assert at(error) == where


# -- SPEC §2: version and contracts required, self never listed ---------------------------

EMPTY_MESSAGE = "contract file is empty: it needs 'version: 1' and 'contracts:' (a list; 'contracts: []' for none)"


@pytest.mark.parametrize("text", ["", "# todo\n", "\n\n", "# one\n\n# two\n", "---\n"])
def test_empty_or_comment_only_file_is_an_error_at_1_1(tmp_path, text):
    empty = write(tmp_path, "contracts/new.yaml", text)
    good = write(tmp_path, "contracts/ok.yaml", "version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a.X\n")
    registry = load_registry([tmp_path / "contracts"])
    assert registry.errors == [ContractFileError(str(empty), 1, 1, EMPTY_MESSAGE)]
    assert registry.files == [str(empty), str(good)]
    assert [c.name for c in registry.contracts] == ["X"]  # the other file still loads


def test_empty_overlay_of_an_open_contract_file_is_an_error(tmp_path):
    # a contract file just created in the editor, not yet written
    path = write(tmp_path, "a.yaml", "version: 1\ncontracts: []\n")
    registry = load_registry([tmp_path], {str(path.resolve()): ""})
    assert [(e.path, e.line, e.column, e.message) for e in registry.errors] == [(str(path), 1, 1, EMPTY_MESSAGE)]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("version: 1\ncontracts:\n", (2, 1), "'contracts' must be a list (got null); write 'contracts: []' for none"),
        ("version: 1\ncontracts:\n  # later\n", (2, 1), "'contracts' must be a list (got null); write 'contracts: []' for none"),
        ("version: 1\ncontracts: null\n", (2, 12), "'contracts' must be a list (got null); write 'contracts: []' for none"),
        ("version: 1\ncontracts: ~\n", (2, 12), "'contracts' must be a list (got null); write 'contracts: []' for none"),
        ("version: 1\n", (1, 1), "missing required key 'contracts' (must be a list; 'contracts: []' for none)"),
        ("# c\nversion: 1\n", (2, 1), "missing required key 'contracts' (must be a list; 'contracts: []' for none)"),
    ],
)
def test_contracts_null_or_missing_is_an_error(tmp_path, text, where, message):
    path = write(tmp_path, "c.yaml", text)
    registry = load_registry([tmp_path])
    assert [(e.path, e.line, e.column, e.message) for e in registry.errors] == [(str(path), *where, message)]
    assert registry.contracts == []


def test_empty_value_error_points_at_its_key():
    # the empty value's own mark is past the end of the line; the key is what the user wrote
    error = only_error("version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a.b\n    var_keyword:\n")
    assert error.message == "'var_keyword' must be true or false in contract 'X' (got null)"
    assert at(error) == (6, 5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.0", "unsupported version 1.0 (must be the integer 1)"),
        ("1.", "unsupported version 1.0 (must be the integer 1)"),
        ("2.0", "unsupported version 2.0 (must be the integer 1)"),
        ('"1"', "unsupported version '1' (must be the integer 1)"),
        ("true", "unsupported version true (must be the integer 1)"),
        ("yes", "unsupported version true (must be the integer 1)"),  # YAML 1.1: a bool, and True == 1 in Python
        ("null", "unsupported version null (must be the integer 1)"),
        ("[1]", "unsupported version a list (must be the integer 1)"),
        ("2", "unsupported version 2 (must be 1)"),
    ],
)
def test_version_must_be_the_integer_1(tmp_path, value, message):
    path = write(tmp_path, "c.yaml", f"version: {value}\ncontracts:\n  - name: X\n    kind: callable\n    target: a.X\n")
    registry = load_registry([tmp_path])
    assert [(e.path, e.line, e.column, e.message) for e in registry.errors] == [(str(path), 1, 10, message)]
    assert registry.contracts == []


SELF_IN_CALLABLE = """\
    version: 1
    contracts:
      - name: Ctx
        kind: callable
        target: a.Ctx
        parameters: [self, user_id, cls, selfish]  # only self is never listed (SPEC §2)
      - name: Make
        kind: callable
        target: a.make
        parameters:
          - name: self
            required: true
          - run_id
"""

SELF_IN_PROTOCOL = """\
    version: 1
    contracts:
      - name: P
        kind: protocol
        target: a.P
        methods:
          - name: send
            parameters: [self, message]
          - name: close
            parameters:
              - {name: self}
"""


def test_self_listed_in_a_callable_contract_is_an_error(tmp_path):
    path = write(tmp_path, "c.yaml", SELF_IN_CALLABLE)
    registry = load_registry([tmp_path])
    assert registry.contracts == []
    assert [(e.path, e.line, e.column, e.message) for e in registry.errors] == [
        (str(path), 6, 18, "'self' must not be listed in the parameters of contract 'Ctx' (self is never listed; parameters start after it)"),
        (str(path), 11, 15, "'self' must not be listed in the parameters of contract 'Make' (self is never listed; parameters start after it)"),
    ]


def test_self_listed_in_a_protocol_method_is_an_error(tmp_path):
    path = write(tmp_path, "c.yaml", SELF_IN_PROTOCOL)
    registry = load_registry([tmp_path])
    assert registry.contracts == []
    assert [(e.path, e.line, e.column, e.message) for e in registry.errors] == [
        (str(path), 8, 22, "'self' must not be listed in the parameters of method 'send' of contract 'P' (self is never listed; parameters start after it)"),
        (str(path), 11, 20, "'self' must not be listed in the parameters of method 'close' of contract 'P' (self is never listed; parameters start after it)"),
    ]


def test_schema_rejects_what_editors_can_see():
    # the schema editors validate with as the user types: contracts null, version "1",
    # self as a parameter (version 1.0 equals 1 in JSON, so only the loader catches that)
    import yaml

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))

    def invalid(text: str) -> bool:
        return bool(list(validator.iter_errors(yaml.safe_load(textwrap.dedent(text)))))

    assert invalid("version: 1\ncontracts:\n")
    assert invalid("version: '1'\ncontracts: []\n")
    assert invalid("version: true\ncontracts: []\n")
    assert invalid(SELF_IN_CALLABLE.replace("- name: self", "- name: ok"))  # [self, user_id, ...]
    assert invalid(SELF_IN_CALLABLE.replace("[self, user_id,", "[user_id,"))  # - name: self
    assert invalid(SELF_IN_PROTOCOL.replace("- {name: self}", "- {name: ok}"))
    assert invalid(SELF_IN_PROTOCOL.replace("[self, message]", "[message]"))
    assert not invalid("version: 1\ncontracts: []\n")
    assert not invalid(SELF_IN_PROTOCOL.replace("[self, message]", "[message]").replace("- {name: self}", "- {name: cls}"))


def test_cli_check_reports_an_empty_contract_file_and_exits_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    write(tmp_path, "contracts/ok.yaml", "version: 1\ncontracts: []\n")
    write(tmp_path, "contracts/new.yaml", "# todo\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    script = Path(sys.executable).parent / "contract-lsp"  # the installed console script
    proc = subprocess.run([str(script), "--check"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert f"contracts/new.yaml:1:1: CL900 {EMPTY_MESSAGE}" in proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr


def test_duplicate_mapping_key():
    error = only_error("""\
        version: 1
        contracts:
          - name: X
            kind: callable
            name: Y
            target: a.b
        """)
    assert error.message == "duplicate key 'name' (first on line 3)"
    assert at(error) == (5, 5)


def test_duplicate_parameter_name():
    error = only_error("""\
        version: 1
        contracts:
          - name: X
            kind: callable
            target: a.b
            parameters:
              - user_id
              - name: run_id
              - name: user_id
        """)
    assert error.message == "parameter 'user_id' is listed twice in contract 'X' (first on line 7)"
    assert at(error) == (9, 15)


def test_duplicate_method_and_method_parameter():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: P
            kind: protocol
            target: a.P
            methods:
              - name: send
                parameters: [a, a]
              - name: send
        """),
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (8, 25, "parameter 'a' is listed twice in method 'send' of contract 'P' (first on line 8)"),
        (9, 15, "method 'send' is listed twice in contract 'P' (first on line 7)"),
    ]


def test_name_both_parameter_and_old_name():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: X
            kind: callable
            target: a.b
            parameters:
              - run_id
              - name: client_id
                deprecated_names: [run_id, connection_id]
              - name: socket_id
                removed_names: [connection_id]
        """),
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (9, 28, "'run_id' is both a parameter and an old name of parameter 'client_id' in contract 'X'"),
        (11, 25, "old name 'connection_id' is listed for parameters 'client_id' and 'socket_id' in contract 'X'"),
    ]


def test_every_error_of_a_file_is_reported_and_none_of_its_contracts_load(tmp_path):
    write(tmp_path, "a.yaml", """\
        version: 1
        contracts:
          - name: Good
            kind: callable
            target: a.good
          - name: Bad
            kind: callable
            target: a.bad
            requird: true
            var_keyword: 1
        """)
    registry = load_registry([tmp_path])
    assert registry.contracts == []
    assert [(e.line, e.column) for e in registry.errors] == [(9, 5), (10, 18)]
    assert registry.files == [str(tmp_path / "a.yaml")]


def test_non_ascii_identifiers_and_timestamps_as_text():
    contracts, errors = parse_contract_text(
        "version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: app.Größe\n    doc: 2024-01-01\n    parameters: [länge]\n",
        "c.yaml",
    )
    assert errors == []
    assert contracts[0].doc == "2024-01-01" and contracts[0].parameters[0].name == "länge"


# -- hostile input -----------------------------------------------------------------------


def alias_bomb(levels: int) -> str:
    lines = ["version: 1", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("contracts: []")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused():
    # 9 levels would expand to 10**9 strings; must be refused while composing.
    error = only_error(alias_bomb(9))
    assert "alias" in error.message and "refusing" in error.message
    assert at(error) == (5, 5)  # a3, where the expansion first passes the limit


def test_alias_bomb_as_contract_values_in_a_subprocess():
    # The same through the public loader in a fresh interpreter: a hang here would be
    # cut by the subprocess timeout (a failure), not block the suite.
    bomb = alias_bomb(9).replace("contracts: []", "contracts:\n  - name: X\n    kind: callable\n    target: a.b\n    parameters: *a9")
    code = "import sys; from contract_lsp.registry.loader import parse_contract_text as p; print(p(sys.stdin.read(), 'b.yaml')[1])"
    out = subprocess.run([sys.executable, "-c", code], input=bomb, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert "refusing to load" in out.stdout


def test_small_aliases_are_fine():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: A
            kind: callable
            target: a.A
            parameters: &common
              - {name: user_id, required: true}
              - run_id
          - name: B
            kind: callable
            target: a.B
            parameters: *common
        """),
        "c.yaml",
    )
    assert errors == []
    assert contracts[0].parameters[0].name == contracts[1].parameters[0].name == "user_id"


def test_recursive_alias_is_refused():
    error = only_error("version: 1\ncontracts: &x [*x]\n")
    assert error.message == "recursive YAML alias '*x'"
    assert at(error) == (2, 16)


def test_deep_nesting_is_refused():
    error = only_error("version: 1\ncontracts: " + "[" * 5000 + "]" * 5000 + "\n")
    # Our composer refuses at MAX_DEPTH; PyYAML >= 6.0.4's parser may refuse first.
    assert "nested deeper than" in error.message or "maximum nesting depth" in error.message
    assert error.line == 2


def test_nul_character_is_located():
    error = only_error("version: 1\ncontracts: [\x00]\n")
    assert error.message == "YAML error: unacceptable character #x0000"
    assert at(error) == (2, 13)


def test_oversized_file(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"version: 1\ncontracts: []\n" + b"#" * MAX_BYTES)
    registry = load_registry([path])
    assert registry.contracts == [] and registry.files == []
    (error,) = registry.errors
    assert (error.path, error.line, error.column) == (str(path), 1, 1)
    assert "larger than 5 MB" in error.message


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("version: 1\ncontracts:-[]{}&*!'\"#?|>x \t")), max_size=120))
def test_never_raises_on_arbitrary_text(text):
    contracts, errors = parse_contract_text(text, "fuzz.yaml")
    assert all(e.line >= 1 and e.column >= 1 for e in errors)
    assert not (contracts and errors)  # a file with errors contributes nothing


# -- files and the registry --------------------------------------------------------------


def test_find_contract_files(tmp_path):
    write(tmp_path, "c/b.yaml", "")
    write(tmp_path, "c/a.yml", "")
    write(tmp_path, "c/sub/z.yaml", "")
    write(tmp_path, "c/notes.txt", "")
    write(tmp_path, "c/.github/workflows/ci.yml", "")
    write(tmp_path, "c/node_modules/pkg/x.yaml", "")
    write(tmp_path, "c/env/pyvenv.cfg", "")
    write(tmp_path, "c/env/lib/y.yaml", "")
    extra = write(tmp_path, "single.contracts", "")
    files, errors = find_contract_files([tmp_path / "c", extra, tmp_path / "missing", tmp_path / "c" / "b.yaml"])
    assert files == [tmp_path / "c/a.yml", tmp_path / "c/b.yaml", tmp_path / "c/sub/z.yaml", extra]
    assert errors == [ContractFileError(str(tmp_path / "missing"), 1, 1, f"contract path not found: {tmp_path / 'missing'}")]


def test_missing_contract_path_in_registry(tmp_path):
    registry = load_registry([tmp_path / "nope"])
    assert [(e.path, e.line, e.column) for e in registry.errors] == [(str(tmp_path / "nope"), 1, 1)]


def test_duplicate_contract_name_across_files(tmp_path):
    write(tmp_path, "c/a.yaml", "version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a.X\n")
    write(tmp_path, "c/b.yaml", "version: 1\ncontracts:\n  - name: Y\n    kind: callable\n    target: b.Y\n  - name: X\n    kind: protocol\n    target: b.X\n")
    registry = load_registry([tmp_path / "c"])
    (error,) = registry.errors
    assert (error.path, error.line, error.column) == (str(tmp_path / "c/b.yaml"), 6, 5)
    assert error.message == f"duplicate contract name 'X' (first defined at {tmp_path / 'c/a.yaml'}:3)"
    assert registry.files == [str(tmp_path / "c/a.yaml"), str(tmp_path / "c/b.yaml")]


def test_duplicate_contract_name_in_one_file(tmp_path):
    write(tmp_path, "a.yaml", "version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a.X\n  - name: X\n    kind: callable\n    target: a.Y\n")
    (error,) = load_registry([tmp_path]).errors
    assert (error.line, error.column, error.message) == (6, 5, "duplicate contract name 'X' (first defined on line 3)")


def test_forwards_to_must_name_a_callable(tmp_path):
    write(tmp_path, "a.yaml", """\
        version: 1
        contracts:
          - name: make
            kind: callable
            target: a.make
            forwards_to: Contxt
          - name: build
            kind: callable
            target: a.build
            forwards_to: Proto
          - name: Context
            kind: callable
            target: a.Context
          - name: Proto
            kind: protocol
            target: a.Proto
        """)
    registry = load_registry([tmp_path])
    assert [(e.line, e.column, e.message) for e in registry.errors] == [
        (6, 18, "forwards_to 'Contxt' names no callable contract (did you mean 'Context'?)"),
        (10, 18, "forwards_to 'Proto' names a protocol contract; it must name a callable contract"),
    ]
    # the valid file's contracts stay usable; the caller decides
    assert len(registry.contracts) == 4


def test_forwards_to_a_contract_of_a_broken_file_is_not_reported_twice(tmp_path):
    write(tmp_path, "a.yaml", "version: 1\ncontracts:\n  - name: make\n    kind: callable\n    target: a.make\n    forwards_to: Context\n")
    write(tmp_path, "b.yaml", "version: 1\ncontracts:\n  - name: Context\n    kind: callable\n    target: b.Context\n    paramters: []\n")
    registry = load_registry([tmp_path])
    assert [(os.path.basename(e.path), e.line) for e in registry.errors] == [("b.yaml", 6)]


def test_bad_encoding(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("version: 1\n# caf\u00e9\ncontracts: []\n".encode("latin-1"))
    (error,) = load_registry([tmp_path]).errors
    assert (error.path, error.line, error.column) == (str(path), 1, 1)
    assert error.message == "contract file is not UTF-8 text (invalid continuation byte on line 2)"


def test_utf8_bom_is_accepted(tmp_path):
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfversion: 1\ncontracts: []\n")
    assert load_registry([tmp_path]).errors == []


def test_unreadable_files(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    (tmp_path / "dangling.yml").symlink_to(tmp_path / "nowhere.yaml")
    registry = load_registry([tmp_path])
    assert [(os.path.basename(e.path), e.line, e.column) for e in registry.errors] == [("dangling.yml", 1, 1), ("loop.yaml", 1, 1)]
    assert registry.errors[0].message == f"cannot read contract file: broken symbolic link to {tmp_path / 'nowhere.yaml'}"
    assert registry.errors[1].message == "cannot read contract file: Too many levels of symbolic links"
    assert registry.files == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path):
    path = write(tmp_path, "secret.yaml", "version: 1\ncontracts: []\n")
    path.chmod(0)
    (error,) = load_registry([tmp_path]).errors
    assert (error.line, error.column, error.message) == (1, 1, "cannot read contract file: Permission denied")


def test_fifo_in_contract_folder_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it would block forever
    write(tmp_path, "a.yaml", "version: 1\ncontracts: []\n")
    registry = load_registry([tmp_path])
    assert registry.errors == [] and registry.files == [str(tmp_path / "a.yaml")]


def test_overlays_replace_the_disk(tmp_path):
    path = write(tmp_path, "a.yaml", "version: 1\ncontracts: []\n")
    overlay = "version: 1\ncontracts:\n  - name: X\n    kind: callable\n    target: a.X\n"
    registry = load_registry([tmp_path], {str(path.resolve()): overlay})
    assert [c.name for c in registry.contracts] == ["X"]


# -- the schema itself -------------------------------------------------------------------


def test_schema_is_valid_2020_12_with_descriptions_everywhere():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    undocumented = []

    def walk(node, where):
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                if isinstance(prop, dict) and "description" not in prop:
                    undocumented.append(f"{where}/{name}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(schema, "#")
    assert undocumented == []


def test_schema_accepts_the_spec_example_and_rejects_extras():
    import yaml

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    data = yaml.safe_load(SPEC_EXAMPLE)
    assert list(validator.iter_errors(data)) == []
    data["contracts"][0]["methods"] = []
    data["contracts"][2]["surprise"] = 1
    assert len(list(validator.iter_errors(data))) == 2


def test_loader_import_is_light():
    code = "import sys, contract_lsp.registry.loader; print(sorted(m for m in ('yaml', 'jsonschema', 'pygls') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unsafe_tags_are_refused():
    error = only_error("version: 1\ncontracts: !!python/object/apply:os.system [echo hi]\n")
    assert error.message.startswith("YAML error: could not determine a constructor for the tag")
    assert at(error) == (2, 12)


def test_columns_count_code_points():
    error = only_error("version: 1\ncontracts:\n  - name: Ünï\n    kind: callable\n    target: a.b\n    parameters:\n      - {name: éé_x, tpye: str}\n")
    assert error.message == "unknown key 'tpye' in parameter 'éé_x' of contract 'Ünï' (did you mean 'type'?)"
    assert at(error) == (7, 22)


def test_errors_are_capped_per_file():
    text = "version: 1\ncontracts:\n" + "".join(f"  - name{i}: x\n" for i in range(150))
    contracts, errors = parse_contract_text(text, "c.yaml")
    assert contracts == [] and len(errors) == 101
    assert errors[-1].message == "more than 100 errors in this file; only the first are shown"


def test_node_count_is_capped(monkeypatch):
    from contract_lsp.registry import loader

    monkeypatch.setattr(loader, "MAX_NODES", 50)  # the real cap is 250,000 nodes
    error = only_error("version: 1\ncontracts:\n" + "  - x\n" * 60)
    assert error.message == "contract file has more than 50 YAML nodes; refusing to load it"
    assert at(error) == (50, 5)


# -- keys for contracts on code outside the workspace (SPEC §2, §7; issue 12) ----------

LIBRARY_EXAMPLE = """\
version: 1
contracts:
  - name: OneHotEncoder
    kind: callable
    target: sklearn.preprocessing.OneHotEncoder
    aliases: [sklearn.preprocessing._encoders.OneHotEncoder]
    package: scikit-learn
    partial: true
    parameters:
      - name: sparse_output
        since: "1.2"
        removed_names: [sparse]
        deprecated_in: "1.2"
        removed_in: "1.4"
  - name: AppState
    kind: protocol
    target: myapp.state.AppState
    aliases: [myapp.AppState]
    attributes:
      - agent_websocket_bridge
      - {name: websocket_connection_pool, type: myapp.ws.Pool, optional: true, doc: The pool.}
"""


def test_library_keys_load_with_marks(tmp_path):
    path = write(tmp_path, "c.yaml", LIBRARY_EXAMPLE)
    registry = load_registry([path])
    assert registry.errors == []
    encoder, state = registry.contracts
    assert encoder.aliases == ("sklearn.preprocessing._encoders.OneHotEncoder",)
    assert encoder.paths == ("sklearn.preprocessing.OneHotEncoder", "sklearn.preprocessing._encoders.OneHotEncoder")
    assert encoder.package == "scikit-learn" and encoder.partial is True
    (param,) = encoder.parameters
    assert (param.since, param.deprecated_in, param.removed_in) == ("1.2", "1.2", "1.4")
    assert param.removed_names == ("sparse",)
    assert isinstance(state, ProtocolContract)
    assert state.aliases == ("myapp.AppState",) and state.package is None
    bridge, pool = state.attributes
    assert bridge == AttributeSpec("agent_websocket_bridge", mark=SourceMark(str(path), 20, 9))
    assert (pool.name, pool.type, pool.optional, pool.doc) == ("websocket_connection_pool", "myapp.ws.Pool", True, "The pool.")
    assert pool.mark == SourceMark(str(path), 21, 9)


def test_library_keys_default_to_nothing():
    (contract,), errors = parse_contract_text("version: 1\ncontracts:\n  - {name: f, kind: callable, target: m.f, parameters: [a]}\n", "c.yaml")
    assert errors == []
    assert (contract.aliases, contract.package, contract.partial) == ((), None, False)
    assert (contract.parameters[0].since, contract.parameters[0].deprecated_in, contract.parameters[0].removed_in) == (None, None, None)
    (proto,), _ = parse_contract_text("version: 1\ncontracts:\n  - {name: P, kind: protocol, target: m.P}\n", "c.yaml")
    assert proto.attributes == () and proto.aliases == ()


@pytest.mark.parametrize("value", ["1.2", "1.10", "2", "0.19.0", "2.0rc1", "1.5.post1"])
def test_quoted_versions_are_accepted(value):
    text = f'version: 1\ncontracts:\n  - name: f\n    kind: callable\n    target: m.f\n    parameters:\n      - {{name: a, since: "{value}", removed_in: "{value}"}}\n'
    (contract,), errors = parse_contract_text(text, "c.yaml")
    assert errors == [] and contract.parameters[0].since == value


@pytest.mark.parametrize("key", ["since", "deprecated_in", "removed_in"])
def test_unquoted_version_is_cl900_saying_to_quote_it(key):
    # not coerced: by the time the loader sees it, YAML has made 1.10 the number 1.1
    error = only_error(f"version: 1\ncontracts:\n  - name: f\n    kind: callable\n    target: m.f\n    parameters:\n      - name: a\n        {key}: 1.10\n")
    assert at(error) == (8, 9 + len(key) + 2)
    assert f"'{key}' must be a string in parameter 'a' of contract 'f' (got 1.1)" in error.message
    assert f'quote the version: {key}: "1.1"' in error.message


@pytest.mark.parametrize(
    "line, message",
    [
        ("aliases: sklearn.X", "'aliases' must be a list in contract 'f' (got 'sklearn.X')"),
        ("aliases: [sklearn..X]", "item 1 of 'aliases' must be a dotted Python path such as pkg.module.Name in contract 'f'"),
        ("package: 3", "'package' must be a string in contract 'f' (got 3)"),
        ("package: scikit learn", "'package' must be a distribution name such as scikit-learn in contract 'f'"),
        ("partial: maybe", "'partial' must be true or false in contract 'f' (got 'maybe')"),
        ("attributes: [x]", "key 'attributes' is not allowed in callable contract 'f' (only in protocol contracts)"),
    ],
)
def test_wrong_library_keys_are_cl900(line, message):
    error = only_error(f"version: 1\ncontracts:\n  - name: f\n    kind: callable\n    target: m.f\n    {line}\n")
    assert message in error.message
    assert error.line == 6


def test_bad_version_string_is_cl900():
    error = only_error('version: 1\ncontracts:\n  - name: f\n    kind: callable\n    target: m.f\n    parameters:\n      - {name: a, since: "soon"}\n')
    assert "'since' must be a release number such as \"1.2\"" in error.message
    assert at(error) == (7, 26)


def test_partial_is_not_allowed_in_protocols():
    error = only_error("version: 1\ncontracts:\n  - name: P\n    kind: protocol\n    target: m.P\n    partial: true\n")
    assert error.message == "key 'partial' is not allowed in protocol contract 'P' (only in callable contracts)"
    assert at(error) == (6, 5)


@pytest.mark.parametrize(
    "entry, message, where",
    [
        ("- 3", "attribute entry 1 must be an attribute name or a mapping with 'name' in contract 'P' (got 3)", (7, 9)),
        ("- {name: a, typo: 1}", "unknown key 'typo' in attribute 'a' of contract 'P'", (7, 19)),
        ("- {name: a, optional: 1}", "'optional' must be true or false in attribute 'a' of contract 'P' (got 1)", (7, 29)),
        ("- {type: x.Y}", "missing required key 'name' in attribute #1 of contract 'P'", (7, 9)),
        ("- 1a", "attribute entry 1 must be a Python identifier in contract 'P' (got '1a')", (7, 9)),
    ],
)
def test_wrong_attribute_entries_are_cl900(entry, message, where):
    error = only_error(f"version: 1\ncontracts:\n  - name: P\n    kind: protocol\n    target: m.P\n    attributes:\n      {entry}\n")
    assert message in error.message
    assert at(error) == where


def test_attribute_listed_twice_or_also_a_method():
    contracts, errors = parse_contract_text(
        textwrap.dedent("""\
        version: 1
        contracts:
          - name: P
            kind: protocol
            target: m.P
            methods: [{name: close}]
            attributes: [bridge, {name: bridge}, close]
        """),
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (7, 33, "attribute 'bridge' is listed twice in contract 'P' (first on line 7)"),
        (7, 42, "'close' is both a method and an attribute in contract 'P'"),
    ]


def test_alias_listed_twice_or_equal_to_the_target():
    contracts, errors = parse_contract_text(
        "version: 1\ncontracts:\n  - name: f\n    kind: callable\n    target: m.f\n    aliases: [m.f, n.f, n.f]\n",
        "c.yaml",
    )
    assert contracts == []
    assert [(e.line, e.column, e.message) for e in errors] == [
        (6, 15, "alias 'm.f' of contract 'f' is the target itself"),
        (6, 25, "alias 'n.f' of contract 'f' is listed twice (first on line 6)"),
    ]


def test_schema_accepts_the_library_keys_and_rejects_misplaced_ones():
    import yaml

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(yaml.safe_load(LIBRARY_EXAMPLE))) == []
    data = yaml.safe_load(LIBRARY_EXAMPLE)
    data["contracts"][1]["partial"] = True
    data["contracts"][0]["parameters"][0]["since"] = 1.2
    assert len(list(validator.iter_errors(data))) == 2
