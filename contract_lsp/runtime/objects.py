"""Live objects as the runtime checks see them (SPEC §7): importing a dotted path, where an
object is defined, its signature, whether it is async, and what a class or instance
provides under a name.

Built on :mod:`inspect`: ``inspect.signature`` (which honours ``__signature__``,
``__wrapped__``, ``functools.partial`` and the constructors that dataclasses, attrs and
pydantic generate), ``inspect.getattr_static`` (so that looking a member up runs no
property), and the ``inspect`` async predicates. Positions returned here are 0-based
lines and columns, as :class:`contract_lsp.findings.Finding` holds them.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import linecache
import re
import sys
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..index.facts import Signature


class ImportFailure(Exception):
    """A dotted path that could not be imported; ``str()`` is the reason, one line."""


def import_dotted(dotted: str) -> Any:
    """The object at ``dotted`` (``pkg.mod.Class.method``): its modules imported from the
    first (``pkg``, ``pkg.mod``) until a prefix is no module, then attributes. Raises
    :class:`ImportFailure` saying why not (no such module, a module that raised while
    importing, no such attribute); never anything else for an import that fails
    (``SystemExit`` from a module included)."""
    parts = dotted.split(".")
    module: Any = None
    cut = 0
    not_a_module = None  # the first prefix that is no module
    for cut in range(1, len(parts) + 1):
        name = ".".join(parts[:cut])
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # this prefix is no module (an attribute of the last one, or missing); a module
            # that exists but imports something missing is a failure of its own
            if exc.name == name or (exc.name is not None and name.startswith(exc.name + ".")):
                if module is None:
                    raise ImportFailure(f"No module named '{exc.name}'") from None
                not_a_module = name
                cut -= 1
                break
            raise ImportFailure(f"{type(exc).__name__}: {exc} (while importing {name})") from None
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure of user code is a finding
            raise ImportFailure(f"{type(exc).__name__}: {exc} (while importing {name})") from None
    obj: Any = module
    where = ".".join(parts[:cut])
    for part in parts[cut:]:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            if f"{where}.{part}" == not_a_module and isinstance(obj, types.ModuleType):
                raise ImportFailure(f"No module named '{not_a_module}'") from None
            raise ImportFailure(f"'{where}' has no attribute '{part}'") from None
        except Exception as exc:  # noqa: BLE001 - a module __getattr__ that raised
            raise ImportFailure(f"{type(exc).__name__}: {exc} (getting '{part}' from '{where}')") from None
        where = f"{where}.{part}"
    return obj


def import_class(dotted: str | None) -> type | None:
    """The class a contract's ``type`` text names, or None when it names none that imports
    (``Optional[str]``, a typo, a module not installed). A bare name is looked up in
    ``builtins`` (``str``, ``dict``)."""
    if not dotted or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", dotted.strip()):
        return None
    dotted = dotted.strip()
    if "." not in dotted:
        found = getattr(sys.modules["builtins"], dotted, None)
        return found if isinstance(found, type) else None
    try:
        found = import_dotted(dotted)
    except ImportFailure:
        return None
    return found if isinstance(found, type) else None


# -- where an object is defined ---------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where a definition is: ``path`` (absolute, as ``inspect`` gives it), 0-based ``line``
    and ``column`` of its name, and the name's length."""

    path: str
    line: int = 0
    column: int = 0
    length: int = 0


def _source_file(obj: Any) -> str | None:
    try:
        return inspect.getsourcefile(obj) or inspect.getfile(obj)
    except (TypeError, OSError):
        return None


def _name_in(path: str, first_line: int, keyword: str, name: str) -> tuple[int, int] | None:
    """0-based (line, column) of ``keyword name`` at or below the 1-based ``first_line``
    (decorators come first; 0 when unknown); None when the text is not there."""
    lines = linecache.getlines(path)
    pattern = re.compile(rf"\b{keyword}\s+({re.escape(name)})\b")
    # line 0: unknown, the first definition of that name in the file
    stop = min(first_line + 60, len(lines)) if first_line > 0 else len(lines)
    for number in range(max(first_line - 1, 0), stop):
        found = pattern.search(lines[number])
        if found:
            return number, found.start(1)
    return None


def definition_of(obj: Any) -> Location | None:
    """Where ``obj`` is defined, at its name: a class (or an instance's class), a function
    (through ``functools.wraps`` wrappers to the original), a ``staticmethod`` /
    ``classmethod`` / ``property`` (its function). None for what ``inspect`` cannot place
    (builtins, C extensions, code without source)."""
    obj = unwrap_member(obj)
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    while isinstance(obj, functools.partial):
        obj = obj.func
    if inspect.isfunction(obj):
        try:
            obj = inspect.unwrap(obj)
        except ValueError:  # a __wrapped__ cycle
            pass
    elif not isinstance(obj, type):
        obj = type(obj)  # an instance, a callable object, a builtin: its class
    path = _source_file(obj)
    if path is None:
        return None
    name = getattr(obj, "__name__", "")
    if isinstance(obj, type):
        try:
            first = inspect.findsource(obj)[1] + 1
        except (OSError, TypeError, IndexError):  # a class inside a function, on 3.11
            first = getattr(obj, "__firstlineno__", 0)
        keyword = "class"
    else:
        code = getattr(obj, "__code__", None)
        first = code.co_firstlineno if code is not None else 1
        keyword = "def"
    found = _name_in(path, first, keyword, name) if name else None
    if found is None:
        return Location(path, max(first - 1, 0), 0, 0)
    return Location(path, found[0], found[1], len(name))


