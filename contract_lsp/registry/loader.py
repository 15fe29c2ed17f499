"""Loading contract files (SPEC §2) into the contract model, with CL900 errors at file:line:col.

A file is composed with pyyaml into nodes that keep their marks, turned into plain data,
validated against the JSON Schema shipped in ``contract_lsp/schema/`` with the
``jsonschema`` library, and each validation error is located by walking its path back to
the node. The checks a schema cannot express follow: an empty file, a ``version`` written
as a float (JSON Schema holds ``1.0`` equal to ``1``), duplicate mapping keys, a name listed
twice (parameters, methods), a name both a parameter and an old name; then, across files,
duplicate contract names and a ``forwards_to`` naming no callable contract.

Hostile input is cut short before it costs anything: files over :data:`MAX_BYTES`, YAML
nested deeper than :data:`MAX_DEPTH`, recursive aliases, and aliases that would add more
than :data:`MAX_ALIAS_NODES` nodes once expanded ("billion laughs": composing keeps one
node per anchor, so the count is cheap, but validating the expanded data would not be).
Error messages are built from the error's path and validator, never by printing the
offending instance. ``yaml`` and ``jsonschema`` are imported on first use: the CLI's fast
path imports this module.

All lines and columns here are 1-based, as users see them in a contract file.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..safe_io import open_regular
from .model import (
    AttributeSpec,
    CallableContract,
    Contract,
    ContractFileError,
    Method,
    Parameter,
    ProtocolContract,
    Registry,
    SourceMark,
)

#: Largest contract file read, in bytes (and characters, for text given directly).
MAX_BYTES = 5_000_000
#: Deepest nesting of YAML collections accepted (the composer is recursive).
MAX_DEPTH = 64
#: Most nodes aliases may add to a document beyond those written in it.
MAX_ALIAS_NODES = 10_000
#: Most nodes written in one file (about 15 per contract), so a file costs seconds at most.
MAX_NODES = 250_000
#: Most errors reported for one file; validation stops there.
MAX_ERRORS = 100
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "contracts.schema.json"

_CALLABLE_ONLY = ("match", "partial", "parameters", "var_positional", "var_keyword", "forwards_to")
_PROTOCOL_ONLY = ("implementations", "methods", "attributes")
#: parameter keys holding a release of the contract's package (SPEC §2): strings, since YAML
#: reads an unquoted ``1.10`` as the number 1.1
_VERSION_KEYS = ("since", "deprecated_in", "removed_in")
#: Folders never searched for contract files (besides hidden ones such as .git, .github).
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


# -- finding and reading files ---------------------------------------------------------


def find_contract_files(paths: list[Path]) -> tuple[list[Path], list[ContractFileError]]:
    """Every contract file under ``paths`` (SPEC §1).

    A file given directly is taken whatever its name; a folder is searched recursively for
    ``*.yaml`` / ``*.yml``, sorted, skipping hidden folders (``.git``, ``.github``),
    virtualenvs and ``node_modules``. Returns the files (as found, each once) and a CL900
    error at 1:1 for each path that does not exist.
    """
    found: list[Path] = []
    seen: set[str] = set()
    errors: list[ContractFileError] = []

    def add(file: Path) -> None:
        key = os.path.realpath(file)
        if key not in seen:
            seen.add(key)
            found.append(file)

    for path in paths:
        path = Path(path)
        if path.is_file():
            add(path)
        elif path.is_dir():
            for file in _walk_yaml(path):
                add(file)
        elif path.exists():
            errors.append(ContractFileError(str(path), 1, 1, f"contract path is neither a file nor a folder: {path}"))
        else:
            errors.append(ContractFileError(str(path), 1, 1, f"contract path not found: {path}"))
    return found, errors


def _walk_yaml(folder: Path) -> Iterator[Path]:
    batch: list[Path] = []
    for current, dirs, files in os.walk(folder):
        dirs[:] = [
            d for d in dirs
            if not d.startswith(".") and d not in _SKIPPED_FOLDERS and not os.path.exists(os.path.join(current, d, "pyvenv.cfg"))
        ]
        for name in files:
            if name.lower().endswith((".yaml", ".yml")):
                file = os.path.join(current, name)
                # regular files, and links that lead nowhere (reported when read); never
                # FIFOs or devices, which would block or never end
                if os.path.isfile(file) or os.path.islink(file):
                    batch.append(Path(file))
    yield from sorted(batch)


def read_contract_file(path: Path) -> tuple[str | None, ContractFileError | None]:
    """The text of one contract file, or a CL900 error at 1:1 naming why it can't be read
    (unreadable, over :data:`MAX_BYTES`, not UTF-8). ``(None, None)`` when the file is gone
    (deleted since it was listed: not an error, just no file)."""
    name = str(path)
    try:
        with open_regular(path) as handle:  # (reliability) never blocks on a FIFO, never reads a device
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        if os.path.islink(path):
            return None, ContractFileError(name, 1, 1, f"cannot read contract file: broken symbolic link to {os.readlink(path)}")
        return None, None
    except OSError as exc:
        return None, ContractFileError(name, 1, 1, f"cannot read contract file: {exc.strerror or exc}")
    if len(raw) > MAX_BYTES:
        return None, ContractFileError(name, 1, 1, f"contract file is larger than {MAX_BYTES // 1_000_000} MB; refusing to load it")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, ContractFileError(name, 1, 1, f"contract file is not UTF-8 text ({exc.reason} on line {line})")


# -- YAML with marks, safely -----------------------------------------------------------


class _Refused(Exception):
    """YAML we will not load (too deep, recursive or exploding aliases), at a yaml mark."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


