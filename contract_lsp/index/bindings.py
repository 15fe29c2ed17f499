"""What each name of one scope is bound to: imports, definitions, instances, or other values.

Used for the module scope (re-exports, class bases) and for function scopes (function-local
imports, locals that shadow an import, ``ctx = UserExecutionContext(...)``). Nested function
and class bodies are scopes of their own and are not entered here.

Rules (SPEC §3.1): a name bound to something else (a local variable, another class of the
same name) never matches a contract; a name imported in a ``try:`` body and rebound in its
``except ImportError:`` handler resolves to the import.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable, Literal

from .statements import statement_blocks

BindingKind = Literal["import", "def", "class", "instance", "opaque"]

_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


@dataclass(frozen=True)
class Binding:
    """One binding of a name. ``target`` is a dotted path for ``import`` (what was imported),
    ``def``/``class`` (the qualified name defined) and ``instance`` (the *unresolved* dotted
    expression of the class, as written in this scope); None for ``opaque``.
    ``line`` is the 1-based line of the binding statement."""

    kind: BindingKind
    target: str | None
    line: int
    #: bound inside an ``except ImportError`` handler: loses to an import of the same name.
    fallback: bool = False


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain (subscripts stripped: ``Generic[T]`` -> ``Generic``);
    None for anything else."""
    if isinstance(node, ast.Subscript):
        node = node.value
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def annotation_name(node: ast.expr | None) -> str | None:
    """The class named by an annotation: ``Foo``, ``m.Foo``, ``"Foo"``, ``Optional[Foo]``."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Subscript) and dotted_name(node.value) in ("Optional", "typing.Optional"):
        return annotation_name(node.slice)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        # ``Foo | None``
        for side in (node.left, node.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return annotation_name(side)
    return dotted_name(node)


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """Absolute module of ``from {'.' * level}{name} import ...`` written in ``module``."""
    if level == 0:
        return name or ""
    parts = module.split(".") if module else []
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if name:
        parts.append(name)
    return ".".join(parts)


class ScopeBindings:
    """Bindings of one scope, in source order, with star imports noted separately."""

    def __init__(self) -> None:
        self.names: dict[str, list[Binding]] = {}
        self.star_imports: list[str] = []

    def add(self, name: str, binding: Binding) -> None:
        self.names.setdefault(name, []).append(binding)

    def lookup(self, name: str, line: int | None = None) -> Binding | None:
        """The binding of ``name`` in effect at 1-based ``line`` (the last one before it; the
        last one overall when none precedes it, or when ``line`` is None). An ``except
        ImportError`` fallback never wins over an import of the same name."""
        bindings = self.names.get(name)
        if not bindings:
            return None
        if any(b.kind == "import" for b in bindings):
            bindings = [b for b in bindings if not b.fallback] or bindings
        if line is not None:
            before = [b for b in bindings if b.line < line]
            if before:
                return before[-1]
        return bindings[-1]


class _Collector:
    def __init__(self, scope: ScopeBindings, module: str, is_package: bool, qual_prefix: str) -> None:
        self.scope = scope
        self.module = module
        self.is_package = is_package
        self.qual_prefix = qual_prefix

    def statements(self, body: Iterable[ast.stmt], fallback: bool = False) -> None:
        for stmt in body:
            self.statement(stmt, fallback)

    def statement(self, node: ast.stmt, fallback: bool) -> None:
        add = self.scope.add
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    add(alias.asname, Binding("import", alias.name, node.lineno, fallback))
                else:
                    top = alias.name.split(".")[0]
                    add(top, Binding("import", top, node.lineno, fallback))
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(self.module, self.is_package, node.level, node.module)
            for alias in node.names:
                if alias.name == "*":
                    self.scope.star_imports.append(base)
                    continue
                target = f"{base}.{alias.name}" if base else alias.name
                add(alias.asname or alias.name, Binding("import", target, node.lineno, fallback))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node.name, Binding("def", self.qual_prefix + node.name, node.lineno, fallback))
        elif isinstance(node, ast.ClassDef):
            add(node.name, Binding("class", self.qual_prefix + node.name, node.lineno, fallback))
        elif isinstance(node, ast.Assign):
            instance = _instance_of(node.value)
            for target in node.targets:
                self.target(target, node.lineno, fallback, instance)
        elif isinstance(node, ast.AnnAssign):
            cls = annotation_name(node.annotation)
            if isinstance(node.target, ast.Name):
                kind = "instance" if cls else "opaque"
                add(node.target.id, Binding(kind, cls, node.lineno, fallback))
        elif isinstance(node, ast.AugAssign):
            self.target(node.target, node.lineno, fallback, None)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.target(node.target, node.lineno, fallback, None)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars, node.lineno, fallback, None)
        for block, handler in statement_blocks(node):
            if handler is None:
                self.statements(block, fallback)
                continue
            if handler.name:
                self.scope.add(handler.name, Binding("opaque", None, handler.lineno, fallback))
            self.statements(block, fallback or _catches_import_error(handler))

    def target(self, node: ast.expr, line: int, fallback: bool, instance: str | None) -> None:
        if isinstance(node, ast.Name):
            kind = "instance" if instance else "opaque"
            self.scope.add(node.id, Binding(kind, instance, line, fallback))
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                self.target(elt, line, fallback, None)
        elif isinstance(node, ast.Starred):
            self.target(node.value, line, fallback, None)


def _instance_of(value: ast.expr) -> str | None:
    """For ``x = Foo(...)``: ``Foo`` (unresolved; the caller decides whether it is a class)."""
    if isinstance(value, ast.Call):
        return dotted_name(value.func)
    return None


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    types = handler.type
    names = types.elts if isinstance(types, ast.Tuple) else [types] if types is not None else []
    return any((dotted_name(t) or "").rsplit(".", 1)[-1] in _IMPORT_ERRORS for t in names)


def collect_scope(
    body: Iterable[ast.stmt],
    module: str,
    is_package: bool,
    qual_prefix: str = "",
    args: ast.arguments | None = None,
) -> ScopeBindings:
    """Bindings of one scope's statements. ``qual_prefix`` is prepended to names defined here
    to form their qualified names (``"pkg.mod."`` for a module scope). ``args`` are the
    enclosing function's parameters: locals, typed by their annotations when they have one."""
    scope = ScopeBindings()
    if args is not None:
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            cls = annotation_name(arg.annotation) if arg not in (args.vararg, args.kwarg) else None
            scope.add(arg.arg, Binding("instance" if cls else "opaque", cls, 0))
    _Collector(scope, module, is_package, qual_prefix).statements(body)
    return scope