# -- members -----------------------------------------------------------------------------

MemberKind = Literal["function", "staticmethod", "classmethod", "property", "value"]


@dataclass(frozen=True)
class Member:
    """What an object provides under a name. ``raw`` is as stored (the descriptor itself for
    class members); ``owner`` the class whose ``__dict__`` holds it (None: the instance's
    own ``__dict__``, a module's, or a dynamic ``__getattr__``). ``kind``: ``function`` (a
    plain method or other binding descriptor), ``staticmethod``, ``classmethod``,
    ``property`` (or another data descriptor: not called to look), ``value``."""

    name: str
    raw: Any
    owner: type | None
    kind: MemberKind


_MISSING = object()


def _is_interface(klass: type, interfaces: tuple[type, ...]) -> bool:
    return klass in interfaces or bool(getattr(klass, "_is_protocol", False))


@functools.lru_cache(maxsize=1)
def _stub_codes() -> frozenset[tuple]:
    """Bytecode of bodies that only document (``...``, ``pass``, a docstring, ``raise
    NotImplementedError``): what a Protocol's or an interface's declarations compile to."""
    raises = ["raise NotImplementedError", "raise NotImplementedError()", "raise NotImplementedError('why')"]
    bodies = ["...", "pass", "'''doc'''", "'''doc'''\n    ...", *raises, *(f"'''doc'''\n    {r}" for r in raises)]
    codes = set()
    for body in bodies:
        for prefix in ("def f(self):", "async def f(self):"):
            space: dict[str, Any] = {}
            exec(compile(f"{prefix}\n    {body}\n", "<stub>", "exec"), space)  # noqa: S102 - our own constant text
            codes.add(_code_key(space["f"].__code__))
    return frozenset(codes)


def _code_key(code: types.CodeType) -> tuple:
    """What a body does: its bytecode, names and constants (strings alike: a docstring or a
    message says nothing about what the body does)."""
    return code.co_code, code.co_names, tuple("<str>" if isinstance(c, str) else c for c in code.co_consts)


def is_stub(func: Any) -> bool:
    """True for a function whose body only documents (see :func:`_stub_codes`), or one
    marked abstract: it provides nothing an implementation could rely on."""
    if getattr(func, "__isabstractmethod__", False):
        return True
    code = getattr(unwrap_member(func), "__code__", None)
    return isinstance(code, types.CodeType) and _code_key(code) in _stub_codes()


def find_member(obj: Any, name: str, interfaces: tuple[type, ...] = (), *, include_stubs: bool = False) -> Member | None:
    """What ``obj`` (a class, an instance or a module) provides as ``name``, without running
    any property: the instance's ``__dict__`` (unless a data descriptor of its class
    overrides it), then each class of the MRO. A class in ``interfaces``, or any
    ``typing.Protocol`` class, provides only what it implements, not its stubs (SPEC §3.2:
    the same rule as the static check); an abstract method provides nothing anywhere. An
    instance whose class defines ``__getattr__`` is asked last. ``include_stubs``: stubs and
    abstract methods count (a protocol's own target declares them). None when nothing
    provides it."""
    if isinstance(obj, types.ModuleType):
        value = obj.__dict__.get(name, _MISSING)
        return Member(name, value, None, "value") if value is not _MISSING else _dynamic(obj, name)
    cls = obj if isinstance(obj, type) else type(obj)
    class_entry: tuple[type, Any] | None = None
    for klass in inspect.getmro(cls):
        raw = klass.__dict__.get(name, _MISSING)
        if raw is _MISSING:
            continue
        if not include_stubs and (getattr(raw, "__isabstractmethod__", False) or (_is_interface(klass, interfaces) and is_stub(raw))):
            continue
        class_entry = (klass, raw)
        break
    if not isinstance(obj, type):
        own = getattr(obj, "__dict__", None)
        data_descriptor = class_entry is not None and hasattr(type(class_entry[1]), "__set__")
        if isinstance(own, dict) and name in own and not data_descriptor:
            return Member(name, own[name], None, "value")
    if class_entry is not None:
        klass, raw = class_entry
        return Member(name, raw, klass, _kind(raw))
    if not isinstance(obj, type):
        return _dynamic(obj, name)
    return None


