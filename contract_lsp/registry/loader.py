"""Loading contract files (SPEC §2) into the contract model, with CL900 errors at file:line:col.

YAML is composed with pyyaml into nodes that keep their marks; the document is validated
against the JSON Schema shipped in ``contract_lsp/schema/`` with the ``jsonschema`` library,
and each validation error is located by walking its path back to the node. The checks a
schema cannot express (duplicate names across files, ``forwards_to`` naming no callable, a
name both a parameter and an old name) follow.

Hostile input is cut short before it costs anything: files over :data:`MAX_BYTES`, and
YAML whose aliases would expand to more than :data:`MAX_NODES` nodes ("billion laughs").
Error messages are built from the error's path and validator, never by printing the
offending instance (which, for a big document, can take minutes).
"""

from __future__ import annotations

import difflib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from .model import (
    CallableContract,
    Contract,
    ContractFileError,
    Method,
    Parameter,
    ProtocolContract,
    Registry,
    SourceMark,
)

MAX_BYTES = 5_000_000
MAX_NODES = 100_000
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "contracts.schema.json"

_CONTRACT_KEYS = {
    "callable": ["name", "kind", "target", "doc", "match", "parameters", "var_positional", "var_keyword", "forwards_to"],
    "protocol": ["name", "kind", "target", "doc", "implementations", "methods"],
}


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def find_contract_files(paths: list[Path]) -> tuple[list[Path], list[ContractFileError]]:
    """Every ``*.yaml`` / ``*.yml`` under ``paths`` (files or folders, recursive, sorted);
    a path that does not exist is an error naming it."""
    found: list[Path] = []
    errors: list[ContractFileError] = []
    for path in paths:
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            errors.append(ContractFileError(str(path), 1, 1, "contract path does not exist"))
    return list(dict.fromkeys(found)), errors


# -- YAML with marks -------------------------------------------------------------------


def _compose(text: str, path: str):
    """The YAML node tree of ``text``, or a ContractFileError."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return None, ContractFileError(path, line, col, f"YAML syntax error: {problem}")
    except yaml.YAMLError as exc:
        return None, ContractFileError(path, 1, 1, f"YAML error: {exc.__class__.__name__}")


def _expanded_size(root) -> int:
    """How many nodes the document has once aliases are expanded (linear time, memoized
    by node identity), capped just above MAX_NODES."""
    import yaml

    memo: dict[int, int] = {}

    def size(node, depth: int = 0) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if depth > 200:
            return MAX_NODES + 1
        total = 1
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
                if total > MAX_NODES:
                    break
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node, depth + 1) + size(value_node, depth + 1)
                if total > MAX_NODES:
                    break
        memo[key] = min(total, MAX_NODES + 1)
        return memo[key]

    return size(root)


def _to_python(node) -> Any:
    """Plain Python data of a node tree (safe types only, via pyyaml's SafeConstructor)."""
    import yaml

    constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
    yaml.constructor.SafeConstructor.__init__(constructor)
    return constructor.construct_document(node)


def _node_at(root, path) -> Any:
    """The node reached by a jsonschema error path (keys and indices) from ``root``."""
    import yaml

    node = root
    for step in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == step), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            break
    return node


def _key_node(mapping, key: str):
    import yaml

    if isinstance(mapping, yaml.MappingNode):
        for k, _ in mapping.value:
            if k.value == key:
                return k
    return None


def _mark(path: str, node) -> SourceMark:
    return SourceMark(path, node.start_mark.line + 1, node.start_mark.column + 1)


# -- validation messages ---------------------------------------------------------------


def _describe(path_list: list) -> str:
    return "/".join(str(p) for p in path_list) or "document"


def _contract_name(data: Any, path_list: list) -> str | None:
    if len(path_list) >= 2 and path_list[0] == "contracts" and isinstance(path_list[1], int):
        try:
            name = data["contracts"][path_list[1]].get("name")
            return name if isinstance(name, str) else None
        except (KeyError, IndexError, TypeError, AttributeError):
            return None
    return None


def _allowed_keys(error) -> list[str]:
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    return sorted(props)


