"""Facts about one module, read from its ``ast``: bindings, classes, functions, signatures.

Facts hold no ``ast`` nodes, so the workspace index can keep thousands of them cheaply.
Lines are 1-based and columns are UTF-8 byte offsets, exactly as ``ast`` gives them; the
rules convert to code points when they make a finding.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Literal

from .bindings import ScopeBindings, annotation_name, collect_scope, dotted_name
from .statements import scope_statements

ParamKind = Literal["positional_only", "positional_or_keyword", "keyword_only"]


@dataclass(frozen=True)
class ParamFact:
    """One parameter of a definition."""

    name: str
    kind: ParamKind
    has_default: bool
    annotation: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class Signature:
    """Parameters of a callable, ``self``/``cls`` already dropped for methods."""

    params: tuple[ParamFact, ...] = ()
    vararg: str | None = None
    kwarg: str | None = None

    def named(self, name: str) -> ParamFact | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class FunctionFacts:
    """A ``def`` / ``async def``: where it is and what it accepts."""

    name: str
    qualname: str
    is_async: bool
    signature: Signature
    decorators: tuple[str, ...]
    line: int  # 1-based line of ``def`` / ``async def``
    def_col: int  # byte column of ``def`` or ``async``
    name_line: int
    name_col: int  # byte column of the name
    end_line: int
    docstring: str | None = None
    #: the body does nothing: only a docstring, ``...``, ``pass`` or ``raise NotImplementedError``
    #: (a Protocol member an explicit subclass must still define).
    is_stub: bool = False
    #: for an ``@overload`` kept because no implementation follows (a Protocol's, a stub's):
    #: the signatures of every overload of the name, in order
    overloads: tuple[Signature, ...] = ()

    @property
    def is_abstract(self) -> bool:
        return any(d.rsplit(".", 1)[-1] in ("abstractmethod", "abstractproperty") for d in self.decorators)

    @property
    def is_static(self) -> bool:
        return any(d.rsplit(".", 1)[-1] == "staticmethod" for d in self.decorators)

    @property
    def is_overload(self) -> bool:
        return any(d.rsplit(".", 1)[-1] == "overload" for d in self.decorators)

    @property
    def is_property(self) -> bool:
        """A ``@property`` (or cached / abstract property) getter, setter or deleter."""
        return any(
            d.rsplit(".", 1)[-1] in ("property", "cached_property", "abstractproperty")
            or d.endswith((".setter", ".getter", ".deleter"))
            for d in self.decorators
        )


@dataclass
class ClassFacts:
    """A ``class``: bases as written (resolved later), methods, class-level names."""

    name: str
    qualname: str
    module: str
    bases: tuple[str, ...]
    keywords: dict[str, str]
    decorators: tuple[str, ...]
    methods: dict[str, FunctionFacts]
    attributes: set[str]
    #: dataclass / NamedTuple / TypedDict fields in order: the generated constructor's parameters.
    fields: tuple[ParamFact, ...]
    line: int
    name_line: int
    name_col: int
    end_line: int
    body_col: int  # byte column of the first statement of the body: the indentation of stubs
    docstring: str | None = None
    #: ``@dataclass(kw_only=True)``
    kw_only: bool = False

    @property
    def is_dataclass(self) -> bool:
        return any(d.rsplit(".", 1)[-1] == "dataclass" for d in self.decorators)

    @property
    def declares_abstract_methods(self) -> bool:
        """An ``@abstractmethod`` (or abstract property) in the class's own body."""
        return any(fn.is_abstract for fn in self.methods.values())

    @property
    def has_abc_metaclass(self) -> bool:
        """``metaclass=ABCMeta`` (or ``abc.ABCMeta``) among the class keywords."""
        return self.keywords.get("metaclass", "").rsplit(".", 1)[-1] == "ABCMeta"


@dataclass
class ModuleFacts:
    """Everything the index knows of one module."""

    module: str
    path: str
    is_package: bool
    bindings: ScopeBindings
    classes: dict[str, ClassFacts] = field(default_factory=dict)  # by qualname below the module
    functions: dict[str, FunctionFacts] = field(default_factory=dict)  # top-level, by name