def _dynamic(obj: Any, name: str) -> Member | None:
    """``obj.name`` through a ``__getattr__`` of the object's class (proxies, lazy modules)."""
    getter = inspect.getattr_static(type(obj), "__getattr__", None) if not isinstance(obj, types.ModuleType) else obj.__dict__.get("__getattr__")
    if getter is None:
        return None
    try:
        value = getattr(obj, name)
    except Exception:  # noqa: BLE001 - whatever __getattr__ raises means "not there"
        return None
    return Member(name, value, None, "value")


def _kind(raw: Any) -> MemberKind:
    if isinstance(raw, staticmethod):
        return "staticmethod"
    if isinstance(raw, classmethod):
        return "classmethod"
    if isinstance(raw, (property, functools.cached_property)) or hasattr(type(raw), "__set__"):
        return "property"
    if hasattr(type(raw), "__get__") and callable(raw):
        return "function"
    return "value"


def unwrap_member(raw: Any) -> Any:
    """The function behind a class member: ``staticmethod`` / ``classmethod`` →
    ``__func__``, ``property`` → ``fget``, ``cached_property`` → ``func``; else ``raw``."""
    if isinstance(raw, (staticmethod, classmethod)):
        return raw.__func__
    if isinstance(raw, property):
        return raw.fget
    if isinstance(raw, functools.cached_property):
        return raw.func
    return raw


def is_callable_member(member: Member) -> bool:
    """Whether the member can be called as a method (properties are not looked into)."""
    if member.kind in ("staticmethod", "classmethod", "function"):
        return True
    if member.kind == "property":
        return False
    return callable(member.raw)


# -- async -----------------------------------------------------------------------------


def is_async(func: Any) -> bool:
    """Whether calling ``func`` gives an awaitable the way an ``async def`` does (SPEC §3.2
    CL102): a coroutine or async generator function, one marked with
    ``inspect.markcoroutinefunction`` (3.12+) or asyncio's old marker, a ``functools.partial``
    of one, or a ``functools.wraps`` wrapper around one (a decorator that passes the
    coroutine through: the wrapper is a plain ``def`` but its callers still await)."""
    func = unwrap_member(func)
    seen = 0
    while func is not None and seen < 100:
        seen += 1
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            return True
        marker = sys.modules.get("asyncio.coroutines")
        if marker is not None and getattr(func, "_is_coroutine", None) is getattr(marker, "_is_coroutine", _MISSING):
            return True
        if isinstance(func, functools.partial):
            func = func.func
        elif isinstance(func, types.MethodType):
            func = func.__func__
        else:
            func = getattr(func, "__wrapped__", None)
    return False


# -- signatures --------------------------------------------------------------------------

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
}


class NoSignature(Exception):
    """``inspect`` cannot read the callable's signature (a builtin or C callable)."""


def to_signature(sig: inspect.Signature) -> Signature:
    """The index's :class:`~contract_lsp.index.facts.Signature` of an ``inspect.Signature``,
    so that the static rules' comparisons apply unchanged."""
    from ..index.facts import ParamFact, Signature  # first check only: ~8 ms of import

    params: list[ParamFact] = []
    vararg = kwarg = None
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            vararg = p.name
        elif p.kind is inspect.Parameter.VAR_KEYWORD:
            kwarg = p.name
        else:
            params.append(ParamFact(p.name, _KINDS[p.kind], p.default is not inspect.Parameter.empty))  # type: ignore[arg-type]
    return Signature(tuple(params), vararg, kwarg)


def _inspect(func: Any) -> inspect.Signature:
    try:
        return inspect.signature(func)
    except (ValueError, TypeError) as exc:
        raise NoSignature(str(exc)) from None


class _Receiver:
    """What ``self`` is bound to when a method's signature is read from a class."""


def member_signature(member: Member) -> Signature:
    """The parameters a call of the member accepts, ``self`` / ``cls`` dropped for methods
    read from a class. Raises :class:`NoSignature` when ``inspect`` cannot read one."""
    raw = member.raw
    if member.kind == "staticmethod":
        return to_signature(_inspect(raw.__func__))
    if member.kind == "classmethod":
        return to_signature(_inspect(types.MethodType(raw.__func__, member.owner)))
    if member.kind == "function" and member.owner is not None:
        # any binding descriptor (functions, C method descriptors): bound to a stand-in,
        # ``inspect`` drops the first parameter as Python would
        return to_signature(_inspect(types.MethodType(raw, _Receiver())))
    return to_signature(_inspect(raw))


def callable_signature(obj: Any) -> Signature:
    """What calling ``obj`` accepts: a function's parameters, a class's constructor (as
    ``inspect.signature`` reads it: ``__signature__``, ``__init__`` / ``__new__``,
    dataclass, attrs and pydantic generated ones), a bound method's without ``self``.
    Raises :class:`NoSignature`."""
    return to_signature(_inspect(obj))


def qualified_name(obj: Any) -> str:
    """``module.QualName`` of a class, function or an instance's class, for messages."""
    target = obj if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)) else type(obj)
    module = getattr(target, "__module__", None)
    name = getattr(target, "__qualname__", getattr(target, "__name__", repr(target)))
    return f"{module}.{name}" if module and module != "builtins" else name