def _message(error, data: Any) -> tuple[list, str]:
    """(path to the offending node, short message) for one jsonschema error."""
    path = list(error.absolute_path)
    where = _contract_name(data, path)
    context = f" in contract '{where}'" if where else ""
    validator = error.validator
    if validator == "additionalProperties":
        extras = [k for k in (error.instance or {}) if k not in _allowed_keys(error)]
        key = extras[0] if extras else "?"
        close = difflib.get_close_matches(str(key), _allowed_keys(error), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return path + [key], f"unknown key '{key}'{context}{hint}"
    if validator == "required":
        missing = [k for k in error.validator_value if not isinstance(error.instance, dict) or k not in error.instance]
        return path, f"missing required key '{missing[0] if missing else '?'}'{context}"
    if validator in ("type", "const", "enum", "pattern", "minLength"):
        expected = {
            "type": lambda: f"must be of type {error.validator_value if isinstance(error.validator_value, str) else ' or '.join(error.validator_value)}",
            "const": lambda: f"must be {json.dumps(error.validator_value)}",
            "enum": lambda: "must be one of " + ", ".join(str(v) for v in error.validator_value),
            "pattern": lambda: "must be a Python identifier" + (" path (dotted)" if "\\." in str(error.validator_value) else ""),
            "minLength": lambda: "must not be empty",
        }[validator]()
        return path, f"'{_describe(path)}' {expected}{context}"
    if validator == "anyOf":
        return path, f"'{_describe(path)}' must be a parameter name or a parameter entry{context}"
    return path, f"'{_describe(path)}' is invalid ({validator}){context}"


# -- building the model ----------------------------------------------------------------


def _parameter(item: Any, node, path: str) -> Parameter:
    if isinstance(item, str):
        return Parameter(item, mark=_mark(path, node))
    default = item.get("default")
    default_text = None if "default" not in item else "None" if default is None else str(default)
    return Parameter(
        name=item["name"],
        required=bool(item.get("required", False)),
        type=item.get("type"),
        default=default_text,
        doc=item.get("doc"),
        deprecated_names=tuple(item.get("deprecated_names") or ()),
        removed_names=tuple(item.get("removed_names") or ()),
        kind=item.get("kind", "positional_or_keyword"),
        mark=_mark(path, node),
    )


def _parameters(items: list | None, node, path: str) -> tuple[Parameter, ...]:
    import yaml

    nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    return tuple(_parameter(item, n, path) for item, n in zip(items or [], nodes))


def _contract(item: dict, node, path: str) -> Contract:
    def child(key: str):
        return _node_at(node, [key])

    mark = _mark(path, node)
    target_mark = _mark(path, child("target"))
    if item["kind"] == "protocol":
        methods_node = child("methods")
        methods = []
        for m, m_node in zip(item.get("methods") or [], getattr(methods_node, "value", [])):
            methods.append(
                Method(
                    name=m["name"],
                    parameters=_parameters(m.get("parameters"), _node_at(m_node, ["parameters"]), path),
                    returns=m.get("returns"),
                    is_async=bool(m.get("async", False)),
                    doc=m.get("doc"),
                    mark=_mark(path, m_node),
                )
            )
        impl_node = child("implementations")
        return ProtocolContract(
            name=item["name"],
            target=item["target"],
            methods=tuple(methods),
            implementations=tuple(item.get("implementations") or ()),
            doc=item.get("doc"),
            mark=mark,
            target_mark=target_mark,
            implementation_marks=tuple(_mark(path, n) for n in getattr(impl_node, "value", [])) if item.get("implementations") else (),
        )
    forwards_node = child("forwards_to")
    return CallableContract(
        name=item["name"],
        target=item["target"],
        parameters=_parameters(item.get("parameters"), child("parameters"), path),
        doc=item.get("doc"),
        match=item.get("match", "qualified"),
        var_positional=bool(item.get("var_positional", False)),
        var_keyword=bool(item.get("var_keyword", False)),
        forwards_to=item.get("forwards_to"),
        mark=mark,
        target_mark=target_mark,
        forwards_to_mark=_mark(path, forwards_node) if item.get("forwards_to") else None,
    )


def _name_conflicts(contract: Contract, path: str) -> list[ContractFileError]:
    """A name listed both as a parameter and as an old name, or as an old name twice."""
    errors: list[ContractFileError] = []
    groups = [contract.parameters] if isinstance(contract, CallableContract) else [m.parameters for m in contract.methods]
    for params in groups:
        canonical = {p.name for p in params}
        seen_old: dict[str, str] = {}
        seen_names: set[str] = set()
        for p in params:
            mark = p.mark or contract.mark
            if p.name in seen_names:
                errors.append(ContractFileError(path, mark.line, mark.column, f"parameter '{p.name}' is listed twice in contract '{contract.name}'"))
            seen_names.add(p.name)
            for old in (*p.deprecated_names, *p.removed_names):
                if old in canonical:
                    errors.append(ContractFileError(path, mark.line, mark.column, f"'{old}' is both a parameter and an old name of '{p.name}' in contract '{contract.name}'"))
                elif old in seen_old and seen_old[old] != p.name:
                    errors.append(ContractFileError(path, mark.line, mark.column, f"old name '{old}' is listed for both '{seen_old[old]}' and '{p.name}' in contract '{contract.name}'"))
                seen_old[old] = p.name
    return errors


def parse_contract_text(text: str, path: str) -> tuple[list[Contract], list[ContractFileError]]:
    """The contracts of one contract file's ``text``; CL900 errors (1-based line/column)
    instead when it is invalid (then no contracts: a half-read file would mislead)."""
    if len(text) > MAX_BYTES:
        return [], [ContractFileError(path, 1, 1, f"contract file is larger than {MAX_BYTES // 1_000_000} MB")]
    root, error = _compose(text, path)
    if error is not None:
        return [], [error]
    if root is None:  # an empty file
        return [], []
    if _expanded_size(root) > MAX_NODES:
        return [], [ContractFileError(path, 1, 1, f"YAML aliases expand to more than {MAX_NODES} nodes; refusing to load")]
    try:
        data = _to_python(root)
    except Exception as exc:  # constructor errors (bad tags, unhashable keys)
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [], [ContractFileError(path, line, col, f"invalid YAML value: {getattr(exc, 'problem', None) or exc.__class__.__name__}")]
    if not isinstance(data, dict):
        return [], [ContractFileError(path, 1, 1, "a contract file is a mapping with 'version: 1' and 'contracts'")]
    errors: list[ContractFileError] = []
    for err in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        err_path, message = _message(err, data)
        node = _node_at(root, err_path)
        key_node = _key_node(_node_at(root, err_path[:-1]), err_path[-1]) if err.validator == "additionalProperties" and err_path else None
        where = key_node or node
        errors.append(ContractFileError(path, where.start_mark.line + 1, where.start_mark.column + 1, message))
    if errors:
        return [], _dedupe(errors)
    contracts_node = _node_at(root, ["contracts"])
    contracts = [_contract(item, n, path) for item, n in zip(data.get("contracts") or [], getattr(contracts_node, "value", []))]
    for contract in contracts:
        errors.extend(_name_conflicts(contract, path))
    return ([], errors) if errors else (contracts, [])


def _dedupe(errors: list[ContractFileError]) -> list[ContractFileError]:
    seen, out = set(), []
    for e in errors:
        key = (e.line, e.column, e.message)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return sorted(out, key=lambda e: (e.line, e.column))


def load_registry(paths: list[Path], overlays: dict[str, str] | None = None) -> Registry:
    """Every contract under ``paths`` (files or folders), with the CL900 errors of every
    file, and the cross-file checks: duplicate contract names and ``forwards_to`` naming no
    callable contract. A file that cannot be read or decoded is an error at 1:1.
    ``overlays`` maps absolute paths of contract files open in an editor to their unsaved
    text, used instead of the disk."""
    files, errors = find_contract_files(paths)
    contracts: list[Contract] = []
    read: list[str] = []
    overlays = overlays or {}
    for file in files:
        path = str(file)
        if os.path.abspath(path) in overlays:
            read.append(path)
            found, file_errors = parse_contract_text(overlays[os.path.abspath(path)], path)
            contracts.extend(found)
            errors.extend(file_errors)
            continue
        try:
            with open(file, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
            text = raw.decode("utf-8-sig")
        except OSError as exc:
            errors.append(ContractFileError(path, 1, 1, f"cannot read contract file: {exc.strerror or exc}"))
            continue
        except UnicodeDecodeError:
            errors.append(ContractFileError(path, 1, 1, "contract file is not UTF-8 text"))
            continue
        read.append(path)
        found, file_errors = parse_contract_text(text, path)
        contracts.extend(found)
        errors.extend(file_errors)
    errors.extend(cross_file_errors(contracts))
    return Registry(contracts, errors, read)


def cross_file_errors(contracts: list[Contract]) -> list[ContractFileError]:
    """Duplicate names and dangling ``forwards_to`` (SPEC §2), at the offending contract."""
    errors: list[ContractFileError] = []
    first: dict[str, Contract] = {}
    for contract in contracts:
        mark = contract.mark or SourceMark("", 1)
        if contract.name in first:
            other = first[contract.name].mark
            where = f" (first defined at {os.path.basename(other.path)}:{other.line})" if other else ""
            errors.append(ContractFileError(mark.path, mark.line, mark.column, f"duplicate contract name '{contract.name}'{where}"))
        else:
            first[contract.name] = contract
    callables = {c.name for c in contracts if isinstance(c, CallableContract)}
    for contract in contracts:
        if isinstance(contract, CallableContract) and contract.forwards_to and contract.forwards_to not in callables:
            mark = contract.forwards_to_mark or contract.mark or SourceMark("", 1)
            errors.append(ContractFileError(mark.path, mark.line, mark.column, f"forwards_to '{contract.forwards_to}' names no callable contract"))
    return errors