def _signature(args: ast.arguments, drop_first: bool) -> Signature:
    positional = [*args.posonlyargs, *args.args]
    defaults_from = len(positional) - len(args.defaults)
    params: list[ParamFact] = []
    for i, arg in enumerate(positional):
        if drop_first and i == 0:
            continue
        default = args.defaults[i - defaults_from] if i >= defaults_from else None
        kind: ParamKind = "positional_only" if i < len(args.posonlyargs) else "positional_or_keyword"
        params.append(_param(arg, kind, default))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(_param(arg, "keyword_only", default))
    return Signature(
        tuple(params),
        args.vararg.arg if args.vararg else None,
        args.kwarg.arg if args.kwarg else None,
    )


def _param(arg: ast.arg, kind: ParamKind, default: ast.expr | None) -> ParamFact:
    return ParamFact(
        arg.arg,
        kind,
        default is not None,
        ast.unparse(arg.annotation) if arg.annotation is not None else None,
        ast.unparse(default) if default is not None else None,
    )


def _name_position(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> tuple[int, int]:
    """1-based line and byte column of a definition's name (``ast`` only locates the keyword)."""
    line_no = node.lineno
    line = lines[line_no - 1] if line_no - 1 < len(lines) else ""
    raw = line.encode("utf-8")
    keyword = b"class" if isinstance(node, ast.ClassDef) else b"def"
    start = raw.find(keyword, node.col_offset)
    if start >= 0:
        pos = raw.find(node.name.encode("utf-8"), start + len(keyword))
        if pos >= 0:
            return line_no, pos
    return line_no, node.col_offset


def _decorators(node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    names = []
    for dec in node.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        names.append(dotted_name(target) or "")
    return tuple(names)


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str, in_class: bool, lines: list[str]) -> FunctionFacts:
    decorators = _decorators(node)
    is_static = any(d.rsplit(".", 1)[-1] == "staticmethod" for d in decorators)
    has_first = bool(node.args.posonlyargs or node.args.args)
    name_line, name_col = _name_position(node, lines)
    return FunctionFacts(
        name=node.name,
        qualname=qualname,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        signature=_signature(node.args, drop_first=in_class and not is_static and has_first),
        decorators=decorators,
        line=node.lineno,
        def_col=node.col_offset,
        name_line=name_line,
        name_col=name_col,
        end_line=node.end_lineno or node.lineno,
        docstring=ast.get_docstring(node),
        is_stub=_is_stub(node.body),
    )


def _after_overloads(previous: FunctionFacts | None, fn: FunctionFacts) -> FunctionFacts:
    """``fn`` redefining ``previous``: an overload following overloads keeps their signatures."""
    if previous is not None and previous.is_overload and fn.is_overload:
        return replace(fn, overloads=(previous.overloads or (previous.signature,)) + (fn.signature,))
    return fn


def _is_stub(body: list[ast.stmt]) -> bool:
    """True for a body that only documents: docstring, ``...``, ``pass``, ``raise NotImplementedError``."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and (stmt.value.value is Ellipsis or isinstance(stmt.value.value, str)):
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if (dotted_name(exc) or "").rsplit(".", 1)[-1] == "NotImplementedError":
                continue
        return False
    return True


_FIELD_SKIP = {"ClassVar", "typing.ClassVar"}


def _class_fields(node: ast.ClassDef, decorators: tuple[str, ...], bases: tuple[str, ...]) -> tuple[tuple[ParamFact, ...], bool]:
    """Fields of a dataclass / NamedTuple / TypedDict body, and the dataclass ``kw_only`` flag."""
    is_dataclass = any(d.rsplit(".", 1)[-1] == "dataclass" for d in decorators)
    is_record = any(b.rsplit(".", 1)[-1] in ("NamedTuple", "TypedDict") for b in bases)
    if not (is_dataclass or is_record):
        return (), False
    kw_only = False
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call) and (dotted_name(dec.func) or "").endswith("dataclass"):
            for kw in dec.keywords:
                if kw.arg == "kw_only" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    kw_only = True
    fields: list[ParamFact] = []
    after_kw_only_marker = False
    for stmt in node.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        ann = stmt.annotation
        ann_name = dotted_name(ann.value if isinstance(ann, ast.Subscript) else ann) or ""
        if ann_name in _FIELD_SKIP or ann_name.rsplit(".", 1)[-1] == "ClassVar":
            continue
        if ann_name.rsplit(".", 1)[-1] == "KW_ONLY":
            after_kw_only_marker = True
            continue
        has_default, field_kw_only, init = stmt.value is not None, None, True
        default_text = ast.unparse(stmt.value) if stmt.value is not None else None
        if isinstance(stmt.value, ast.Call) and (dotted_name(stmt.value.func) or "").rsplit(".", 1)[-1] == "field":
            kws = {k.arg: k.value for k in stmt.value.keywords if k.arg}
            has_default = "default" in kws or "default_factory" in kws
            default_text = ast.unparse(kws["default"]) if "default" in kws else None
            if isinstance(kws.get("init"), ast.Constant) and kws["init"].value is False:
                init = False
            if isinstance(kws.get("kw_only"), ast.Constant):
                field_kw_only = bool(kws["kw_only"].value)
        if not init:
            continue
        is_kw = field_kw_only if field_kw_only is not None else (kw_only or after_kw_only_marker)
        if is_record and any(b.rsplit(".", 1)[-1] == "TypedDict" for b in bases):
            is_kw = True  # TypedDict(...) takes keywords only
        fields.append(
            ParamFact(
                stmt.target.id,
                "keyword_only" if is_kw else "positional_or_keyword",
                has_default,
                ast.unparse(ann),
                default_text,
            )
        )
    return tuple(fields), kw_only


def _class(node: ast.ClassDef, qualname: str, module: str, lines: list[str], out: dict[str, ClassFacts], local_prefix: str) -> None:
    methods: dict[str, FunctionFacts] = {}
    attributes: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            method = _function(stmt, f"{qualname}.{stmt.name}", True, lines)
            # ``@x.setter`` / ``@x.deleter`` redefine the name, but the getter is what callers see
            accessor = any(d.endswith((".setter", ".deleter")) for d in method.decorators)
            if not (accessor and stmt.name in methods):
                methods[stmt.name] = _after_overloads(methods.get(stmt.name), method)
        elif isinstance(stmt, ast.ClassDef):
            _class(stmt, f"{qualname}.{stmt.name}", module, lines, out, f"{local_prefix}{node.name}.")
            attributes.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:  # ``__add__, __radd__ = _fallbacks(...)`` binds both
                names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                attributes.update(n.id for n in names if isinstance(n, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            attributes.add(stmt.target.id)
    bases = tuple(b for b in (dotted_name(base) for base in node.bases) if b)
    decorators = _decorators(node)
    fields, kw_only = _class_fields(node, decorators, bases)
    name_line, name_col = _name_position(node, lines)
    first = node.body[0]
    out[local_prefix + node.name] = ClassFacts(
        name=node.name,
        qualname=qualname,
        module=module,
        bases=bases,
        keywords={k.arg: dotted_name(k.value) or "" for k in node.keywords if k.arg},
        decorators=decorators,
        methods=methods,
        attributes=attributes,
        fields=fields,
        line=node.lineno,
        name_line=name_line,
        name_col=name_col,
        end_line=node.end_lineno or node.lineno,
        body_col=first.col_offset,
        docstring=ast.get_docstring(node),
        kw_only=kw_only,
    )


def _walk_definitions(body: list[ast.stmt]):
    """Definitions reachable at module level, including those under if/try/with/match
    blocks (the same statements :mod:`.bindings` binds)."""
    for stmt in scope_statements(body):
        if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            yield stmt


def build_module_facts(tree: ast.Module, module: str, path: str, is_package: bool, lines: list[str]) -> ModuleFacts:
    """Facts of a parsed module. ``lines`` are the source lines (for name positions)."""
    prefix = f"{module}." if module else ""
    facts = ModuleFacts(
        module=module,
        path=path,
        is_package=is_package,
        bindings=collect_scope(tree.body, module, is_package, prefix),
    )
    for node in _walk_definitions(tree.body):
        if isinstance(node, ast.ClassDef):
            if node.name not in facts.classes:
                _class(node, prefix + node.name, module, lines, facts.classes, "")
        elif node.name not in facts.functions or facts.functions[node.name].is_overload:
            # the implementation after ``@overload`` stubs is the signature callers meet
            facts.functions[node.name] = _after_overloads(facts.functions.get(node.name), _function(node, prefix + node.name, False, lines))
    return facts


__all__ = [
    "ClassFacts",
    "FunctionFacts",
    "ModuleFacts",
    "ParamFact",
    "Signature",
    "annotation_name",
    "build_module_facts",
]