@lru_cache(maxsize=1)
def _loader_class() -> type:
    """A safe loader that bounds nesting, size and alias expansion while composing,
    records duplicate mapping keys, and reads timestamps as the strings they were written
    as. Events come from libyaml when pyyaml has it (pure-Python scanning is ~5x slower),
    composition is pyyaml's Python composer, hooked below."""
    import yaml
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    parser = getattr(getattr(yaml, "cyaml", None), "CParser", None)
    if parser is not None:

        class Base(Composer, parser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
            def __init__(self, stream: str) -> None:
                parser.__init__(self, stream)
                Composer.__init__(self)
                SafeConstructor.__init__(self)
                Resolver.__init__(self)

    else:  # pragma: no cover - pyyaml without libyaml
        Base = yaml.SafeLoader

    class MarkedLoader(Base):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.cl_depth = 0
            self.cl_written = 0  # nodes composed so far, aliases not counted
            self.cl_open_anchors: set[str] = set()
            self.cl_duplicates: list[tuple[Any, Any]] = []  # (first key node, repeated key node)

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in self.cl_open_anchors:
                    raise _Refused(f"recursive YAML alias '*{event.anchor}'", event.start_mark)
                return super().compose_node(parent, index)
            self.cl_depth += 1
            if self.cl_depth > MAX_DEPTH:
                raise _Refused(f"YAML nested deeper than {MAX_DEPTH} levels", event.start_mark)
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                self.cl_open_anchors.add(anchor)
            try:
                node = super().compose_node(parent, index)
            finally:
                self.cl_depth -= 1
                self.cl_open_anchors.discard(anchor)
            # Expanded size of the node: each alias counts the whole node it stands for.
            if isinstance(node, yaml.SequenceNode):
                size = 1 + sum(child.cl_size for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                size = 1 + sum(k.cl_size + v.cl_size for k, v in node.value)
            else:
                size = 1
            node.cl_size = size
            self.cl_written += 1
            if self.cl_written > MAX_NODES:
                raise _Refused(f"contract file has more than {MAX_NODES} YAML nodes; refusing to load it", node.start_mark)
            if size - self.cl_written > MAX_ALIAS_NODES:
                raise _Refused(
                    f"YAML aliases expand to more than {MAX_ALIAS_NODES} extra nodes (an alias bomb?); refusing to load",
                    node.start_mark,
                )
            return node

        def compose_mapping_node(self, anchor: Any) -> Any:
            node = super().compose_mapping_node(anchor)
            first: dict[tuple[str, str], Any] = {}
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    seen = first.setdefault((key.tag, key.value), key)
                    if seen is not key:
                        self.cl_duplicates.append((seen, key))
            return node

    MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    return MarkedLoader


@dataclass
class _Document:
    root: Any = None  # the yaml node tree, None for an empty document
    data: Any = None
    errors: list[ContractFileError] = field(default_factory=list)
    duplicates: list[tuple[Any, Any]] = field(default_factory=list)


def _compose(text: str, path: str) -> _Document:
    """Node tree and plain data of ``text``; a single CL900 error instead when it is not
    YAML or is refused."""
    import yaml

    loader = None
    try:
        loader = _loader_class()(text)  # checks every character of the text at once
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
        return _Document(root, data, duplicates=loader.cl_duplicates)
    except _Refused as exc:
        return _Document(errors=[_error_at(path, exc.mark, exc.message)])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        kind = "YAML error" if isinstance(exc, yaml.constructor.ConstructorError) else "YAML syntax error"
        return _Document(errors=[_error_at(path, mark, f"{kind}: {problem}")])
    except yaml.reader.ReaderError as exc:
        # a character YAML does not allow (NUL, most control characters); libyaml gives a
        # byte offset, so find the character itself
        bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
        if bad is None:
            return _Document(errors=[ContractFileError(path, 1, 1, f"YAML error: {exc.reason}")])
        before = text[: bad.start()]
        line, column = before.count("\n") + 1, bad.start() - before.rfind("\n")
        return _Document(errors=[ContractFileError(path, line, column, f"YAML error: unacceptable character #x{ord(bad.group()):04x}")])
    except yaml.YAMLError as exc:
        return _Document(errors=[ContractFileError(path, 1, 1, f"YAML error: {type(exc).__name__}")])
    except (RecursionError, ValueError, TypeError, OverflowError) as exc:  # constructor corner cases
        return _Document(errors=[ContractFileError(path, 1, 1, f"invalid YAML value: {type(exc).__name__}")])
    finally:
        if loader is not None:
            loader.dispose()


def _error_at(path: str, mark: Any, message: str) -> ContractFileError:
    if mark is None:
        return ContractFileError(path, 1, 1, message)
    return ContractFileError(path, mark.line + 1, mark.column + 1, message)


def _is_empty(node: Any) -> bool:
    """Whether ``node`` is a null written as nothing (``key:`` with no value, or a document
    that is only ``---``), as opposed to ``null`` or ``~``."""
    return (
        getattr(node, "tag", None) == "tag:yaml.org,2002:null"
        and getattr(node, "value", None) == ""
        and getattr(node, "style", None) in (None, "")  # plain: None from pyyaml, "" from libyaml
    )


def _mark(path: str, node: Any) -> SourceMark:
    return SourceMark(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _same_key(key_node: Any, step: Any) -> bool:
    value = getattr(key_node, "value", None)
    if not isinstance(value, str):
        return False
    if isinstance(step, bool):
        return value.lower() in (("true", "yes", "on") if step else ("false", "no", "off"))
    return value == step or (not isinstance(step, str) and value == str(step))


def _pair(mapping: Any, key: Any) -> tuple[Any, Any] | None:
    """(key node, value node) of ``key`` in a mapping node (the last one, as YAML data keeps)."""
    found = None
    for pair in getattr(mapping, "value", None) or []:
        if isinstance(pair, tuple) and _same_key(pair[0], key):
            found = pair
    return found


def _node_at(root: Any, path: list) -> Any:
    """The node a data path (keys and indices, as in a jsonschema error) leads to from
    ``root``; the deepest node reached when the path can't be followed."""
    import yaml

    node = root
    for step in path:
        if isinstance(node, yaml.MappingNode):
            pair = _pair(node, step)
            if pair is None:
                break
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
        else:
            break
    return node


# -- schema validation and its messages ------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Any:
    """The compiled Draft 2020-12 validator of the shipped schema (built once)."""
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


def _inline_refs(node: Any, defs: dict) -> Any:
    """``node`` with each local ``{"$ref": "#/$defs/x", ...}`` replaced by the definition
    merged with its siblings (descriptions). The schema is not recursive, and resolving
    references at validation time is half of jsonschema's work on a big file."""
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs:
        merged = {**_inline_refs(defs[ref[8:]], defs), **{k: v for k, v in node.items() if k != "$ref"}}
        return merged
    return {k: (v if k == "$defs" else _inline_refs(v, defs)) for k, v in node.items()}


_TYPE_WORDS = {
    "string": "a string",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
    "number": "a number",
    "integer": "an integer",
}


def _short(value: Any) -> str:
    """A few characters saying what ``value`` is; never the repr of a collection."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= 20 else "a number"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _quote(name: Any) -> str:
    """``name`` in quotes for a message, cut to a readable length."""
    text = str(name)
    return f"'{text if len(text) <= 60 else text[:57] + '...'}'"


def _get(data: Any, path: list) -> Any:
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _entity(data: Any, path: list) -> str | None:
    """What the mapping at ``path`` is, in words (``parameter 'a' of contract 'X'``), or
    None for the document itself."""
    if not path:
        return None
    parts: list[str] = []
    for i, step in enumerate(path):
        if not isinstance(step, int) or i == 0:
            continue
        owner = path[i - 1]
        item = _get(data, path[: i + 1])
        name = item if isinstance(item, str) else item.get("name") if isinstance(item, dict) else None
        label = _quote(name) if isinstance(name, str) and name else f"#{step + 1}"
        if owner == "contracts":
            parts.append(f"contract {label}")
        elif owner == "methods":
            parts.append(f"method {label}")
        elif owner == "parameters":
            parts.append(f"parameter {label}")
        elif owner == "attributes":
            parts.append(f"attribute {label}")
    return " of ".join(reversed(parts)) or None


def _context(data: Any, container: list) -> str:
    """`` in <entity>`` for the mapping at ``container``, or nothing at the top level."""
    entity = _entity(data, container)
    return f" in {entity}" if entity else ""


def _field(path: list) -> str:
    """How a user names the value at ``path``: ``'required'``, ``item 2 of 'implementations'``."""
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        owner = path[-2] if len(path) > 1 else "list"
        return {"contracts": f"contract #{last + 1}", "parameters": f"parameter entry {last + 1}", "methods": f"method entry {last + 1}", "attributes": f"attribute entry {last + 1}"}.get(
            str(owner), f"item {last + 1} of '{owner}'"
        )
    return f"'{last}'"


def _hint(word: Any, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6) if isinstance(word, str) else []
    return f" (did you mean '{close[0]}'?)" if close else ""


def _schema_problems(error: Any, data: Any) -> Iterator[tuple[list, Any, str]]:
    """(path of the offending value, key whose key node to point at or None, message) for
    one jsonschema error; ``anyOf`` errors are replaced by those of the branch matching the
    value's type, so a typo inside a parameter entry is reported as itself."""
    path = list(error.absolute_path)
    validator = error.validator
    instance = error.instance
    if validator in ("anyOf", "oneOf"):
        branches: dict[Any, list] = {}
        for sub in error.context or ():
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [
            subs for subs in branches.values()
            if not any(s.validator == "type" and list(s.absolute_path) == path for s in subs)
        ]
        if len(fitting) == 1:
            for sub in fitting[0]:
                yield from _schema_problems(sub, data)
            return
        what = {"parameters": "a parameter name or a mapping with 'name'", "attributes": "an attribute name or a mapping with 'name'"}.get(
            str(path[-2]) if len(path) > 1 else "", "valid"
        )
        yield path, None, f"{_field(path)} must be {what}{_context(data, path[:-1])} (got {_short(instance)})"
        return
    if validator == "additionalProperties":
        allowed = sorted((error.schema or {}).get("properties", {}))
        for key in instance if isinstance(instance, dict) else ():
            if key not in allowed:
                yield path, key, f"unknown key {_quote(key)}{_context(data, path)}{_hint(key, allowed)}"
        return
    if validator == "required":
        for key in error.validator_value:
            if isinstance(instance, dict) and key not in instance:
                extra = {"version": " (must be 1)", "contracts": " (must be a list; 'contracts: []' for none)"}.get(key, "") if not path else ""
                yield path, None, f"missing required key '{key}'{_context(data, path)}{extra}"
        return
    if path == ["version"] and validator in ("const", "type"):
        yield path, None, _version_message(instance)
        return
    if validator == "not" and error.validator_value == {"const": "self"} and "parameters" in path:
        # SPEC §2: parameters are listed in positional order and `self` is never listed
        container = path[: len(path) - 1 - path[::-1].index("parameters")]
        entity = _entity(data, container) or "a contract"
        yield path, None, f"'self' must not be listed in the parameters of {entity} (self is never listed; parameters start after it)"
        return
    key = path[-1] if path else None
    context = _context(data, path[:-1])
    if validator == "not" and "then" in error.relative_schema_path and isinstance(key, str):
        kind = _get(data, path[:-1] + ["kind"])
        other = "protocol" if key in _PROTOCOL_ONLY else "callable"
        entity = _entity(data, path[:-1]) or "contract"
        yield path[:-1], key, f"key '{key}' is not allowed in {kind} {entity} (only in {other} contracts)"
        return
    if validator == "type":
        if not path:
            yield path, None, "a contract file is a mapping with 'version: 1' and 'contracts'"
            return
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        hint = "; write 'contracts: []' for none" if path == ["contracts"] and instance is None else ""
        if key in _VERSION_KEYS and isinstance(instance, (int, float)) and not isinstance(instance, bool):
            # not coerced: 1.10 has already become 1.1 by the time the loader sees it
            hint = f"; quote the version: {key}: \"{instance}\" (YAML reads an unquoted 1.10 as the number 1.1)"
        yield path, None, f"{_field(path)} must be {words}{context} (got {_short(instance)}){hint}"
        return
    if validator == "const":
        yield path, None, f"{_field(path)} must be {json.dumps(error.validator_value)}{context}"
        return
    if validator == "enum":
        choices = [str(v) for v in error.validator_value]
        yield path, None, f"{_field(path)} must be one of {', '.join(choices)}{context} (got {_short(instance)}){_hint(instance, choices)}"
        return
    if validator == "pattern":
        if key in _VERSION_KEYS:
            what = "a release number such as \"1.2\" or \"2.0.0\""
        elif key == "package":
            what = "a distribution name such as scikit-learn"
        else:
            what = "a dotted Python path such as pkg.module.Name" if "\\." in str(error.validator_value) else "a Python identifier"
        yield path, None, f"{_field(path)} must be {what}{context} (got {_short(instance)})"
        return
    if validator == "minLength":
        yield path, None, f"{_field(path)} must not be empty{context}"
        return
    yield path, None, f"{_field(path)} is invalid{context} ({validator})"


def _version_message(value: Any) -> str:
    """The message for a ``version`` other than the integer 1 (SPEC §2): an int says only
    which version is supported; anything else (``1.0``, ``"1"``, ``true``) that it must be
    the integer."""
    wanted = "1" if isinstance(value, int) and not isinstance(value, bool) else "the integer 1"
    return f"unsupported version {_short(value)} (must be {wanted})"


def _version_errors(document: _Document, path: str) -> list[ContractFileError]:
    """A ``version`` written as a float (``1.0``): JSON Schema compares numbers by value, so
    the schema's ``const: 1`` and ``type: integer`` accept it, but SPEC §2 says ``version: 1``.
    Reported at the value, with the message the schema's errors get (so never twice)."""
    version = document.data.get("version") if isinstance(document.data, dict) else None
    if not isinstance(version, float):
        return []
    node = _value_node(document.root, "version")
    return [_error_at(path, node.start_mark, _version_message(version))] if node is not None else []


def _schema_errors(document: _Document, path: str) -> list[ContractFileError]:
    """CL900 errors of the schema, each at its node (the key's node for unknown or
    misplaced keys); at most :data:`MAX_ERRORS`, then one saying more were left out."""
    errors: dict[ContractFileError, None] = {}  # ordered, and without repeats: jsonschema
    # reports ``required`` once per missing key, each error naming them all
    for error in _validator().iter_errors(document.data):
        for err_path, key, message in _schema_problems(error, document.data):
            node = _node_at(document.root, err_path)
            if key is not None:
                pair = _pair(node, key)
                node = pair[0] if pair else node
            elif _is_empty(node) and err_path and isinstance(err_path[-1], str):
                # `contracts:` with nothing after it: the empty value's mark is the end of
                # the line, so point at the key the user wrote instead
                pair = _pair(_node_at(document.root, err_path[:-1]), err_path[-1])
                node = pair[0] if pair else node
            found = _error_at(path, node.start_mark, message)
            if found in errors:
                continue
            if len(errors) == MAX_ERRORS:
                errors[_error_at(path, node.start_mark, f"more than {MAX_ERRORS} errors in this file; only the first are shown")] = None
                return list(errors)
            errors[found] = None
    return list(errors)


# -- building the model ----------------------------------------------------------------


def _value_node(mapping: Any, key: str) -> Any:
    pair = _pair(mapping, key)
    return pair[1] if pair else None


def _items(node: Any) -> list:
    value = getattr(node, "value", None)
    return value if isinstance(value, list) else []


def _default_text(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _parameter(item: Any, node: Any, path: str) -> Parameter:
    if isinstance(item, str):
        return Parameter(item, mark=_mark(path, node))
    return Parameter(
        name=item["name"],
        required=item.get("required", False),
        type=item.get("type"),
        default=_default_text(item["default"]) if "default" in item else None,
        doc=item.get("doc"),
        deprecated_names=tuple(item.get("deprecated_names") or ()),
        removed_names=tuple(item.get("removed_names") or ()),
        kind=item.get("kind", "positional_or_keyword"),
        mark=_mark(path, node),
        since=item.get("since"),
        deprecated_in=item.get("deprecated_in"),
        removed_in=item.get("removed_in"),
    )


def _parameters(items: list | None, node: Any, path: str) -> tuple[Parameter, ...]:
    return tuple(_parameter(item, n, path) for item, n in zip(items or (), _items(node)))


def _contract(item: dict, node: Any, path: str) -> Contract:
    target_node = _value_node(node, "target")
    if item["kind"] == "protocol":
        methods = tuple(
            Method(
                name=m["name"],
                parameters=_parameters(m.get("parameters"), _value_node(m_node, "parameters"), path),
                returns=m.get("returns"),
                is_async=m.get("async", False),
                doc=m.get("doc"),
                mark=_mark(path, m_node),
            )
            for m, m_node in zip(item.get("methods") or (), _items(_value_node(node, "methods")))
        )
        implementations = tuple(item.get("implementations") or ())
        attributes = tuple(
            AttributeSpec(a, mark=_mark(path, a_node)) if isinstance(a, str) else AttributeSpec(
                name=a["name"], type=a.get("type"), optional=a.get("optional", False), doc=a.get("doc"), mark=_mark(path, a_node)
            )
            for a, a_node in zip(item.get("attributes") or (), _items(_value_node(node, "attributes")))
        )
        return ProtocolContract(
            name=item["name"],
            target=item["target"],
            methods=methods,
            implementations=implementations,
            doc=item.get("doc"),
            mark=_mark(path, node),
            target_mark=_mark(path, target_node),
            implementation_marks=tuple(_mark(path, n) for n in _items(_value_node(node, "implementations"))),
            attributes=attributes,
            aliases=tuple(item.get("aliases") or ()),
            package=item.get("package"),
        )
    forwards_node = _value_node(node, "forwards_to")
    return CallableContract(
        name=item["name"],
        target=item["target"],
        parameters=_parameters(item.get("parameters"), _value_node(node, "parameters"), path),
        doc=item.get("doc"),
        match=item.get("match", "qualified"),
        var_positional=item.get("var_positional", False),
        var_keyword=item.get("var_keyword", False),
        forwards_to=item.get("forwards_to"),
        mark=_mark(path, node),
        target_mark=_mark(path, target_node),
        forwards_to_mark=_mark(path, forwards_node) if item.get("forwards_to") else None,
        aliases=tuple(item.get("aliases") or ()),
        package=item.get("package"),
        partial=item.get("partial", False),
    )


def _parameter_list_errors(params_node: Any, owner: str, path: str) -> list[ContractFileError]:
    """A parameter name listed twice, an old name that is also a parameter, and an old name
    listed on two parameters (or twice on one), in one parameter list (SPEC §2)."""
    import yaml

    errors: list[ContractFileError] = []
    names: dict[str, Any] = {}
    entries: list[tuple[str, Any]] = []  # (canonical name, parameter item node)
    for entry in _items(params_node):
        name_node = entry if isinstance(entry, yaml.ScalarNode) else _value_node(entry, "name")
        name = name_node.value
        if name in names:
            line = names[name].start_mark.line + 1
            errors.append(_error_at(path, name_node.start_mark, f"parameter '{name}' is listed twice in {owner} (first on line {line})"))
        else:
            names[name] = name_node
        entries.append((name, entry))
    old_owner: dict[str, str] = {}
    for name, entry in entries:
        for key in ("deprecated_names", "removed_names"):
            for old_node in _items(_value_node(entry, key)):
                old = old_node.value
                if old in names:
                    errors.append(_error_at(path, old_node.start_mark, f"'{old}' is both a parameter and an old name of parameter '{name}' in {owner}"))
                elif old in old_owner:
                    first = old_owner[old]
                    where = f"parameters '{first}' and '{name}'" if first != name else f"parameter '{name}' twice"
                    errors.append(_error_at(path, old_node.start_mark, f"old name '{old}' is listed for {where} in {owner}"))
                else:
                    old_owner[old] = name
    return errors


def _alias_errors(contract: Contract, node: Any, path: str) -> list[ContractFileError]:
    """An alias listed twice, or equal to the target (SPEC §2 ``aliases``)."""
    errors: list[ContractFileError] = []
    seen = {contract.target: "the target"}
    for alias_node in _items(_value_node(node, "aliases")):
        alias = alias_node.value
        if alias in seen:
            what = "is the target itself" if seen[alias] == "the target" else f"is listed twice (first on line {seen[alias]})"
            errors.append(_error_at(path, alias_node.start_mark, f"alias {_quote(alias)} of contract {_quote(contract.name)} {what}"))
        else:
            seen[alias] = str(alias_node.start_mark.line + 1)
    return errors


def _name_errors(contract: Contract, node: Any, path: str) -> list[ContractFileError]:
    owner = f"contract '{contract.name}'"
    if isinstance(contract, CallableContract):
        return _alias_errors(contract, node, path) + _parameter_list_errors(_value_node(node, "parameters"), owner, path)
    errors: list[ContractFileError] = _alias_errors(contract, node, path)
    seen: dict[str, int] = {}
    for m_node in _items(_value_node(node, "methods")):
        name_node = _value_node(m_node, "name")
        if name_node.value in seen:
            errors.append(_error_at(path, name_node.start_mark, f"method '{name_node.value}' is listed twice in {owner} (first on line {seen[name_node.value]})"))
        else:
            seen[name_node.value] = name_node.start_mark.line + 1
        errors.extend(_parameter_list_errors(_value_node(m_node, "parameters"), f"method '{name_node.value}' of {owner}", path))
    import yaml

    attributes: dict[str, int] = {}
    for a_node in _items(_value_node(node, "attributes")):
        name_node = a_node if isinstance(a_node, yaml.ScalarNode) else _value_node(a_node, "name")
        name = name_node.value
        if name in attributes:
            errors.append(_error_at(path, name_node.start_mark, f"attribute '{name}' is listed twice in {owner} (first on line {attributes[name]})"))
        elif name in seen:
            errors.append(_error_at(path, name_node.start_mark, f"'{name}' is both a method and an attribute in {owner}"))
        else:
            attributes[name] = name_node.start_mark.line + 1
    return errors


# -- one file --------------------------------------------------------------------------


@dataclass
class _Parsed:
    contracts: list[Contract]
    errors: list[ContractFileError]
    #: names of the file's contracts (callable or not) even when it has errors, so that
    #: other files' ``forwards_to`` to them are not reported as dangling on top.
    declared: set[str] = field(default_factory=set)


def _parse(text: str, path: str, verdicts=None) -> _Parsed:
    if len(text) > MAX_BYTES:
        return _Parsed([], [ContractFileError(path, 1, 1, f"contract file is larger than {MAX_BYTES // 1_000_000} MB; refusing to load it")])
    document = _compose(text, path)
    if document.errors:
        return _Parsed([], document.errors)
    if document.root is None or _is_empty(document.root):  # empty, only comments, or only `---`
        # SPEC §2: `version` and `contracts` are required; an empty file is a mistake (a
        # file created but not yet written), not a file with no contracts
        return _Parsed([], [ContractFileError(path, 1, 1, "contract file is empty: it needs 'version: 1' and 'contracts:' (a list; 'contracts: []' for none)")])
    errors = [
        _error_at(path, again.start_mark, f"duplicate key {_quote(again.value)} (first on line {first.start_mark.line + 1})")
        for first, again in document.duplicates
    ]
    # a text that passed the schema before passes it again (registry/verdicts.py)
    known_valid = verdicts is not None and verdicts.passed(text)
    schema_errors = [] if known_valid else _schema_errors(document, path)
    if verdicts is not None and not schema_errors and not known_valid:
        verdicts.record(text)
    errors += schema_errors
    errors += _version_errors(document, path)
    items = document.data.get("contracts") if isinstance(document.data, dict) else None
    declared = {c["name"] for c in items or () if isinstance(c, dict) and isinstance(c.get("name"), str)} if isinstance(items, list) else set()
    if errors:
        return _Parsed([], _sorted(errors), declared)
    contracts: list[Contract] = []
    for item, node in zip(items or (), _items(_value_node(document.root, "contracts"))):
        contract = _contract(item, node, path)
        errors.extend(_name_errors(contract, node, path))
        contracts.append(contract)
    if errors:
        return _Parsed([], _sorted(errors), declared)
    return _Parsed(contracts, [], declared)


def _sorted(errors: list[ContractFileError]) -> list[ContractFileError]:
    return sorted(set(errors), key=lambda e: (e.line, e.column, e.message))


def parse_contract_text(text: str, path: str) -> tuple[list[Contract], list[ContractFileError]]:
    """The contracts of one contract file (SPEC §2), given its ``text``; ``path`` is only
    used in marks and errors.

    Every contract, parameter and method carries a 1-based :class:`SourceMark` (``mark``:
    the list item; ``target_mark``, ``forwards_to_mark``, ``implementation_marks``: the
    values). When the file is invalid the result is no contracts and every CL900 error
    found (YAML syntax, unknown keys, wrong types, missing keys, bad enum values, a
    ``version`` other than the integer 1, a ``contracts`` that is not a list, ``self`` listed
    as a parameter, duplicate keys, names listed twice, a name that is both a parameter and
    an old name), sorted by position: a half-read file would mislead. An empty file (or one
    of only comments) is an error at 1:1; ``contracts: []`` yields nothing. Never raises
    for any input text.
    """
    parsed = _parse(text, path)
    return parsed.contracts, parsed.errors


# -- the registry ----------------------------------------------------------------------


def load_registry(paths: list[Path], overlays: dict[str, str] | None = None, verdicts=None) -> Registry:
    """The registry of every contract file under ``paths`` (files or folders; SPEC §1, §2).

    ``overlays`` maps absolute paths of contract files open in an editor to their unsaved
    text, read instead of the disk. Errors (CL900, 1-based) cover missing paths, files
    that can't be read or decoded (at 1:1), each file's own errors (that file then
    contributes no contracts), and across files: a duplicate contract ``name`` (at the
    second one, naming the first's file and line) and a ``forwards_to`` naming no callable
    contract. ``Registry.files`` lists the files read, as found. ``verdicts`` (a
    :class:`~contract_lsp.registry.verdicts.SchemaVerdicts`) skips the JSON Schema for texts
    that passed it before, and learns those that pass now. Never raises.
    """
    files, errors = find_contract_files(paths)
    overlays = overlays or {}
    contracts: list[Contract] = []
    read: list[str] = []
    declared: set[str] = set()
    for file in files:
        name = str(file)
        text = overlays.get(os.path.abspath(name))
        if text is None:
            text, error = read_contract_file(file)
            if error is not None:
                errors.append(error)
                continue
            if text is None:
                continue
        read.append(name)
        parsed = _parse(text, name, verdicts)
        contracts.extend(parsed.contracts)
        errors.extend(parsed.errors)
        declared |= parsed.declared
    errors.extend(cross_file_errors(contracts, unchecked=declared - {c.name for c in contracts}))
    return Registry(contracts, errors, read)


def cross_file_errors(contracts: list[Contract], unchecked: set[str] = frozenset()) -> list[ContractFileError]:
    """Registry-wide CL900 errors (SPEC §2): a duplicate contract name, reported at the
    second contract and naming the first's place; a ``forwards_to`` naming no callable
    contract, reported at its value. ``unchecked`` are names declared in files that failed
    to load: a ``forwards_to`` to one of them is not reported again."""
    errors: list[ContractFileError] = []
    first: dict[str, Contract] = {}
    for contract in contracts:
        mark = contract.mark or SourceMark("", 1)
        other = first.setdefault(contract.name, contract)
        if other is not contract:
            where = ""
            if other.mark is not None:
                where = f" (first defined on line {other.mark.line})" if other.mark.path == mark.path else f" (first defined at {other.mark.path}:{other.mark.line})"
            errors.append(ContractFileError(mark.path, mark.line, mark.column, f"duplicate contract name {_quote(contract.name)}{where}"))
    callables = sorted(c.name for c in first.values() if isinstance(c, CallableContract))
    for contract in contracts:
        if not isinstance(contract, CallableContract) or not contract.forwards_to:
            continue
        wanted = contract.forwards_to
        if wanted in callables or wanted in unchecked:
            continue
        mark = contract.forwards_to_mark or contract.mark or SourceMark("", 1)
        if wanted in first:
            message = f"forwards_to {_quote(wanted)} names a protocol contract; it must name a callable contract"
        else:
            message = f"forwards_to {_quote(wanted)} names no callable contract{_hint(wanted, callables)}"
        errors.append(ContractFileError(mark.path, mark.line, mark.column, message))
    return errors
